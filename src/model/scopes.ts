/*
 * OAuth scopes: users know them by their OAuth token names (api, web, refresh_token), Setup and the Metadata API by
 * the ConnectedAppOauthAccessScope enum (Api, Web, RefreshToken). Both spellings are accepted; the enum is stored.
 */
import { Messages } from '@salesforce/core';
import type { MetadataScope } from './appModel.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.validation');

/** ConnectedAppOauthAccessScope, the v63 WSDL's enum, in its order (docs/salesforce-facts.md#f-eca-scopes). */
export const CONNECTED_APP_SCOPE_ENUM: readonly MetadataScope[] = [
  'Basic',
  'Api',
  'Web',
  'Full',
  'Chatter',
  'CustomApplications',
  'RefreshToken',
  'OpenID',
  'Profile',
  'Email',
  'Address',
  'Phone',
  'OfflineAccess',
  'CustomPermissions',
  'Wave',
  'Eclair',
  'Pardot',
  'Lightning',
  'Content',
  'CDPIngest',
  'CDPProfile',
  'CDPQuery',
  'Chatbot',
  'CDPSegment',
  'CDPIdentityResolution',
  'CDPCalculatedInsight',
  'ForgotPassword',
  'UserRegistration',
  'SFAP',
  'Interaction',
  'CDP',
  'EinsteinGPT',
  'PwdlessLogin',
];

/** Names only External Client Apps document (docs/salesforce-facts.md#f-eca-scopes). */
export const EXTERNAL_CLIENT_APP_ONLY_SCOPES: readonly MetadataScope[] = ['MCP', 'SCRT'];

/**
 * Every scope the plugin knows: the connected app enum in the WSDL's order, then the names only External Client Apps
 * document. Which kind carries which is in model/kindRules.ts.
 */
export const METADATA_SCOPES: readonly MetadataScope[] = [...CONNECTED_APP_SCOPE_ENUM, ...EXTERNAL_CLIENT_APP_ONLY_SCOPES];

/** OAuth token names (as in Setup's "(api)" hints and `sf org login web --scopes`) to the enum. */
const OAUTH_NAME_TO_SCOPE: Record<string, MetadataScope> = {
  api: 'Api',
  web: 'Web',
  full: 'Full',
  // Salesforce: refresh_token is synonymous with offline_access; a retrieve returns RefreshToken.
  // eslint-disable-next-line camelcase
  refresh_token: 'RefreshToken',
  // eslint-disable-next-line camelcase
  offline_access: 'RefreshToken',
  openid: 'OpenID',
  // Salesforce: id, profile, email, address and phone are synonymous; a retrieve returns Basic.
  id: 'Basic',
  profile: 'Basic',
  email: 'Basic',
  address: 'Basic',
  phone: 'Basic',
  // eslint-disable-next-line camelcase
  chatter_api: 'Chatter',
  visualforce: 'CustomApplications',
  // eslint-disable-next-line camelcase
  custom_permissions: 'CustomPermissions',
  // eslint-disable-next-line camelcase
  wave_api: 'Wave',
  // eslint-disable-next-line camelcase
  eclair_api: 'Eclair',
  // eslint-disable-next-line camelcase
  pardot_api: 'Pardot',
  lightning: 'Lightning',
  content: 'Content',
  // eslint-disable-next-line camelcase
  cdp_ingest_api: 'CDPIngest',
  // eslint-disable-next-line camelcase
  cdp_profile_api: 'CDPProfile',
  // eslint-disable-next-line camelcase
  cdp_query_api: 'CDPQuery',
  // eslint-disable-next-line camelcase
  chatbot_api: 'Chatbot',
  // eslint-disable-next-line camelcase
  cdp_segment_api: 'CDPSegment',
  // eslint-disable-next-line camelcase
  cdp_identity_resolution_api: 'CDPIdentityResolution',
  // eslint-disable-next-line camelcase
  cdp_calculated_insight_api: 'CDPCalculatedInsight',
  // eslint-disable-next-line camelcase
  forgot_password: 'ForgotPassword',
  // eslint-disable-next-line camelcase
  user_registration_api: 'UserRegistration',
  // eslint-disable-next-line camelcase
  sfap_api: 'SFAP',
  // eslint-disable-next-line camelcase
  interaction_api: 'Interaction',
  // eslint-disable-next-line camelcase
  cdp_api: 'CDP',
  // eslint-disable-next-line camelcase
  einstein_gpt_api: 'EinsteinGPT',
  // eslint-disable-next-line camelcase
  pwdless_login_api: 'PwdlessLogin',
  // Setup: "Access Salesforce hosted MCP servers (mcp_api)", for External Client Apps only.
  // eslint-disable-next-line camelcase
  mcp_api: 'MCP',
};

