import { expect } from 'chai';
import sinon from 'sinon';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import ConnectedAppUpdate from '../../../src/commands/connected-app/update.js';
import { createConnectedApp, definition, soapOperations, startEmulatorOrg, type EmulatorOrg } from '../../shared/emulatorOrg.js';

describe('connected-app update', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  const sandbox = sinon.createSandbox();
  let ux: ReturnType<typeof stubSfCommandUx>;

  // Never changed by any test: the ones that fail before asking the org name it.
  before(async () => {
    org = await startEmulatorOrg();
    await createConnectedApp(org.conn, definition('Cmd_Update'));
  });
  // A test that changes an app gets one of its own, in the state it starts from, so tests pass alone and in any order.
  let appCount = 0;
  async function ownApp(overrides: Parameters<typeof definition>[1] = {}): Promise<string> {
    const name = `Cmd_Update_${++appCount}`;
    await createConnectedApp(org.conn, definition(name, { label: 'Cmd Update', ...overrides }));
    org.emulator.clearRequests();
    return name;
  }
  after(async () => org?.close());
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
    org.emulator.clearRequests();
  });
  afterEach(() => sandbox.restore());

  it('changes the named settings with one updateMetadata and prints before and after', async () => {
    const name = await ownApp();
    const result = await ConnectedAppUpdate.run([
      '-o', org.emulator.username, '-n', name,
      '--refresh-token-policy', 'inactive:7d', '--add-scopes', 'openid', '--label', 'Renamed',
    ]);
    expect(result.changes).to.deep.equal([
      { setting: 'label', before: 'Cmd Update', after: 'Renamed' },
      { setting: 'scopes', before: ['api', 'web', 'refresh_token'], after: ['api', 'web', 'refresh_token', 'openid'] },
      { setting: 'refreshTokenPolicy', before: '90d', after: 'inactive:7d' },
    ]);
    // The plan's read, the re-read just before writing (update/conflict.ts), the write.
    expect(soapOperations(org.emulator)).to.deep.equal(['readMetadata', 'readMetadata', 'updateMetadata']);
    expect(ux.styledHeader.firstCall.args[0]).to.equal(`Updated the connected app ${name}`);
    const rows = (ux.table.firstCall.args[0] as { data: Array<{ setting: string; change: string }> }).data;
    expect(rows).to.deep.equal([
      { setting: 'Label', change: 'Cmd Update → Renamed' },
      { setting: 'Scopes', change: 'added: openid' },
      { setting: 'Refresh token', change: 'Expires after 90 days (90d) → Expires if not used for 7 days (inactive:7d)' },
    ]);
  });

  it('--dry-run shows what would change and sends nothing', async () => {
    const name = await ownApp({ label: 'Renamed' });
    const result = await ConnectedAppUpdate.run(['-o', org.emulator.username, '-n', name, '--label', 'Dry Label', '--dry-run']);
    expect(result).to.include({ deployed: false, dryRun: true });
    expect(result.changes).to.deep.equal([{ setting: 'label', before: 'Renamed', after: 'Dry Label' }]);
    expect(soapOperations(org.emulator)).to.deep.equal(['readMetadata']);
    expect(ux.styledHeader.firstCall.args[0]).to.include('Dry run');
    expect(ux.log.args.flat().join('\n')).to.include(`Would send: ConnectedApp ${name}`);
  });

  it('says nothing changed and sends no update when the org already has it (safe to repeat)', async () => {
    const name = await ownApp({ label: 'Renamed' });
    const result = await ConnectedAppUpdate.run(['-o', org.emulator.username, '-n', name, '--label', 'Renamed']);
    expect(result.deployed).to.equal(false);
    expect(soapOperations(org.emulator)).to.deep.equal(['readMetadata']);
    expect(ux.log.args.flat().join('\n')).to.include('already has these settings');
  });

  it('refuses a command that names no setting, before asking the org', async () => {
    const error = await ConnectedAppUpdate.run(['-o', org.emulator.username, '-n', 'Cmd_Update']).then(
      () => undefined,
      (e: Error) => e
    );
    expect(error?.message).to.include('Nothing to change');
    expect(soapOperations(org.emulator)).to.deep.equal([]);
  });

  it('takes create\'s setting flags: a flow switched on with --code-credential, off again with --no-code-credential', async () => {
    const name = await ownApp({ scopes: ['Api', 'Web', 'RefreshToken', 'OpenID'] });
    const on = await ConnectedAppUpdate.run(['-o', org.emulator.username, '-n', name, '--code-credential', '--id-token-validity', '5']);
    // the app has openid already, so the ID token brings no scope change
    expect(on.changes.map((change) => change.setting)).to.deep.equal(['idToken', 'flows.codeCredential']);
    expect(on.changes[0]).to.deep.include({ after: { validityMinutes: 5, audiences: [], includeStandardClaims: true, includeCustomAttributes: false, includeCustomPermissions: false } });
    const off = await ConnectedAppUpdate.run(['-o', org.emulator.username, '-n', name, '--no-code-credential']);
    expect(off.changes).to.deep.equal([{ setting: 'flows.codeCredential', before: true, after: false }]);
  });

  it('does not offer a setting a connected app cannot carry: the flag is refused before anything is sent', async () => {
    expect(Object.keys(ConnectedAppUpdate.flags)).to.not.include('device-flow');
    org.emulator.clearRequests();
    const error = await ConnectedAppUpdate.run(['-o', org.emulator.username, '-n', 'Cmd_Update', '--device-flow']).then(
      () => undefined,
      (e: Error) => e
    );
    expect(error?.message).to.match(/Nonexistent flag: --device-flow/);
    expect(soapOperations(org.emulator)).to.deep.equal([]);
  });
});
