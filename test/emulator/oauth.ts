/* eslint-disable camelcase -- OAuth wire format (grant_type, access_token, ...) is snake_case */
/*
 * OAuth 2.0 endpoints of the emulated org: token (JWT bearer, authorization code with PKCE, refresh token),
 * authorize (auto-approving), userinfo and the identity URL. Error codes and descriptions are the ones real orgs send
 * (docs/salesforce-facts.md#f-token-errors); errors are HTTP 400 JSON.
 */
import { createHash, createPublicKey, createVerify, X509Certificate } from 'node:crypto';
import type { EmulatedOAuthApp } from './types.js';
import type { AppStore, OrgState, StoredUser } from './state.js';
import { EmulatorReply, EmulatorRequest, bearerToken, formParams, jsonReply, oauthErrorReply } from './http.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export type OAuthContext = {
  state: OrgState<AppStore>;
  /** http://127.0.0.1:<port>, no trailing slash. */
  instanceUrl: string;
};

/** The CLI's built-in client id (core's DEFAULT_CONNECTED_APP_INFO): exists in every org, no secret, any localhost port. */
export const PLATFORM_CLI: EmulatedOAuthApp = {
  kind: 'ConnectedApp',
  name: 'PlatformCLI',
  consumerKey: 'PlatformCLI',
  callbackUrls: [],
  scopes: ['Api', 'Web', 'RefreshToken'],
  permittedUsers: 'AllSelfAuthorized',
  profiles: [],
  permissionSets: [],
  isConsumerSecretOptional: true,
  isSecretRequiredForRefreshToken: false,
  isPkceRequired: false,
  enabled: true,
};

/** Metadata scope names to the OAuth scopes a token grants (docs/salesforce-facts.md#f-scope-synonyms). */
const OAUTH_SCOPE_NAMES: Record<string, string[]> = {
  Basic: ['id'],
  Api: ['api'],
  Web: ['web'],
  Full: ['full'],
  Chatter: ['chatter_api'],
  CustomApplications: ['visualforce'],
  RefreshToken: ['refresh_token', 'offline_access'],
  OpenID: ['openid'],
  Profile: ['profile'],
  Email: ['email'],
  Address: ['address'],
  Phone: ['phone'],
  OfflineAccess: ['offline_access'],
  CustomPermissions: ['custom_permissions'],
  Wave: ['wave_api'],
  Eclair: ['eclair_api'],
  Pardot: ['pardot_api'],
  Lightning: ['lightning'],
  Content: ['content'],
  Chatbot: ['chatbot_api'],
  SFAP: ['sfap_api'],
  // The ECA spelling of the same scope (docs/salesforce-facts.md#f-eca-scopes).
  SFApiPlatform: ['sfap_api'],
  CDP: ['cdp_api'],
  EinsteinGPT: ['einstein_gpt_api'],
  PwdlessLogin: ['pwdless_login_api'],
};

/** The OAuth scope tokens an app's metadata scopes grant. */
export function oauthScopesOf(app: EmulatedOAuthApp): string[] {
  const out = new Set<string>();
  for (const s of app.scopes) for (const t of OAUTH_SCOPE_NAMES[s] ?? [s.toLowerCase()]) out.add(t);
  return [...out];
}

type ClientResolution = { app: EmulatedOAuthApp } | { error: EmulatorReply };

