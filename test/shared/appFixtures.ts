/*
 * Definitions and expected element orders shared by the library's tests. The orders are the xsd:sequence orders of
 * the Metadata API v63 WSDL (docs/salesforce-facts.md#f-md-wsdl-v63), copied here so the tests stand alone.
 */
import type { OAuthAppDefinition } from '../../src/model/appModel.js';
import { buildAppDefinition } from '../../src/model/appDefinition.js';
import { generateKeyAndCertificate } from '../../src/model/certificate.js';

export const ORDER: Record<string, string[]> = {
  ConnectedApp: [
    'attributes', 'canvas', 'canvasConfig', 'contactEmail', 'contactPhone', 'description', 'iconUrl', 'infoUrl',
    'ipRanges', 'label', 'logoUrl', 'mobileAppConfig', 'mobileStartUrl', 'oauthConfig', 'oauthPolicy',
    'permissionSetName', 'plugin', 'pluginExecutionUser', 'profileName', 'samlConfig', 'sessionPolicy', 'startUrl',
  ],
  ConnectedAppOauthConfig: [
    'assetTokenConfig', 'callbackUrl', 'certificate', 'consumerKey', 'consumerSecret', 'idTokenConfig',
    'isAdminApproved', 'isClientCredentialEnabled', 'isCodeCredentialEnabled', 'isCodeCredentialPostOnly',
    'isConsumerSecretOptional', 'isIntrospectAllTokens', 'isNamedUserJwtEnabled', 'isPkceRequired',
    'isRefreshTokenRotationEnabled', 'isSecretRequiredForRefreshToken', 'isSecretRequiredForTokenExchange',
    'isTokenExchangeEnabled', 'oauthClientCredentialUser', 'scopes', 'singleLogoutUrl',
  ],
  ConnectedAppOauthPolicy: ['ipRelaxation', 'isTokenExchangeFlowEnabled', 'refreshTokenPolicy', 'singleLogoutUrl'],
  ConnectedAppSessionPolicy: ['policyAction', 'sessionLevel', 'sessionTimeout'],
  ConnectedAppOauthIdToken: [
    'idTokenAudience', 'idTokenIncludeAttributes', 'idTokenIncludeCustomPerms', 'idTokenIncludeStandardClaims',
    'idTokenValidity',
  ],
  ConnectedAppOauthAssetToken: [
    'assetAudiences', 'assetIncludeAttributes', 'assetIncludeCustomPerms', 'assetSigningCertId', 'assetValidityPeriod',
  ],
  ExternalClientApplication: [
    'contactEmail', 'contactPhone', 'description', 'distributionState', 'iconUrl', 'infoUrl', 'isProtected', 'label',
    'logoUrl', 'managedType', 'orgScopedExternalApp',
  ],
  ExtlClntAppOauthSettings: [
    'areAttributesIncludedInAssetToken', 'areCustomPermsIncludedInAssetToken', 'assetTokenAudiences',
    'assetTokenSigningCertificate', 'assetTokenValidity', 'clientAssertionCertificate', 'commaSeparatedCustomScopes',
    'commaSeparatedOauthScopes', 'customAttributes', 'externalClientApplication', 'isFirstPartyAppEnabled', 'label',
    'oauthLink', 'singleLogoutUrl', 'trustedIpRanges',
  ],
  ExtlClntAppGlobalOauthSettings: [
    'callbackUrl', 'certificate', 'consumerKey', 'consumerSecret', 'externalClientApplication', 'idTokenConfig',
    'isClientCredentialsFlowEnabled', 'isCodeCredFlowEnabled', 'isCodeCredPostOnly', 'isConsumerSecretOptional',
    'isDeviceFlowEnabled', 'isIntrospectAllTokens', 'isNamedUserJwtEnabled', 'isPkceRequired',
    'isRefreshTokenRotationEnabled', 'isSecretRequiredForRefreshToken', 'isSecretRequiredForTokenExchange',
    'isTokenExchangeEnabled', 'label', 'shouldRotateConsumerKey', 'shouldRotateConsumerSecret',
  ],
  ExternalAppIdTokenConfig: [
    'idTokenAudience', 'idTokenIncludeAttributes', 'idTokenIncludeCustomPermissions', 'idTokenIncludeStandardClaims',
    'idTokenValidityInMinutes',
  ],
  ExtlClntAppOauthConfigurablePolicies: [
    'apexHandler', 'clientCredentialsFlowUser', 'commaSeparatedCustomScopes', 'commaSeparatedPermissionSet',
    'commaSeparatedProfile', 'customAttributes', 'executeHandlerAs', 'externalClientApplication', 'guestJwtTimeout',
    'ipRelaxationPolicyType', 'isClientCredentialsFlowEnabled', 'isGuestCodeCredFlowEnabled', 'isNamedUserJwtEnabled',
    'isTokenExchangeFlowEnabled', 'label', 'namedUserJwtTimeout', 'permittedUsersPolicyType', 'policyAction',
    'refreshTokenPolicyType', 'refreshTokenValidityPeriod', 'refreshTokenValidityUnit', 'requiredSessionLevel',
    'sessionTimeoutInMinutes', 'singleLogoutUrl', 'startUrl',
  ],
  ExtlClntAppConfigurablePolicies: [
    'externalClientApplication', 'isEnabled', 'isMobilePluginEnabled', 'isNotificationPluginEnabled',
    'isOauthPluginEnabled', 'isPushPluginEnabled', 'isSamlPluginEnabled', 'label', 'startPage', 'startUrl',
  ],
};

