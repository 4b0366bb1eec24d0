/*
 * From what the user typed (flag-like input) to a validated OAuthAppDefinition. Defaults follow the Salesforce DX
 * guide's setup for the CLI (callback http://localhost:<port>/OauthRedirect, api web refresh_token, admin-approved
 * users pre-authorized, refresh tokens expire after 90 days, 15-minute sessions). Every check runs here, before
 * anything is written or sent.
 */
import { Messages } from '@salesforce/core';
import { compact } from '../util/records.js';
import { KIND_RULES } from './kindRules.js';
import { FLOW_SWITCHES, flowDefault, unsupportedSettings, type FlowSwitch } from './settings.js';
import { callbackUrlForPort, DEFAULT_OAUTH_LOCAL_PORT } from './callbackUrls.js';
import { parseScopes, scopeNamesFor, toOAuthScopeNames } from './scopes.js';
import {
  assertNoControlCharacters,
  EMAIL,
  MAX_CALLBACK_URLS_LENGTH,
  MAX_LABEL_LENGTH,
  MAX_PHONE_LENGTH,
  parseIpRelaxation,
  parseRefreshTokenPolicy,
  requireHttps,
  SESSION_TIMEOUTS,
  validateAppName,
  validateCallbackUrl,
} from './valueRules.js';

import type {
  AppKind,
  AssetTokenSettings,
  IdTokenSettings,
  MetadataScope,
  OAuthAppDefinition,
  OAuthFlowSettings,
  PermittedUsers,
  RefreshTokenPolicy,
} from './appModel.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.validation');
const kindMessages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-kinds');

export type AppDefinitionInput = {
  name: string;
  label?: string;
  description?: string;
  contactEmail?: string;
  contactPhone?: string;
  callbackUrls?: string[];
  /** Add the org's My Domain URL (the target org's instance URL) as a callback URL, as Setup suggests (docs/salesforce-facts.md#f-mydomain-callback). */
  callbackUrlMyDomain?: boolean;
  /** Scope names in any spelling parseScopes accepts. */
  scopes?: string[];
  certificatePem?: string;
  consumerKey?: string;
  permittedUsers?: PermittedUsers;
  profiles?: string[];
  permissionSets?: string[];
  /** See parseRefreshTokenPolicy: 90d, 12h, 6mo, inactive:7d, infinite, zero, ... */
  refreshTokenPolicy?: string;
  sessionTimeoutMinutes?: number;
  /** enforce, bypass, bypass-2fa, relax-refresh, or the metadata values (ENFORCE, BYPASS_2FACTOR, ...). */
  ipRelaxation?: string;
  /** The client credentials flow: on with a run-as user, off (false) even when a lower layer named one. */
  clientCredentials?: boolean;
  clientCredentialsUser?: string;
  idToken?: Partial<IdTokenSettings>;
  /** signingCertificate is required (error.InvalidAssetToken without it). */
  assetToken?: Partial<AssetTokenSettings>;
  singleLogoutUrl?: string;
} & { [flow in FlowSwitch]?: boolean };

export type AppDefinitionContext = {
  kind?: AppKind;
  /** From the project's oauthLocalPort; http://localhost:1717/OauthRedirect when absent. */
  defaultCallbackUrl?: string;
  /** The target org user's email. */
  defaultContactEmail?: string;
  /** The target org user's profile, pre-authorized when neither profiles nor permission sets are given. */
  defaultProfile?: string;
  /** The target org's My Domain URL, for callbackUrlMyDomain. */
  myDomainUrl?: string;
  /**
   * Settings (model paths such as flows.deviceFlow) the user set explicitly for this command, by flag: when the
   * chosen kind cannot carry one, that is an error rather than a warning (a preset or a definition file shared by
   * both kinds only gets a warning).
   */
  insistedSettings?: string[];
  /**
   * Scopes the app already has in the org (update): the org took them, so they are kept even when the kind's
   * documented list lacks them. Only scopes the request adds must be ones the kind carries.
   */
  keptScopes?: readonly MetadataScope[];
};

