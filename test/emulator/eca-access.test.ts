/*
 * Who may touch an External Client App's global OAuth settings (docs/salesforce-facts.md#f-eca-metadata-secret-access): the org setting
 * "Allow Access to OAuth Consumer Secrets via Metadata API" and the user permission "View External Client Apps Consumer
 * Secrets in Metadata". Without either, readMetadata faults with sf:INSUFFICIENT_ACCESS, retrieve leaves the component
 * out with a message, deploy and CRUD fail it. The REST credentials switch is separate. Checked through jsforce, as
 * clients see it.
 */
import { expect } from 'chai';
import JSZip from 'jszip';
import { buildExternalClientApp } from '../../src/metadata/externalClientApp.js';
import { buildDeployZip } from '../../src/org/deploy.js';
import { createExternalClientApp, definition, startEmulatorOrg, type EmulatorOrg } from '../shared/emulatorOrg.js';
import { getJson } from './testSupport.js';
import { OrgState } from './state.js';

const SETTING = 'Allow Access to OAuth Consumer Secrets via Metadata API';
const PERMISSION = 'View External Client Apps Consumer Secrets in Metadata';
const GLOBAL = 'ExtlClntAppGlobalOauthSettings';
const ADMIN = 'admin@oauthapps.emulator.org';

type Failure = { componentType?: string; fullName?: string; problem?: string };
type DeployStatus = { done: string | boolean; success: string | boolean; details?: { componentFailures?: Failure | Failure[] } };

async function refusal(promise: Promise<unknown>): Promise<Error & { errorCode?: string; name: string }> {
  return promise.then(
    () => expect.fail('expected a refusal'),
    (error: Error & { errorCode?: string }) => error
  );
}

