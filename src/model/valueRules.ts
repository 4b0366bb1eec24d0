/*
 * The rules single values of an app follow, as Salesforce states them (or, where it does not, the strictest
 * plausible reading): names, callback URLs, refresh token policies, IP relaxation, limits. Each throws an error that
 * says what is wrong and what would do.
 */
import { Messages } from '@salesforce/core';
import type { AppKind, IpRelaxation, PermittedUsers, RefreshTokenPolicy } from './appModel.js';
import { KIND_RULES } from './kindRules.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.validation');

/** Session timeouts Salesforce offers (minutes; ProfileSessionSetting's list, assumed for apps: UNCONFIRMED). */
export const SESSION_TIMEOUTS = [15, 30, 60, 120, 240, 480, 720, 1440] as const;
/** ConnectedApplication.Name is 80 characters (object reference). */
export const MAX_LABEL_LENGTH = 80;
/** "The callback URL field has a limit of 2000 characters, cumulatively." */
export const MAX_CALLBACK_URLS_LENGTH = 2000;
/** Contact phone: Salesforce phone fields hold 40 characters. */
export const MAX_PHONE_LENGTH = 40;
/** Upper bounds for refresh token periods: sanity limits (Salesforce publishes none), ten years each. */
const REFRESH_MAXIMA: Record<'hours' | 'days' | 'months', number> = { hours: 87_600, days: 3650, months: 120 };

const UNIT_WORDS: Record<string, 'hours' | 'days' | 'months'> = {
  h: 'hours',
  hr: 'hours',
  hrs: 'hours',
  hour: 'hours',
  hours: 'hours',
  d: 'days',
  day: 'days',
  days: 'days',
  // Refresh tokens have no minutes, so m is months.
  m: 'months',
  mo: 'months',
  mon: 'months',
  month: 'months',
  months: 'months',
};
const UNIT_SHORT: Record<'hours' | 'days' | 'months', string> = { hours: 'h', days: 'd', months: 'mo' };

/**
 * Refresh token policy from what a user would type:
 * - `90d`, `12h`, `6mo` (or `6m`), `90 days`, `expire-after:90:days`, `lifetime:90d`: expire that long after issue;
 * - `inactive:7d`, `inactive:7:days`, `7d-inactive`: expire after that long unused;
 * - `infinite` (or `never`), `zero` (or `immediately`);
 * - the connected app metadata spelling, `specific_lifetime:90:DAYS`.
 * Throws error.InvalidRefreshTokenPolicy or error.RefreshTokenPolicyOutOfRange.
 */
export function parseRefreshTokenPolicy(text: string): RefreshTokenPolicy {
  const value = text.trim().toLowerCase();
  if (['infinite', 'never', 'never-expire', 'none'].includes(value)) return { type: 'infinite' };
  if (['zero', 'immediately', 'immediate', '0'].includes(value)) return { type: 'zero' };
  const match =
    /^(?:(expire-after|lifetime|specific_lifetime|inactive|inactivity|specific_inactivity)\s*:\s*)?(\d+)\s*[: ]?\s*([a-z]+)(?:\s*-?\s*(inactive))?$/.exec(
      value
    );
  const unit = match ? UNIT_WORDS[match[3]] : undefined;
  if (!match || !unit) {
    throw messages.createError('error.InvalidRefreshTokenPolicy', [text]);
  }
  const inactive = ['inactive', 'inactivity', 'specific_inactivity'].includes(match[1] ?? '') || match[4] !== undefined;
  const amount = Number(match[2]);
  if (amount < 1 || amount > REFRESH_MAXIMA[unit]) {
    throw messages.createError('error.RefreshTokenPolicyOutOfRange', [amount, unit], [REFRESH_MAXIMA[unit], unit]);
  }
  return { type: inactive ? 'specificInactivity' : 'specificLifetime', value: amount, unit };
}

/** The policy in the syntax parseRefreshTokenPolicy reads (90d, inactive:7d, infinite, zero). */
export function describeRefreshTokenPolicy(policy: RefreshTokenPolicy): string {
  if (policy.type === 'infinite' || policy.type === 'zero') return policy.type;
  const amount = `${policy.value}${UNIT_SHORT[policy.unit]}`;
  return policy.type === 'specificInactivity' ? `inactive:${amount}` : amount;
}