export type BuiltAppDefinition = {
  definition: OAuthAppDefinition;
  warnings: string[];
  /** Settings the chosen kind's metadata cannot carry (also named in a warning). */
  unsupportedSettings: string[];
};

const nonEmpty = (values: string[] | undefined): string[] =>
  (values ?? []).map((value) => value.trim()).filter((value) => value.length > 0);

export function buildAppDefinition(input: AppDefinitionInput, context: AppDefinitionContext = {}): BuiltAppDefinition {
  const kind = context.kind ?? 'ConnectedApp';
  const warnings: string[] = [];
  // The certificate is PEM text, checked on its own; every other value must be printable and valid in XML.
  assertNoControlCharacters({ ...input, certificatePem: undefined });
  const identity = resolveIdentity(input, context, kind);
  const callbackUrls = resolveCallbackUrls(input, context);
  const access = resolvePreAuthorization(input, context, warnings);
  const refreshTokenPolicy = resolveRefreshTokenPolicy(input.refreshTokenPolicy, warnings);

  const sessionTimeoutMinutes = input.sessionTimeoutMinutes ?? 15;
  if (!(SESSION_TIMEOUTS as readonly number[]).includes(sessionTimeoutMinutes)) {
    throw messages.createError('error.InvalidSessionTimeout', [sessionTimeoutMinutes], [SESSION_TIMEOUTS.join(', ')]);
  }
  const ipRelaxation = input.ipRelaxation ? parseIpRelaxation(input.ipRelaxation) : 'ENFORCE';

  let scopes: MetadataScope[] = ['Api', 'Web', 'RefreshToken'];
  if (input.scopes && input.scopes.length > 0) {
    scopes = parseScopes(input.scopes);
    if (scopes.length === 0) throw messages.createError('error.NoScopes');
  }
  checkScopesCarried(scopes, kind, context.keptScopes ?? []);
  const idToken = resolveIdToken(input.idToken);
  // An ID token is issued only with openid: add it rather than fail, and say so.
  if (idToken && !scopes.includes('OpenID')) {
    scopes = [...scopes, 'OpenID'];
    warnings.push(messages.getMessage('warning.OpenIdScopeAdded'));
  }
  const assetToken = resolveAssetToken(input.assetToken, scopes);

  const singleLogoutUrl = trimmed(input.singleLogoutUrl);
  if (singleLogoutUrl) requireHttps(singleLogoutUrl);
  const contactPhone = trimmed(input.contactPhone);
  if (contactPhone !== undefined && (contactPhone.length > MAX_PHONE_LENGTH || !/^[0-9+()./\sx-]+$/i.test(contactPhone))) {
    throw messages.createError('error.InvalidContactPhone', [contactPhone], [MAX_PHONE_LENGTH]);
  }
  if (input.consumerKey !== undefined && !/^[A-Za-z0-9]{8,256}$/.test(input.consumerKey)) {
    throw messages.createError('error.InvalidConsumerKey');
  }

  const definition = compact({
    name: input.name,
    ...identity,
    description: trimmed(input.description),
    contactPhone,
    callbackUrls,
    scopes,
    certificate: trimmed(input.certificatePem) ? input.certificatePem : undefined,
    consumerKey: input.consumerKey,
    ...access,
    refreshTokenPolicy,
    sessionTimeoutMinutes,
    ipRelaxation,
    flows: resolveFlows(input, kind),
    idToken,
    assetToken,
    singleLogoutUrl,
  }) as OAuthAppDefinition;

  const unsupported = unsupportedSettings(kind, definition);
  const insisted = unsupported.filter((setting) => context.insistedSettings?.includes(setting));
  if (insisted.length > 0) {
    throw messages.createError('error.UnsupportedSetting', [insisted.join(', ')], [insisted.join(', ')]);
  }
  for (const setting of unsupported) warnings.push(messages.getMessage('warning.UnsupportedSetting', [setting]));
  return { definition, warnings, unsupportedSettings: unsupported };
}

/**
 * Each kind's metadata carries its own list of scopes (docs/salesforce-facts.md#f-eca-scopes): one the kind cannot
 * carry is refused here, whether it came from a flag, a definition file or a preset, before anything is written.
 */
