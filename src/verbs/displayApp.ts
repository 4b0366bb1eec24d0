/*
 * One app as a definition (the shape of a definition file), for `display`: what the org has, the consumer key
 * wherever the org hands it out, and the secret only when asked for and readable.
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { AppKind, OAuthAppDefinition } from '../model/appModel.js';
import { toDefinitionDocument, type DefinitionDocument } from '../model/definitionDocument.js';
import { appKindInfo } from '../metadata/appKinds.js';
import { appNotFoundError, listApps, readApp, RequestCounter, type AppListEntry } from '../org/inventory.js';
import { readConsumerKey, readConsumerSecret } from '../org/consumerCredentials.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-inventory');

/** What `list --json` returns. */
export type AppListResult = { apps: AppListEntry[] };

/**
 * What `display --json` returns: the app as a definition file holds it (in the words the flags take, so it can be
 * fed back as --definition-file), plus the kind and certificate expiry. Settings whose component the org lacks or
 * would not hand out are left out (unknown, not empty; a warning names the component), so feeding the output back
 * to update leaves them as they are.
 */
export type AppDisplayResult = KnownDocument & {
  kind: AppKind;
  certificateExpires?: string;
  /** The settings left out, in the definition file's words; absent when none is. */
  unknownSettings?: string[];
};

/** A definition document of which only the name and label are sure to be known. */
type KnownDocument = Partial<DefinitionDocument> & Pick<DefinitionDocument, 'name' | 'label'>;

/** The document without the settings whose holders are in gaps (placeholders, not the app's). */
function knownSettings(document: DefinitionDocument, unknown: string[]): KnownDocument {
  const known: KnownDocument = { ...document, flows: { ...document.flows } };
  for (const setting of unknown) {
    const [key, inner] = setting.split('.') as [keyof DefinitionDocument, string | undefined];
    if (inner && key === 'flows') delete (known.flows as Record<string, unknown> | undefined)?.[inner];
    else delete known[key];
  }
  return known;
}

export async function listAppsOfKind(
  conn: Connection,
  kind: AppKind,
  warn: (message: string) => void
): Promise<AppListResult> {
  return { apps: await listApps(conn, kind, { counter: new RequestCounter(), warn }) };
}

export async function displayApp(
  conn: Connection,
  kind: AppKind,
  options: { name: string; showSecret: boolean; warn: (message: string) => void }
): Promise<AppDisplayResult> {
  const info = appKindInfo(kind);
  // A secret the kind never hands out: say so before asking the org anything.
  if (options.showSecret && !info.credentialsOverRest) {
    throw messages.createError('error.ConnectedAppSecretUnreadable', [options.name]);
  }
  const record = await readApp(conn, kind, options.name, { warn: options.warn });
  if (!record) throw appNotFoundError(kind, options.name);
  const definition: OAuthAppDefinition = { ...record.definition };
  // The source of a definition file never carries a secret; only the explicit flag brings one in.
  delete definition.consumerSecret;
  if (options.showSecret) {
    const credentials = await readConsumerSecret(conn, kind, options.name);
    definition.consumerSecret = credentials.consumerSecret;
    definition.consumerKey ??= credentials.consumerKey;
  } else if (info.credentialsOverRest && !definition.consumerKey) {
    // Without the Metadata secret permission the global settings are unreadable; the key is still public via REST.
    // The component that holds it was read (or refused, with a warning) already: only REST is left to ask.
    const refusal = record.gaps.find((gap) => gap.type === info.consumerKey.type && gap.reason === 'unreadable')?.detail;
    definition.consumerKey = await readConsumerKey(conn, kind, options.name, options.warn, { alreadyRead: { refusal } });
  }
  const unknownSettings = record.gaps.flatMap((gap) => gap.settings);
  return {
    kind,
    ...knownSettings(toDefinitionDocument(definition), unknownSettings),
    ...(record.certificateExpires ? { certificateExpires: record.certificateExpires } : {}),
    ...(unknownSettings.length > 0 ? { unknownSettings } : {}),
  };
}
