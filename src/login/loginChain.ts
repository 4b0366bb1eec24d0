/*
 * Authorizing an org with a newly made app, exactly as `sf org login jwt` / `sf org login web --client-id` do it
 * (same @salesforce/core classes, same auth files, aliases and defaults), with one addition: a new app takes minutes
 * to go live, so errors that mean "not propagated yet" are waited out, while errors that waiting cannot fix end the
 * chain at once.
 */
import { resolve } from 'node:path';
import { sleep as kitSleep } from '@salesforce/kit';
import { AuthInfo, Config, OrgConfigProperties, SfdcUrl, SfError, WebOAuthServer } from '@salesforce/core';
import { causeChain, classifyError } from '../util/errorCause.js';
import { errorText, exchangeDummyCode, isNetworkFailure, requestJwtToken, type TokenAnswer } from './tokenEndpoint.js';
import { loginAside } from './authSwap.js';

export type LoginFailureKind = 'transient' | 'permanent';

export type LoginFailureCause =
  | 'notLiveYet'
  | 'ecaNotInstalledYet'
  | 'userNotApprovedYet'
  | 'userNotPreAuthorized'
  | 'badSignature'
  | 'wrongAudience'
  | 'missingRefreshTokenScope'
  | 'invalidClientCredentials'
  /** The login URL could not be reached at all (DNS, connection, TLS). */
  | 'unreachable'
  /** A file on this computer (the private key, a program to start) could not be used: Salesforce was never asked. */
  | 'localFile'
  /** Still "not installed" after the app's propagation time: a wrong login URL or org, not propagation. */
  | 'ecaNotInstalled'
  /** Still "client identifier invalid" after the app's propagation time: as ecaNotInstalled. */
  | 'clientUnknown'
  /** The app's certificate was just replaced and the new key's signature is refused: the org still uses the old one. */
  | 'certificateNotUsedYet'
  | 'unknown';

export type ClassifiedLoginError = { kind: LoginFailureKind; cause: LoginFailureCause; message: string };

/**
 * Sorts a token-endpoint failure into "wait" or "stop". `preAuthorized` says whether the plugin itself made sure the
 * user's profile or permission set is pre-authorized on the app: only then does "user hasn't approved this consumer"
 * mean the org has not caught up yet.
 */
export function classifyLoginError(message: string, preAuthorized: boolean): ClassifiedLoginError {
  const text = message.toLowerCase();
  const has = (needle: string): boolean => text.includes(needle);
  // Causes no amount of waiting fixes come first: core joins the errors of every login/audience pair it tried.
  if (has('invalid assertion') || has('invalid signature')) return { kind: 'permanent', cause: 'badSignature', message };
  if (has('not admin approved')) return { kind: 'permanent', cause: 'userNotPreAuthorized', message };
  if (has('refresh_token scope is required')) return { kind: 'permanent', cause: 'missingRefreshTokenScope', message };
  if (has('invalid client credentials')) return { kind: 'permanent', cause: 'invalidClientCredentials', message };
  if (has("user hasn't approved this consumer") || has('user has not approved this consumer')) {
    return preAuthorized
      ? { kind: 'transient', cause: 'userNotApprovedYet', message }
      : { kind: 'permanent', cause: 'userNotPreAuthorized', message };
  }
  if (has('external client app is not installed')) return { kind: 'transient', cause: 'ecaNotInstalledYet', message };
  if (has('client identifier invalid') || has('invalid_client_id')) {
    return { kind: 'transient', cause: 'notLiveYet', message };
  }
  if (has('audience is invalid') || has('audience validation failed')) {
    return { kind: 'permanent', cause: 'wrongAudience', message };
  }
  // Unreachable only when no server answered: core joins a line per (login URL, audience) pair it tried, and a network
  // failure for another host next to an answer from the org says nothing about the org.
  const lines = message.split('\n').filter((line) => line.trim() && !/^(error authenticating with jwt|errors encountered)/i.test(line.trim()));
  if (lines.length > 0 && lines.every(isNetworkFailure)) return { kind: 'permanent', cause: 'unreachable', message };
  return { kind: 'permanent', cause: 'unknown', message };
}

/**
 * classifyLoginError on an attempt's error, after looking through its causes: a local file error (an unreadable
 * key, a browser that cannot start) or a failure to reach the server is that, whatever words wrap it.
 */
