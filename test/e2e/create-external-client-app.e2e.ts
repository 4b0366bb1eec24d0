/*
 * `sf external-client-app create` with the real sf CLI against the emulator (issue 4): JWT login, a headless web
 * login that sets the default Dev Hub (with the scratch-org warning), and source files that the real
 * `sf project deploy start` deploys again unchanged.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { startEmulator } from '../emulator/server.js';
import { validateXmlDocument } from '../emulator/metadataSchema.js';
import { describeRun, sharedSession, type SfSession } from './harness.js';
import { expectCreateRequests } from './requestLog.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type CreateResult = {
  name: string;
  consumerKey: string;
  metadataPaths: string[];
  login?: { method: string; username: string; alias?: string };
};
type OrgDisplay = { username: string; clientId?: string };
type DeployJson = { success?: boolean; files?: Array<{ fullName: string; type: string; state: string; filePath?: string }> };

/** The components in the project: the global OAuth settings are deployed, never written (not for source control). */
const SOURCE_TYPES = [
  'ExternalClientApplication',
  'ExtlClntAppOauthSettings',
  'ExtlClntAppOauthConfigurablePolicies',
  'ExtlClntAppConfigurablePolicies',
];

describe('sf external-client-app create (real sf CLI, emulator)', function () {
  this.timeout(300_000);
  let session: SfSession;
  let emu: Emulator;

  before(async () => {
    session = await sharedSession();
    // Default settings: connected apps blocked; External Client Apps are unaffected.
    emu = await startEmulator({ port: 0, liveDelayMs: 1500 });
    await session.loginToEmulator(emu, 'ecaorg');
  });
  after(async () => emu?.stop());

  it('--login jwt authorizes the org; the written files (no global OAuth settings) are schema-valid and deploy again with sf project deploy start, keeping the key', async () => {
    const project = await session.makeProject('ci-eca');
    const run = await session.json<CreateResult>(['external-client-app', 'create', '--name', 'CI_ECA', '-o', 'ecaorg', '--login', 'jwt'], {
      cwd: project.dir,
    });
    expect(run.json.status, describeRun(run)).to.equal(0);
    const result = run.json.result!;
    expect(result.login).to.include({ method: 'jwt', username: emu.username });
    const shown = await session.json<OrgDisplay>(['org', 'display', '-o', 'ecaorg']);
    expect(shown.json.result!.clientId).to.equal(result.consumerKey);

    expect(result.metadataPaths).to.have.length(4);
    expect(emu.store.read('ExtlClntAppGlobalOauthSettings', 'CI_ECA_glbl')).to.not.equal(undefined);
    const types: string[] = [];
    for (const path of result.metadataPaths) {
      // eslint-disable-next-line no-await-in-loop
      const validated = validateXmlDocument(await readFile(path, 'utf8'));
      expect(validated.problems, path).to.deep.equal([]);
      types.push(validated.type);
    }
    expect(types.sort()).to.deep.equal([...SOURCE_TYPES].sort());

    emu.clearRequests();
    const deploy = await session.json<DeployJson>(['project', 'deploy', 'start', '--source-dir', 'force-app', '-o', 'ecaorg'], {
      cwd: project.dir,
    });
    expect(deploy.json.status, describeRun(deploy)).to.equal(0);
    expect(deploy.json.result!.success).to.equal(true);
    const deployed = deploy.json.result!.files!.filter((f) => f.state !== 'Failed');
    expect(deployed.map((f) => f.type).sort()).to.deep.equal([...SOURCE_TYPES].sort());
    expect(emu.requests().map((r) => r.operation)).to.include('deploy');
    // The app still logs in with the same consumer key after the redeploy.
    expect(emu.store.lookupApp(result.consumerKey).state).to.not.equal('unknown');
  });

  it('--login jwt sends at most 7 requests: look-ups, deploy, one status check, one token, the reads sf makes after a login', async () => {
    const project = await session.makeProject('count-eca');
    // Live at once, as the connected app in the same check: the wait has tests of its own.
    emu.store.settings.liveDelayMs = 0;
    try {
      emu.clearRequests();
      const run = await session.json<CreateResult>(['external-client-app', 'create', '--name', 'Count_Eca', '-o', 'ecaorg', '--login', 'jwt'], {
        cwd: project.dir,
      });
      expect(run.json.status, describeRun(run)).to.equal(0);
      expectCreateRequests(emu.requests(), 7, ['deploy', 'checkDeployStatus']);
    } finally {
      emu.store.settings.liveDelayMs = 1500;
    }
  });

  it('--login web --set-default-dev-hub --alias hub authorizes headlessly and warns about scratch orgs', async () => {
    const project = await session.makeProject('hub-eca');
    // The browser logs in as the target org's own user, who has an auth file already.
    const authFile = join(session.home, '.sfdx', `${emu.username}.json`);
    const { ino } = await stat(authFile);
    const run = await session.json<CreateResult>(
      ['external-client-app', 'create', '--name', 'Hub_ECA', '-o', 'ecaorg', '--login', 'web', '--set-default-dev-hub', '--alias', 'hub'],
      { cwd: project.dir, timeoutMs: 150_000 }
    );
    expect(run.json.status, `${describeRun(run)}\nbrowser:\n${await session.browserLog()}`).to.equal(0);
    expect(run.json.result!.login).to.include({ method: 'web', username: emu.username, alias: 'hub' });
    expect(JSON.stringify(run.json.warnings)).to.include('C-1016');
    // Its auth was replaced in one rename (a new file), not rewritten in place, and nothing is left beside it.
    expect((await stat(authFile)).ino).to.not.equal(ino);
    expect((await readdir(dirname(authFile))).filter((name) => name.includes('.swap-'))).to.deep.equal([]);
    // The browser was sent to the org with the new app's client id, and came back to this project's port.
    const browser = await session.browserLog();
    expect(browser).to.include(`client_id=${encodeURIComponent(run.json.result!.consumerKey)}`);
    expect(browser).to.include(`localhost%3A${project.oauthLocalPort}%2FOauthRedirect`);

    const shown = await session.json<OrgDisplay>(['org', 'display', '-o', 'hub']);
    expect(shown.json.status, describeRun(shown)).to.equal(0);
    expect(shown.json.result).to.include({ username: emu.username, clientId: run.json.result!.consumerKey });
    // Like sf org login web, the default goes to the project's config when run inside a project.
    const config = JSON.parse(await readFile(join(project.dir, '.sf', 'config.json'), 'utf8')) as Record<string, unknown>;
    // Core writes the username's first alias (as sf org login web does); both aliases name the admin here.
    expect(config['target-dev-hub']).to.be.oneOf(['hub', 'ecaorg']);
  });
});