/** Asserts-friendly: the keys of content, and whether they follow the sequence (each known, strictly increasing). */
export function orderProblems(content: Record<string, unknown>, sequence: string[]): string[] {
  const problems: string[] = [];
  let last = -1;
  for (const key of Object.keys(content)) {
    const at = sequence.indexOf(key);
    if (at < 0) problems.push(`${key} is not in the sequence`);
    else if (at <= last) problems.push(`${key} is out of order`);
    last = Math.max(last, at);
  }
  return problems;
}

/** A real certificate: definition files and create check that a certificate parses (issue 10 item 8). */
export const PEM = generateKeyAndCertificate({ commonName: 'Fixture', days: 365 }).certificatePem;

/** The defaults: what `create --name CI_App` builds. */
export function defaultDefinition(kind: 'ConnectedApp' | 'ExternalClientApplication' = 'ConnectedApp'): OAuthAppDefinition {
  return buildAppDefinition(
    { name: 'CI_App', certificatePem: PEM, consumerKey: 'Key12345678' },
    { kind, defaultContactEmail: 'admin@example.com', defaultProfile: 'System Administrator' }
  ).definition;
}

/** Every option the model has, set. */
export function fullDefinition(): OAuthAppDefinition {
  return {
    name: 'Full_App',
    label: 'Full App & <Co>',
    description: 'Everything set',
    contactEmail: 'ops@example.com',
    contactPhone: '+1 555 0100',
    callbackUrls: ['http://localhost:1717/OauthRedirect', 'https://example.com/cb', 'myapp://callback'],
    scopes: ['Api', 'Web', 'RefreshToken', 'OpenID', 'SFAP'],
    certificate: PEM,
    consumerKey: '00012345678',
    consumerSecret: 'SecretValue123456',
    permittedUsers: 'AdminApprovedPreAuthorized',
    profiles: ['System Administrator', 'Standard User'],
    permissionSets: ['CI_Access', 'Other_Set'],
    refreshTokenPolicy: { type: 'specificInactivity', value: 7, unit: 'hours' },
    sessionTimeoutMinutes: 120,
    ipRelaxation: 'BYPASS_2FACTOR',
    flows: {
      deviceFlow: true,
      clientCredentialsUser: 'integration@example.com',
      codeCredential: true,
      codeCredentialPostOnly: true,
      requireSecretForWebServer: true,
      requireSecretForRefreshToken: true,
      requireSecretForTokenExchange: true,
      pkceRequired: true,
      refreshTokenRotation: true,
      tokenExchange: true,
      introspectAllTokens: true,
      namedUserJwt: true,
    },
    idToken: {
      validityMinutes: 30,
      audiences: ['https://a.example.com', 'https://b.example.com'],
      includeStandardClaims: true,
      includeCustomAttributes: true,
      includeCustomPermissions: false,
    },
    assetToken: {
      validityMinutes: 60,
      signingCertificate: 'AssetSigner',
      audiences: ['https://device.example.com'],
      includeCustomAttributes: false,
      includeCustomPermissions: true,
    },
    singleLogoutUrl: 'https://example.com/logout',
  };
}

/** A rotate-certificate result that must be a rotation (not "not due"), narrowed for the assertions that follow. */
export function rotatedResult<T extends { rotated: boolean }>(result: T): Extract<T, { rotated: true }> {
  if (!result.rotated) throw new Error(`expected a rotation, got ${JSON.stringify(result)}`);
  return result as Extract<T, { rotated: true }>;
}
