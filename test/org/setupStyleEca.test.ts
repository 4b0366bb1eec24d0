/*
 * External Client Apps the plugin did not make (docs/salesforce-facts.md#f-eca-setup-names), against the in-process
 * emulator org: satellites named Setup's way (`<App>GlblOAuth`, `<App>Settings`, `<App>Settings_defaultPolicy`), no
 * ExtlClntAppConfigurablePolicies, elements the plugin does not model. list, display, update, rotate-certificate and
 * delete work on them, keep the org's names and every element, and say so when a component is missing or unreadable
 * instead of showing empty settings. Request counts come from the emulator's request log.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { displayApp, listAppsOfKind } from '../../src/verbs/displayApp.js';
import { planUpdate } from '../../src/verbs/update/plan.js';
import { executeUpdate } from '../../src/verbs/update/execute.js';
import type { UpdateContext, UpdateRequest } from '../../src/verbs/update/types.js';
import { rotateCertificate } from '../../src/verbs/rotateCertificate.js';
import { planAppRemoval, removeApp } from '../../src/verbs/removeApp.js';
import { readApp } from '../../src/org/inventory.js';
import { parseSourceXml } from '../../src/metadata/xml.js';
import { buildExternalClientApp } from '../../src/metadata/externalClientApp.js';
import {
  deploySetupStyleEca,
  fixtureKeyPair,
  setupStyleNames,
  sourceFiles,
  type FixtureComponent,
} from '../emulator/setupStyleApps.js';
import { definition, deployComponents, soapOperations, startEmulatorOrg, type EmulatorOrg } from '../shared/emulatorOrg.js';
import { rotatedResult } from '../shared/appFixtures.js';

type Loose = Record<string, unknown>;
const ECA = 'ExternalClientApplication';
const SATELLITE_TYPES = [
  'ExtlClntAppGlobalOauthSettings',
  'ExtlClntAppOauthSettings',
  'ExtlClntAppOauthConfigurablePolicies',
  'ExtlClntAppConfigurablePolicies',
];

type ErrorWithActions = Error & { actions?: string[] };
const failure = (promise: Promise<unknown>): Promise<ErrorWithActions> =>
  promise.then(
    () => expect.fail('expected an error'),
    (error: ErrorWithActions) => error
  );

describe('External Client Apps made in Setup', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  let project: string;
  const key = fixtureKeyPair('setup-style-unit');

  const context = (): UpdateContext => ({ conn: org.conn, kind: ECA, apiVersion: org.conn.getApiVersion(), cwd: project });

  /** Every component of the org that references the app, by type (content as the org holds it). */
  const orgState = (app: string): Record<string, { fullName: string; content: Loose }> =>
    Object.fromEntries(
      [ECA, ...SATELLITE_TYPES].flatMap((type) =>
        org.emulator.store
          .list(type)
          .map((c) => ({ fullName: c.fullName, content: org.emulator.store.read(type, c.fullName)! }))
          .filter(({ fullName, content }) => (type === ECA ? fullName === app : content.externalClientApplication === app))
          .map((c) => [type, c])
      )
    );

  /** Deploys a Setup-style app (as `sf project deploy start` would) and writes its source files into the project. */
  async function setupApp(name: string): Promise<{ components: FixtureComponent[]; files: Record<string, string>; consumerKey: string }> {
    const deployed = await deploySetupStyleEca(org.emulator, {
      name,
      certificatePem: key.certificatePem,
      callbackUrls: [`https://${name.toLowerCase()}.example.com/callback`],
      scopes: 'Api, Web, RefreshToken, OpenID',
    });
    const files: Record<string, string> = {};
    for (const [path, xml] of Object.entries(sourceFiles(deployed.components))) {
      const file = join(project, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, xml);
      files[deployed.components.find((c) => path.includes(`/${c.fullName}.`))!.type] = file;
    }
    return { components: deployed.components, files, consumerKey: deployed.consumerKey };
  }

  before(async () => {
    org = await startEmulatorOrg();
    project = await mkdtemp(join(tmpdir(), 'setup-style-eca-'));
    await writeFile(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }));
    // Other apps in the org, so that listing a type finds more than the app looked for.
    await deployComponents(org.conn, buildExternalClientApp(definition('Plugin_Made')));
  });

  after(async () => {
    await org?.close();
    await rm(project, { recursive: true, force: true });
  });

  beforeEach(() => org.emulator.clearRequests());

  it('display shows its callback URL, scopes, policies and flows, reading four components by name and listing nothing', async () => {
    await setupApp('Setup_Shown');
    org.emulator.clearRequests();
    const warnings: string[] = [];
    const shown = await displayApp(org.conn, ECA, { name: 'Setup_Shown', showSecret: false, warn: (m) => warnings.push(m) });
    expect(shown).to.deep.include({
      callbackUrls: ['https://setup_shown.example.com/callback'],
      scopes: ['api', 'web', 'refresh_token', 'openid'],
      permittedUsers: 'admin-approved',
      profiles: ['System Administrator'],
      refreshTokenPolicy: '90d',
      sessionTimeoutMinutes: 15,
      ipRelaxation: 'enforce',
    });
    expect(shown.flows).to.include({ pkceRequired: true, requireSecretForRefreshToken: true, codeCredential: false });
    expect(shown.consumerKey).to.be.a('string').and.not.equal('');
    expect(shown.certificateExpires).to.be.a('string');
    expect(shown).to.not.have.property('unknownSettings');
    expect(warnings).to.deep.equal([]);
    // The header, then the three components that hold settings, each found by the first read of its type.
    expect(soapOperations(org.emulator)).to.deep.equal(Array(4).fill('readMetadata'));
    expect(org.emulator.requests().filter((r) => !r.path.startsWith('/services/Soap/m/'))).to.deep.equal([]);
  });

  it('list shows it with OAuth and JWT from the global OAuth settings that reference it', async () => {
    await setupApp('Setup_Listed');
    const { apps } = await listAppsOfKind(org.conn, ECA, () => {});
    const listed = apps.find((app) => app.name === 'Setup_Listed');
    expect(listed).to.include({ oauthEnabled: true, jwtEnabled: true, label: 'Setup Listed' });
    expect(listed?.certificateExpires).to.be.a('string');
  });

  it('finds a satellite by what it references, whatever its name, and never takes one named like the app that references another', async () => {
    // Odd_Names' global OAuth settings have a name no convention gives; another app's carry Odd_Names' Setup name.
    const odd = buildExternalClientApp(definition('Odd_Names', { callbackUrls: ['https://odd.example.com/cb'] }));
    odd.find((c) => c.type === 'ExtlClntAppGlobalOauthSettings')!.fullName = 'Zz_Unconventional';
    const decoy = buildExternalClientApp(definition('Decoy_App', { callbackUrls: ['https://decoy.example.com/cb'] }));
    decoy.find((c) => c.type === 'ExtlClntAppGlobalOauthSettings')!.fullName = setupStyleNames('Odd_Names').globalOauth;
    await deployComponents(org.conn, decoy);
    await deployComponents(org.conn, odd);
    org.emulator.clearRequests();
    const record = await readApp(org.conn, ECA, 'Odd_Names');
    expect(record?.components.find((c) => c.type === 'ExtlClntAppGlobalOauthSettings')?.fullName).to.equal('Zz_Unconventional');
    expect(record?.definition.callbackUrls).to.deep.equal(['https://odd.example.com/cb']);
    // Names first (header + three types), then only the type they missed is listed and its other components read.
    expect(soapOperations(org.emulator)).to.deep.equal([...Array(4).fill('readMetadata'), 'listMetadata', 'readMetadata']);
  });

  it('update adds a callback URL and changes the session timeout; names and unmodelled elements stay in org and files', async () => {
    const name = 'Setup_Updated';
    const { files } = await setupApp(name);
    const orgBefore = orgState(name);
    const filesBefore = Object.fromEntries(await Promise.all(Object.entries(files).map(async ([type, file]) => [type, await readFile(file, 'utf8')])));
    org.emulator.clearRequests();
    const request: UpdateRequest = { addCallbackUrls: ['https://ci.example.com/callback'], sessionTimeoutMinutes: 30 };
    const result = await executeUpdate(await planUpdate(context(), name, request), context());

    const names = setupStyleNames(name);
    expect(result.components).to.deep.equal([
      { type: 'ExtlClntAppGlobalOauthSettings', fullName: names.globalOauth, elements: ['callbackUrl'] },
      { type: 'ExtlClntAppOauthConfigurablePolicies', fullName: names.oauthPolicies, elements: ['sessionTimeoutInMinutes'] },
    ]);
    expect(soapOperations(org.emulator).filter((op) => op !== 'checkDeployStatus')).to.deep.equal([...Array(4).fill('readMetadata'), 'readMetadata', 'readMetadata', 'deploy']); // + the two sent, re-read before the deploy

    // The org: the same components under the same names, changed in exactly those two elements.
    const orgAfter = orgState(name);
    expect(Object.fromEntries(Object.entries(orgAfter).map(([type, c]) => [type, c.fullName]))).to.deep.equal(
      Object.fromEntries(Object.entries(orgBefore).map(([type, c]) => [type, c.fullName]))
    );
    const expected = structuredClone(orgBefore);
    expected.ExtlClntAppGlobalOauthSettings.content.callbackUrl = 'https://setup_updated.example.com/callback\nhttps://ci.example.com/callback';
    expected.ExtlClntAppOauthConfigurablePolicies.content.sessionTimeoutInMinutes = 30;
    expect(orgAfter).to.deep.equal(expected);
    expect(orgAfter.ExtlClntAppOauthConfigurablePolicies.content).to.include({ isGuestCodeCredFlowEnabled: false, requiredSessionLevel: 'STANDARD' });
    expect(orgAfter.ExtlClntAppOauthSettings.content).to.include({ isFirstPartyAppEnabled: false });
    expect(orgAfter).to.not.have.property('ExtlClntAppConfigurablePolicies');

    // The files: the two Setup-named files merged, elements in place; the others byte for byte the same.
    expect(result.sourceFiles.sort()).to.deep.equal([files.ExtlClntAppGlobalOauthSettings, files.ExtlClntAppOauthConfigurablePolicies].sort());
    for (const [type, file] of Object.entries(files)) {
      const now = await readFile(file, 'utf8');
      if (!result.sourceFiles.includes(file)) {
        expect(now, type).to.equal(filesBefore[type]);
        continue;
      }
      const before = parseSourceXml(filesBefore[type]).content;
      const after = parseSourceXml(now).content;
      expect(Object.keys(after), type).to.deep.equal(Object.keys(before));
      expect(after, type).to.deep.equal({ ...before, ...(type === 'ExtlClntAppGlobalOauthSettings'
        ? { callbackUrl: 'https://setup_updated.example.com/callback\nhttps://ci.example.com/callback' }
        : { sessionTimeoutInMinutes: 30 }) });
    }
    const policies = parseSourceXml(await readFile(files.ExtlClntAppOauthConfigurablePolicies, 'utf8')).content;
    expect(policies).to.include({ isGuestCodeCredFlowEnabled: false, requiredSessionLevel: 'STANDARD' });
  });

  it('rotate-certificate puts the new certificate into the app\'s own global OAuth settings and reads the rotated key back from them', async () => {
    const name = 'Setup_Rotated';
    const { consumerKey } = await setupApp(name);
    const before = orgState(name);
    org.emulator.clearRequests();
    const result = rotatedResult(await rotateCertificate(
      { name, certificateDays: 30, waitMinutes: 1, rotateConsumerKey: true },
      { ...context(), orgUsername: org.emulator.username, orgInstanceUrl: org.emulator.instanceUrl }
    ));
    const after = orgState(name);
    const names = setupStyleNames(name);
    expect(result.update.components).to.deep.equal([
      { type: 'ExtlClntAppGlobalOauthSettings', fullName: names.globalOauth, elements: ['certificate', 'shouldRotateConsumerKey'] },
    ]);
    expect(after.ExtlClntAppGlobalOauthSettings.fullName).to.equal(names.globalOauth);
    expect(after.ExtlClntAppGlobalOauthSettings.content.certificate).to.not.equal(before.ExtlClntAppGlobalOauthSettings.content.certificate);
    expect(result.consumerKey).to.be.a('string').and.not.equal(consumerKey);
    expect(result.consumerKey).to.equal(after.ExtlClntAppGlobalOauthSettings.content.consumerKey);
    // Read from the component by its own name: no detour through the REST credentials resource.
    expect(org.emulator.requests().some((r) => r.path.includes('/apps/oauth/'))).to.equal(false);
    for (const type of ['ExternalClientApplication', 'ExtlClntAppOauthSettings', 'ExtlClntAppOauthConfigurablePolicies']) {
      expect(after[type], type).to.deep.equal(before[type]);
    }
    await rm(join(project, '.sf-oauth-apps'), { recursive: true, force: true });
  });

  it('delete removes every component that references the app, whatever its name, and its source files', async () => {
    const name = 'Setup_Deleted';
    const { files } = await setupApp(name);
    // App policies under a name no convention gives.
    await deployComponents(org.conn, [
      { type: 'ExtlClntAppConfigurablePolicies', fullName: 'Policies_Named_Otherwise', content: { externalClientApplication: name, isEnabled: true, isOauthPluginEnabled: true, label: 'Policies' } },
    ]);
    org.emulator.clearRequests();
    const plan = await planAppRemoval(org.conn, ECA, name, { deleteSourceFiles: true, cwd: project });
    const names = setupStyleNames(name);
    expect(plan.components).to.deep.equal([
      { type: 'ExtlClntAppOauthConfigurablePolicies', fullName: names.oauthPolicies },
      { type: 'ExtlClntAppConfigurablePolicies', fullName: 'Policies_Named_Otherwise' },
      { type: 'ExtlClntAppOauthSettings', fullName: names.oauthSettings },
      { type: 'ExtlClntAppGlobalOauthSettings', fullName: names.globalOauth },
      { type: ECA, fullName: name },
    ]);
    expect(plan.sourceFiles).to.deep.equal(Object.values(files).sort());
    // The header, every satellite type listed (three per call), each read whole.
    expect(soapOperations(org.emulator)).to.deep.equal(['readMetadata', 'listMetadata', 'listMetadata', ...Array(4).fill('readMetadata')]);
    await removeApp(org.conn, plan);
    expect(orgState(name)).to.deep.equal({});
    expect(org.emulator.store.read('ExtlClntAppConfigurablePolicies', 'Policies_Named_Otherwise')).to.equal(undefined);
  });

  describe('a component that is missing or unreadable', () => {
    afterEach(() => org.emulator.state.updateSettings({ ecaMetadataSecretAccess: true }));

    it('no global OAuth settings: display leaves their settings out and names the component; an update needing them fails, others work', async () => {
      const name = 'No_Global';
      const components = buildExternalClientApp(definition(name)).filter((c) => ['ExternalClientApplication', 'ExtlClntAppOauthSettings'].includes(c.type));
      components[1].fullName = setupStyleNames(name).oauthSettings;
      // The org generates the OAuth policies (docs/salesforce-facts.md#f-eca-default-policies).
      await deployComponents(org.conn, components);
      const warnings: string[] = [];
      const shown = await displayApp(org.conn, ECA, { name, showSecret: false, warn: (m) => warnings.push(m) });
      for (const setting of ['callbackUrls', 'certificate', 'flows', 'idToken']) expect(shown, setting).to.not.have.property(setting);
      expect(shown.unknownSettings).to.deep.equal(['callbackUrls', 'certificate', 'flows', 'idToken']);
      expect(shown.scopes).to.deep.equal(['api', 'web', 'refresh_token']);
      // The generated policies are the app's: shown as the org has them.
      expect(shown).to.include({ permittedUsers: 'all-users' });
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include('ExtlClntAppGlobalOauthSettings').and.include('callbackUrls').and.include('sf project retrieve start');

      org.emulator.clearRequests();
      const error = await failure(planUpdate(context(), name, { addCallbackUrls: ['https://ci.example.com/callback'] }));
      expect(error.name).to.equal('ComponentMissingError');
      expect(error.message).to.include('ExtlClntAppGlobalOauthSettings').and.include('callbackUrls').and.include('Nothing was sent');
      expect(soapOperations(org.emulator)).to.not.include('deploy');

      const result = await executeUpdate(await planUpdate(context(), name, { sessionTimeoutMinutes: 30 }), context());
      expect(result.components).to.deep.equal([
        { type: 'ExtlClntAppOauthConfigurablePolicies', fullName: `${setupStyleNames(name).oauthSettings}_defaultPolicy`, elements: ['sessionTimeoutInMinutes'] },
      ]);
      expect(result.warnings).to.deep.equal([]);
      expect(orgState(name)).to.not.have.property('ExtlClntAppGlobalOauthSettings');
    });

    it('unreadable global OAuth settings: display leaves them out and says what to grant; an update needing them fails before sending', async () => {
      const name = 'Guarded_Setup';
      await setupApp(name);
      org.emulator.state.updateSettings({ ecaMetadataSecretAccess: false });
      const warnings: string[] = [];
      const shown = await displayApp(org.conn, ECA, { name, showSecret: false, warn: (m) => warnings.push(m) });
      expect(shown).to.not.have.property('callbackUrls');
      expect(shown.unknownSettings).to.deep.equal(['callbackUrls', 'certificate', 'flows', 'idToken']);
      expect(shown.scopes).to.deep.equal(['api', 'web', 'refresh_token', 'openid']);
      // The key is still public through the REST credentials resource.
      expect(shown.consumerKey).to.be.a('string');
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include('global OAuth settings').and.include('View External Client Apps Consumer Secrets in Metadata');

      org.emulator.clearRequests();
      const error = await failure(planUpdate(context(), name, { addCallbackUrls: ['https://ci.example.com/callback'] }));
      expect(error.name).to.equal('ComponentUnreadableError');
      expect(error.message).to.include('ExtlClntAppGlobalOauthSettings').and.include('INSUFFICIENT_ACCESS');
      expect((error.actions ?? []).join('\n')).to.include('Allow Access to OAuth Consumer Secrets via Metadata API');
      // A type the org refuses is not listed either: there would be nothing it could read.
      expect(soapOperations(org.emulator)).to.deep.equal(Array(4).fill('readMetadata'));

      const result = await executeUpdate(await planUpdate(context(), name, { addScopes: ['email'] }), context());
      expect(result.components.map((c) => c.fullName)).to.deep.equal([setupStyleNames(name).oauthSettings]);
    });

    it('delete with the global OAuth settings unreadable deletes what it can find and says what it could not look through', async () => {
      const name = 'Guarded_Deleted';
      await setupApp(name);
      org.emulator.state.updateSettings({ ecaMetadataSecretAccess: false });
      const warnings: string[] = [];
      const plan = await planAppRemoval(org.conn, ECA, name, { deleteSourceFiles: false, cwd: project, warn: (m) => warnings.push(m) });
      expect(plan.components.map((c) => c.type)).to.deep.equal(['ExtlClntAppOauthConfigurablePolicies', 'ExtlClntAppOauthSettings', ECA]);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include('ExtlClntAppGlobalOauthSettings').and.include('cannot be found and deleted').and.include('INSUFFICIENT_ACCESS');
    });

    it('list: with the global OAuth settings unreadable, whether apps have OAuth and JWT is unknown, not no', async () => {
      await setupApp('Listed_Guarded');
      org.emulator.state.updateSettings({ ecaMetadataSecretAccess: false });
      const warnings: string[] = [];
      const { apps } = await listAppsOfKind(org.conn, ECA, (m) => warnings.push(m));
      const listed = apps.find((app) => app.name === 'Listed_Guarded');
      expect(listed).to.not.have.property('oauthEnabled');
      expect(listed).to.not.have.property('jwtEnabled');
      expect(warnings.join('\n')).to.include('which apps have OAuth enabled');
    });
  });
});
