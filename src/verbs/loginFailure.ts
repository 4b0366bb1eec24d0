/*
 * What a failed login with an app means, in words, for create and rotate-certificate: the cause and what to do, and
 * what a wait for the org looks like while it lasts.
 */
import { Messages } from '@salesforce/core';
import type { AppKind } from '../model/appModel.js';
import { KIND_RULES } from '../model/kindRules.js';
import type { LoginFailureCause, WaitInfo } from '../login/loginChain.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.login');

/** Causes whose words name the kind's propagation time. */
const AFTER_PROPAGATION: readonly LoginFailureCause[] = ['ecaNotInstalled', 'clientUnknown'];

/** The cause of a login failure (or of a wait) in words, for an app of this kind. */
export function describeLoginCause(cause: LoginFailureCause, kind: AppKind): string {
  return AFTER_PROPAGATION.includes(cause)
    ? messages.getMessage(`cause.${cause}`, [KIND_RULES[kind].propagationMinutes])
    : messages.getMessage(`cause.${cause}`);
}

/** The kind's propagation time in ms: how long after a deploy "the org does not know this app" means propagation. */
export const propagationMs = (kind: AppKind): number => KIND_RULES[kind].propagationMinutes * 60_000;

/** m:ss, as a wait's elapsed and remaining time are shown. */
function clockTime(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The org's short answer: the OAuth error code at the end of the token endpoint's message, else the message. */
function answerCode(message: string): string {
  return /\(([a-z_]+)\)\s*$/.exec(message)?.[1] ?? message.split('\n')[0];
}

/** A wait's progress line's values: attempt, elapsed, time left, the last answer in words and its code. */
export function waitTokens(info: WaitInfo, kind: AppKind): [number, string, string, string, string] {
  return [info.attempt, clockTime(info.elapsedMs), clockTime(info.remainingMs), describeLoginCause(info.cause, kind), answerCode(info.message)];
}
