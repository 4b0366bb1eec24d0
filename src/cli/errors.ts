/*
 * Errors that are not Salesforce's, said as what they are. A raw file-system or network error reaching the user
 * ("fetch failed", "spawn ENOTDIR", "ENOENT: ...") becomes one that names the path or the URL, the cause, and what
 * to do; errors the plugin already worded (they carry actions) and answers from Salesforce pass unchanged.
 */
import { Messages, SfError } from '@salesforce/core';
import { classifyError, networkTarget } from '../util/errorCause.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.errors');

const KNOWN_FILE_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'ENOTDIR', 'EEXIST', 'EISDIR', 'ELOOP', 'EMFILE', 'ENFILE', 'EROFS', 'ENOSPC']);

/** The error to show for this one. */
export function explainError(error: unknown): unknown {
  const worded = error instanceof SfError && (error.actions?.length ?? 0) > 0;
  if (worded || !(error instanceof Error)) return error;
  const cause = classifyError(error);
  if (cause.kind === 'file') {
    const code = KNOWN_FILE_CODES.has(cause.code) ? cause.code : 'other';
    const local = messages.createError('error.LocalFile', [
      cause.path ?? messages.getMessage('value.unknownPath'),
      messages.getMessage(`fileCause.${code}`, [cause.code]),
      error.message,
    ]);
    local.actions = messages.getMessages(`fileAction.${code}`);
    local.cause = error;
    return local;
  }
  if (cause.kind === 'network') {
    const network = messages.createError('error.Network', [
      networkTarget(cause) ?? messages.getMessage('value.unknownHost'),
      cause.code ? `${cause.code}: ${error.message}` : error.message,
    ]);
    network.cause = error;
    return network;
  }
  return error;
}

/** Runs a command's work; a raw local or network error comes out worded (explainError). */
export async function explained<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw explainError(error);
  }
}
