/*
 * The consumer key and secret inside metadata content. They go to the org once, when an app is created, and never
 * again: an update or rotation that carries a connected app's consumer key is refused ("You cannot provide a
 * Consumer Key", docs/salesforce-facts.md#f-ca-consumer-key-on-update), a secret is never readable back, and both
 * are org-specific, so source files hold neither (docs/salesforce-facts.md#f-source-credentials).
 */
import type { MetadataComponent } from '../model/appModel.js';
import type { Loose } from '../util/records.js';

const KEY = 'consumerKey';
const SECRET = 'consumerSecret';

/** A copy of the content with the named elements replaced (or removed, for undefined), at any depth. */
function replaceElements(value: unknown, replacements: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((item) => replaceElements(item, replacements));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Loose).flatMap(([key, inner]): Array<[string, unknown]> => {
    if (!(key in replacements)) return [[key, replaceElements(inner, replacements)]];
    return replacements[key] === undefined ? [] : [[key, replacements[key]]];
  });
  return Object.fromEntries(entries);
}

const replaced = (component: MetadataComponent, replacements: Record<string, unknown>): MetadataComponent => ({
  ...component,
  content: replaceElements(component.content, replacements) as Loose,
});

/** Without consumer key and secret: what a source file holds and what an update sends. */
export const withoutCredentials = (component: MetadataComponent): MetadataComponent =>
  replaced(component, { [KEY]: undefined, [SECRET]: undefined });

export const MASKED_SECRET = '********';

/** The secret masked (the dry run shows what would be sent, never the secret itself). */
export const withSecretMasked = (component: MetadataComponent): MetadataComponent =>
  JSON.stringify(component.content).includes(`"${SECRET}"`) ? replaced(component, { [SECRET]: MASKED_SECRET }) : component;
