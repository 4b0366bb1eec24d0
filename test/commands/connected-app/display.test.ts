import { expect } from 'chai';
import sinon from 'sinon';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import ConnectedAppDisplay from '../../../src/commands/connected-app/display.js';
import { parseDefinitionDocument } from '../../../src/model/definitionDocument.js';
import { buildAppDefinition, type AppDefinitionInput } from '../../../src/model/appDefinition.js';
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
      // The words the flags and the definition file take, so the output can be fed back as input.
      scopes: ['api', 'web', 'refresh_token'],
      consumerKey: def.consumerKey,
      permittedUsers: 'admin-approved',
      profiles: ['System Administrator'],
      permissionSets: ['CLI_Access'],
      refreshTokenPolicy: '90d',
      sessionTimeoutMinutes: 15,
      ipRelaxation: 'enforce',
    });
    expect(result.certificate).to.include('-----BEGIN CERTIFICATE-----');
    expect(result).to.not.have.property('consumerSecret');
    expect(JSON.stringify(result)).to.not.include('NeverShownSecret123');
    // ... and it is a definition file: every value reads back as what the app has.
    const { settings } = parseDefinitionDocument(JSON.parse(JSON.stringify({ status: 0, result })), 'shown.json');
    expect(buildAppDefinition({ ...(settings as AppDefinitionInput), name: 'Copy_App' }).definition).to.deep.include({
      scopes: def.scopes,
      permittedUsers: def.permittedUsers,
      refreshTokenPolicy: def.refreshTokenPolicy,
      ipRelaxation: def.ipRelaxation,
    });
  });

  it('prints the settings in words, under a header naming the kind as Setup does', async () => {
    await ConnectedAppDisplay.run(['-o', org.emulator.username, '-n', 'Shown_App']);
    expect(ux.styledHeader.firstCall.args[0]).to.equal('Connected App Shown_App');
    const shown = ux.styledObject.firstCall.args[0] as Record<string, unknown>;
    expect(shown).to.deep.include({
      'Consumer key': def.consumerKey,
      Scopes: 'api web refresh_token',
      'Callback URLs': def.callbackUrls,
      'Permitted users': 'Admin approved users are pre-authorized (profiles: System Administrator; permission sets: CLI_Access)',
      'Refresh token': 'Expires after 90 days (90d)',
      'Session timeout': '15 minutes',
      'IP relaxation': 'Enforce IP restrictions (enforce)',
      'OAuth flows': 'none',
      'ID token': 'off',
    });
    expect(String(shown.Certificate)).to.match(/^SHA-256 [0-9A-F:]+\.\.\., expires \d{4}-/);
    // No raw objects or metadata spellings.
    expect(Object.values(shown).flat().join('\n')).to.not.match(/specificLifetime|AdminApprovedPreAuthorized|ENFORCE|\{|BEGIN CERTIFICATE/);
  });

  it('prints text the org holds safely: a control character shows as its code, never reaches the terminal', async () => {
    // C1 controls (CSI) and DEL are valid XML, so an app made elsewhere can carry them; --json keeps them as they are.
    const odd = definition('Odd_Text_App', { description: 'Red\u009b31m text\u007f here' });
    await createConnectedApp(org.conn, odd);
    const result = await ConnectedAppDisplay.run(['-o', org.emulator.username, '-n', 'Odd_Text_App']);
    expect(result.description).to.equal('Red\u009b31m text\u007f here');
    const printed = Object.values(ux.styledObject.firstCall.args[0] as Record<string, unknown>).flat().join('\n');
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(printed).to.not.match(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/);
    expect(printed).to.include('Red\\u009b31m text\\u007f here');
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
