/*
 * Presets: each one builds the app its job needs, for both kinds, and stays overridable (preset < file < flags).
 */
import { expect } from 'chai';
import { buildAppDefinition, type AppDefinitionContext } from '../../src/model/appDefinition.js';
import { PRESET_NAMES, presetSettings } from '../../src/model/presets.js';
import { resolveLayers } from '../../src/verbs/create/layers.js';
import { buildConnectedApp } from '../../src/metadata/connectedApp.js';
import { buildExternalClientApp } from '../../src/metadata/externalClientApp.js';
import { toSourceXml } from '../../src/metadata/xml.js';
import type { AppKind, OAuthAppDefinition } from '../../src/model/appModel.js';
import { validateXmlDocument } from '../emulator/metadataSchema.js';

const context = (kind: AppKind): AppDefinitionContext => ({
  kind,
  defaultCallbackUrl: 'http://localhost:1717/OauthRedirect',
  defaultContactEmail: 'admin@example.com',
  defaultProfile: 'System Administrator',
  myDomainUrl: 'https://acme.my.salesforce.com',
});

async function build(
  preset: (typeof PRESET_NAMES)[number],
  kind: AppKind,
  more: Record<string, unknown> = {}
): Promise<{ definition: OAuthAppDefinition; noCertificate?: boolean; warnings: string[] }> {
  const input = await resolveLayers({ name: 'Preset_App', preset, ...more }, () => {});
  const built = buildAppDefinition(input, { ...context(kind), insistedSettings: input.insistedSettings });
  return { definition: built.definition, noCertificate: input.noCertificate, warnings: built.warnings };
}

describe('presets', () => {
  it('jwt: the Salesforce DX JWT app (docs/salesforce-facts.md#f-sfdx-cli-app-settings): certificate, api web refresh_token, admin-approved, 90 days, 15 minutes', async () => {
    for (const kind of ['ConnectedApp', 'ExternalClientApplication'] as const) {
      const { definition, noCertificate } = await build('jwt', kind);
      expect(noCertificate).to.equal(false);
      expect(definition).to.deep.include({
        callbackUrls: ['http://localhost:1717/OauthRedirect'],
        scopes: ['Api', 'Web', 'RefreshToken'],
        permittedUsers: 'AdminApprovedPreAuthorized',
        profiles: ['System Administrator'],
        refreshTokenPolicy: { type: 'specificLifetime', value: 90, unit: 'days' },
        sessionTimeoutMinutes: 15,
      });
      expect(definition.flows.requireSecretForWebServer).to.equal(false);
    }
  });

  it('web: no certificate, PKCE required, no secret required (sf org login web may have none)', async () => {
    for (const kind of ['ConnectedApp', 'ExternalClientApplication'] as const) {
      const { definition, noCertificate } = await build('web', kind);
      expect(noCertificate).to.equal(true);
      expect(definition.flows).to.include({ pkceRequired: true, requireSecretForWebServer: false, requireSecretForRefreshToken: false });
      expect(definition.scopes).to.deep.equal(['Api', 'Web', 'RefreshToken']);
    }
  });

  it('integration (docs/salesforce-facts.md#f-integration-app-settings): device flow, full scope, My Domain callback, secrets required, client credentials, introspection', async () => {
    const { definition, noCertificate } = await build('integration', 'ExternalClientApplication', { clientCredentialsUser: 'sync@example.com' });
    expect(noCertificate).to.equal(true);
    expect(definition.scopes).to.deep.equal(['Full']);
    expect(definition.callbackUrls).to.deep.equal(['https://acme.my.salesforce.com']);
    expect(definition.flows).to.include({
      deviceFlow: true,
      clientCredentialsUser: 'sync@example.com',
      requireSecretForWebServer: true,
      requireSecretForRefreshToken: true,
      introspectAllTokens: true,
    });
    const [, global, , policies] = buildExternalClientApp(definition);
    expect(global.content).to.include({
      callbackUrl: 'https://acme.my.salesforce.com',
      isDeviceFlowEnabled: true,
      isClientCredentialsFlowEnabled: true,
      isConsumerSecretOptional: false,
      isSecretRequiredForRefreshToken: true,
      isIntrospectAllTokens: true,
    });
    expect(policies.content).to.include({ clientCredentialsFlowUser: 'sync@example.com', isClientCredentialsFlowEnabled: true });
  });

  it('integration on a connected app: everything but the device flow, which is named in a warning', async () => {
    const { definition, warnings } = await build('integration', 'ConnectedApp', { clientCredentialsUser: 'sync@example.com' });
    const app = buildConnectedApp(definition);
    expect(app.content.oauthConfig).to.include({
      isClientCredentialEnabled: true,
      oauthClientCredentialUser: 'sync@example.com',
      isConsumerSecretOptional: false,
      isSecretRequiredForRefreshToken: true,
      isIntrospectAllTokens: true,
    });
    expect(warnings.join(' ')).to.include('flows.deviceFlow');
  });

  it('integration needs its run-as user, or the client credentials flow switched off', async () => {
    let error: Error | undefined;
    try {
      await build('integration', 'ExternalClientApplication');
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).to.equal('ClientCredentialsUserRequiredError');
    const { definition } = await build('integration', 'ExternalClientApplication', { clientCredentials: false });
    expect(definition.flows.clientCredentialsUser).to.equal(undefined);
    expect(definition.flows.deviceFlow).to.equal(true);
  });

  it('flags override the preset, in both directions', async () => {
    const { definition, noCertificate } = await build('integration', 'ExternalClientApplication', {
      clientCredentialsUser: 'sync@example.com',
      deviceFlow: false,
      scopes: ['api', 'refresh_token'],
      callbackUrlMyDomain: false,
      pkceRequired: false,
      jwtKeyFile: 'server.key',
    });
    expect(definition.flows.deviceFlow).to.equal(false);
    expect(definition.flows.pkceRequired).to.equal(false);
    expect(definition.scopes).to.deep.equal(['Api', 'RefreshToken']);
    expect(definition.callbackUrls).to.deep.equal(['http://localhost:1717/OauthRedirect']);
    expect(noCertificate).to.equal(false);
  });

  it('every preset builds metadata that validates, for both kinds', async () => {
    for (const preset of PRESET_NAMES) {
      for (const kind of ['ConnectedApp', 'ExternalClientApplication'] as const) {
        // eslint-disable-next-line no-await-in-loop
        const { definition } = await build(preset, kind, { clientCredentialsUser: 'sync@example.com' });
        const components = kind === 'ConnectedApp' ? [buildConnectedApp(definition)] : buildExternalClientApp(definition);
        for (const component of components) {
          expect(validateXmlDocument(toSourceXml(component)).problems, `${preset} ${component.type}`).to.deep.equal([]);
        }
      }
    }
  });

  it('hands out copies', () => {
    const first = presetSettings('integration');
    first.scopes!.push('api');
    expect(presetSettings('integration').scopes).to.deep.equal(['full']);
  });
});
