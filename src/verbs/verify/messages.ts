/*
 * verify's words: every check's message comes from messages/shared.verify.md.
 */
import { Messages } from '@salesforce/core';
import type { CheckStatus, VerifyCheck } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.verify');

export const words = (key: string, tokens: Array<string | number> = []): string => messages.getMessage(key, tokens);

/** A check whose message is `check.<key>`. */
export const check = (
  id: string,
  status: CheckStatus,
  key: string,
  tokens: Array<string | number> = [],
  fix?: string
): VerifyCheck => ({ id, status, message: words(`check.${key}`, tokens), ...(fix && status !== 'pass' ? { fix } : {}) });
