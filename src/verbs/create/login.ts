/*
 * Logging in with a new app, as `sf org login jwt` / `sf org login web --client-id` would, waiting for it to go live.
 */
import { Messages, type SfError } from '@salesforce/core';
import type { OAuthAppDefinition } from '../../model/appModel.js';
import { isPreAuthorized, type OrgUser } from '../../org/lookups.js';
import {
  LoginChainError,
  loginWithJwt,
  loginWithWeb,
  type BrowserOpener,
  type LoginResult,
  type WaitInfo,
} from '../../login/loginChain.js';
import { describeLoginCause, propagationMs, waitTokens } from '../loginFailure.js';
import type { CreateAppContext, CreateAppFlags, CreateAppResult, CreateProgress, CreationPlan } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create-output');

export type NewAppLogin = {
  openBrowser?: BrowserOpener;
  retry?: CreateAppContext['loginRetry'];
  /** When the deploy that made or changed the app finished (ms since the epoch); undefined when nothing was deployed. */
  appChangedAt?: number;
  /**
   * Reads the consumer key the org holds, where it might not be the one sent: asked once, when the org first refuses
   * (a working login proves the key without it).
   */
  verifyKey?: () => Promise<string | undefined>;
};

/**
 * Logs in at result.loginUrl: --instance-url, else the target org's instance URL (its My Domain), where the app was
 * deployed. "The org does not know the app" is waited out only for the kind's propagation time after the deploy.
 */
export async function loginWithNewApp(
  plan: CreationPlan,
  flags: CreateAppFlags,
  result: CreateAppResult,
  progress: CreateProgress,
  { openBrowser, retry, appChangedAt, verifyKey }: NewAppLogin = {}
): Promise<LoginResult> {
  const { definition, loginUser } = plan;
  const preAuthorized =
    definition.permittedUsers === 'AdminApprovedPreAuthorized' &&
    isPreAuthorized(loginUser, definition.profiles, definition.permissionSets);
  // JWT has no approval step: a user who is not pre-authorized will never get in, so say so before waiting.
  if (flags.login === 'jwt' && !preAuthorized) throw notPreAuthorizedError(loginUser, definition);
  const loginOptions = {
    clientId: result.consumerKey,
    username: loginUser.username,
    loginUrl: result.loginUrl,
    alias: flags.alias,
    setDefault: flags.setDefault,
    setDefaultDevHub: flags.setDefaultDevHub,
    waitMs: flags.waitMinutes * 60_000,
    preAuthorized,
    appChangedAt,
    propagationMs: propagationMs(result.kind),
    ...retry,
    onWait: async (info: WaitInfo): Promise<void> => {
      if (info.attempt === 1 && verifyKey) assertOrgTookKey(result, await verifyKey());
      const text = messages.getMessage('info.waiting', waitTokens(info, result.kind));
      if (progress.wait) progress.wait(text);
      else progress.info(text);
    },
  };
  try {
    return flags.login === 'jwt'
      ? await loginWithJwt({ ...loginOptions, privateKeyFile: result.privateKeyPath ?? '' })
      : await loginWithWeb({
          ...loginOptions,
          clientSecret: definition.consumerSecret,
          redirectUri: definition.callbackUrls[0],
          openBrowser: openBrowser ?? defaultOpenBrowser,
        });
  } catch (error) {
    if (!(error instanceof LoginChainError)) throw error;
    const cause = describeLoginCause(error.classified.cause, result.kind);
    if (error.classified.kind === 'transient') {
      throw messages.createError('error.LoginTimedOut', [result.loginUrl, flags.waitMinutes, cause], [result.loginCommand ?? '-']);
    }
    throw messages.createError('error.LoginFailed', [result.loginUrl, error.classified.message], [cause, result.loginCommand ?? '-']);
  }
}

/** Where the org may have chosen its own consumer key, the wait would be for a key it does not know: say so at once. */
function assertOrgTookKey(result: CreateAppResult, orgKey: string | undefined): void {
  if (orgKey === undefined || orgKey === result.consumerKey) return;
  const command = (result.loginCommand ?? '').replace(`--client-id ${result.consumerKey}`, `--client-id ${orgKey}`);
  throw messages.createError('error.ConsumerKeyNotTaken', [result.name, orgKey], [command || '-']);
}

function notPreAuthorizedError(user: OrgUser, definition: OAuthAppDefinition): SfError {
  return messages.createError(
    'error.UserNotPreAuthorized',
    [
      user.username,
      user.profileName ?? '-',
      user.permissionSets.join(', ') || '-',
      definition.profiles.join(', ') || '-',
      definition.permissionSets.join(', ') || '-',
    ],
    [user.profileName ?? '']
  );
}

const defaultOpenBrowser: BrowserOpener = async (url) => {
  const { default: open } = await import('open');
  const child = await open(url, { wait: false });
  await new Promise<void>((resolve, reject) => {
    child.on('exit', (code) =>
      code && code > 0 ? reject(messages.createError('error.CannotOpenBrowser', [String(code)])) : resolve()
    );
    child.on('error', reject);
  });
};
