/*
 * Writing element changes into content the org (or a source file) holds, keeping every other element, its spelling
 * and its place. Pure.
 */
import { asList, isRecord, same, type Loose } from '../../util/records.js';
import type { ElementChange } from './types.js';

// ---------------------------------------------------------------------------------------------------------------
// Writing element changes into content the org (or a file) holds.

/** Sets a key, placing a new one where the reference order puts it (xsd:sequence order, as the builders emit it). */
/* eslint-disable no-param-reassign -- edits the holder in place, nested objects included */
function placeKey(target: Loose, key: string, value: unknown, order: string[]): void {
  if (key in target) {
    target[key] = value;
    return;
  }
  const later = order.slice(order.indexOf(key) + 1);
  const entries = Object.entries(target);
  const at = entries.findIndex(([existing]) => later.includes(existing));
  entries.splice(at === -1 ? entries.length : at, 0, [key, value]);
  for (const existing of Object.keys(target)) delete target[existing];
  Object.assign(target, Object.fromEntries(entries));
}
/* eslint-enable no-param-reassign */

/**
 * A list element after the change: the holder's own items minus those the change removed, plus those it added. A list
 * the org keeps as one newline- or comma-separated text is replaced whole (it is a single element).
 */
function mergeList(current: unknown, before: unknown[], after: unknown[]): unknown[] {
  const own = asList(current);
  const removed = before.filter((item) => !after.some((a) => same(a, item)));
  const kept = own.filter((item) => !removed.some((r) => same(r, item)));
  for (const item of after) if (!kept.some((k) => same(k, item))) kept.push(item);
  return kept;
}

/** The content with the changes applied (a copy). `reference` is the built content the changes came from, for order. */
export function applyElementChanges(content: Loose, changes: ElementChange[], reference: Loose): Loose {
  const result = structuredClone(content);
  for (const change of changes) {
    let target = result;
    let ref = reference;
    for (const step of change.path.slice(0, -1)) {
      if (!isRecord(target[step])) placeKey(target, step, {}, Object.keys(ref));
      target = target[step] as Loose;
      ref = isRecord(ref[step]) ? (ref[step]) : {};
    }
    const key = change.path[change.path.length - 1];
    if (change.after === undefined) {
      delete target[key];
    } else if (Array.isArray(change.after) && Array.isArray(change.before)) {
      placeKey(target, key, mergeList(target[key], change.before, change.after), Object.keys(ref));
    } else if (key.startsWith('commaSeparated') && typeof change.after === 'string') {
      // A list in one string (ECA scopes, profiles, permission sets): merged like a list, so names this plugin does
      // not know (a scope newer than it, such as MCP) stay as the org has them.
      const split = (value: unknown): string[] => (typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : []);
      const merged = mergeList(split(target[key]), split(change.before), split(change.after)) as string[];
      placeKey(target, key, merged.join(', '), Object.keys(ref));
    } else {
      placeKey(target, key, structuredClone(change.after), Object.keys(ref));
    }
  }
  return result;
}

/** jsforce reads absent repeatable elements as empty arrays, appended after the others: they are not the org's. */
export function withoutEmptyLists(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmptyLists);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, inner]) => !(Array.isArray(inner) && inner.length === 0))
      .map(([key, inner]) => [key, withoutEmptyLists(inner)])
  );
}
