/*
 * What a failed login with an app means, in words, for create and rotate-certificate: the cause and what to do.
 */
import { Messages } from '@salesforce/core';
import type { AppKind } from '../model/appModel.js';
import { KIND_RULES } from '../model/kindRules.js';
import type { LoginFailureCause } from '../login/loginChain.js';

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