describe('emulator: External Client App secret access (Metadata API and REST)', function () {
  this.timeout(30_000);
  let org: EmulatorOrg;
  const appName = 'Access_Eca';
  const globalName = `${appName}_glbl`;

  async function settings(body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${org.emulator.instanceUrl}/_emulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  const readGlobal = (): Promise<unknown> => org.conn.metadata.read(GLOBAL as never, globalName);

  async function deploy(names: string): Promise<{ success: boolean; failures: Failure[] }> {
    const zip = await buildDeployZip(buildExternalClientApp(definition(names)), org.conn.getApiVersion());
    const started = (await org.conn.metadata.deploy(zip, { rollbackOnError: true, singlePackage: true })) as unknown as { id: string };
    for (;;) {
      // eslint-disable-next-line no-await-in-loop
      const status = (await org.conn.metadata.checkDeployStatus(started.id, true)) as unknown as DeployStatus;
      if (String(status.done) === 'true') {
        const failures = status.details?.componentFailures;
        return { success: String(status.success) === 'true', failures: failures ? [failures].flat() : [] };
      }
      // eslint-disable-next-line no-await-in-loop
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  before(async () => {
    org = await startEmulatorOrg();
    org.conn.metadata.pollInterval = 50;
    await createExternalClientApp(org.conn, definition(appName));
  });
  after(async () => org?.close());
  afterEach(async () => {
    const back = await settings({ ecaMetadataSecretAccess: true, ecaSecretRestAccess: true, userPermissions: { [ADMIN]: { ViewEcaSecretsInMetadata: null } } });
    expect(back.status).to.equal(200);
  });

  it('by default the admin reads the global settings with the consumer key and never the secret', async () => {
    const record = (await readGlobal()) as Record<string, unknown>;
    expect(record.fullName).to.equal(globalName);
    expect(record.consumerKey).to.be.a('string').and.have.length.greaterThan(8);
    expect(record).to.not.have.property('consumerSecret');
    const current = await getJson(`${org.emulator.instanceUrl}/_emulator/settings`);
    expect(current.json).to.include({ ecaMetadataSecretAccess: true, ecaSecretRestAccess: true });
  });

  it('with the org setting off, readMetadata faults INSUFFICIENT_ACCESS naming the setting only; the rest of the app stays readable', async () => {
    expect((await settings({ ecaMetadataSecretAccess: false })).json).to.include({ ecaMetadataSecretAccess: false });
    const error = await refusal(readGlobal());
    expect(error.errorCode ?? error.name).to.match(/^(sf:)?INSUFFICIENT_ACCESS$/);
    expect(error.message).to.include(SETTING).and.not.include(PERMISSION);
    const header = (await org.conn.metadata.read('ExternalClientApplication' as never, appName)) as unknown as Record<string, unknown>;
    expect(header.fullName).to.equal(appName);
    // Listing names no secret: still allowed.
    const listed = [(await org.conn.metadata.list({ type: GLOBAL })) as unknown as { fullName: string }].flat();
    expect(listed.map((f) => f.fullName)).to.include(globalName);
  });

  it('the permission is per user: taken from the admin it names the permission; both missing name both', async () => {
    const set = await settings({ userPermissions: { [ADMIN]: { ViewEcaSecretsInMetadata: false } } });
    expect(set.json.userPermissions).to.deep.equal({ [ADMIN]: { ViewEcaSecretsInMetadata: false } });
    const error = await refusal(readGlobal());
    expect(error.message).to.include(PERMISSION).and.not.include(SETTING);
    await settings({ ecaMetadataSecretAccess: false });
    const both = await refusal(readGlobal());
    expect(both.message).to.include(PERMISSION).and.include(SETTING);
    // Others than the admin lack it until granted.
    const { state } = org.emulator;
    const standard = state.findUserByUsername('standard@oauthapps.emulator.org')!;
    await settings({ ecaMetadataSecretAccess: true });
    expect(state.ecaMetadataAccessGap(standard)).to.deep.equal(['userPermission']);
    await settings({ userPermissions: { [standard.username]: { ViewEcaSecretsInMetadata: true } } });
    expect(state.ecaMetadataAccessGap(standard)).to.deep.equal([]);
    await settings({ userPermissions: { [standard.username]: { ViewEcaSecretsInMetadata: null } } });
    expect(state.ecaMetadataAccessGap(standard)).to.deep.equal(['userPermission']);
  });

  it('retrieve leaves the global settings out with a message and still returns the rest', async () => {
    await settings({ ecaMetadataSecretAccess: false });
    const result = await org.conn.metadata
      .retrieve({
        apiVersion: org.conn.getApiVersion(),
        singlePackage: true,
        unpackaged: { types: [{ name: GLOBAL, members: [globalName] }, { name: 'ExternalClientApplication', members: [appName] }], version: org.conn.getApiVersion() },
      } as never)
      .complete();
    const messages = [(result as unknown as { messages?: { problem: string } | Array<{ problem: string }> }).messages ?? []].flat();
    expect(messages.map((m) => m.problem).join('\n')).to.include(SETTING).and.include(globalName);
    const zip = await JSZip.loadAsync(Buffer.from(String(result.zipFile), 'base64'));
    const files = Object.keys(zip.files);
    expect(files).to.include(`externalClientApps/${appName}.eca`);
    expect(files.some((f) => f.startsWith('extlClntAppGlobalOauthSets/'))).to.equal(false);
  });

  it('a deploy with global settings fails that component naming the missing access, and saves nothing', async () => {
    await settings({ userPermissions: { [ADMIN]: { ViewEcaSecretsInMetadata: false } } });
    const refused = await deploy('Refused_Eca');
    expect(refused.success).to.equal(false);
    const failure = refused.failures.find((f) => f.componentType === GLOBAL);
    expect(failure?.problem).to.include(PERMISSION).and.include('Insufficient access');
    expect(org.emulator.store.read('ExternalClientApplication', 'Refused_Eca'), 'rolled back').to.equal(undefined);
    // With the access back the same deploy goes through: the refusal was the only problem.
    await settings({ userPermissions: { [ADMIN]: { ViewEcaSecretsInMetadata: true } } });
    expect((await deploy('Refused_Eca')).success).to.equal(true);
  });

  it('createMetadata of global settings is refused with INSUFFICIENT_ACCESS', async () => {
    await settings({ ecaMetadataSecretAccess: false });
    const component = buildExternalClientApp(definition('Crud_Eca')).find((c) => c.type === GLOBAL)!;
    const result = (await org.conn.metadata.create(GLOBAL as never, { fullName: component.fullName, ...component.content } as never)) as unknown as {
      success: string | boolean;
      errors: Array<{ statusCode: string; message: string }>;
    };
    expect(String(result.success)).to.equal('false');
    expect([result.errors].flat()[0].statusCode).to.equal('INSUFFICIENT_ACCESS');
    expect([result.errors].flat()[0].message).to.include(SETTING);
  });

  it('the Metadata API and the REST credentials switches are independent', async () => {
    const appId = (await org.conn.query<{ Id: string }>(`SELECT Id FROM ExternalClientApplication WHERE DeveloperName = '${appName}'`)).records[0].Id;
    const base = `/services/data/v${org.conn.getApiVersion()}/apps/oauth/credentials/${appId}`;
    const secretOverRest = async (): Promise<unknown> => {
      const { consumers } = await org.conn.request<{ consumers: Array<{ id: string }> }>(base);
      return org.conn.request<{ secret?: string }>(`${base}/${consumers[0].id}?part=secret`);
    };
    await settings({ ecaSecretRestAccess: false });
    expect(await readGlobal()).to.have.property('consumerKey');
    expect((await refusal(secretOverRest())).message).to.match(/REST API/);

    await settings({ ecaSecretRestAccess: true, ecaMetadataSecretAccess: false });
    expect(await secretOverRest()).to.have.property('secret').that.is.a('string');
    expect((await refusal(readGlobal())).message).to.include(SETTING);
  });

  it('refuses bad control input and changes nothing then', async () => {
    expect((await settings({ ecaMetadataSecretAccess: 'no' })).status).to.equal(400);
    expect((await settings({ userPermissions: { 'ghost@x.org': { ViewEcaSecretsInMetadata: false } } })).status).to.equal(400);
    expect((await settings({ userPermissions: { [ADMIN]: { MadeUp: false } } })).status).to.equal(400);
    expect((await settings({ userPermissions: { [ADMIN]: { ViewEcaSecretsInMetadata: 'yes' } } })).status).to.equal(400);
    expect(org.emulator.state.ecaMetadataAccessGap(org.emulator.state.adminUser)).to.deep.equal([]);
  });

  it('a state file from before the setting gets the default; overrides survive a round trip', () => {
    const json = org.emulator.state.toJSON();
    const old = { ...json, settings: { allowConnectedAppCreation: false, ecaSecretRestAccess: true, isDevHub: true } };
    expect(OrgState.fromJSON(JSON.parse(JSON.stringify(old))).settings.ecaMetadataSecretAccess).to.equal(true);
    org.emulator.state.setUserPermissions(ADMIN, { ViewEcaSecretsInMetadata: false });
    const restored = OrgState.fromJSON(JSON.parse(JSON.stringify(org.emulator.state.toJSON())));
    expect(restored.ecaMetadataAccessGap(restored.adminUser)).to.deep.equal(['userPermission']);
  });
});
