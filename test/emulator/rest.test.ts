import { expect } from 'chai';
import { TestOrg, getJson, jwtLogin, makeApp, startTestOrg } from './testSupport.js';

describe('emulator REST', () => {
  let org: TestOrg;
  let token: string;
  let ecaId: string;
  const q = (soql: string, tooling = false): Promise<{ status: number; json: any; contentType: string | null }> =>
    getJson(`${org.url}/services/data/v66.0/${tooling ? 'tooling/' : ''}query?q=${encodeURIComponent(soql)}`, token);

  beforeEach(async () => {
    org = await startTestOrg();
    token = (await jwtLogin(org)).json.access_token;
    ecaId = org.store.addApp(
      makeApp({ kind: 'ExternalClientApplication', name: 'My_Eca', consumerKey: '3MVG9EcaKey', consumerSecret: 'ECASECRET' }),
      { live: true, label: 'My ECA' }
    );
  });
  afterEach(async () => {
    await org.server.close();
  });

  it('lists API versions up to 66.0 with release labels, and answers a version resource', async () => {
    const list = await getJson(`${org.url}/services/data`);
    expect(list.contentType).to.match(/^application\/json/);
    expect(list.json.at(-1)).to.deep.equal({ label: "Spring '26", url: '/services/data/v66.0', version: '66.0' });
    expect(list.json.find((v: { version: string }) => v.version === '64.0').label).to.equal("Summer '25");
    expect((await getJson(`${org.url}/services/data/v66.0`, token)).status).to.equal(200);
    expect((await getJson(`${org.url}/services/data/v67.0`, token)).status).to.equal(404);
  });

  it('requires a valid bearer token', async () => {
    for (const t of [undefined, 'bogus']) {
      const res = await getJson(`${org.url}/services/data/v66.0/query?q=SELECT+Id+FROM+User`, t);
      expect(res.status).to.equal(401);
      expect(res.json).to.deep.equal([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
  });

  it('answers the CLI login queries: ScratchOrgInfo, Organization, SandboxProcess', async () => {
    expect((await q('SELECT Id FROM ScratchOrgInfo limit 1')).json).to.deep.equal({ totalSize: 0, done: true, records: [] });
    const orgRow = (await q('SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization')).json.records[0];
    expect(orgRow).to.include({ InstanceName: 'EMU1', IsSandbox: false, TrialExpirationDate: null, OrganizationType: 'Developer Edition' });
    const sandbox = await q(
      `SELECT Id,Status,SandboxName FROM SandboxProcess WHERE SandboxOrganization='${org.state.orgId15}' ORDER BY CreatedDate DESC`,
      true
    );
    expect(sandbox.json.totalSize).to.equal(0);
  });

  it('answers INVALID_TYPE for ScratchOrgInfo when the org is not a Dev Hub, and for unknown objects', async () => {
    org.state.updateSettings({ isDevHub: false });
    const res = await q('SELECT Id FROM ScratchOrgInfo limit 1');
    expect(res.status).to.equal(400);
    expect(res.json[0].errorCode).to.equal('INVALID_TYPE');
    expect(res.json[0].message).to.include("sObject type 'ScratchOrgInfo' is not supported");
    expect((await q('SELECT Id FROM Account')).json[0].errorCode).to.equal('INVALID_TYPE');
    expect((await q('SELECT Id FROM ConnectedApplication', true)).status, 'not a tooling object').to.equal(400);
  });

  it('answers the plugin lookups: user with profile, permission set assignments, names by IN', async () => {
    const integration = org.state.users.find((u) => u.permissionSets.includes('CLI_Access'))!;
    const user = (await q(`SELECT Id, Username, Email, Profile.Name FROM User WHERE Username = '${integration.username}'`)).json.records[0];
    expect(user.Profile.Name).to.equal('Minimum Access - API Only Integrations');
    const psa = await q(`SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE AssigneeId = '${integration.id}'`);
    expect(psa.json.records.map((r: any) => r.PermissionSet.Name)).to.deep.equal(['CLI_Access']);
    const profiles = await q("SELECT Name FROM Profile WHERE Name IN ('System Administrator', 'No Such Profile')");
    expect(profiles.json.records.map((r: any) => r.Name)).to.deep.equal(['System Administrator']);
    expect((await q('SELECT Id FROM User')).json.records.every((r: any) => /^005\w{15}$/.test(r.Id))).to.equal(true);
  });

  it('lists deployed apps as ConnectedApplication and ExternalClientApplication rows', async () => {
    const cas = (await q('SELECT Id, Name, OptionsAllowAdminApprovedUsersOnly FROM ConnectedApplication')).json.records;
    expect(cas).to.have.length(1);
    expect(cas[0]).to.include({ Name: 'Test App', OptionsAllowAdminApprovedUsersOnly: true });
    expect(cas[0].Id).to.match(/^0H4/);
    const ecas = (await q("SELECT Id, DeveloperName, MasterLabel FROM ExternalClientApplication WHERE DeveloperName = 'My_Eca'")).json.records;
    expect(ecas).to.deep.equal([
      { attributes: { type: 'ExternalClientApplication', url: `/services/data/v66.0/sobjects/ExternalClientApplication/${ecaId}` }, Id: ecaId, DeveloperName: 'My_Eca', MasterLabel: 'My ECA' },
    ]);
  });

  it('returns a user row by id, and NOT_FOUND for an unknown id', async () => {
    const admin = org.state.adminUser;
    const row = await getJson(`${org.url}/services/data/v51.0/sobjects/User/${admin.id}`, token);
    expect(row.json).to.include({ Username: admin.username, Email: admin.email });
    expect(row.json.ProfileId).to.match(/^00e/);
    const missing = await getJson(`${org.url}/services/data/v51.0/sobjects/User/005000000000000AAA`, token);
    expect(missing.status).to.equal(404);
    expect(missing.json[0].errorCode).to.equal('NOT_FOUND');
  });

  describe('ECA OAuth credentials (Connect REST)', () => {
    const base = (): string => `${org.url}/services/data/v66.0/apps/oauth`;

    it('lists usage, consumers, and key / secret / key and secret', async () => {
      const usage = await getJson(`${base()}/usage`, token);
      expect(usage.json.apps).to.deep.include({ developerName: 'My_Eca', identifier: ecaId, name: 'My ECA', type: 'ExternalClientApplication', url: `/services/data/v66.0/apps/oauth/usage/${ecaId}` });
      const consumers = (await getJson(`${base()}/credentials/${ecaId}`, token)).json.consumers;
      expect(consumers).to.have.length(1);
      expect(consumers[0].key).to.equal('3MVG9EcaKey');
      const consumerId = consumers[0].id;
      const keyOnly = (await getJson(`${base()}/credentials/${ecaId}/${consumerId}`, token)).json;
      expect(keyOnly.key).to.equal('3MVG9EcaKey');
      expect(keyOnly).to.not.have.property('secret');
      const secret = (await getJson(`${base()}/credentials/${ecaId}/${consumerId}?part=secret`, token)).json;
      expect(secret.secret).to.equal('ECASECRET');
      expect(secret).to.not.have.property('key');
      const both = (await getJson(`${base()}/credentials/${ecaId}/${consumerId}?part=keyandsecret`, token)).json;
      expect(both).to.include({ key: '3MVG9EcaKey', secret: 'ECASECRET' });
      expect((await getJson(`${base()}/credentials/${ecaId}/${consumerId}?part=bogus`, token)).status).to.equal(400);
      expect((await getJson(`${base()}/credentials/0xI000000000000AAA`, token)).status).to.equal(404);
    });

    it('refuses the whole credentials resource when the org setting is off, keys included; usage still answers (docs/salesforce-facts.md#f-eca-credentials-rest)', async () => {
      const consumerId = (await getJson(`${base()}/credentials/${ecaId}`, token)).json.consumers[0].id;
      org.state.updateSettings({ ecaSecretRestAccess: false });
      for (const path of [`credentials/${ecaId}`, `credentials/${ecaId}/${consumerId}`, `credentials/${ecaId}/${consumerId}?part=key`, `credentials/${ecaId}/${consumerId}?part=secret`, `credentials/${ecaId}/${consumerId}?part=keyandsecret`]) {
        const res = await getJson(`${base()}/${path}`, token);
        expect(res.status, path).to.equal(403);
        expect(res.json[0].errorCode, path).to.equal('FUNCTIONALITY_NOT_ENABLED');
        expect(res.json[0].message, path).to.include('Allow access to External Client App consumer secrets via REST API');
      }
      expect((await getJson(`${base()}/usage`, token)).status).to.equal(200);
      org.state.updateSettings({ ecaSecretRestAccess: true });
      expect((await getJson(`${base()}/credentials/${ecaId}/${consumerId}?part=key`, token)).status).to.equal(200);
    });

    it('refuses the secret to a user without View Client Secret, and gives that user the key', async () => {
      const admin = org.state.adminUser;
      org.state.setUserPermissions(admin.username, { ViewClientSecret: false });
      const consumerId = (await getJson(`${base()}/credentials/${ecaId}`, token)).json.consumers[0].id;
      const secret = await getJson(`${base()}/credentials/${ecaId}/${consumerId}?part=secret`, token);
      expect(secret.status).to.equal(403);
      expect(secret.json[0].errorCode).to.equal('INSUFFICIENT_ACCESS');
      expect((await getJson(`${base()}/credentials/${ecaId}/${consumerId}?part=key`, token)).json.key).to.equal('3MVG9EcaKey');
    });

    it('refuses a user without the permissions', async () => {
      const standard = org.state.findUserByUsername('standard@oauthapps.emulator.org')!;
      const session = org.state.createSession(standard.id, 'PlatformCLI', 'api');
      const res = await getJson(`${base()}/credentials/${ecaId}`, session.accessToken);
      expect(res.status).to.equal(403);
      expect(res.json[0].errorCode).to.equal('INSUFFICIENT_ACCESS');
    });
  });
});
