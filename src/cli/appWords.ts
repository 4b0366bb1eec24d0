/*
 * An app's settings in words, for people: what create's summary, display and update's table print. Values come in
 * the definition file's vocabulary (api, 90d, enforce, admin-approved, token sections as objects); the words say what
 * each means and keep the value a user would type in brackets where there is one.
 */
import { Messages } from '@salesforce/core';
import { FLOW_SWITCHES } from '../model/settings.js';
import type { SettingChange, SettingValue } from '../verbs/update/types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-words');

const TOKEN_SECTIONS = ['idToken', 'assetToken'];
const TOKEN_FIELDS = [
  'validityMinutes',
  'audiences',
  'signingCertificate',
  'includeStandardClaims',
  'includeCustomAttributes',
  'includeCustomPermissions',
];

type Token = Record<string, unknown>;
const isToken = (value: unknown): value is Token => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A setting's name in words: `callbackUrls` -> Callback URLs, `flows.deviceFlow` -> Device flow. */
export function settingLabel(setting: string): string {
  const key = setting === 'flows.clientCredentialsUser' ? 'label.clientCredentialsUser' : setting.startsWith('flows.') ? `flow.${setting.slice(6)}` : `label.${setting}`;
  return messages.messages.has(key) ? messages.getMessage(key) : setting;
}

/** The refresh token policy (90d, inactive:7d, infinite, zero) in words, the policy in brackets. */
export function describeRefreshToken(policy: string): string {
  if (policy === 'infinite') return messages.getMessage('value.refreshInfinite');
  if (policy === 'zero') return messages.getMessage('value.refreshZero');
  const match = /^(inactive:)?(\d+)(h|d|mo)$/.exec(policy);
  if (!match) return policy;
  const unit = { h: 'hours', d: 'days', mo: 'months' }[match[3] as 'h' | 'd' | 'mo'];
  return messages.getMessage(match[1] ? 'value.refreshInactive' : 'value.refreshLifetime', [match[2], unit, policy]);
}

/** "Admin approved users are pre-authorized (profiles: X; permission sets: Y)", as Setup words it. */
export function describePermittedUsers(permittedUsers: string, profiles: string[], permissionSets: string[]): string {
  if (permittedUsers !== 'admin-approved') return messages.getMessage('value.allUsers');
  const lists = [
    profiles.length > 0 ? messages.getMessage('value.profiles', [profiles.join(', ')]) : undefined,
    permissionSets.length > 0 ? messages.getMessage('value.permissionSets', [permissionSets.join(', ')]) : undefined,
  ].filter((part): part is string => part !== undefined);
  return messages.getMessage('value.adminApproved', [lists.join('; ')]);
}

/** The flows an app has on, one line each ([] when none is). */
export function describeFlows(flows: Record<string, unknown>): string[] {
  const on = FLOW_SWITCHES.filter((flow) => flows[flow] === true).map((flow) => messages.getMessage(`flow.${flow}`));
  const runAs = flows.clientCredentialsUser;
  if (typeof runAs === 'string') on.splice(Math.min(1, on.length), 0, messages.getMessage('flow.clientCredentialsUser', [runAs]));
  return on;
}

/** An ID or asset token section in words, all its fields or only those named. */
export function describeToken(token: Token, fields: string[] = TOKEN_FIELDS): string {
  return fields
    .filter((field) => token[field] !== undefined)
    .map((field) => {
      const value = token[field];
      if (field === 'validityMinutes') return messages.getMessage('token.validityMinutes', [String(value)]);
      if (field === 'audiences') {
        const audiences = value as string[];
        return messages.getMessage('token.audiences', [audiences.length > 0 ? audiences.join(', ') : messages.getMessage('value.none')]);
      }
      if (field === 'signingCertificate') return messages.getMessage('token.signingCertificate', [String(value)]);
      return messages.getMessage(value ? 'token.with' : 'token.without', [messages.getMessage(`token.${field}`)]);
    })
    .join('; ');
}

/** One setting's value in words. */
export function describeValue(setting: string, value: SettingValue | undefined): string {
  if (value === undefined) return messages.getMessage(TOKEN_SECTIONS.includes(setting) ? 'value.off' : 'value.notSet');
  if (isToken(value)) return describeToken(value);
  if (typeof value === 'boolean') return messages.getMessage(value ? 'value.on' : 'value.off');
  if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : messages.getMessage('value.none');
  if (setting === 'refreshTokenPolicy') return describeRefreshToken(String(value));
  if (setting === 'permittedUsers') return value === 'admin-approved' ? messages.getMessage('value.adminApprovedWord') : messages.getMessage('value.allUsers');
  if (setting === 'ipRelaxation' && messages.messages.has(`ip.${String(value)}`)) return messages.getMessage(`ip.${String(value)}`);
  if (setting === 'sessionTimeoutMinutes') return messages.getMessage('value.minutes', [String(value)]);
  return String(value);
}

/**
 * What changed, in words: a list as the items added and removed, a token section as the fields that differ, any
 * other value as before -> after.
 */
export function describeChange(change: SettingChange): string {
  const { setting, before, after } = change;
  const listBefore = Array.isArray(before) ? before : before === undefined && Array.isArray(after) ? [] : undefined;
  const listAfter = Array.isArray(after) ? after : after === undefined && Array.isArray(before) ? [] : undefined;
  if (listBefore && listAfter) {
    const added = listAfter.filter((item) => !listBefore.includes(item));
    const removed = listBefore.filter((item) => !listAfter.includes(item));
    const parts = [
      ...(added.length > 0 ? [messages.getMessage('change.added', [added.join(', ')])] : []),
      ...(removed.length > 0 ? [messages.getMessage('change.removed', [removed.join(', ')])] : []),
    ];
    // Only the order changed.
    if (parts.length > 0) return parts.join('; ');
  }
  if (isToken(before) && isToken(after)) {
    const [was, is] = [before as Token, after as Token];
    const fields = TOKEN_FIELDS.filter((field) => JSON.stringify(was[field]) !== JSON.stringify(is[field]));
    return messages.getMessage('change.replaced', [describeToken(was, fields), describeToken(is, fields)]);
  }
  return messages.getMessage('change.replaced', [describeValue(setting, before), describeValue(setting, after)]);
}

/** Certificate line of a summary: where it is (or the fingerprint the org holds) and when it expires. */
export function describeCertificateValue(certificate: string | undefined, expires: string | undefined): string {
  if (!certificate) return messages.getMessage('value.noCertificate');
  return expires ? `${certificate} (${messages.getMessage('value.certificateExpires', [expires.slice(0, 10)])})` : certificate;
}

export const describeMinutes = (minutes: number): string => messages.getMessage('value.minutes', [String(minutes)]);

// eslint-disable-next-line no-control-regex -- replacing control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/**
 * Text from the org, made safe to print: a control character (ESC, BEL, ...) an app made elsewhere may carry is shown
 * as its code (\u001b) instead of driving the terminal. JSON output keeps the text as it is.
 */
export const printable = (text: string): string =>
  text.replace(CONTROL_CHARACTERS, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Every string of a row (or list of strings) made printable. */
export function printableRow<T extends Record<string, string | string[] | undefined>>(row: T): T {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, Array.isArray(value) ? value.map(printable) : value === undefined ? value : printable(value)])
  ) as T;
}
