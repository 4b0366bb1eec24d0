/*
 * What differs between two versions of an app: settings in the definition file's words (for people), and metadata
 * elements (for the org and the source files). Pure.
 */
import type { OAuthAppDefinition } from '../../model/appModel.js';
import { toDefinitionDocument, type DefinitionDocument } from '../../model/definitionDocument.js';
import { summarizeCertificate } from '../../model/certificate.js';
import { compact, isRecord, same, type Loose } from '../../util/records.js';
import { sameCertificate } from '../../util/pem.js';
import type { ElementChange, SettingChange, SettingValue } from './types.js';

// ---------------------------------------------------------------------------------------------------------------
// Settings and elements that differ.

const SETTINGS: Array<keyof OAuthAppDefinition> = [
  'label',
  'description',
  'contactEmail',
  'contactPhone',
  'callbackUrls',
  'scopes',
  'certificate',
  'permittedUsers',
  'profiles',
  'permissionSets',
  'refreshTokenPolicy',
  'sessionTimeoutMinutes',
  'ipRelaxation',
  'idToken',
  'assetToken',
  'singleLogoutUrl',
];

/** A setting's value in the definition file's words (api, 90d, enforce, admin-approved; token sections whole). */
function displayValue(setting: string, value: unknown): SettingValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (setting === 'certificate') return describeCertificate(String(value));
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'object') return { ...value } as SettingValue;
  return value as string | number | boolean;
}

/** A certificate in a line: its expiry and the start of its SHA-256 fingerprint. */
export function describeCertificate(certificate: string): string {
  const summary = summarizeCertificate(certificate);
  if (!summary?.fingerprint) return `unreadable certificate (${certificate.length} characters)`;
  return `SHA-256 ${summary.fingerprint.slice(0, 23)}..., expires ${summary.expires ?? '?'}`;
}

export function settingChanges(before: OAuthAppDefinition, after: OAuthAppDefinition): SettingChange[] {
  const changes: SettingChange[] = [];
  const [shownBefore, shownAfter]: DefinitionDocument[] = [toDefinitionDocument(before), toDefinitionDocument(after)];
  for (const setting of SETTINGS) {
    const [a, b] = [before[setting], after[setting]];
    if (setting === 'certificate' ? sameCertificate(a as string, b as string) : same(a, b)) continue;
    changes.push(compact({ setting, before: displayValue(setting, shownBefore[setting]), after: displayValue(setting, shownAfter[setting]) }));
  }
  for (const flow of Object.keys({ ...before.flows, ...after.flows }) as Array<keyof OAuthAppDefinition['flows']>) {
    if (same(before.flows[flow], after.flows[flow])) continue;
    changes.push(compact({ setting: `flows.${flow}`, before: displayValue(flow, before.flows[flow]), after: displayValue(flow, after.flows[flow]) }));
  }
  return changes;
}


/** Elements whose values differ between two versions of one built component (objects compared element by element). */
export function diffContent(type: string, before: Loose, after: Loose, path: string[] = []): ElementChange[] {
  const changes: ElementChange[] = [];
  for (const key of new Set([...Object.keys(after), ...Object.keys(before)])) {
    const [b, a] = [before[key], after[key]];
    if (same(b, a)) continue;
    if (isRecord(b) && isRecord(a)) changes.push(...diffContent(type, b, a, [...path, key]));
    else changes.push({ type, path: [...path, key], before: b, after: a });
  }
  return changes;
}
