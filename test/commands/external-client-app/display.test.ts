import { expect } from 'chai';
import sinon from 'sinon';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import ExternalClientAppDisplay from '../../../src/commands/external-client-app/display.js';
import { createExternalClientApp, definition, startEmulatorOrg, type EmulatorOrg } from '../../shared/emulatorOrg.js';

describe('external-client-app display', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  const sandbox = sinon.createSandbox();
  let ux: ReturnType<typeof stubSfCommandUx>;
  const def = definition('Eca_Shown', { consumerSecret: 'EcaSecretValue987', permissionSets: ['CLI_Access'] });

  before(async () => {
    org = await startEmulatorOrg();
    await createExternalClientApp(org.conn, def);
  });
  after(async () => org?.close());
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
  });
  afterEach(() => {
    sandbox.restore();
    org.emulator.state.updateSettings({ ecaSecretRestAccess: true });
  });

  it('returns the app as a definition with its consumer key, and no secret unless asked', async () => {
    const result = await ExternalClientAppDisplay.run(['-o', org.emulator.username, '--name', 'Eca_Shown', '--json']);
    expect(result).to.deep.include({
      kind: 'ExternalClientApplication',
      name: 'Eca_Shown',
      callbackUrls: ['http://localhost:1717/OauthRedirect'],
      scopes: ['api', 'web', 'refresh_token'],
      consumerKey: def.consumerKey,
      permittedUsers: 'admin-approved',
      profiles: ['System Administrator'],
      permissionSets: ['CLI_Access'],
    });
    expect(result.certificateExpires).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(JSON.stringify(result)).to.not.include('EcaSecretValue987');
  });

  it('shows the consumer secret with --show-secret', async () => {
    const result = await ExternalClientAppDisplay.run(['-o', org.emulator.username, '-n', 'Eca_Shown', '--show-secret']);
    expect(result.consumerSecret).to.equal('EcaSecretValue987');
    expect((ux.styledObject.firstCall.args[0] as Record<string, unknown>)['Consumer secret']).to.equal('EcaSecretValue987');
  });

  it('names the setting and permissions when the org refuses the secret', async () => {
    org.emulator.state.updateSettings({ ecaSecretRestAccess: false });
    const error = await ExternalClientAppDisplay.run(['-o', org.emulator.username, '-n', 'Eca_Shown', '--show-secret']).then(
      () => undefined,
      (e: Error & { actions?: string[] }) => e
    );
    expect(error?.message).to.include('refused to hand out the consumer secret of Eca_Shown');
    expect(error?.actions?.join('\n')).to.include('Allow access to External Client App consumer secrets via REST API');
  });

  it('names the list command for an unknown app', async () => {
    const error = await ExternalClientAppDisplay.run(['-o', org.emulator.username, '-n', 'Nope']).then(
      () => undefined,
      (e: Error & { actions?: string[] }) => e
    );
    expect(error?.message).to.equal('The org has no External Client App named Nope.');
    expect(error?.actions?.[0]).to.include('sf external-client-app list');
  });
});
