/*
 * Finding and reading the OAuth apps an org has, for either kind, through the Metadata API: listMetadata for the
 * names, readMetadata (up to 10 names per call, the API's limit) for the content. One implementation serves both
 * kinds; what differs (which types make up an app, how content maps to a definition) comes from appKinds.ts.
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { AppKind, MetadataComponent, OAuthAppDefinition } from '../model/appModel.js';
import { appKindInfo } from '../metadata/appKinds.js';
import { certificateExpiry } from '../model/certificate.js';
import { asNonEmptyText as asText } from '../metadata/readers.js';
import { compact, errorMessage, type Loose } from '../util/records.js';
import { listComponents, readComponents, RequestCounter, type FileProperties } from './metadataReads.js';

export { RequestCounter };

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-inventory');

export type AppListEntry = {
  name: string;
  label: string;
  kind: AppKind;
  /** The app has OAuth settings (a connected app's oauthConfig; an External Client App's global OAuth settings). */
  oauthEnabled: boolean;
  /** A certificate is set, which is what enables the JWT bearer flow; absent when the org would not say. */
  jwtEnabled?: boolean;
  /** When the app's certificate expires (ISO 8601), where the certificate could be read and parsed. */
  certificateExpires?: string;
  consumerKey?: string;
  /** Namespace of a packaged app; absent for apps made in this org. */
  namespacePrefix?: string;
  lastModifiedDate?: string;
  lastModifiedBy?: string;
};

/** What the org holds for one app: its components, and the definition they map to. */
export type AppRecord = {
  kind: AppKind;
  name: string;
  /** Every component of the app found in the org, in the order AppKindInfo.componentTypes gives (header last). */
  components: MetadataComponent[];
  definition: OAuthAppDefinition;
  consumerKey?: string;
  certificateExpires?: string;
};

/** Later of two ISO dates (either may be absent). */
const later = (a?: string, b?: string): string | undefined => (!a ? b : !b ? a : a > b ? a : b);

/** An app's OAuth settings as `list` finds them: their content (undefined when unreadable) and file properties. */
type OAuthSettingsFound = { content?: Loose; file: FileProperties };

const pick = (record: Loose, path: readonly string[]): Loose | undefined => {
  const value = path.reduce<unknown>((holder, key) => (holder as Loose | undefined)?.[key], record);
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : undefined;
};

/**
 * Every app's OAuth settings, by app name. Where the header holds them (a connected app's oauthConfig) they are read
 * with it; where they are a component of their own (an External Client App's global OAuth settings) that type is
 * listed and read, and each belongs to the app it references. Reading them may be refused (they hold secrets):
 * then the apps are still listed, with what could not be read left undefined.
 */
async function oauthSettingsByApp(
  conn: Connection,
  kind: AppKind,
  headers: { files: FileProperties[]; components: MetadataComponent[] },
  counter: RequestCounter,
  warn: (message: string) => void
): Promise<Map<string, OAuthSettingsFound>> {
  const info = appKindInfo(kind);
  const found = new Map<string, OAuthSettingsFound>();
  if (info.oauthSettings.type === info.headerType) {
    for (const file of headers.files) {
      const component = headers.components.find((c) => c.fullName === file.fullName);
      const content = component ? pick(component.content, info.oauthSettings.path) : undefined;
      if (content) found.set(file.fullName, { content, file });
    }
    return found;
  }
  const files = await listComponents(conn, info.oauthSettings.type, counter);
  let components: MetadataComponent[] | undefined;
  try {
    components = await readComponents(
      conn,
      info.oauthSettings.type,
      files.map((f) => f.fullName),
      counter
    );
  } catch (error) {
    warn(messages.getMessage('warning.GlobalOauthUnreadable', [errorMessage(error)]));
  }
  const names = headers.files.map((file) => file.fullName);
  for (const file of files) {
    const component = components?.find((c) => c.fullName === file.fullName);
    // The settings name their app; when they could not be read, fall back to the naming convention (<App>_...).
    const app =
      asText(component?.content.externalClientApplication) ??
      names.find((name) => file.fullName.startsWith(`${name}_`)) ??
      file.fullName;
    found.set(app, { content: component ? pick(component.content, info.oauthSettings.path) : undefined, file });
  }
  return found;
}

