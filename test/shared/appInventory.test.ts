import { expect } from 'chai';
import { parseCertificatePem } from '../../src/model/certificate.js';
import { listApps, readApp, RequestCounter } from '../../src/org/inventory.js';
import { readConsumerSecret } from '../../src/org/consumerCredentials.js';
import { buildExternalClientApp } from '../../src/metadata/externalClientApp.js';
import {
  createConnectedApp,
  createExternalClientApp,
  definition,
  deployComponents,
  soapOperations,
  startEmulatorOrg,
  testCertificate,
  type EmulatorOrg,
} from './emulatorOrg.js';

describe('appInventory', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  const certificateEnd = (): string => parseCertificatePem(testCertificate()).info.notAfter.toISOString();

  before(async () => {
    org = await startEmulatorOrg();
    // 11 connected apps of ours + the emulator's bootstrap app = 12: two readMetadata batches.
    for (let i = 1; i <= 10; i++) {
      // eslint-disable-next-line no-await-in-loop
      await createConnectedApp(org.conn, definition(`Jwt_App_${i}`));
    }
    await createConnectedApp(org.conn, definition('Web_Only', { certificate: undefined, label: 'Web only app' }));
    await createExternalClientApp(org.conn, definition('Eca_Jwt', { consumerSecret: 'SecretOfEcaJwt12345' }));
    await createExternalClientApp(org.conn, definition('Eca_Web', { certificate: undefined, label: 'Web ECA' }));
  });

  after(async () => {
    await org?.close();
  });

  beforeEach(() => org.emulator.clearRequests());

  describe('listApps', () => {
    it('lists every connected app with label, OAuth, JWT, certificate expiry and last modified', async () => {
      const counter = new RequestCounter();
      const apps = await listApps(org.conn, 'ConnectedApp', { counter });
      const names = apps.map((app) => app.name);
      expect(names).to.include.members(['Jwt_App_1', 'Jwt_App_10', 'Web_Only', 'Emulator_Bootstrap']);
      expect(names).to.not.include('Eca_Jwt');
      const jwt = apps.find((app) => app.name === 'Jwt_App_3')!;
      expect(jwt).to.include({ kind: 'ConnectedApp', label: 'Jwt App 3', oauthEnabled: true, jwtEnabled: true });
      expect(jwt.certificateExpires).to.equal(certificateEnd());
      // testCertificate() is valid for 30 days from when the run made it.
      expect(jwt).to.include({ certificateDaysLeft: 29, certificateExpired: false });
      expect(jwt.consumerKey).to.match(/^KeyJwtApp3/);
      expect(Date.parse(jwt.lastModifiedDate!)).to.be.closeTo(Date.now(), 5 * 60_000);
      const web = apps.find((app) => app.name === 'Web_Only')!;
      expect(web).to.include({ label: 'Web only app', oauthEnabled: true, jwtEnabled: false });
      // No certificate: null (known to be none), not left out (unknown).
      expect(web).to.include({ certificateExpires: null, certificateDaysLeft: null, certificateExpired: null });
    });

    it('sends one listMetadata and one readMetadata per 10 connected apps', async () => {
      const counter = new RequestCounter();
      const apps = await listApps(org.conn, 'ConnectedApp', { counter });
      expect(apps).to.have.length(12);
      expect(soapOperations(org.emulator)).to.deep.equal(['listMetadata', 'readMetadata', 'readMetadata']);
      expect(counter.count).to.equal(3);
    });

    it('lists External Client Apps with JWT taken from their global OAuth settings', async () => {
      const counter = new RequestCounter();
      const apps = await listApps(org.conn, 'ExternalClientApplication', { counter });
      expect(apps.map((app) => app.name).sort()).to.deep.equal(['Eca_Jwt', 'Eca_Web']);
      const jwt = apps.find((app) => app.name === 'Eca_Jwt')!;
      expect(jwt).to.include({ kind: 'ExternalClientApplication', label: 'Eca Jwt', oauthEnabled: true, jwtEnabled: true });
      expect(jwt.certificateExpires).to.equal(certificateEnd());
      expect(apps.find((app) => app.name === 'Eca_Web')).to.include({ label: 'Web ECA', oauthEnabled: true, jwtEnabled: false });
      // Headers and global OAuth settings: one listMetadata and one readMetadata each.
      expect(soapOperations(org.emulator).sort()).to.deep.equal(['listMetadata', 'listMetadata', 'readMetadata', 'readMetadata']);
      expect(counter.count).to.equal(4);
    });
  });

  describe('readApp', () => {
    // What a test adds to the org goes again afterwards, so that listApps sees the same org in any order.
    const added: Array<{ type: string; fullName: string }> = [];
    afterEach(async () => {
      // Satellites before their header.
      for (const { type, fullName } of added.splice(0).reverse()) {
        // eslint-disable-next-line no-await-in-loop
        const outcome = (await org.conn.metadata.delete(type, fullName)) as unknown as { success: boolean | string };
        expect(String(outcome.success), `deleting ${type} ${fullName}`).to.equal('true');
      }
    });

    it('reads a connected app back as the definition it was created from', async () => {
      const def = definition('Read_Back', { callbackUrls: ['http://localhost:1717/OauthRedirect', 'https://example.com/cb'] });
      await createConnectedApp(org.conn, def);
      added.push({ type: 'ConnectedApp', fullName: 'Read_Back' });
      org.emulator.clearRequests();
      const record = await readApp(org.conn, 'ConnectedApp', 'Read_Back');
      expect(record?.components.map((c) => c.type)).to.deep.equal(['ConnectedApp']);
      expect(record?.definition).to.deep.include({
        name: 'Read_Back',
        label: 'Read Back',
        callbackUrls: def.callbackUrls,
        scopes: def.scopes,
        profiles: ['System Administrator'],
        permittedUsers: 'AdminApprovedPreAuthorized',
        refreshTokenPolicy: def.refreshTokenPolicy,
        sessionTimeoutMinutes: 15,
        consumerKey: def.consumerKey,
      });
      expect(record?.certificateExpires).to.equal(certificateEnd());
      expect(soapOperations(org.emulator)).to.deep.equal(['readMetadata']);
    });

    it('reads an External Client App: its header and the components that hold settings, one readMetadata per type', async () => {
      const record = await readApp(org.conn, 'ExternalClientApplication', 'Eca_Jwt');
      expect(record?.components.map((c) => `${c.type}:${c.fullName}`)).to.have.members([
        'ExtlClntAppOauthConfigurablePolicies:Eca_Jwt_oauthPlcy',
        'ExtlClntAppOauthSettings:Eca_Jwt_oauth',
        'ExtlClntAppGlobalOauthSettings:Eca_Jwt_glbl',
        'ExternalClientApplication:Eca_Jwt',
      ]);
      expect(record?.gaps).to.deep.equal([]);
      expect(record?.components.at(-1)?.type).to.equal('ExternalClientApplication');
      expect(record?.definition).to.deep.include({
        name: 'Eca_Jwt',
        callbackUrls: ['http://localhost:1717/OauthRedirect'],
        scopes: ['Api', 'Web', 'RefreshToken'],
        profiles: ['System Administrator'],
        permittedUsers: 'AdminApprovedPreAuthorized',
      });
      expect(record?.consumerKey).to.match(/^KeyEcaJwt/);
      expect(soapOperations(org.emulator)).to.deep.equal(Array(4).fill('readMetadata'));
    });

    it('with every: true finds every component that references the app, listing each satellite type (three per call)', async () => {
      const record = await readApp(org.conn, 'ExternalClientApplication', 'Eca_Jwt', { every: true });
      expect(record?.components.map((c) => `${c.type}:${c.fullName}`)).to.deep.equal([
        'ExtlClntAppOauthConfigurablePolicies:Eca_Jwt_oauthPlcy',
        'ExtlClntAppConfigurablePolicies:Eca_Jwt_plcy',
        'ExtlClntAppOauthSettings:Eca_Jwt_oauth',
        'ExtlClntAppGlobalOauthSettings:Eca_Jwt_glbl',
        'ExternalClientApplication:Eca_Jwt',
      ]);
      // The header, two listMetadata calls for four types, then one readMetadata per type (the org has two apps).
      expect(soapOperations(org.emulator)).to.deep.equal(['readMetadata', 'listMetadata', 'listMetadata', ...Array(4).fill('readMetadata')]);
    });

    it('finds satellites named the way Setup names them', async () => {
      const components = buildExternalClientApp(definition('Setup_Made')).map((c) =>
        c.type === 'ExternalClientApplication'
          ? c
          : { ...c, fullName: c.fullName.replace(/_(glbl|oauth|oauthPlcy|plcy)$/, (_m, s: string) => `_def${{ glbl: 'GlblOauthSet', oauth: 'OauthSet', oauthPlcy: 'OauthPlcy', plcy: 'Plcy' }[s]}`) }
      );
      await deployComponents(org.conn, components);
      added.push(...components.map(({ type, fullName }) => ({ type, fullName })));
      org.emulator.clearRequests();
      const record = await readApp(org.conn, 'ExternalClientApplication', 'Setup_Made');
      expect(record?.components.map((c) => c.fullName)).to.have.members([
        'Setup_Made_defOauthPlcy',
        'Setup_Made_defOauthSet',
        'Setup_Made_defGlblOauthSet',
        'Setup_Made',
      ]);
      expect(record?.definition.callbackUrls).to.deep.equal(['http://localhost:1717/OauthRedirect']);
      // Found by the names tried first: nothing listed.
      expect(soapOperations(org.emulator)).to.deep.equal(Array(4).fill('readMetadata'));
      const every = await readApp(org.conn, 'ExternalClientApplication', 'Setup_Made', { every: true });
      expect(every?.components.map((c) => c.fullName)).to.include('Setup_Made_defPlcy');
    });

    it('answers undefined for an app the org does not have, of either kind', async () => {
      expect(await readApp(org.conn, 'ConnectedApp', 'No_Such_App')).to.equal(undefined);
      expect(await readApp(org.conn, 'ExternalClientApplication', 'No_Such_App')).to.equal(undefined);
      // A connected app is not an External Client App.
      expect(await readApp(org.conn, 'ExternalClientApplication', 'Jwt_App_1')).to.equal(undefined);
    });
  });

  describe('readConsumerSecret', () => {
    afterEach(() => org.emulator.state.updateSettings({ ecaSecretRestAccess: true }));

    it('reads an External Client App secret through the OAuth credentials resource', async () => {
      const credentials = await readConsumerSecret(org.conn, 'ExternalClientApplication', 'Eca_Jwt');
      expect(credentials.consumerSecret).to.equal('SecretOfEcaJwt12345');
      expect(credentials.consumerKey).to.match(/^KeyEcaJwt/);
    });

    it('turns a refusal into an error naming the setting and permissions', async () => {
      org.emulator.state.updateSettings({ ecaSecretRestAccess: false });
      const error = await readConsumerSecret(org.conn, 'ExternalClientApplication', 'Eca_Jwt').then(
        () => undefined,
        (e: Error & { actions?: string[] }) => e
      );
      expect(error?.message).to.match(/refused.*Eca_Jwt/);
      expect(error?.actions?.join('\n')).to.include('Allow access to External Client App consumer secrets via REST API');
      expect(error?.actions?.join('\n')).to.include('View Client Secret');
    });

    it('refuses a connected app secret without asking the org', async () => {
      const error = await readConsumerSecret(org.conn, 'ConnectedApp', 'Jwt_App_1').then(
        () => undefined,
        (e: Error) => e
      );
      expect(error?.message).to.include('never returns a connected app');
      expect(org.emulator.requests()).to.have.length(0);
    });
  });
});
