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
});