/** Lists the apps of one kind with the columns `list` shows. */
export async function listApps(
  conn: Connection,
  kind: AppKind,
  options: { counter?: RequestCounter; warn?: (message: string) => void } = {}
): Promise<AppListEntry[]> {
  const counter = options.counter ?? new RequestCounter();
  const warn = options.warn ?? ((): void => {});
  const info = appKindInfo(kind);
  const files = await listComponents(conn, info.headerType, counter);
  if (files.length === 0) return [];
  const components = await readComponents(
    conn,
    info.headerType,
    files.map((file) => file.fullName),
    counter
  );
  const oauthSettings = await oauthSettingsByApp(conn, kind, { files, components }, counter, warn);
  const labels = new Map(components.map((c) => [c.fullName, asText(c.content.label)]));
  return files.map((file) => {
    const oauth = oauthSettings.get(file.fullName);
    const certificate = asText(oauth?.content?.certificate);
    return compact({
      name: file.fullName,
      label: labels.get(file.fullName) ?? file.fullName,
      kind,
      oauthEnabled: oauth !== undefined,
      // Unknown when the settings exist but could not be read.
      jwtEnabled: oauth === undefined ? false : oauth.content ? certificate !== undefined : undefined,
      certificateExpires: certificateExpiry(certificate),
      consumerKey: asText(oauth?.content?.consumerKey),
      namespacePrefix: asText(file.namespacePrefix),
      lastModifiedDate: later(asText(file.lastModifiedDate), asText(oauth?.file.lastModifiedDate)),
      lastModifiedBy: asText(file.lastModifiedByName),
    });
  });
}

/**
 * Reads everything the org has for one app, or undefined when it has no app of that kind and name.
 * A connected app is one component. An External Client App is a header plus settings and policies that name it;
 * they are read by the names this plugin and Setup give them, and looked for by listing only when those miss.
 */
export async function readApp(
  conn: Connection,
  kind: AppKind,
  name: string,
  options: { counter?: RequestCounter; warn?: (message: string) => void } = {}
): Promise<AppRecord | undefined> {
  const counter = options.counter ?? new RequestCounter();
  const warn = options.warn ?? ((): void => {});
  const info = appKindInfo(kind);
  const [header] = await readComponents(conn, info.headerType, [name], counter);
  if (!header) return undefined;

  const satellites: MetadataComponent[] = [];
  for (const type of info.componentTypes.filter((t) => t !== info.headerType)) {
    try {
      // eslint-disable-next-line no-await-in-loop
      satellites.push(...(await findSatellites(conn, type, name, info.satelliteNames(name, type), counter)));
    } catch (error) {
      // Global OAuth settings need extra permissions to read; the rest of the app is still worth showing.
      warn(messages.getMessage('warning.ComponentUnreadable', [type, errorMessage(error)]));
    }
  }
  const components = [...satellites, header];
  const definition = info.readDefinition(components);
  return {
    kind,
    name,
    components,
    definition,
    consumerKey: definition.consumerKey,
    certificateExpires: certificateExpiry(definition.certificate),
  };
}

async function findSatellites(
  conn: Connection,
  type: string,
  appName: string,
  candidates: string[],
  counter: RequestCounter
): Promise<MetadataComponent[]> {
  const belongs = (component: MetadataComponent): boolean => {
    const owner = asText(component.content.externalClientApplication);
    return owner === undefined || owner === appName;
  };
  const found = (await readComponents(conn, type, candidates, counter)).filter(belongs);
  if (found.length > 0) return found;
  // Named some other way (an older tool, a rename): list the type and read the names that start with the app's.
  const others = (await listComponents(conn, type, counter))
    .map((file) => file.fullName)
    .filter((fullName) => fullName.startsWith(`${appName}_`) && !candidates.includes(fullName));
  if (others.length === 0) return [];
  return (await readComponents(conn, type, others, counter)).filter(
    (component) => asText(component.content.externalClientApplication) === appName
  );
}

export function appNotFoundError(kind: AppKind, name: string): Error {
  return messages.createError(
    'error.AppNotFound',
    [appKindInfo(kind).article, name],
    [`sf ${appKindInfo(kind).topic} list`]
  );
}
