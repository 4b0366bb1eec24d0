/*
 * Where and how sf logs in with the app: the login URL against the org (sandbox vs production, My Domain) and the JWT
 * audience that follows from it (docs/salesforce-facts.md#f-jwt-audience, #f-jwt-audience-combos); a Dev Hub
 * authorized through an External Client App (#f-eca-devhub-scratch); JWT-based access tokens, which sf's SOAP calls
 * refuse (#f-access-token-opaque); and, with --login-check, the org's own answer to one token request.
 */
import { appKindInfo } from '../../metadata/appKinds.js';
import type { LoginFailureCause } from '../../login/loginChain.js';
import { describeLoginCause } from '../loginFailure.js';
import type { VerifyCheck, VerifyFacts } from './types.js';
import { unknownSetting } from './appChecks.js';
import { appCommand, loginCommand } from './fixes.js';
import { check, words } from './messages.js';

export const PRODUCTION_LOGIN_URL = 'https://login.salesforce.com';
export const SANDBOX_LOGIN_URL = 'https://test.salesforce.com';

/** The workaround sf offers for C-1016: scratch org signup through another app (forcedotcom/sfdx-core#1315). */
export const SCRATCH_SIGNUP_APP_FIX = 'export SF_SCRATCH_SIGNUP_CONNECTED_APP=PlatformCLI';

const origin = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

export function loginChecks(facts: VerifyFacts): VerifyCheck[] {
  return [
    loginUrlCheck(facts),
    devHubCheck(facts),
    jwtAccessTokensCheck(facts),
    ...(facts.options.loginCheck ? [loginCheck(facts)] : []),
  ];
}

export function loginUrlCheck(facts: VerifyFacts): VerifyCheck {
  const { loginUrl } = facts.options;
  const { instanceUrl, isSandbox } = facts.org;
  const orgType = words(isSandbox ? 'value.sandbox' : 'value.production');
  const generic = isSandbox ? SANDBOX_LOGIN_URL : PRODUCTION_LOGIN_URL;
  const wrongGeneric = isSandbox ? PRODUCTION_LOGIN_URL : SANDBOX_LOGIN_URL;
  const atOrg = loginCommand(facts, instanceUrl);
  const given = origin(loginUrl);
  if (isSandbox !== undefined && given === wrongGeneric) {
    return check('login-url', 'fail', 'loginUrl.wrongType', [loginUrl, orgType, generic, instanceUrl], atOrg);
  }
  if (given === origin(instanceUrl) || (isSandbox !== undefined && given === generic)) {
    return check('login-url', 'pass', 'loginUrl.ok', [loginUrl, orgType, instanceUrl]);
  }
  return check('login-url', 'warn', 'loginUrl.otherHost', [loginUrl, instanceUrl], atOrg);
}

function devHubCheck(facts: VerifyFacts): VerifyCheck {
  if (!facts.org.isDevHub) return check('dev-hub', 'pass', 'devHub.notDevHub');
  if (appKindInfo(facts.kind).devHubLogin) return check('dev-hub', 'pass', 'devHub.ok');
  return check('dev-hub', 'warn', 'devHub.c1016', [facts.options.name], SCRATCH_SIGNUP_APP_FIX);
}

function jwtAccessTokensCheck(facts: VerifyFacts): VerifyCheck {
  const unknown = unknownSetting(facts, 'jwt-access-tokens', 'flows');
  if (unknown) return unknown;
  return facts.record!.definition.flows.namedUserJwt
    ? check('jwt-access-tokens', 'warn', 'jwtAccessTokens.on', [], appCommand(facts, 'update', '--no-named-user-jwt'))
    : check('jwt-access-tokens', 'pass', 'jwtAccessTokens.off');
}

/** Which check's fix cures a login refusal, by its cause. */
function fixFor(facts: VerifyFacts, cause: LoginFailureCause): string | undefined {
  switch (cause) {
    case 'badSignature':
    case 'invalidClientCredentials':
      return appCommand(facts, 'rotate-certificate');
    case 'missingRefreshTokenScope':
      return appCommand(facts, 'update', '--add-scopes', 'refresh_token');
    case 'wrongAudience':
    case 'ecaNotInstalled':
    case 'clientUnknown':
      return loginCommand(facts, facts.org.instanceUrl);
    default:
      return undefined;
  }
}

function loginCheck(facts: VerifyFacts): VerifyCheck {
  const login = facts.login;
  if (!login) return check('login', 'warn', 'login.notTried', [words('value.noAnswer')]);
  if (login.ok) return check('login', 'pass', 'login.ok', [facts.options.username, facts.options.loginUrl]);
  if ('notTried' in login) return check('login', 'fail', 'login.notTried', [login.notTried]);
  const { classified } = login;
  const cause = describeLoginCause(classified.cause, facts.kind);
  // Not live yet: a new or changed app answers so for minutes (docs/salesforce-facts.md#f-propagation-delay).
  if (classified.kind === 'transient') {
    const minutes = appKindInfo(facts.kind).propagationMinutes;
    return check('login', 'warn', 'login.notLiveYet', [classified.message, cause, minutes], loginCommand(facts));
  }
  return check('login', 'fail', 'login.refused', [classified.message, cause], fixFor(facts, classified.cause));
}
