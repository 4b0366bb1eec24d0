import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import EcaUpdate from '../../../src/commands/external-client-app/update.js';
import { createExternalClientApp, definition, soapOperations, startEmulatorOrg, type EmulatorOrg } from '../../shared/emulatorOrg.js';

describe('external-client-app update', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  const sandbox = sinon.createSandbox();
  let ux: ReturnType<typeof stubSfCommandUx>;

  // Never changed by any test: the ones that fail before asking the org name it.
  before(async () => {
    org = await startEmulatorOrg();
    await createExternalClientApp(org.conn, definition('Cmd_Eca_Update'));
  });
  // A test that changes an app gets one of its own, in the state it starts from, so tests pass alone and in any order.
  let appCount = 0;
  async function ownApp(overrides: Parameters<typeof definition>[1] = {}): Promise<string> {
    const name = `Cmd_Eca_Update_${++appCount}`;
    await createExternalClientApp(org.conn, definition(name, { label: 'Cmd Eca Update', ...overrides }));
    org.emulator.clearRequests();
    return name;
  }
  after(async () => org?.close());
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
    org.emulator.clearRequests();
  });
  afterEach(() => sandbox.restore());

  it('changes the named settings in one deploy of the changed components and prints before and after', async () => {
    const name = await ownApp();
    const result = await EcaUpdate.run([
      '-o', org.emulator.username, '-n', name,
      '--refresh-token-policy', 'inactive:7d', '--add-scopes', 'openid', '--label', 'Renamed',
    ]);
    expect(result.changes).to.deep.equal([
      { setting: 'label', before: 'Cmd Eca Update', after: 'Renamed' },
      { setting: 'scopes', before: ['api', 'web', 'refresh_token'], after: ['api', 'web', 'refresh_token', 'openid'] },
      { setting: 'refreshTokenPolicy', before: '90d', after: 'inactive:7d' },
    ]);
    // Label, scopes and policy live in three components; only those three go, in one deploy.
    expect(soapOperations(org.emulator).filter((op) => op === 'deploy')).to.have.length(1);
    expect(result.components.map((c) => c.type).sort()).to.deep.equal([
      'ExternalClientApplication',
      'ExtlClntAppOauthConfigurablePolicies',
      'ExtlClntAppOauthSettings',
    ]);
    expect(ux.styledHeader.firstCall.args[0]).to.equal(`Updated the External Client App ${name}`);
  });

  it('shows what changed: list items added and removed, every value in words', async () => {
    const name = await ownApp();
    await EcaUpdate.run([
      '-o', org.emulator.username, '-n', name,
      '--add-callback-url', 'https://ci.example.com/callback', '--remove-scopes', 'web', '--add-scopes', 'openid',
      '--id-token-validity', '10', '--ip-relaxation', 'bypass', '--device-flow',
    ]);
    const table = ux.table.firstCall.args[0] as { data: Array<{ setting: string; change: string }>; overflow?: string };
    expect(table.data).to.deep.equal([
      { setting: 'Callback URLs', change: 'added: https://ci.example.com/callback' },
      { setting: 'Scopes', change: 'added: openid; removed: web' },
      { setting: 'IP relaxation', change: 'Enforce IP restrictions (enforce) → Bypass IP restrictions (bypass)' },
      {
        setting: 'ID token',
        change: 'off → valid for 10 minutes; audiences: none; with standard claims; without custom attributes; without custom permissions',
      },
      { setting: 'Device flow', change: 'off → on' },
    ]);
    // Long values wrap instead of being cut off.
    expect(table.overflow).to.equal('wrap');
  });

  it('says nothing changed and sends no update when the org already has it (safe to repeat)', async () => {
    const name = await ownApp({ label: 'Renamed' });
    const result = await EcaUpdate.run(['-o', org.emulator.username, '-n', name, '--label', 'Renamed']);
    expect(result.deployed).to.equal(false);
    expect(soapOperations(org.emulator).filter((op) => op === 'deploy')).to.deep.equal([]);
    expect(ux.log.args.flat().join('\n')).to.include('already has these settings');
  });

  it('refuses a command that names no setting, before asking the org', async () => {
    const error = await EcaUpdate.run(['-o', org.emulator.username, '-n', 'Cmd_Eca_Update']).then(
      () => undefined,
      (e: Error) => e
    );
    expect(error?.message).to.include('Nothing to change');
    expect(soapOperations(org.emulator)).to.deep.equal([]);
  });

  it('takes the app and its settings from --definition-file, with flags over the file', async () => {
    const name = await ownApp();
    const dir = await mkdtemp(join(tmpdir(), 'eca-update-file-'));
    try {
      const file = join(dir, 'app.json');
      await writeFile(file, JSON.stringify({ name, contactPhone: '+1 555 0100', flows: { pkceRequired: true }, ipRelaxation: 'bypass' }));
      const result = await EcaUpdate.run(['-o', org.emulator.username, '--definition-file', file, '--ip-relaxation', 'relax-refresh']);
      expect(result.name).to.equal(name);
      expect(result.changes).to.deep.equal([
        { setting: 'contactPhone', after: '+1 555 0100' },
        { setting: 'ipRelaxation', before: 'enforce', after: 'relax-refresh' },
        { setting: 'flows.pkceRequired', before: false, after: true },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('needs a name from --name or the file', async () => {
    const error = await EcaUpdate.run(['-o', org.emulator.username, '--label', 'x']).then(
      () => undefined,
      (e: Error) => e
    );
    expect(error?.message).to.include('--name');
    expect(soapOperations(org.emulator)).to.deep.equal([]);
  });
});
