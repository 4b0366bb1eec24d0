/*
 * The consumer secret on its way to --secret-file. A connected app's secret can never be read from Salesforce again,
 * so the file is made before anything is sent, and once the app may exist the secret reaches the user whatever
 * happens: in the file, or (when the file cannot take it) in the result and in any error that follows.
 */
import { Messages, SfError } from '@salesforce/core';
import { SecretFile } from '../../files/credentials.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.secret-file');

/** Errors of a deploy that the org refused outright: the app does not exist, so the secret was never used. */
const REFUSED = new Set(['AppExistsError', 'ConnectedAppCreationBlockedError', 'GlobalOauthAccessRefusedError', 'DeployFailedError']);

export type PendingSecret = { file: SecretFile; secret: string };

/** Opens the secret file (before the first write or request) when the app gets a secret and the user named a file. */
export async function openSecretFile(
  secret: string | undefined,
  path: string | undefined,
  packageDirectories: readonly string[]
): Promise<PendingSecret | undefined> {
  return secret && path ? { file: await SecretFile.open(path, packageDirectories), secret } : undefined;
}

/**
 * A step before or during the deploy failed: returns the error to throw. When the org surely has no app (nothing
 * deployed yet, or the deploy was refused) the empty file goes; when the outcome is unknown the app may hold this
 * secret, so it is written (or, if even that fails, carried by the error).
 */
export async function settleAfterFailure(pending: PendingSecret | undefined, error: unknown, deployStarted: boolean): Promise<unknown> {
  if (!pending) return error;
  // Refused outright, or the org was asked after a fault and holds none of the app: the secret was never used, and a
  // file left behind would stop the rerun the error advises (a secret file is never overwritten).
  const appInOrg = (error as { data?: { appInOrg?: string } }).data?.appInOrg;
  if (!deployStarted || REFUSED.has((error as Error).name) || appInOrg === 'none') {
    await pending.file.discard();
    return error;
  }
  const unsaved = await saveSecret(pending, () => undefined);
  return withUnsavedSecret(error, unsaved, pending.file.path);
}

/**
 * After an interruption: the empty file goes while the org surely has no app; else the secret is written to it (the
 * app may hold it). True when the file now holds the secret.
 */
export async function settleOnInterruption(pending: PendingSecret, appMayExist: boolean): Promise<boolean> {
  if (!appMayExist) {
    await pending.file.discard();
    return false;
  }
  return (await saveSecret(pending, () => undefined)) === undefined;
}

/**
 * Writes the secret now that the app exists. Returns the secret when the file could not take it: the caller then
 * hands it to the user another way (the result, and any later error through withUnsavedSecret).
 */
export async function saveSecret(pending: PendingSecret | undefined, warn: (message: string) => void): Promise<string | undefined> {
  if (!pending) return undefined;
  try {
    await pending.file.write(pending.secret);
    return undefined;
  } catch (error) {
    warn(messages.getMessage('warning.SecretNotWritten', [pending.file.path, (error as Error).message]));
    return pending.secret;
  }
}

/** An error after the app exists, when its secret is nowhere else: the secret goes into the error's actions and data. */
export function withUnsavedSecret(error: unknown, secret: string | undefined, path: string | undefined): unknown {
  if (!secret) return error;
  const sfError = SfError.wrap(error as Error);
  sfError.actions = [...(sfError.actions ?? []), messages.getMessage('action.unsavedSecret', [path ?? '-', secret])];
  sfError.setData({ ...(typeof sfError.data === 'object' ? sfError.data : {}), consumerSecret: secret });
  return sfError;
}