const IP_RELAXATION_WORDS: Record<string, IpRelaxation> = {
  enforce: 'ENFORCE',
  bypass: 'BYPASS',
  bypass2factor: 'BYPASS_2FACTOR',
  bypass2fa: 'BYPASS_2FACTOR',
  enforcerelaxrefresh: 'ENFORCE_RELAXREFRESH',
  relaxrefresh: 'ENFORCE_RELAXREFRESH',
};

export function parseIpRelaxation(text: string): IpRelaxation {
  const relaxation = IP_RELAXATION_WORDS[text.toLowerCase().replace(/[^a-z0-9]/g, '')];
  if (!relaxation) throw messages.createError('error.InvalidIpRelaxation', [text]);
  return relaxation;
}

/** IP relaxation as --ip-relaxation and the definition file spell it. */
export type IpRelaxationWord = 'enforce' | 'bypass' | 'bypass-2fa' | 'relax-refresh';
const IP_RELAXATION_FLAG_WORD: Record<IpRelaxation, IpRelaxationWord> = {
  ENFORCE: 'enforce',
  BYPASS: 'bypass',
  BYPASS_2FACTOR: 'bypass-2fa',
  ENFORCE_RELAXREFRESH: 'relax-refresh',
};
export const describeIpRelaxation = (relaxation: IpRelaxation): IpRelaxationWord => IP_RELAXATION_FLAG_WORD[relaxation];

/** Permitted users as --permitted-users and the definition file spell them. */
export type PermittedUsersWord = 'admin-approved' | 'all-users';
const PERMITTED_USERS_WORD: Record<PermittedUsers, PermittedUsersWord> = {
  AdminApprovedPreAuthorized: 'admin-approved',
  AllSelfAuthorized: 'all-users',
};
export const describePermittedUsers = (permittedUsers: PermittedUsers): PermittedUsersWord => PERMITTED_USERS_WORD[permittedUsers];

/** The flag's word or the metadata's value (a definition file may hold either); undefined when neither. */
export function parsePermittedUsers(text: string): PermittedUsers | undefined {
  return (Object.keys(PERMITTED_USERS_WORD) as PermittedUsers[]).find(
    (value) => value === text || PERMITTED_USERS_WORD[value] === text
  );
}

export function validateAppName(name: string, kind: AppKind = 'ConnectedApp'): void {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name) || name.includes('__') || name.endsWith('_')) {
    throw messages.createError('error.InvalidAppName', [name]);
  }
  const limit = KIND_RULES[kind].maxNameLength;
  if (name.length > limit) throw messages.createError('error.AppNameTooLong', [name, name.length, limit]);
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:']);

/** Returns a warning for http://localhost URLs (fine for the CLI's login, nothing else). */
export function validateCallbackUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw messages.createError('error.InvalidCallbackUrl', [url]);
  }
  if (/\s/.test(url) || FORBIDDEN_SCHEMES.has(parsed.protocol)) throw messages.createError('error.InvalidCallbackUrl', [url]);
  if (parsed.protocol === 'https:') {
    if (!parsed.hostname) throw messages.createError('error.InvalidCallbackUrl', [url]);
    return undefined;
  }
  if (parsed.protocol === 'http:') {
    // Salesforce wants https or a custom scheme; its own CLI docs register http://localhost (UNCONFIRMED for others).
    if (!LOCAL_HOSTS.has(parsed.hostname)) throw messages.createError('error.InsecureCallbackUrl', [url]);
    return undefined;
  }
  // A custom scheme (myapp://callback, com.example.app:/cb) for native apps.
  return undefined;
}

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function requireHttps(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.protocol !== 'https:' || !parsed.hostname) {
    throw messages.createError('error.InvalidSingleLogoutUrl', [url]);
  }
}

/**
 * Characters no setting may hold: XML 1.0 forbids the C0 controls other than tab, line feed and carriage return (the
 * metadata could not be written), and they, DEL and the C1 controls drive terminals (ESC, BEL, CSI) when printed.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Refuses a control character anywhere in the input's text, naming the setting and the character's code. */
export function assertNoControlCharacters(value: unknown, path = ''): void {
  if (typeof value === 'string') {
    const found = CONTROL_CHARACTER.exec(value);
    if (found) {
      const code = `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      throw messages.createError('error.ControlCharacter', [path || 'a value', code]);
    }
    return;
  }
  if (Array.isArray(value)) value.forEach((item, index) => assertNoControlCharacters(item, `${path}[${index}]`));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) assertNoControlCharacters(inner, path ? `${path}.${key}` : key);
  }
}
