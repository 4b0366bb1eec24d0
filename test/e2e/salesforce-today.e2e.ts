/*
 * Salesforce as it is today (issue 7), with the real sf CLI against an emulator org in its default state, where new
 * connected apps are blocked: the block is explained and nothing is left half made, External Client Apps still work,
 * an org that guards consumer secrets in the Metadata API gets a clear answer, and a web-server-flow app with a
 * required secret works with the real `sf org login web --client-id`.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { startEmulator } from '../emulator/server.js';
import { describeRun, SfSession, sharedSession, stripAnsi } from './harness.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type CreateResult = { name: string; consumerKey: string; login?: { username: string; method: string } };
type OrgDisplay = { username: string; clientId?: string };

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

describe('Salesforce today: the connected app block, consumer secrets (real sf CLI, emulator)', function () {
  this.timeout(300_000);
  let session: SfSession;
  let emu: Emulator;

  const settings = async (body: Record<string, unknown>): Promise<void> => {
    const res = await fetch(`${emu.instanceUrl}/_emulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).to.equal(200);
  };

  before(async () => {
    session = await sharedSession();
    // The emulator's default: creating connected apps is blocked, as in a current org.
    emu = await startEmulator({ port: 0 });
    await session.loginToEmulator(emu, 'today');
  });
  after(async () => emu?.stop());

  it('with the block on, connected-app create fails clearly, leaves no source file and keeps the key', async () => {
    const project = await session.makeProject('blocked');
    const keys = join(project.dir, 'keys');
    const run = await session.json(['connected-app', 'create', '--name', 'Blocked_App', '-o', 'today', '--output-dir', keys, '--set-default-dev-hub', '--login', 'jwt'], {
      cwd: project.dir,
    });
    expect(run.exitCode, describeRun(run)).to.not.equal(0);
    expect(run.json.name).to.equal('ConnectedAppCreationBlockedError');
    const actions = run.json.actions!.join('\n');
    expect(actions).to.include(join(keys, ''));
    expect(await listFiles(join(project.dir, 'force-app'))).to.deep.equal([]);
    const kept = await listFiles(keys);
    expect(kept.filter((f) => f.endsWith('.key') || f.endsWith('.crt'))).to.have.length(2);
    expect(emu.store.read('ConnectedApp', 'Blocked_App')).to.equal(undefined);

    // The suggested command is no dead end: run as given, it creates the External Client App with the kept key.
    const suggested = /sf (external-client-app create .*)$/m.exec(run.json.actions![0])![1];
    expect(suggested).to.include('--certificate-file').and.not.include('--set-default-dev-hub');
    const retry = await session.json<CreateResult>(suggested.split(' '), { cwd: project.dir });
    expect(retry.json.status, describeRun(retry)).to.equal(0);
    expect(emu.store.read('ExternalClientApplication', 'Blocked_App')).to.not.equal(undefined);
  });

  it('with the block on, external-client-app create --login jwt succeeds', async () => {
    const project = await session.makeProject('eca-today');
    const run = await session.json<CreateResult>(['external-client-app', 'create', '--name', 'Today_Eca', '-o', 'today', '--login', 'jwt'], {
      cwd: project.dir,
    });
    expect(run.json.status, describeRun(run)).to.equal(0);
    expect(run.json.result!.login).to.include({ method: 'jwt', username: emu.username });
    const shown = await session.json<OrgDisplay>(['org', 'display', '-o', 'today']);
    expect(shown.json.result!.clientId).to.equal(run.json.result!.consumerKey);
  });

  it('without consumer secret access in the Metadata API, external-client-app create says what to grant and leaves nothing', async () => {
    // Salesforce recommends keeping "Allow Access to OAuth Consumer Secrets via Metadata API" off (issue 4).
    await settings({ ecaMetadataSecretAccess: false });
    try {
      const project = await session.makeProject('eca-guarded');
      const run = await session.json(['external-client-app', 'create', '--name', 'Guarded_Eca', '-o', 'today'], { cwd: project.dir });
      expect(run.exitCode, describeRun(run)).to.not.equal(0);
      expect(run.json.name).to.equal('GlobalOauthAccessRefusedError');
      const actions = run.json.actions!.join('\n');
      expect(actions).to.include('Allow Access to OAuth Consumer Secrets via Metadata API');
      expect(actions).to.include('View External Client Apps Consumer Secrets in Metadata');
      expect(await listFiles(join(project.dir, 'force-app'))).to.deep.equal([]);
      expect(emu.store.read('ExternalClientApplication', 'Guarded_Eca')).to.equal(undefined);
    } finally {
      await settings({ ecaMetadataSecretAccess: true });
    }
  });

  it('with the block off, connected-app create succeeds', async () => {
    await settings({ allowConnectedAppCreation: true });
    const project = await session.makeProject('allowed');
    const run = await session.json<CreateResult>(['connected-app', 'create', '--name', 'Allowed_App', '-o', 'today'], {
      cwd: project.dir,
    });
    expect(run.json.status, describeRun(run)).to.equal(0);
    expect(emu.store.lookupApp(run.json.result!.consumerKey).state).to.equal('live');
  });

  it('a web-server-flow app with a required secret from --secret-file lets sf org login web --client-id log in', async () => {
    await settings({ allowConnectedAppCreation: true });
    // Its own HOME for the web login: it authorizes the admin, whose auth file the shared session needs as it is.
    const own = await SfSession.create();
    try {
      const project = await session.makeProject('web-secret');
      const secretFile = join(project.dir, 'secret.txt');
      // A normal (non-JSON) run: the secret must not appear in what it prints.
      const run = await session.run(
        [
          'connected-app',
          'create',
          '--name',
          'Web_Secret_App',
          '-o',
          'today',
          '--no-certificate',
          '--require-secret-for-web-server',
          '--secret-file',
          secretFile,
        ],
        { cwd: project.dir }
      );
      expect(run.exitCode, describeRun(run)).to.equal(0);
      const secret = (await readFile(secretFile, 'utf8')).trim();
      expect(secret).to.have.length.greaterThan(7);
      expect((await stat(secretFile)).mode & 0o777).to.equal(0o600);
      expect(stripAnsi(run.stdout + run.stderr)).to.not.include(secret);
      for (const file of await listFiles(join(project.dir, 'force-app'))) {
        // eslint-disable-next-line no-await-in-loop
        expect(await readFile(join(project.dir, 'force-app', file), 'utf8'), file).to.not.include(secret);
      }
      const lookup = emu.store.lookupApp(
        String((emu.store.read('ConnectedApp', 'Web_Secret_App')?.oauthConfig as { consumerKey?: string }).consumerKey)
      );
      expect(lookup.state).to.equal('live');
      if (lookup.state !== 'live') return;
      expect(lookup.app.isConsumerSecretOptional, 'the secret is required').to.equal(false);
      expect(lookup.app.consumerSecret).to.equal(secret);

      // The real CLI asks for the secret; it is given at the prompt through stdin.
      const login = await own.json<OrgDisplay>(
        ['org', 'login', 'web', '--instance-url', emu.instanceUrl, '--client-id', lookup.app.consumerKey, '--alias', 'websecret'],
        { cwd: project.dir, input: `${secret}\n`, timeoutMs: 120_000 }
      );
      expect(login.json.status, `${describeRun(login)}\nbrowser:\n${await own.browserLog()}`).to.equal(0);
      const shown = await own.json<OrgDisplay>(['org', 'display', '-o', 'websecret']);
      expect(shown.json.result).to.include({ username: emu.username, clientId: lookup.app.consumerKey });
    } finally {
      await own.dispose();
    }
  });
});