export function classifyAttempt(error: unknown, preAuthorized: boolean): ClassifiedLoginError {
  const message = errorText(error);
  const real = classifyError(error);
  if (real.kind === 'file') return { kind: 'permanent', cause: 'localFile', message };
  if (real.kind === 'network' && causeChain(error).length > 1) return { kind: 'permanent', cause: 'unreachable', message };
  return classifyLoginError(message, preAuthorized);
}

export type LoginOptions = {
  clientId: string;
  username: string;
  loginUrl: string;
  alias?: string;
  setDefault?: boolean;
  setDefaultDevHub?: boolean;
  /** How long transient errors are waited out, in ms. */
  waitMs: number;
  /** Whether the plugin pre-authorized this user on the app (decides how "user hasn't approved" is read). */
  preAuthorized: boolean;
  /** Told before each retry (awaited: the caller may check something once the org has refused). */
  onWait?: (info: WaitInfo) => void | Promise<void>;
  /**
   * When the app was last deployed (ms since the epoch; default: when the chain starts). "The org does not know this
   * app" is read as propagation only until appChangedAt + propagationMs; after that it is a wrong login URL or org.
   */
  appChangedAt?: number;
  /** How long the app's kind takes to go live (the kind rules' propagation time); unbounded (up to waitMs) when absent. */
  propagationMs?: number;
  /**
   * The app's certificate was replaced at appChangedAt (rotate-certificate): until the org uses the new one, the new
   * key's signature is refused. That is waited out like propagation (until appChangedAt + propagationMs); after it, a
   * refused signature means a key that does not match.
   */
  certificateChanged?: boolean;
  /** For tests: how the chain sleeps and tells the time. */
  sleep?: (ms: number) => Promise<void>;
  clock?: () => number;
  /** Time from a refused attempt's answer to the next attempt (default ATTEMPT_INTERVAL_MS). */
  intervalMs?: number;
};

/** What the chain tells before each retry. */
export type WaitInfo = {
  /** The attempt that was refused (1 for the first). */
  attempt: number;
  cause: LoginFailureCause;
  /** The org's answer. */
  message: string;
  retryInMs: number;
  elapsedMs: number;
  /** How long the chain goes on waiting for this cause at most (--wait, or the app's propagation time). */
  remainingMs: number;
};

/**
 * The wait between a refused attempt's answer and the next attempt while the app is not live. The org counts failed
 * logins, so it never sees two attempts less than 2 s apart (each is one token request, sent 2 s after the previous
 * answer); and an app that goes live at time L is noticed by the first attempt that reaches the org after L: at worst
 * the previous one arrived just before L, so its answer's way back, 2 s, and one whole attempt (there and back) later,
 * L + 2 s + 1.5 round trips; under 5 s while a token request takes under 2 s (README, "Waiting for a new app").
 */
export const ATTEMPT_INTERVAL_MS = 2000;

export type LoginResult = {
  method: 'jwt' | 'web';
  username: string;
  orgId: string;
  instanceUrl: string;
  loginUrl: string;
  alias?: string;
  attempts: number;
  waitedMs: number;
};

export class LoginChainError extends SfError {
  public constructor(
    public readonly classified: ClassifiedLoginError,
    public readonly attempts: number,
    /** Where the login went. */
    public readonly loginUrl?: string
  ) {
    super(classified.message, 'LoginChainError');
  }
}

/** Causes that mean "the org at this URL does not know the app": propagation while the app is young, then not. */
const UNKNOWN_WHEN_OLD: Partial<Record<LoginFailureCause, LoginFailureCause>> = {
  ecaNotInstalledYet: 'ecaNotInstalled',
  notLiveYet: 'clientUnknown',
  certificateNotUsedYet: 'badSignature',
};

const defaultSleep = async (ms: number): Promise<void> => kitSleep(ms);

/**
 * Retries `attempt` while it fails with a transient error, one attempt per interval, until waitMs has passed. An
 * answer meaning "the org does not know this app" is transient only while the app is young (propagationMs after
 * appChangedAt): past that, waiting cannot help, and the chain stops with a permanent cause.
 */
