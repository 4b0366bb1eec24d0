import { expect } from 'chai';
import sinon from 'sinon';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import ExternalClientAppList from '../../../src/commands/external-client-app/list.js';
import { createConnectedApp, createExternalClientApp, definition, startEmulatorOrg, type EmulatorOrg } from '../../shared/emulatorOrg.js';

describe('external-client-app list', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  const sandbox = sinon.createSandbox();
  let ux: ReturnType<typeof stubSfCommandUx>;

  // An org of its own for each test: one lists an empty org, another fills it.
  beforeEach(async () => {
    org = await startEmulatorOrg();
  });
  afterEach(async () => org?.close());
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
  });
  afterEach(() => sandbox.restore());

  it('says so when the org has no External Client Apps (connected apps are not listed)', async () => {
    const result = await ExternalClientAppList.run(['-o', org.emulator.username]);
    expect(result.apps).to.deep.equal([]);
    expect(ux.log.args.flat()).to.include('The org has no External Client Apps.');
    expect(ux.table.callCount).to.equal(0);
  });

  it('lists each External Client App with OAuth, JWT and certificate expiry', async () => {
    await createExternalClientApp(org.conn, definition('Eca_List_Jwt'));
    await createExternalClientApp(org.conn, definition('Eca_List_Web', { certificate: undefined }));
    await createConnectedApp(org.conn, definition('Not_An_Eca'));
    const result = await ExternalClientAppList.run(['-o', org.emulator.username, '--json']);
    expect(result.apps.map((app) => app.name).sort()).to.deep.equal(['Eca_List_Jwt', 'Eca_List_Web']);
    const jwt = result.apps.find((app) => app.name === 'Eca_List_Jwt');
    expect(jwt).to.include({ kind: 'ExternalClientApplication', label: 'Eca List Jwt', oauthEnabled: true, jwtEnabled: true });
    expect(jwt?.certificateExpires).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(result.apps.find((app) => app.name === 'Eca_List_Web')).to.include({ jwtEnabled: false });
  });

  it('shows certificate expiry as unknown (left out of --json) when the org will not hand out global OAuth settings', async () => {
    await createExternalClientApp(org.conn, definition('Eca_List_Hidden'));
    org.emulator.clearRequests();
    await fetch(`${org.emulator.instanceUrl}/_emulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ecaMetadataSecretAccess: false }),
    });
    const result = await ExternalClientAppList.run(['-o', org.emulator.username]);
    const [app] = result.apps;
    expect(app).to.not.have.any.keys('certificateExpires', 'certificateDaysLeft', 'certificateExpired', 'jwtEnabled');
    const [row] = ux.table.firstCall.args[0].data as Array<Record<string, string>>;
    expect(row).to.include({ jwt: 'unknown', certificateExpires: 'unknown', certificateDaysLeft: 'unknown' });
    // Expiry costs no request of its own: two listMetadata and two readMetadata (headers and global settings).
    expect(org.emulator.requests().filter((r) => r.operation).map((r) => r.operation).sort()).to.deep.equal([
      'listMetadata',
      'listMetadata',
      'readMetadata',
      'readMetadata',
    ]);
  });
});
