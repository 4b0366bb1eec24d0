import { expect } from 'chai';
import sinon from 'sinon';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import ConnectedAppDisplay from '../../../src/commands/connected-app/display.js';
import { createConnectedApp, definition, startEmulatorOrg, type EmulatorOrg } from '../../shared/emulatorOrg.js';

describe('connected-app display', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  const sandbox = sinon.createSandbox();
  let ux: ReturnType<typeof stubSfCommandUx>;
  const def = definition('Shown_App', {
    consumerSecret: 'NeverShownSecret123',
    callbackUrls: ['http://localhost:1717/OauthRedirect', 'https://example.com/oauth'],
    permissionSets: ['CLI_Access'],
  });

  before(async () => {
    org = await startEmulatorOrg();
    await createConnectedApp(org.conn, def);
  });
  after(async () => org?.close());
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
  });
  afterEach(() => sandbox.restore());

  it('returns the app as a definition with its consumer key, and never a secret', async () => {
    const result = await ConnectedAppDisplay.run(['-o', org.emulator.username, '--name', 'Shown_App', '--json']);
    expect(result).to.deep.include({
      kind: 'ConnectedApp',
      name: 'Shown_App',
      label: 'Shown App',
      callbackUrls: def.callbackUrls,
      scopes: ['Api', 'Web', 'RefreshToken'],
      consumerKey: def.consumerKey,
      permittedUsers: 'AdminApprovedPreAuthorized',
      profiles: ['System Administrator'],
      permissionSets: ['CLI_Access'],
      refreshTokenPolicy: { type: 'specificLifetime', value: 90, unit: 'days' },
      sessionTimeoutMinutes: 15,
      ipRelaxation: 'ENFORCE',
    });
    expect(result.certificate).to.include('-----BEGIN CERTIFICATE-----');
    expect(result).to.not.have.property('consumerSecret');
    expect(JSON.stringify(result)).to.not.include('NeverShownSecret123');
  });

  it('prints the settings, with the certificate shortened', async () => {
    await ConnectedAppDisplay.run(['-o', org.emulator.username, '-n', 'Shown_App']);
    expect(ux.styledHeader.firstCall.args[0]).to.equal('connected app Shown_App');
    const shown = ux.styledObject.firstCall.args[0] as Record<string, unknown>;
    expect(shown.consumerKey).to.equal(def.consumerKey);
    expect(String(shown.certificate)).to.match(/^-----BEGIN CERTIFICATE-----.*\.\.\. \(\d+ characters\)$/);
  });

  it('explains that a connected app secret cannot be read, without asking the org', async () => {
    org.emulator.clearRequests();
    const error = await ConnectedAppDisplay.run(['-o', org.emulator.username, '-n', 'Shown_App', '--show-secret']).then(
      () => undefined,
      (e: Error & { actions?: string[] }) => e
    );
    expect(error?.message).to.include('never returns a connected app');
    expect(error?.actions?.join(' ')).to.include('Manage Consumer Details');
    expect(org.emulator.requests().filter((r) => r.path.startsWith('/services/Soap'))).to.have.length(0);
  });

  it('names the list command for an unknown app', async () => {
    const error = await ConnectedAppDisplay.run(['-o', org.emulator.username, '-n', 'Not_There']).then(
      () => undefined,
      (e: Error & { actions?: string[] }) => e
    );
    expect(error?.message).to.equal('The org has no connected app named Not_There.');
    expect(error?.actions?.[0]).to.include('sf connected-app list');
  });
});