/** Enum values Salesforce treats as another one; stored as what a retrieve returns. */
const ENUM_SYNONYMS: Partial<Record<MetadataScope, MetadataScope>> = {
  Profile: 'Basic',
  Email: 'Basic',
  Address: 'Basic',
  Phone: 'Basic',
  OfflineAccess: 'RefreshToken',
};

/** The OAuth token name shown for each enum value (the first name Salesforce lists for it). */
const SCOPE_TO_OAUTH_NAME: Record<MetadataScope, string> = Object.fromEntries([
  ...METADATA_SCOPES.map((scope) => [scope, scope]),
  ...Object.entries(OAUTH_NAME_TO_SCOPE)
    .reverse()
    .map(([name, scope]) => [scope, name]),
  ['Profile', 'profile'],
  ['Email', 'email'],
  ['Address', 'address'],
  ['Phone', 'phone'],
  ['OfflineAccess', 'offline_access'],
]) as Record<MetadataScope, string>;

const ENUM_BY_LOWERCASE = new Map(METADATA_SCOPES.map((scope) => [scope.toLowerCase(), scope]));

/** Every name parseScopes accepts, for help and error text. */
export function validScopeNames(): string[] {
  return [...Object.keys(OAUTH_NAME_TO_SCOPE), ...METADATA_SCOPES];
}

/**
 * The names a user may type for these scopes, for error text: each scope's OAuth token names, or its metadata name
 * when it has none.
 */
export function scopeNamesFor(scopes: readonly MetadataScope[]): string[] {
  return scopes.flatMap((scope) => {
    const names = Object.entries(OAUTH_NAME_TO_SCOPE)
      .filter(([, mapped]) => mapped === scope)
      .map(([name]) => name);
    return names.length > 0 ? names : ENUM_SYNONYMS[scope] ? [] : [scope];
  });
}

/** One scope name to the enum; undefined when unknown. OAuth names win over enum names (profile = id = Basic). */
export function toMetadataScope(name: string): MetadataScope | undefined {
  const key = name.trim().toLowerCase();
  const scope = OAUTH_NAME_TO_SCOPE[key] ?? ENUM_BY_LOWERCASE.get(key);
  return scope ? ENUM_SYNONYMS[scope] ?? scope : undefined;
}

/**
 * Parses scope names: each value may itself be a comma- or space-separated list. Synonyms collapse to one value,
 * duplicates are dropped, and the first occurrence keeps its place.
 * Throws error.UnknownScope naming every unknown name.
 */
export function parseScopes(values: string | readonly string[]): MetadataScope[] {
  const names = (typeof values === 'string' ? [values] : values)
    .flatMap((value) => value.split(/[\s,]+/))
    .filter((name) => name.length > 0);
  const unknown = names.filter((name) => toMetadataScope(name) === undefined);
  if (unknown.length > 0) {
    throw messages.createError('error.UnknownScope', [unknown.join(', ')], [Object.keys(OAUTH_NAME_TO_SCOPE).join(', ')]);
  }
  return [...new Set(names.map((name) => toMetadataScope(name)!))];
}

/** Enum values to OAuth token names for display: ['Api', 'Web', 'RefreshToken'] -> ['api', 'web', 'refresh_token']. */
export function toOAuthScopeNames(scopes: readonly MetadataScope[]): string[] {
  return scopes.map((scope) => SCOPE_TO_OAUTH_NAME[scope] ?? scope);
}