export async function withPropagationRetry<T>(
  attempt: () => Promise<T>,
  options: Pick<
    LoginOptions,
    'waitMs' | 'preAuthorized' | 'onWait' | 'sleep' | 'clock' | 'intervalMs' | 'appChangedAt' | 'propagationMs' | 'certificateChanged'
  > & {
    loginUrl?: string;
  }
): Promise<{ value: T; attempts: number; waitedMs: number }> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.clock ?? Date.now;
  const started = now();
  const youngUntil = options.propagationMs === undefined ? Infinity : (options.appChangedAt ?? started) + options.propagationMs;
  const interval = options.intervalMs ?? ATTEMPT_INTERVAL_MS;
  for (let attempts = 1; ; attempts++) {
    try {
      // eslint-disable-next-line no-await-in-loop
      const value = await attempt();
      return { value, attempts, waitedMs: now() - started };
    } catch (error) {
      const answer = classifyAttempt(error, options.preAuthorized);
      const classified: ClassifiedLoginError =
        options.certificateChanged && answer.cause === 'badSignature' ? { ...answer, kind: 'transient', cause: 'certificateNotUsedYet' } : answer;
      const time = now();
      const elapsedMs = time - started;
      // A whole interval after the org's answer: the org never sees two attempts closer than that, however long the
      // way there takes.
      const delay = interval;
      const whenOld = UNKNOWN_WHEN_OLD[classified.cause];
      // The next try would come after the app's propagation time (and within --wait): it is not propagating.
      if (whenOld && time + delay > youngUntil && youngUntil < started + options.waitMs) {
        throw new LoginChainError({ ...classified, kind: 'permanent', cause: whenOld }, attempts, options.loginUrl);
      }
      if (classified.kind === 'permanent' || elapsedMs + delay > options.waitMs) {
        throw new LoginChainError(classified, attempts, options.loginUrl);
      }
      const endsAt = Math.min(started + options.waitMs, whenOld ? youngUntil : Infinity);
      // eslint-disable-next-line no-await-in-loop
      await options.onWait?.({
        attempt: attempts,
        cause: classified.cause,
        message: classified.message,
        retryInMs: delay,
        elapsedMs,
        remainingMs: endsAt - time,
      });
      // eslint-disable-next-line no-await-in-loop
      await sleep(delay);
    }
  }
}

/** Alias and defaults as the official login commands set them, then the result both login kinds return. */
async function finishLogin(
  method: LoginResult['method'],
  authInfo: AuthInfo,
  options: LoginOptions,
  attempts: number,
  waitedMs: number
): Promise<LoginResult> {
  // Only the alias: core's handleAliasAndDefaultSettings would also save the auth file again, in place.
  if (options.alias) await authInfo.setAlias(options.alias);
  // The defaults name the alias given, else the username, as `sf org login jwt` leaves them. Core would name the
  // username's first alias, which is another one (the target org's) when the login user already had an auth file.
  if (options.setDefault === true || options.setDefaultDevHub === true) await setDefaults(options.alias ?? authInfo.getUsername() ?? options.username, options);
  const fields = authInfo.getFields(true);
  await AuthInfo.identifyPossibleScratchOrgs(fields, authInfo);
  return {
    method,
    username: fields.username ?? options.username,
    orgId: fields.orgId ?? '',
    instanceUrl: fields.instanceUrl ?? options.loginUrl,
    loginUrl: options.loginUrl,
    alias: options.alias,
    attempts,
    waitedMs,
  };
}

/** Sets target-org / target-dev-hub in the project's config, or the global one outside a project (as core does). */
async function setDefaults(value: string, options: Pick<LoginOptions, 'setDefault' | 'setDefaultDevHub'>): Promise<void> {
  const config = await Config.create({ isGlobal: false }).catch(() => Config.create({ isGlobal: true }));
  if (options.setDefault) config.set(OrgConfigProperties.TARGET_ORG, value);
  if (options.setDefaultDevHub) config.set(OrgConfigProperties.TARGET_DEV_HUB, value);
  await config.write();
}

/**
 * `sf org login jwt`, with waiting for the app to go live.
 *
 * When the username already has an auth file (usually: the target org itself), the official command removes it, and
 * its aliases, before it tries the new app. Here the old file is never touched until the new login has succeeded: each
 * attempt builds the new auth aside, and only a successful one replaces the old file, in one rename (authSwap.ts). A
 * failed, timed-out or killed login leaves the user the authorization they had; on success the user's aliases and
 * defaults keep pointing at the same username.
 */