function checkScopesCarried(scopes: readonly MetadataScope[], kind: AppKind, kept: readonly MetadataScope[]): void {
  const carried = KIND_RULES[kind].scopes;
  const refused = scopes.filter((scope) => !carried.includes(scope) && !kept.includes(scope));
  if (refused.length === 0) return;
  const named = refused.map((scope) => {
    const [name] = toOAuthScopeNames([scope]);
    return name === scope ? scope : `${name} (${scope})`;
  });
  // Where another kind carries them, that kind's create command is the way to get them.
  const elsewhere = (Object.keys(KIND_RULES) as AppKind[])
    .filter((other) => refused.every((scope) => KIND_RULES[other].scopes.includes(scope)))
    .map((other) => kindMessages.getMessage(`carriesScope.${other}`));
  const error = messages.createError(
    'error.ScopeNotForKind',
    [kindMessages.getMessage(`kind.${kind}`), named.join(', ')],
    [toOAuthScopeNames(refused).join(', '), kindMessages.getMessage(`kind.${kind}`), scopeNamesFor(carried).join(', ')]
  );
  const [remove, ...rest] = error.actions ?? [];
  error.actions = [remove, ...elsewhere, ...rest];
  throw error;
}

const trimmed = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);

function resolveIdentity(
  input: AppDefinitionInput,
  context: AppDefinitionContext,
  kind: AppKind
): { label: string; contactEmail?: string } {
  validateAppName(input.name, kind);
  const label = trimmed(input.label) ?? input.name.replace(/_/g, ' ');
  if (label.length > MAX_LABEL_LENGTH) throw messages.createError('error.LabelTooLong', [label.length, MAX_LABEL_LENGTH]);
  const contactEmail = trimmed(input.contactEmail) ?? context.defaultContactEmail;
  if (contactEmail !== undefined && !EMAIL.test(contactEmail)) {
    throw messages.createError('error.InvalidContactEmail', [contactEmail]);
  }
  if (contactEmail === undefined && KIND_RULES[kind].contactEmailRequired) throw messages.createError('error.ContactEmailRequired');
  return { label, contactEmail };
}

function resolveCallbackUrls(input: AppDefinitionInput, context: AppDefinitionContext): string[] {
  const callbackUrls = nonEmpty(input.callbackUrls);
  if (input.callbackUrlMyDomain) {
    // "The callback URL is your domain URL" (docs/salesforce-facts.md#f-mydomain-callback). It stands in for the localhost default when nothing else is given.
    if (!context.myDomainUrl) throw messages.createError('error.MyDomainUnknown');
    const myDomain = context.myDomainUrl.replace(/\/+$/, '');
    if (!callbackUrls.includes(myDomain)) callbackUrls.push(myDomain);
  }
  if (callbackUrls.length === 0) {
    callbackUrls.push(context.defaultCallbackUrl ?? callbackUrlForPort(DEFAULT_OAUTH_LOCAL_PORT));
  }
  for (const url of callbackUrls) validateCallbackUrl(url);
  const totalLength = callbackUrls.join('\n').length;
  if (totalLength > MAX_CALLBACK_URLS_LENGTH) {
    throw messages.createError('error.CallbackUrlsTooLong', [totalLength, MAX_CALLBACK_URLS_LENGTH]);
  }
  return callbackUrls;
}

function resolvePreAuthorization(
  input: AppDefinitionInput,
  context: AppDefinitionContext,
  warnings: string[]
): Pick<OAuthAppDefinition, 'permittedUsers' | 'profiles' | 'permissionSets'> {
  const permittedUsers: PermittedUsers = input.permittedUsers ?? 'AdminApprovedPreAuthorized';
  const profiles = nonEmpty(input.profiles);
  const permissionSets = nonEmpty(input.permissionSets);
  if (permittedUsers === 'AllSelfAuthorized') {
    if (profiles.length > 0 || permissionSets.length > 0) warnings.push(messages.getMessage('warning.PreAuthorizationIgnored'));
    return { permittedUsers, profiles: [], permissionSets: [] };
  }
  if (profiles.length === 0 && permissionSets.length === 0 && context.defaultProfile) profiles.push(context.defaultProfile);
  if (profiles.length === 0 && permissionSets.length === 0) throw messages.createError('error.NoPreAuthorization');
  return { permittedUsers, profiles, permissionSets };
}

