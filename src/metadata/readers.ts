/*
 * Tolerant readers for metadata content: a retrieve, a readMetadata answer or a hand-edited file may hold text where
 * the builders write booleans, numbers or arrays, and one child where there could be several.
 */
import type { MetadataScope } from '../model/appModel.js';
import { METADATA_SCOPES } from '../model/scopes.js';
import { asList, type Loose } from '../util/records.js';

export { asList, type Loose };

export const asRecord = (value: unknown): Loose => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : {});
export const asText = (value: unknown): string | undefined =>
  value === undefined || value === null || typeof value === 'object' ? undefined : String(value as string);
export const asBool = (value: unknown, fallback = false): boolean =>
  value === undefined || value === null ? fallback : value === true || String(value as string).toLowerCase() === 'true';
export const asInt = (value: unknown): number | undefined => {
  const text = asText(value);
  return text !== undefined && /^-?\d+$/.test(text.trim()) ? Number(text) : undefined;
};
export const splitUrls = (value: unknown): string[] =>
  (asText(value) ?? '')
    .split(/\r\n|\r|\n/)
    .map((url) => url.trim())
    .filter((url) => url.length > 0);
export const splitList = (value: unknown): string[] =>
  (asText(value) ?? '')
    .split(/[,\r\n]+/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

export function toKnownScopes(values: unknown[]): MetadataScope[] {
  const known = new Set<string>(METADATA_SCOPES);
  return values.map((value) => asText(value)?.trim() ?? '').filter((value): value is MetadataScope => known.has(value));
}

/** Text that says something: absent, empty and objects are undefined. */
export const asNonEmptyText = (value: unknown): string | undefined => {
  const text = asText(value);
  return text === undefined || text.length === 0 ? undefined : text;
};