export async function loginWithJwt(options: LoginOptions & { privateKeyFile: string }): Promise<LoginResult> {
  const oauth2Options = { clientId: options.clientId, privateKeyFile: options.privateKeyFile, loginUrl: options.loginUrl };
  // The org at the login URL is asked alone (tokenEndpoint.ts): one token request per attempt. The token it issues is
  // the login; only its answers that another audience might change (audience is invalid, or one not understood) are
  // left to core's own login to judge.
  const probe = async (): Promise<TokenAnswer | undefined> => {
    try {
      return await requestJwtToken({ ...options, privateKeyFile: options.privateKeyFile });
    } catch (error) {
      const { cause } = classifyAttempt(error, options.preAuthorized);
      if (cause !== 'wrongAudience' && cause !== 'unknown') throw error;
      return undefined;
    }
  };
  // Either way the new auth is built beside the user's auth file and renamed over it only after success (authSwap.ts).
  const { value: swap, attempts, waitedMs } = await withPropagationRetry(async () => {
    const token = await probe();
    return loginAside(options.username, token ? async (): Promise<AuthInfo> => authInfoFromToken(options, token) : oauth2Options);
  }, options);
  await swap.commit();
  return finishLogin('jwt', swap.authInfo, options, attempts, waitedMs);
}

/**
 * The AuthInfo core's JWT login makes (authInfo.authJwt), from the token the org issued to the same grant: the same
 * fields (access token, org id, login URL, key file, client id, and the instance URL when it resolves, else the login
 * URL) and the same reads after the token (dev hub check, Organization), without asking for a second token.
 */
async function authInfoFromToken(options: LoginOptions & { privateKeyFile: string }, token: TokenAnswer): Promise<AuthInfo> {
  const answered = typeof token.instance_url === 'string' ? token.instance_url : options.loginUrl;
  const instanceUrl = await new SfdcUrl(answered).lookup().then(
    () => answered,
    () => options.loginUrl
  );
  // The username goes in the token options only (as authSwap.ts does): core refuses a separate one while a file exists.
  const authInfo = await AuthInfo.create({
    accessTokenOptions: {
      accessToken: String(token.access_token),
      instanceUrl,
      loginUrl: options.loginUrl,
      username: options.username,
      // The identity URL ends /id/<org id>/<user id>.
      orgId: String(token.id).split('/').at(-2),
    },
  });
  authInfo.update({ privateKey: resolve(options.privateKeyFile), clientId: options.clientId });
  return authInfo;
}

/**
 * Asks the token endpoint whether it knows the client id yet, without a browser (tokenEndpoint.ts): rejects while the
 * answer means "not live yet" or the URL cannot be reached, resolves on any other answer.
 */
export async function probeClientLive(loginUrl: string, clientId: string, redirectUri: string): Promise<void> {
  try {
    await exchangeDummyCode(loginUrl, clientId, redirectUri);
  } catch (error) {
    const classified = classifyLoginError(errorText(error), true);
    if (classified.kind === 'transient' || classified.cause === 'unreachable') throw error;
  }
}

/** Opens the browser at a URL (the `open` package, as `sf org login web` uses; it honours $BROWSER). */
export type BrowserOpener = (url: string) => Promise<void>;

/** `sf org login web --client-id`, after waiting until the org knows the app. */
export async function loginWithWeb(
  options: LoginOptions & { clientSecret?: string; redirectUri: string; openBrowser: BrowserOpener }
): Promise<LoginResult> {
  const { attempts, waitedMs } = await withPropagationRetry(
    () => probeClientLive(options.loginUrl, options.clientId, options.redirectUri),
    options
  );
  const server = await WebOAuthServer.create({
    oauthConfig: { loginUrl: options.loginUrl, clientId: options.clientId, clientSecret: options.clientSecret ?? '' },
  });
  await server.start();
  await options.openBrowser(server.getAuthorizationUrl());
  // Core saves the new auth as soon as the code is exchanged: with the expected user's file set aside, so that an
  // existing auth of that user is replaced in one rename, never rewritten in place (authSwap.ts).
  const swap = await loginAside(options.username, () => server.authorizeAndSave());
  await swap.commit();
  return finishLogin('web', swap.authInfo, options, attempts, waitedMs);
}
