import { expect } from 'chai';
import { unsupportedSettings } from '../../src/model/settings.js';
import {
  buildExternalClientApp,
  externalClientAppDeployOrder,
  globalOauthSettingsName,
  readExternalClientApp,
} from '../../src/metadata/externalClientApp.js';
import { parseSourceXml, toSourceXml } from '../../src/metadata/xml.js';
import { validateXmlDocument } from '../emulator/metadataSchema.js';
import { ORDER, PEM, defaultDefinition, fullDefinition, orderProblems } from './appFixtures.js';

describe('externalClientAppMetadata', () => {
  it('builds the minimal complete set, header first, satellites named and linked to it', () => {
    const components = buildExternalClientApp(defaultDefinition('ExternalClientApplication'));
    expect(components.map((c) => `${c.type}:${c.fullName}`)).to.deep.equal([
      'ExternalClientApplication:CI_App',
      'ExtlClntAppGlobalOauthSettings:CI_App_glbl',
      'ExtlClntAppOauthSettings:CI_App_oauth',
      'ExtlClntAppOauthConfigurablePolicies:CI_App_oauthPlcy',
      'ExtlClntAppConfigurablePolicies:CI_App_plcy',
    ]);
    expect(globalOauthSettingsName('CI_App')).to.equal('CI_App_glbl');
    for (const component of components.slice(1)) {
      expect(component.content.externalClientApplication).to.equal('CI_App');
    }
  });

  it('defaults: exact content of each component, in sequence order', () => {
    const [header, global, oauth, oauthPolicies, policies] = buildExternalClientApp(
      defaultDefinition('ExternalClientApplication')
    );
    expect(header.content).to.deep.equal({
      contactEmail: 'admin@example.com',
      distributionState: 'Local',
      isProtected: false,
      label: 'CI App',
    });
    expect(global.content).to.deep.equal({
      callbackUrl: 'http://localhost:1717/OauthRedirect',
      certificate: PEM,
      consumerKey: 'Key12345678',
      externalClientApplication: 'CI_App',
      isClientCredentialsFlowEnabled: false,
      isCodeCredFlowEnabled: false,
      isCodeCredPostOnly: false,
      isConsumerSecretOptional: true,
      isDeviceFlowEnabled: false,
      isIntrospectAllTokens: false,
      isNamedUserJwtEnabled: false,
      isPkceRequired: true,
      isRefreshTokenRotationEnabled: false,
      isSecretRequiredForRefreshToken: false,
      isSecretRequiredForTokenExchange: false,
      isTokenExchangeEnabled: false,
      label: 'CI_App_glbl',
      shouldRotateConsumerKey: false,
      shouldRotateConsumerSecret: false,
    });
    expect(Object.keys(global.content)).to.deep.equal(ORDER.ExtlClntAppGlobalOauthSettings.filter((k) => k in global.content));
    expect(oauth.content).to.deep.equal({
      commaSeparatedOauthScopes: 'Api, Web, RefreshToken',
      externalClientApplication: 'CI_App',
      label: 'CI_App_oauth',
    });
    expect(oauthPolicies.content).to.deep.equal({
      commaSeparatedProfile: 'System Administrator',
      externalClientApplication: 'CI_App',
      ipRelaxationPolicyType: 'Enforce',
      isClientCredentialsFlowEnabled: false,
      isTokenExchangeFlowEnabled: false,
      label: 'CI_App_oauthPlcy',
      permittedUsersPolicyType: 'AdminApprovedPreAuthorized',
      refreshTokenPolicyType: 'SpecificLifetime',
      refreshTokenValidityPeriod: 90,
      refreshTokenValidityUnit: 'Days',
      sessionTimeoutInMinutes: 15,
    });
    expect(policies.content).to.deep.equal({
      externalClientApplication: 'CI_App',
      isEnabled: true,
      isOauthPluginEnabled: true,
      label: 'CI_App_plcy',
    });
    for (const component of [header, global, oauth, oauthPolicies, policies]) {
      expect(orderProblems(component.content, ORDER[component.type]), component.type).to.deep.equal([]);
    }
  });

  it('with every option set, every component and the ID token config are in sequence order', () => {
    const components = buildExternalClientApp(fullDefinition());
    for (const component of components) {
      expect(orderProblems(component.content, ORDER[component.type]), component.type).to.deep.equal([]);
    }
    const [header, global, oauth, oauthPolicies] = components;
    expect(header.content).not.to.have.property('orgScopedExternalApp');
    expect(Object.keys(global.content.idTokenConfig as object)).to.deep.equal(ORDER.ExternalAppIdTokenConfig);
    expect(global.content.consumerSecret).to.equal('SecretValue123456');
    expect(global.content.isDeviceFlowEnabled).to.equal(true);
    expect(global.content.isClientCredentialsFlowEnabled).to.equal(true);
    expect(oauth.content).to.include({
      commaSeparatedOauthScopes: 'Api, Web, RefreshToken, OpenID, SFApiPlatform',
      assetTokenSigningCertificate: 'AssetSigner',
      assetTokenValidity: 60,
      singleLogoutUrl: 'https://example.com/logout',
    });
    expect(oauth.content).not.to.have.property('oauthLink');
    expect(oauthPolicies.content).to.include({
      clientCredentialsFlowUser: 'integration@example.com',
      commaSeparatedPermissionSet: 'CI_Access,Other_Set',
      commaSeparatedProfile: 'System Administrator,Standard User',
      ipRelaxationPolicyType: 'Bypass_2factor',
      refreshTokenPolicyType: 'SpecificInactivity',
      refreshTokenValidityPeriod: 7,
      refreshTokenValidityUnit: 'Hours',
      sessionTimeoutInMinutes: 120,
    });
  });

  it('writes infinite and zero refresh token policies without a period', () => {
    for (const type of ['infinite', 'zero'] as const) {
      const policies = buildExternalClientApp({ ...defaultDefinition(), refreshTokenPolicy: { type } })[3].content;
      expect(policies.refreshTokenPolicyType).to.equal(type === 'infinite' ? 'Infinite' : 'Zero');
      expect(policies).not.to.have.property('refreshTokenValidityPeriod');
      expect(policies).not.to.have.property('refreshTokenValidityUnit');
    }
  });

  it('never puts the consumer secret in the source form of the global OAuth settings', () => {
    const global = buildExternalClientApp(fullDefinition(), { forSource: true })[1];
    expect(global.content).not.to.have.property('consumerSecret');
    expect(toSourceXml(global)).not.to.include('SecretValue123456');
  });

  it('orders components for deploy: header first, whatever the input order', () => {
    const components = buildExternalClientApp(defaultDefinition());
    const shuffled = [components[3], components[1], components[4], components[0], components[2]];
    expect(externalClientAppDeployOrder(shuffled).map((c) => c.type)).to.deep.equal(components.map((c) => c.type));
  });

  it('can carry every setting of the model', () => {
    expect(unsupportedSettings('ExternalClientApplication', fullDefinition())).to.deep.equal([]);
  });

  it('reads back what it builds, in any order and through XML', () => {
    for (const def of [defaultDefinition('ExternalClientApplication'), fullDefinition()]) {
      const components = buildExternalClientApp(def);
      expect(readExternalClientApp([...components].reverse())).to.deep.equal(def);
      const parsed = components.map((c) => ({ ...c, content: parseSourceXml(toSourceXml(c)).content }));
      expect(readExternalClientApp(parsed)).to.deep.equal(def);
    }
  });

  it('reads missing policies as the org would create them', () => {
    const [header, global, oauth] = buildExternalClientApp(defaultDefinition('ExternalClientApplication'));
    const def = readExternalClientApp([header, global, oauth]);
    expect(def.permittedUsers).to.equal('AllSelfAuthorized');
    expect(def.refreshTokenPolicy).to.deep.equal({ type: 'specificLifetime', value: 365, unit: 'days' });
  });

  it("passes the emulator's v63 schema check for every component", () => {
    for (const def of [defaultDefinition('ExternalClientApplication'), fullDefinition()]) {
      for (const component of buildExternalClientApp(def)) {
        const result = validateXmlDocument(toSourceXml(component));
        expect(result.type).to.equal(component.type);
        expect(result.problems, `${component.type} ${def.name}`).to.deep.equal([]);
      }
    }
  });
});