function resolveRefreshTokenPolicy(text: string | undefined, warnings: string[]): RefreshTokenPolicy {
  const policy: RefreshTokenPolicy = text ? parseRefreshTokenPolicy(text) : { type: 'specificLifetime', value: 90, unit: 'days' };
  if (policy.type === 'infinite' || (policy.type === 'specificLifetime' && exceeds90Days(policy))) {
    warnings.push(messages.getMessage('warning.LongRefreshTokenLifetime'));
  }
  return policy;
}

function resolveIdToken(given: AppDefinitionInput['idToken']): IdTokenSettings | undefined {
  if (!given) return undefined;
  const idToken: IdTokenSettings = {
    validityMinutes: given.validityMinutes ?? 2,
    audiences: nonEmpty(given.audiences),
    includeStandardClaims: given.includeStandardClaims ?? true,
    includeCustomAttributes: given.includeCustomAttributes ?? false,
    includeCustomPermissions: given.includeCustomPermissions ?? false,
  };
  if (!Number.isInteger(idToken.validityMinutes) || idToken.validityMinutes < 1 || idToken.validityMinutes > 720) {
    throw messages.createError('error.InvalidIdTokenValidity', [idToken.validityMinutes]);
  }
  return idToken;
}

function resolveAssetToken(given: AppDefinitionInput['assetToken'], scopes: MetadataScope[]): AssetTokenSettings | undefined {
  if (!given) return undefined;
  const missing = (['Api', 'OpenID'] as const).filter((scope) => !scopes.includes(scope));
  if (missing.length > 0) {
    throw messages.createError('error.AssetTokenScopes', [missing.map((s) => (s === 'Api' ? 'api' : 'openid')).join(', ')]);
  }
  const assetToken: AssetTokenSettings = {
    validityMinutes: given.validityMinutes ?? 60,
    signingCertificate: (given.signingCertificate ?? '').trim(),
    audiences: nonEmpty(given.audiences),
    includeCustomAttributes: given.includeCustomAttributes ?? false,
    includeCustomPermissions: given.includeCustomPermissions ?? false,
  };
  if (!assetToken.signingCertificate || !Number.isInteger(assetToken.validityMinutes) || assetToken.validityMinutes < 1) {
    throw messages.createError('error.InvalidAssetToken');
  }
  return assetToken;
}

function resolveFlows(input: AppDefinitionInput, kind: AppKind): OAuthFlowSettings {
  // clientCredentials: false switches the flow off even when a run-as user came from a preset or file.
  const clientCredentialsUser = input.clientCredentials === false ? undefined : trimmed(input.clientCredentialsUser);
  const clientCredentialsWanted = input.clientCredentials === true || (input.clientCredentialsUser !== undefined && input.clientCredentials !== false);
  if (clientCredentialsWanted && !clientCredentialsUser) throw messages.createError('error.ClientCredentialsUserRequired');
  // Sub-switches without their flow do nothing in Setup (it greys them out); refusing them catches a typo'd intent.
  if (input.codeCredentialPostOnly && !input.codeCredential) {
    throw messages.createError('error.SwitchNeedsFlow', ['codeCredentialPostOnly', 'codeCredential'], ['--code-credential']);
  }
  if (input.requireSecretForTokenExchange && !input.tokenExchange) {
    throw messages.createError('error.SwitchNeedsFlow', ['requireSecretForTokenExchange', 'tokenExchange'], ['--token-exchange']);
  }
  // Each switch not given takes its default for the kind (the settings table says which).
  const switches = Object.fromEntries(FLOW_SWITCHES.map((name) => [name, input[name] ?? flowDefault(name, kind)]));
  return compact({ ...switches, clientCredentialsUser }) as OAuthFlowSettings;
}

function exceeds90Days(policy: Extract<RefreshTokenPolicy, { value: number }>): boolean {
  const days = policy.unit === 'hours' ? policy.value / 24 : policy.unit === 'months' ? policy.value * 30 : policy.value;
  return days > 90;
}
