import { expect } from 'chai';
import sinon from 'sinon';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import ConnectedAppList from '../../../src/commands/connected-app/list.js';
import { generateKeyAndCertificate } from '../../../src/model/certificate.js';
import { createConnectedApp, definition, startEmulatorOrg, type EmulatorOrg } from '../../shared/emulatorOrg.js';

describe('connected-app list', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  const sandbox = sinon.createSandbox();
  let ux: ReturnType<typeof stubSfCommandUx>;

  before(async () => {
    org = await startEmulatorOrg();
    await createConnectedApp(org.conn, definition('List_Jwt'));
    await createConnectedApp(org.conn, definition('List_Web', { certificate: undefined }));
    // 0 days: notAfter is a minute ago.
    const expired = generateKeyAndCertificate({ commonName: 'expired', days: 0 }).certificatePem;
    await createConnectedApp(org.conn, definition('List_Expired', { certificate: expired }));
  });
  after(async () => org?.close());
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
  });
  afterEach(() => sandbox.restore());

  it('returns { apps } with the OAuth and JWT state of each connected app', async () => {
    const result = await ConnectedAppList.run(['--target-org', org.emulator.username, '--json']);
    const byName = new Map(result.apps.map((app) => [app.name, app]));
    expect(byName.get('List_Jwt')).to.include({ kind: 'ConnectedApp', label: 'List Jwt', oauthEnabled: true, jwtEnabled: true });
    expect(byName.get('List_Jwt')?.certificateExpires).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(byName.get('List_Jwt')).to.include({ certificateDaysLeft: 29, certificateExpired: false });
    expect(byName.get('List_Web')).to.include({ oauthEnabled: true, jwtEnabled: false, certificateExpires: null, certificateDaysLeft: null, certificateExpired: null });
    expect(byName.get('List_Expired')).to.include({ jwtEnabled: true, certificateDaysLeft: -1, certificateExpired: true });
    expect(byName.has('Emulator_Bootstrap')).to.equal(true);
  });

  it('prints a table with one row per app', async () => {
    await ConnectedAppList.run(['-o', org.emulator.username]);
    expect(ux.table.callCount).to.equal(1);
    const rows = ux.table.firstCall.args[0].data as Array<Record<string, string>>;
    expect(rows.find((row) => row.name === 'List_Jwt')).to.include({ oauth: 'yes', jwt: 'yes' });
    expect(rows.find((row) => row.name === 'List_Jwt')).to.include({ certificateDaysLeft: '29' });
    expect(rows.find((row) => row.name === 'List_Web')).to.include({ jwt: 'no', certificateExpires: '-', certificateDaysLeft: '-' });
    expect(rows.find((row) => row.name === 'List_Expired')).to.include({ certificateDaysLeft: 'EXPIRED' });
    const columns = (ux.table.firstCall.args[0].columns as Array<{ name: string }>).map((c) => c.name);
    expect(columns).to.deep.equal(['Name', 'Label', 'OAuth', 'JWT', 'Certificate expires', 'Days left', 'Last modified']);
  });
});