/** Looks up a client id the way the token endpoint does; pending apps answer as if unknown (propagation delay). */
export function resolveClient(ctx: OAuthContext, clientId: string | undefined | null): ClientResolution {
  if (clientId === PLATFORM_CLI.consumerKey) return { app: PLATFORM_CLI };
  const invalid = { error: oauthErrorReply('invalid_client_id', 'client identifier invalid') };
  if (!clientId) return invalid;
  const lookup = ctx.state.store.lookupApp(clientId);
  if (lookup.state === 'unknown') return invalid;
  // Not yet propagated (docs/salesforce-facts.md#f-propagation-delay, docs/salesforce-facts.md#f-eca-not-installed).
  if (lookup.state === 'pending') {
    return lookup.app.kind === 'ExternalClientApplication'
      ? { error: oauthErrorReply('invalid_client', 'External client app is not installed in this org') }
      : invalid;
  }
  // A disabled ECA (isEnabled / isOauthPluginEnabled false) is modelled as an unknown client (docs/salesforce-facts.md#f-eca-disabled,
  // UNCONFIRMED).
  if (!lookup.app.enabled) return invalid;
  return { app: lookup.app };
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function verifyRs256(signingInput: string, signature: string, certificatePem: string): boolean {
  try {
    let key;
    try {
      key = new X509Certificate(certificatePem).publicKey;
    } catch {
      key = createPublicKey(certificatePem);
    }
    return createVerify('RSA-SHA256').update(signingInput).verify(key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

export const PRODUCTION_LOGIN_URL = 'https://login.salesforce.com';
export const SANDBOX_LOGIN_URL = 'https://test.salesforce.com';

/**
 * JWT audiences the org accepts, by org type (docs/salesforce-facts.md#f-jwt-audience): a production org takes
 * https://login.salesforce.com, a sandbox https://test.salesforce.com (a sandbox refuses the production host and the
 * other way round), and either takes its own My Domain URL, which for the emulator is its instance URL (127.0.0.1 or
 * localhost on its port). A trailing slash is tolerated: the CLI sends the login URL with one.
 */
export function acceptedAudiences(instanceUrl: string, isSandbox: boolean): string[] {
  const own = new URL(instanceUrl);
  return [
    own.origin,
    `${own.protocol}//localhost:${own.port}`,
    `${own.protocol}//127.0.0.1:${own.port}`,
    isSandbox ? SANDBOX_LOGIN_URL : PRODUCTION_LOGIN_URL,
  ];
}

function audienceAccepted(ctx: OAuthContext, aud: unknown): boolean {
  const auds = Array.isArray(aud) ? aud : [aud];
  const accepted = new Set(acceptedAudiences(ctx.instanceUrl, ctx.state.org.isSandbox));
  return auds.some((a) => typeof a === 'string' && accepted.has(a.replace(/\/+$/, '')));
}

/** AdminApprovedPreAuthorized apps admit users whose profile or one of whose permission sets is listed. */
export function isPreAuthorized(app: EmulatedOAuthApp, user: StoredUser): boolean {
  if (app.permittedUsers !== 'AdminApprovedPreAuthorized') return false;
  const lower = (xs: string[]): string[] => xs.map((x) => x.toLowerCase());
  const profiles = lower(app.profiles);
  const sets = lower(app.permissionSets);
  return profiles.includes(user.profileName.toLowerCase()) || user.permissionSets.some((p) => sets.includes(p.toLowerCase()));
}

function tokenResponse(
  ctx: OAuthContext,
  user: StoredUser,
  app: EmulatedOAuthApp,
  scopes: string[],
  refreshToken?: string
): EmulatorReply {
  const scope = scopes.join(' ');
  const session = ctx.state.createSession(user.id, app.consumerKey, scope);
  const id = `${ctx.instanceUrl}/id/${ctx.state.org.id}/${user.id}`;
  const issuedAt = String(session.issuedAt);
  const body: Record<string, string> = {
    access_token: session.accessToken,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    signature: ctx.state.tokenSignature(id, issuedAt),
    scope,
    instance_url: ctx.instanceUrl,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  };
  return jsonReply(200, body, { 'Cache-Control': 'no-cache,must-revalidate,max-age=0,no-store,private' });
}

function jwtBearer(ctx: OAuthContext, params: URLSearchParams): EmulatorReply {
  const invalidAssertion = oauthErrorReply('invalid_grant', 'invalid assertion');
  const assertion = params.get('assertion');
  if (!assertion) return oauthErrorReply('invalid_request', 'assertion parameter is missing');
  const parts = assertion.split('.');
  if (parts.length !== 3) return invalidAssertion;
  const header = decodeSegment(parts[0]);
  const claims = decodeSegment(parts[1]);
  if (!header || !claims || header.alg !== 'RS256') return invalidAssertion;

  const client = resolveClient(ctx, typeof claims.iss === 'string' ? claims.iss : undefined);
  if ('error' in client) return client.error;
  const app = client.app;
  if (!app.certificatePem) return oauthErrorReply('invalid_client', 'invalid client credentials');
  if (!verifyRs256(`${parts[0]}.${parts[1]}`, parts[2], app.certificatePem)) return invalidAssertion;
  if (!audienceAccepted(ctx, claims.aud)) return oauthErrorReply('invalid_grant', 'audience is invalid');
  // No upper bound: the CLI sends exp in milliseconds (docs/salesforce-facts.md#f-jwt-audience-combos). Only an exp already passed is refused.
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < ctx.state.now()) {
    return oauthErrorReply('invalid_grant', 'expired authorization code');
  }
  const user = typeof claims.sub === 'string' ? ctx.state.findUserByUsername(claims.sub) : undefined;
  // Pre-authorization (docs/salesforce-facts.md#f-jwt-preauthorization). Real orgs do not reveal whether a username exists: an unknown or
  // inactive user reads as "not approved".
  // JWT has no approval step, so a self-authorized app (or a user outside the pre-authorized lists) is refused too.
  if (!user?.isActive || !isPreAuthorized(app, user)) {
    return oauthErrorReply('invalid_grant', "user hasn't approved this consumer");
  }
  // docs/salesforce-facts.md#f-refresh-token-scope (UNCONFIRMED, third-party reports).
  if (!app.scopes.includes('RefreshToken')) {
    return oauthErrorReply(
      'invalid_request',
      'refresh_token scope is required and the connected app should be installed and preauthorized'
    );
  }
  return tokenResponse(ctx, user, app, oauthScopesOf(app));
}

function secretAccepted(app: EmulatedOAuthApp, given: string | null, required: boolean): boolean {
  if (given) return app.consumerSecret !== undefined ? given === app.consumerSecret : app === PLATFORM_CLI;
  return !(required && app.consumerSecret);
}

function authorizationCode(ctx: OAuthContext, params: URLSearchParams): EmulatorReply {
  const client = resolveClient(ctx, params.get('client_id'));
  if ('error' in client) return client.error;
  const app = client.app;
  const record = ctx.state.consumeAuthorizationCode(params.get('code') ?? '');
  // Unknown, reused, expired or another client's code: Salesforce says the same thing for all of them.
  if (!record || record.expiresAt < ctx.state.now() || record.clientId !== app.consumerKey) {
    return oauthErrorReply('invalid_grant', 'expired authorization code');
  }
  if ((params.get('redirect_uri') ?? '') !== record.redirectUri) {
    return oauthErrorReply('redirect_uri_mismatch', 'redirect_uri must match configuration');
  }
  if (!secretAccepted(app, params.get('client_secret'), !app.isConsumerSecretOptional)) {
    return oauthErrorReply('invalid_client', 'invalid client credentials');
  }
  if (record.codeChallenge) {
    const verifier = params.get('code_verifier') ?? '';
    // The CLI sends no code_challenge_method: S256 is implied (docs/salesforce-facts.md#f-web-login); plain only when asked for.
    const expected =
      record.codeChallengeMethod?.toLowerCase() === 'plain'
        ? verifier
        : createHash('sha256').update(verifier).digest('base64url');
    if (!verifier || expected !== record.codeChallenge) return oauthErrorReply('invalid_grant', 'invalid code verifier');
  }
  const user = ctx.state.findUserById(record.userId);
  if (!user?.isActive) return oauthErrorReply('invalid_grant', 'inactive user');
  const scopes = record.scope.split(' ').filter(Boolean);
  const refresh = scopes.includes('refresh_token')
    ? ctx.state.createRefreshToken(user.id, app.consumerKey, record.scope).token
    : undefined;
  return tokenResponse(ctx, user, app, scopes, refresh);
}

function refreshTokenGrant(ctx: OAuthContext, params: URLSearchParams): EmulatorReply {
  const client = resolveClient(ctx, params.get('client_id'));
  if ('error' in client) return client.error;
  const app = client.app;
  const record = ctx.state.refreshTokens.get(params.get('refresh_token') ?? '');
  if (!record || record.clientId !== app.consumerKey) {
    return oauthErrorReply('invalid_grant', 'expired access/refresh token');
  }
  if (!secretAccepted(app, params.get('client_secret'), app.isSecretRequiredForRefreshToken)) {
    return oauthErrorReply('invalid_client', 'invalid client credentials');
  }
  const user = ctx.state.findUserById(record.userId);
  if (!user?.isActive) return oauthErrorReply('invalid_grant', 'inactive user');
  return tokenResponse(ctx, user, app, record.scope.split(' ').filter(Boolean), record.token);
}

/**
 * Client credentials: the app's key and secret (form fields or HTTP Basic) buy a token for the app's run-as user.
 * Wording from docs/salesforce-facts.md#f-token-errors where it has one.
 */
function clientCredentialsGrant(ctx: OAuthContext, params: URLSearchParams, authorization?: string): EmulatorReply {
  let clientId = params.get('client_id');
  let secret = params.get('client_secret');
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  if (basic) {
    const [id, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    clientId = decodeURIComponent(id);
    secret = decodeURIComponent(rest.join(':'));
  }
  const client = resolveClient(ctx, clientId);
  if ('error' in client) return client.error;
  const app = client.app;
  if (!secret || !app.consumerSecret || secret !== app.consumerSecret) {
    return oauthErrorReply('invalid_client', 'invalid client credentials');
  }
  if (!app.clientCredentialsEnabled) {
    return oauthErrorReply('invalid_grant', 'client credentials flow is not enabled for this app');
  }
  const user = app.clientCredentialsUser ? ctx.state.findUserByUsername(app.clientCredentialsUser) : undefined;
  if (!user?.isActive) return oauthErrorReply('invalid_grant', 'no client credentials user enabled');
  return tokenResponse(ctx, user, app, oauthScopesOf(app).filter((scope) => scope !== 'refresh_token'));
}

/** The grant type of a token request, for the request log and fault matching. */
export function grantTypeOf(req: EmulatorRequest): string | undefined {
  return formParams(req).get('grant_type') ?? undefined;
}

export function handleToken(req: EmulatorRequest, ctx: OAuthContext): EmulatorReply {
  if (req.method !== 'POST') return oauthErrorReply('invalid_request', 'must use HTTP POST');
  const params = formParams(req);
  const grant = params.get('grant_type') ?? undefined;
  let reply: EmulatorReply;
  switch (grant) {
    case JWT_BEARER_GRANT:
      reply = jwtBearer(ctx, params);
      break;
    case 'authorization_code':
      reply = authorizationCode(ctx, params);
      break;
    case 'refresh_token':
      reply = refreshTokenGrant(ctx, params);
      break;
    case 'client_credentials':
      reply = clientCredentialsGrant(ctx, params, req.headers.authorization);
      break;
    default:
      reply = oauthErrorReply('unsupported_grant_type', 'grant type not supported');
  }
  return { ...reply, operation: grant };
}

function htmlError(error: string, description: string): EmulatorReply {
  // Salesforce shows an error page (it must not redirect to an unverified redirect_uri).
  const text = `error=${encodeURIComponent(error)}&error_description=${encodeURIComponent(description)}`;
  return {
    status: 400,
    headers: { 'Content-Type': 'text/html;charset=UTF-8' },
    body: `<html><head><title>OAuth Error</title></head><body><p>${text.replace(/&/g, '&amp;')}</p></body></html>`,
  };
}

function redirectTo(uri: string, params: Record<string, string | undefined>): EmulatorReply {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return { status: 302, headers: { Location: url.toString(), 'Content-Type': 'text/html;charset=UTF-8' }, body: '' };
}

/**
 * Auto-approving authorize endpoint: the user is `login_hint`, else the org's configured web login user (a test
 * hook), else the admin. Redirects to redirect_uri with code and state.
 */
export function handleAuthorize(req: EmulatorRequest, ctx: OAuthContext, webLoginUsername?: string): EmulatorReply {
  const q = req.query;
  const client = resolveClient(ctx, q.get('client_id'));
  if ('error' in client) {
    const err = JSON.parse(client.error.body) as { error: string; error_description: string };
    return htmlError(err.error, err.error_description);
  }
  const app = client.app;
  const redirectUri = q.get('redirect_uri') ?? '';
  const redirectOk =
    app === PLATFORM_CLI
      ? /^http:\/\/localhost:\d+\/OauthRedirect$/.test(redirectUri)
      : app.callbackUrls.includes(redirectUri); // exact match (docs/salesforce-facts.md#f-callback-url)
  if (!redirectOk) return htmlError('redirect_uri_mismatch', 'redirect_uri must match configuration');
  const state = q.get('state') ?? undefined;
  if (q.get('response_type') !== 'code') {
    return redirectTo(redirectUri, { error: 'unsupported_response_type', error_description: 'response type not supported', state });
  }
  const challenge = q.get('code_challenge') ?? undefined;
  if (app.isPkceRequired && !challenge) {
    return redirectTo(redirectUri, { error: 'invalid_request', error_description: 'missing required code challenge', state });
  }
  const username = q.get('login_hint') ?? webLoginUsername;
  const user = username ? ctx.state.findUserByUsername(username) : ctx.state.adminUser;
  if (!user?.isActive) {
    return redirectTo(redirectUri, { error: 'access_denied', error_description: 'end-user denied authorization', state });
  }
  if (app.permittedUsers === 'AdminApprovedPreAuthorized' && !isPreAuthorized(app, user)) {
    return redirectTo(redirectUri, {
      error: 'invalid_app_access',
      error_description: 'user is not admin approved to access this app',
      state,
    });
  }
  const allowed = oauthScopesOf(app);
  const requested = (q.get('scope') ?? '').split(/[\s+]+/).filter(Boolean);
  // Granted scopes: what was asked for and the app allows (everything the app allows when nothing was asked).
  const granted = requested.length > 0 ? requested.filter((s) => allowed.includes(s)) : allowed;
  const code = ctx.state.createAuthorizationCode({
    clientId: app.consumerKey,
    redirectUri,
    userId: user.id,
    scope: granted.join(' '),
    codeChallenge: challenge,
    codeChallengeMethod: q.get('code_challenge_method') ?? undefined,
  });
  return redirectTo(redirectUri, { code: code.code, state });
}

function identity(ctx: OAuthContext, user: StoredUser): Record<string, unknown> {
  const v = '66.0';
  const base = ctx.instanceUrl;
  const orgId = ctx.state.org.id;
  return {
    urls: {
      enterprise: `${base}/services/Soap/c/${v}/${orgId.slice(0, 15)}`,
      metadata: `${base}/services/Soap/m/${v}/${orgId.slice(0, 15)}`,
      partner: `${base}/services/Soap/u/${v}/${orgId.slice(0, 15)}`,
      rest: `${base}/services/data/v${v}/`,
      sobjects: `${base}/services/data/v${v}/sobjects/`,
      query: `${base}/services/data/v${v}/query/`,
      profile: `${base}/${user.id}`,
    },
    active: user.isActive,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
  };
}

function sessionUserOr403(req: EmulatorRequest, ctx: OAuthContext): StoredUser | EmulatorReply {
  const token = bearerToken(req.headers) ?? req.query.get('oauth_token') ?? req.query.get('access_token') ?? '';
  const user = ctx.state.sessionUser(token);
  // The identity endpoints answer a bad token with a bare 403 text body, not the REST error array.
  return user ?? { status: 403, headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, body: 'Bad_OAuth_Token' };
}

export function handleUserinfo(req: EmulatorRequest, ctx: OAuthContext): EmulatorReply {
  const user = sessionUserOr403(req, ctx);
  if (!('username' in user)) return user;
  const orgId = ctx.state.org.id;
  return jsonReply(200, {
    sub: `${ctx.instanceUrl}/id/${orgId}/${user.id}`,
    user_id: user.id,
    organization_id: orgId,
    preferred_username: user.username,
    nickname: user.alias,
    name: `${user.firstName} ${user.lastName}`,
    email: user.email,
    email_verified: true,
    given_name: user.firstName,
    family_name: user.lastName,
    zoneinfo: 'America/Los_Angeles',
    ...identity(ctx, user),
    updated_at: user.createdDate,
    is_app_installed: true,
  });
}

export function handleIdentity(req: EmulatorRequest, ctx: OAuthContext, orgId: string, userId: string): EmulatorReply {
  const user = sessionUserOr403(req, ctx);
  if (!('username' in user)) return user;
  const target = ctx.state.findUserById(userId);
  if (!target || orgId.slice(0, 15) !== ctx.state.orgId15 || target.id !== user.id) {
    return { status: 403, headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, body: 'Bad_Id' };
  }
  return jsonReply(200, {
    id: `${ctx.instanceUrl}/id/${ctx.state.org.id}/${user.id}`,
    asserted_user: true,
    user_id: user.id,
    organization_id: ctx.state.org.id,
    username: user.username,
    nick_name: user.alias,
    display_name: `${user.firstName} ${user.lastName}`,
    email: user.email,
    email_verified: true,
    first_name: user.firstName,
    last_name: user.lastName,
    timezone: 'America/Los_Angeles',
    ...identity(ctx, user),
    last_modified_date: user.createdDate,
    is_app_installed: true,
  });
}
