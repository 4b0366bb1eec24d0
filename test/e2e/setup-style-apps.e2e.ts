/*
 * An External Client App the plugin did not make, with the real sf CLI against the emulator: deployed with
 * `sf project deploy start` from Setup-style source files (`<App>GlblOAuth`, `<App>Settings`,
 * `<App>Settings_defaultPolicy`, elements the plugin does not model, no ExtlClntAppConfigurablePolicies; see
 * docs/salesforce-facts.md#f-eca-setup-names), then listed, displayed with its real callback URL and scopes, updated
 * with nothing lost in the org or the files, and deleted with every component that references it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { startEmulator } from '../emulator/server.js';
import { fixtureKeyPair, setupStyleEca, setupStyleNames, sourceFiles } from '../emulator/setupStyleApps.js';
import { parseSourceXml } from '../../src/metadata/xml.js';
import { describeRun, sharedSession, type SfSession, type TestProject } from './harness.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type Loose = Record<string, unknown>;
type ListResult = { apps: Array<{ name: string; oauthEnabled?: boolean; jwtEnabled?: boolean; certificateExpires?: string }> };
type DisplayResult = Loose & { callbackUrls?: string[]; scopes?: string[]; sessionTimeoutMinutes?: number; unknownSettings?: string[] };
type UpdateResult = {
  deployed: boolean;
  changes: Array<{ setting: string }>;
  components: Array<{ type: string; fullName: string; elements: string[] }>;
  sourceFiles: string[];
};
type DeleteResult = { deletedComponents: Array<{ type: string; fullName: string }>; deletedSourceFiles: string[] };

const APP = 'Setup_Made_E2e';
const TOPIC = 'external-client-app';
const SATELLITES = ['ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthSettings', 'ExtlClntAppOauthConfigurablePolicies', 'ExtlClntAppConfigurablePolicies'];

describe('An External Client App made in Setup, with the real sf CLI: list, display, update, delete', function () {
  this.timeout(300_000);
  let session: SfSession;
  let emu: Emulator;
  let project: TestProject;
  /** Project files by metadata type. */
  const files: Record<string, string> = {};

  /** The org's components that reference the app (and its header), by type. */
  const orgState = (): Record<string, { fullName: string; content: Loose }> =>
    Object.fromEntries(
      ['ExternalClientApplication', ...SATELLITES].flatMap((type) =>
        emu.store
          .list(type)
          .map((c) => ({ fullName: c.fullName, content: emu.store.read(type, c.fullName)! }))
          .filter(({ fullName, content }) => (type === 'ExternalClientApplication' ? fullName === APP : content.externalClientApplication === APP))
          .map((c) => [type, c])
      )
    );

  before(async () => {
    session = await sharedSession();
    emu = await startEmulator({ port: 0 });
    await session.loginToEmulator(emu, 'setup-made');

    project = await session.makeProject('setup-made');
    const components = setupStyleEca({
      name: APP,
      certificatePem: fixtureKeyPair('setup-made-e2e').certificatePem,
      callbackUrls: ['https://setup.example.com/oauth/callback'],
      scopes: 'Api, Web, RefreshToken, OpenID',
    });
    for (const [path, xml] of Object.entries(sourceFiles(components))) {
      files[components.find((c) => path.includes(`/${c.fullName}.`))!.type] = await project.write(path, xml);
    }
    const deployed = await session.json(['project', 'deploy', 'start', '--source-dir', 'force-app', '-o', 'setup-made'], { cwd: project.dir });
    expect(deployed.json.status, describeRun(deployed)).to.equal(0);
  });

  after(async () => {
    await emu?.stop();
  });

  it('list shows it with OAuth and JWT enabled and its certificate expiry', async () => {
    const run = await session.json<ListResult>([TOPIC, 'list', '-o', 'setup-made'], { cwd: project.dir });
    expect(run.json.status, describeRun(run)).to.equal(0);
    const app = run.json.result!.apps.find((a) => a.name === APP);
    expect(app, describeRun(run)).to.include({ oauthEnabled: true, jwtEnabled: true });
    expect(app!.certificateExpires).to.be.a('string');
  });

  it('display shows its real callback URL, scopes and policies, without a warning', async () => {
    const run = await session.json<DisplayResult>([TOPIC, 'display', '--name', APP, '-o', 'setup-made'], { cwd: project.dir });
    expect(run.json.status, describeRun(run)).to.equal(0);
    expect(run.json.result).to.deep.include({
      callbackUrls: ['https://setup.example.com/oauth/callback'],
      scopes: ['api', 'web', 'refresh_token', 'openid'],
      permittedUsers: 'admin-approved',
      profiles: ['System Administrator'],
      sessionTimeoutMinutes: 15,
    });
    expect(run.json.result).to.not.have.property('unknownSettings');
    expect(run.json.warnings ?? []).to.deep.equal([]);
  });

  it('update --add-callback-url --session-timeout changes those two elements; names and every other element stay, in org and files', async () => {
    const orgBefore = orgState();
    const filesBefore = Object.fromEntries(await Promise.all(Object.entries(files).map(async ([type, file]) => [type, await readFile(file, 'utf8')])));
    const run = await session.json<UpdateResult>(
      [TOPIC, 'update', '--name', APP, '-o', 'setup-made', '--add-callback-url', 'https://ci.example.com/callback', '--session-timeout', '30'],
      { cwd: project.dir }
    );
    expect(run.json.status, describeRun(run)).to.equal(0);
    const names = setupStyleNames(APP);
    expect(run.json.result!.components).to.deep.equal([
      { type: 'ExtlClntAppGlobalOauthSettings', fullName: names.globalOauth, elements: ['callbackUrl'] },
      { type: 'ExtlClntAppOauthConfigurablePolicies', fullName: names.oauthPolicies, elements: ['sessionTimeoutInMinutes'] },
    ]);
    const callbackUrl = 'https://setup.example.com/oauth/callback\nhttps://ci.example.com/callback';

    const expected = structuredClone(orgBefore);
    expected.ExtlClntAppGlobalOauthSettings.content.callbackUrl = callbackUrl;
    expected.ExtlClntAppOauthConfigurablePolicies.content.sessionTimeoutInMinutes = 30;
    const orgAfter = orgState();
    expect(orgAfter).to.deep.equal(expected);
    expect(orgAfter.ExtlClntAppOauthConfigurablePolicies.content).to.include({ isGuestCodeCredFlowEnabled: false, requiredSessionLevel: 'STANDARD' });
    expect(orgAfter.ExtlClntAppOauthSettings.content).to.include({ isFirstPartyAppEnabled: false });

    expect(run.json.result!.sourceFiles.sort()).to.deep.equal([files.ExtlClntAppGlobalOauthSettings, files.ExtlClntAppOauthConfigurablePolicies].sort());
    for (const [type, file] of Object.entries(files)) {
      const now = await readFile(file, 'utf8');
      if (!run.json.result!.sourceFiles.includes(file)) {
        expect(now, type).to.equal(filesBefore[type]);
        continue;
      }
      const [before, after] = [parseSourceXml(filesBefore[type]).content, parseSourceXml(now).content];
      const change = type === 'ExtlClntAppGlobalOauthSettings' ? { callbackUrl } : { sessionTimeoutInMinutes: 30 };
      expect(JSON.stringify(after), type).to.equal(JSON.stringify({ ...before, ...change }));
    }

    const shown = await session.json<DisplayResult>([TOPIC, 'display', '--name', APP, '-o', 'setup-made'], { cwd: project.dir });
    expect(shown.json.result).to.deep.include({ callbackUrls: callbackUrl.split('\n'), sessionTimeoutMinutes: 30 });
  });

  it('delete --delete-source-files removes every component that references the app, and their files', async () => {
    const run = await session.json<DeleteResult>([TOPIC, 'delete', '--name', APP, '-o', 'setup-made', '--no-prompt', '--delete-source-files'], {
      cwd: project.dir,
    });
    expect(run.json.status, describeRun(run)).to.equal(0);
    const names = setupStyleNames(APP);
    expect(run.json.result!.deletedComponents.map((c) => c.fullName)).to.deep.equal([names.oauthPolicies, names.oauthSettings, names.globalOauth, APP]);
    expect(orgState()).to.deep.equal({});
    expect(Object.values(files).filter((file) => existsSync(file))).to.deep.equal([]);
  });
});
