/*
 * ID token and asset token settings as metadata elements, from the settings table: each field's element per kind,
 * how lists are written (one per line), and what an absent element means.
 */
import type { AppKind, AssetTokenSettings, IdTokenSettings } from '../model/appModel.js';
import { tokenFieldRows, type TokenSection } from '../model/settings.js';
import type { Loose } from '../util/records.js';
import { asBool, asInt, asText, splitList } from './readers.js';

type TokenSettings = { idToken: IdTokenSettings; assetToken: AssetTokenSettings };

/** The elements of a token section, keyed by element name (lists one per line; an optional empty list left out). */
export function tokenElements<S extends TokenSection>(section: S, settings: TokenSettings[S], kind: AppKind): Loose {
  const elements: Loose = {};
  for (const { field, row, element } of tokenFieldRows(section)) {
    const value = (settings as Record<string, unknown>)[field];
    if (row.type === 'strings') {
      const list = (value as string[] | undefined) ?? [];
      if (list.length > 0 || !element.omitEmpty) elements[element[kind]] = list.join('\n');
    } else {
      elements[element[kind]] = value;
    }
  }
  return elements;
}

/** A token section from its elements (as built, or as a retrieve returns them). */
export function readTokenElements<S extends TokenSection>(section: S, holder: Loose, kind: AppKind): TokenSettings[S] {
  const settings: Record<string, unknown> = {};
  for (const { field, row, element } of tokenFieldRows(section)) {
    const value = holder[element[kind]];
    if (row.type === 'strings') settings[field] = splitList(value);
    else if (row.type === 'integer') settings[field] = asInt(value) ?? element.absent ?? 0;
    else if (row.type === 'switch') settings[field] = asBool(value);
    else settings[field] = asText(value) ?? '';
  }
  return settings as TokenSettings[S];
}
