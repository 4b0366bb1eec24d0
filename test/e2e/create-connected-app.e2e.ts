/*
 * `sf connected-app create` with the real sf CLI against the emulator (issue 3): a login chained after a live delay,
 * the written files, a --json result handed to the real `sf org login jwt`, and bad input refused before any write.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { startEmulator } from '../emulator/server.js';
import { validateXmlDocument } from '../emulator/metadataSchema.js';
import { describeRun, sharedSession, stripAnsi, type SfSession } from './harness.js';
import { describeLog, expectCreateRequests, TOKEN_PATH } from './requestLog.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type CreateResult = {
  name: string;
  consumerKey: string;
  privateKeyPath?: string;
  certificatePath?: string;
  metadataPath?: string;
  callbackUrls: string[];
  login?: { username: string; alias?: string; attempts: number; method: string };
};
type OrgDisplay = { username: string; clientId?: string; id: string };

const METADATA_WRITES = /^(create|update|upsert)Metadata$|^deploy$/;

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

describe('sf connected-app create (real sf CLI, emulator)', function () {
  this.timeout(300_000);
  let session: SfSession;
  let emu: Emulator;

  const setLiveDelay = async (liveDelayMs: number): Promise<void> => {
    const res = await fetch(`${emu.instanceUrl}/_emulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ liveDelayMs }),
    });
    expect(res.status).to.equal(200);
  };
  const metadataWrites = (): string[] =>
    emu
      .requests()
      .map((r) => r.operation ?? '')
      .filter((op) => METADATA_WRITES.test(op));

  before(async () => {
    session = await sharedSession();
    emu = await startEmulator({ port: 0, allowConnectedAppCreation: true });
    await session.loginToEmulator(emu, 'emu');
  });
  after(async () => emu?.stop());

  it('--login jwt --alias ci waits until the new app is live, then leaves the org authorized as ci', async () => {
    const liveDelayMs = 4000;
    await setLiveDelay(liveDelayMs);
    const project = await session.makeProject('ci-app');
    emu.clearRequests();
    const run = await session.json<CreateResult>(
      ['connected-app', 'create', '--name', 'CI_App', '-o', 'emu', '--login', 'jwt', '--alias', 'ci'],
      { cwd: project.dir }
    );
    expect(run.json.status, describeRun(run)).to.equal(0);
    const result = run.json.result!;
    expect(result.login).to.include({ method: 'jwt', username: emu.username, alias: 'ci' });
    expect(result.login!.attempts).to.be.greaterThan(1);
    // Quiet under --json: the wait's progress lines go nowhere.
    expect(`${run.stdout}${run.stderr}`).to.not.include('Waiting for the app');

    // The token endpoint refused the new key before the live delay passed and took it afterwards.
    const requests = emu.requests();
    const created = requests.find((r) => r.operation === 'createMetadata')!;
    const jwt = requests.filter((r) => r.path === '/services/oauth2/token' && r.operation?.endsWith('jwt-bearer'));
    const refused = jwt.filter((r) => r.status === 400);
    const accepted = jwt.filter((r) => r.status === 200);
    expect(refused, 'refused before live').to.not.have.length(0);
    expect(accepted, 'accepted once live').to.not.have.length(0);
    const liveAt = Date.parse(created.time) + created.durationMs + liveDelayMs;
    for (const r of refused) expect(Date.parse(r.time)).to.be.lessThan(liveAt);
    expect(Date.parse(accepted[0].time)).to.be.at.least(liveAt - 50);
    expect(emu.store.lookupApp(result.consumerKey).state).to.equal('live');

    const ci = await session.json<OrgDisplay>(['org', 'display', '-o', 'ci']);
    expect(ci.json.status, describeRun(ci)).to.equal(0);
    expect(ci.json.result).to.include({ username: emu.username, clientId: result.consumerKey });
    // The target org's alias names the same user, now authorized through the new app.
    const target = await session.json<OrgDisplay>(['org', 'display', '-o', 'emu']);
    expect(target.json.status, describeRun(target)).to.equal(0);
    expect(target.json.result!.id).to.equal(emu.orgId);

    // Files: schema-valid source in the package directory, a 0600 key outside it.
    expect(result.metadataPath).to.equal(join(project.dir, 'force-app/main/default/connectedApps/CI_App.connectedApp-meta.xml'));
    const validated = validateXmlDocument(await readFile(result.metadataPath!, 'utf8'));
    expect(validated).to.deep.include({ type: 'ConnectedApp', problems: [] });
    expect((await stat(result.privateKeyPath!)).mode & 0o777).to.equal(0o600);
    expect(result.callbackUrls).to.deep.equal([`http://localhost:${project.oauthLocalPort}/OauthRedirect`]);
    await setLiveDelay(0);
  });

  it('--login jwt sends at most 6 requests: look-ups, createMetadata, one token, the reads sf makes after a login', async () => {
    const project = await session.makeProject('count-ca');
    emu.clearRequests();
    const run = await session.json<CreateResult>(['connected-app', 'create', '--name', 'Count_Ca', '-o', 'emu', '--login', 'jwt'], {
      cwd: project.dir,
    });
    expect(run.json.status, describeRun(run)).to.equal(0);
    expectCreateRequests(emu.requests(), 6, ['createMetadata']);
  });

  it('waits for an app that goes live 6 s later: one token request per 2 s, noticed within 5 s, a plain progress line', async () => {
    const liveDelayMs = 6000;
    await setLiveDelay(liveDelayMs);
    try {
      const project = await session.makeProject('live-wait');
      emu.clearRequests();
      // Without --json, with stdout a pipe: the progress is plain lines.
      const run = await session.run(['connected-app', 'create', '--name', 'Live_Wait', '-o', 'emu', '--login', 'jwt', '--alias', 'live'], {
        cwd: project.dir,
      });
      expect(run.exitCode, describeRun(run)).to.equal(0);
      const log = emu.requests();
      const created = log.find((r) => r.operation === 'createMetadata')!;
      const liveAt = Date.parse(created.time) + created.durationMs + liveDelayMs;
      const tokens = log.filter((r) => r.path === TOKEN_PATH);
      expect(tokens.filter((r) => r.status !== 200).length, describeLog(log)).to.be.at.least(2);
      const accepted = tokens.at(-1)!;
      expect(accepted.status).to.equal(200);
      for (let i = 1; i < tokens.length; i++) {
        // 2 s from the org's answer to the next attempt: at the org, never two attempts closer than 2 s.
        expect(Date.parse(tokens[i].time) - Date.parse(tokens[i - 1].time), describeLog(tokens)).to.be.at.least(2000);
      }
      expect(Date.parse(accepted.time) + accepted.durationMs - liveAt, 'noticed after going live (ms)').to.be.at.most(5000);
      // A line at the first refusal, then none for 10 s: the app was live before the next one was due.
      const lines = stripAnsi(run.stdout)
        .split('\n')
        .filter((line) => line.startsWith('Waiting for the app to go live'));
      expect(lines, run.stdout).to.have.length(1);
      expect(lines[0]).to.match(/^Waiting for the app to go live: attempt 1, 0:0\d elapsed, up to \d+:\d\d left; last answer: .+ \(invalid_client_id\)$/);
    } finally {
      await setLiveDelay(0);
    }
  });

  it('a --json result (consumer key, key file) logs in with the real sf org login jwt; a second app never overwrites the key', async () => {
    const project = await session.makeProject('handover');
    const keys = join(project.dir, 'keys');
    // Pre-authorized for the integration user's permission set too, who logs in below: a login as the admin would
    // replace the admin's auth file and drop the emu alias (sf org login jwt removes the old auth and its aliases).
    const run = await session.json<CreateResult>(
      [
        'connected-app',
        'create',
        '-n',
        'Handover_App',
        '-o',
        'emu',
        '--output-dir',
        keys,
        '--profile',
        'System Administrator',
        '--permission-set',
        'CLI_Access',
      ],
      { cwd: project.dir }
    );
    expect(run.json.status, describeRun(run)).to.equal(0);
    const result = run.json.result!;
    expect(result.login).to.equal(undefined);
    const login = await session.loginJwt({
      instanceUrl: emu.instanceUrl,
      username: 'integration@oauthapps.emulator.org',
      clientId: result.consumerKey,
      keyFile: result.privateKeyPath!,
      alias: 'handover',
    });
    expect(login.json.status, describeRun(login)).to.equal(0);
    const shown = await session.json<OrgDisplay>(['org', 'display', '-o', 'handover']);
    expect(shown.json.result).to.include({ clientId: result.consumerKey, username: 'integration@oauthapps.emulator.org' });

    // Same --output-dir, another name: refused before any deploy, the first key untouched.
    const keyBytes = await readFile(result.privateKeyPath!);
    emu.clearRequests();
    const second = await session.json(['connected-app', 'create', '-n', 'Second_App', '-o', 'emu', '--output-dir', keys], {
      cwd: project.dir,
    });
    expect(second.exitCode, describeRun(second)).to.not.equal(0);
    expect(second.json.name).to.equal('KeyFileExistsError');
    expect(metadataWrites()).to.deep.equal([]);
    expect(await readFile(result.privateKeyPath!)).to.deep.equal(keyBytes);
    expect(existsSync(join(project.dir, 'force-app/main/default/connectedApps/Second_App.connectedApp-meta.xml'))).to.equal(false);
  });

  describe('bad input fails before anything is written or deployed', () => {
    const cases: Array<{ title: string; args: (dir: string) => Promise<string[]>; name: RegExp; appName?: string }> = [
      { title: 'unknown scope', args: async () => ['--scopes', 'api,warp_drive'], name: /Scope/ },
      { title: 'malformed callback URL', args: async () => ['--callback-url', 'http//broken'], name: /CallbackUrl/ },
      {
        title: 'non-PEM certificate',
        args: async (dir): Promise<string[]> => {
          await writeFile(join(dir, 'plain.crt'), 'not a certificate\n');
          return ['--certificate-file', join(dir, 'plain.crt'), '--jwt-key-file', join(dir, 'plain.key')];
        },
        name: /CertificateNotPem/,
      },
      { title: 'unknown profile', args: async () => ['--profile', 'No Such Profile'], name: /UnknownProfiles/ },
      { title: 'unknown permission set', args: async () => ['--permission-set', 'No_Such_Set'], name: /UnknownPermissionSets/ },
      { title: 'existing app name', args: async () => [], name: /AppExists/, appName: 'Emulator_Bootstrap' },
    ];
    for (const testCase of cases) {
      it(testCase.title, async () => {
        const project = await session.makeProject('bad-input');
        const extra = await testCase.args(project.dir);
        const before = await listFiles(project.dir);
        const appBefore = testCase.appName ? emu.store.read('ConnectedApp', testCase.appName) : undefined;
        emu.clearRequests();
        const run = await session.json(['connected-app', 'create', '-n', testCase.appName ?? 'Bad_Input', '-o', 'emu', ...extra], { cwd: project.dir });
        expect(run.exitCode, describeRun(run)).to.not.equal(0);
        expect(run.json.name, describeRun(run)).to.match(testCase.name);
        expect(run.json.actions, 'actions say what to do').to.be.an('array').that.is.not.empty;
        if (testCase.name.source === 'AppExists') expect(run.json.actions!.join('\n')).to.match(/update/i);
        expect(await listFiles(project.dir)).to.deep.equal(before);
        // An existing connected app is told by its refused createMetadata, which changes nothing
        // (docs/salesforce-facts.md#f-md-create-new-only); every other input is refused before any write.
        expect(metadataWrites()).to.deep.equal(testCase.name.source === 'AppExists' ? ['createMetadata'] : []);
        if (testCase.appName) expect(emu.store.read('ConnectedApp', testCase.appName)).to.deep.equal(appBefore);
      });
    }
  });
});
