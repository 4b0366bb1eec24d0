/*
 * Finding and reading the OAuth apps an org has, for either kind, through the Metadata API: listMetadata for the
 * names, readMetadata (up to 10 names per call, the API's limit) for the content. One implementation serves both
 * kinds; what differs (which types make up an app, how content maps to a definition) comes from appKinds.ts.
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { AppKind, MetadataComponent, OAuthAppDefinition } from '../model/appModel.js';
import { appKindInfo, type AppKindInfo, type SettingHolder } from '../metadata/appKinds.js';
import { certificateExpiryOf } from '../model/certificateExpiry.js';
import { asNonEmptyText as asText } from '../metadata/readers.js';
import { compact, errorMessage, type Loose } from '../util/records.js';
import { listComponents, readComponents, RequestCounter, type FileProperties } from './metadataReads.js';
import { findSatellites } from './satellites.js';

export { RequestCounter };

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-inventory');

export type AppListEntry = {
  name: string;
  label: string;
  kind: AppKind;
  /**
   * The app has OAuth settings (a connected app's oauthConfig; global OAuth settings that reference an External
   * Client App); absent when the org would not hand them out.
   */
  oauthEnabled?: boolean;
  /** A certificate is set, which is what enables the JWT bearer flow; absent when the org would not say. */
  jwtEnabled?: boolean;
  /**
   * When the app's certificate expires (ISO 8601), whole days left until then (negative once expired) and whether it
   * has expired: null when the app has no certificate (or one that cannot be parsed), absent when the org would not
   * say (its OAuth settings were unreadable).
   */
  certificateExpires?: string | null;
  certificateDaysLeft?: number | null;
  certificateExpired?: boolean | null;
  consumerKey?: string;
  /** Namespace of a packaged app; absent for apps made in this org. */
  namespacePrefix?: string;
  lastModifiedDate?: string;
  lastModifiedBy?: string;
};

/**
 * A holder of settings (appKinds.ts settingHolders) the org does not have for the app ('missing') or would not hand
 * out ('unreadable'). Its settings are unknown: the definition has placeholders for them, which must not be shown or
 * sent as the app's.
 */
export type ComponentGap = SettingHolder & { reason: 'missing' | 'unreadable'; detail?: string };

/** What the org holds for one app: its components, and the definition they map to. */
export type AppRecord = {
  kind: AppKind;
  name: string;
  /** Every component of the app found in the org, in the order AppKindInfo.componentTypes gives (header last). */
  components: MetadataComponent[];
  /** Read from the components; where a holder is in `gaps`, its settings are placeholders (empty lists, defaults). */
  definition: OAuthAppDefinition;
  gaps: ComponentGap[];
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
 * listed and read, and each belongs to the app it references. Reading them may be refused (they hold secrets): then
 * which app has OAuth settings is unknown (names are no proof), and `unreadable` says so.
 */
async function oauthSettingsByApp(
  conn: Connection,
  kind: AppKind,
  headers: { files: FileProperties[]; components: MetadataComponent[] },
  counter: RequestCounter,
  warn: (message: string) => void
): Promise<{ found: Map<string, OAuthSettingsFound>; unreadable: boolean }> {
  const info = appKindInfo(kind);
  const found = new Map<string, OAuthSettingsFound>();
  if (info.oauthSettings.type === info.headerType) {
    for (const file of headers.files) {
      const component = headers.components.find((c) => c.fullName === file.fullName);
      const content = component ? pick(component.content, info.oauthSettings.path) : undefined;
      if (content) found.set(file.fullName, { content, file });
    }
    return { found, unreadable: false };
  }
  const files = await listComponents(conn, info.oauthSettings.type, counter);
  let components: MetadataComponent[];
  try {
    components = await readComponents(
      conn,
      info.oauthSettings.type,
      files.map((f) => f.fullName),
      counter
    );
  } catch (error) {
    warn(messages.getMessage('warning.GlobalOauthUnreadable', [errorMessage(error)]));
    return { found, unreadable: true };
  }
  for (const component of components) {
    const app = info.referencedApp(component);
    const file = files.find((f) => f.fullName === component.fullName);
    if (app && file && !found.has(app)) found.set(app, { content: pick(component.content, info.oauthSettings.path), file });
  }
  return { found, unreadable: false };
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
  const now = new Date();
  return files.map((file) => {
    const oauth = oauthSettings.found.get(file.fullName);
    const certificate = asText(oauth?.content?.certificate);
    // Unknown (left out) when the org would not hand the settings out.
    const known = !oauthSettings.unreadable;
    const expiry = known ? certificateExpiryOf(certificate, now) ?? null : undefined;
    return compact({
      name: file.fullName,
      label: labels.get(file.fullName) ?? file.fullName,
      kind,
      oauthEnabled: known ? oauth !== undefined : undefined,
      jwtEnabled: known ? certificate !== undefined : undefined,
      certificateExpires: expiry === null ? null : expiry?.notAfter,
      certificateDaysLeft: expiry === null ? null : expiry?.daysLeft,
      certificateExpired: expiry === null ? null : expiry?.expired,
      consumerKey: asText(oauth?.content?.consumerKey),
      namespacePrefix: asText(file.namespacePrefix),
      lastModifiedDate: later(asText(file.lastModifiedDate), asText(oauth?.file.lastModifiedDate)),
      lastModifiedBy: asText(file.lastModifiedByName),
    });
  });
}

/**
 * Reads everything the org has for one app, or undefined when it has no app of that kind and name.
 * A connected app is one component. An External Client App is a header plus settings and policies that reference it,
 * found by that reference whatever their names (satellites.ts): for display and update the components that hold
 * settings, for delete (`every`) every component that references the app. A holder of settings the org does not have,
 * or would not hand out, is named in a warning and in `gaps`: its settings are unknown, not empty.
 */
export async function readApp(
  conn: Connection,
  kind: AppKind,
  name: string,
  options: { counter?: RequestCounter; warn?: (message: string) => void; every?: boolean } = {}
): Promise<AppRecord | undefined> {
  const counter = options.counter ?? new RequestCounter();
  const warn = options.warn ?? ((): void => {});
  const info = appKindInfo(kind);
  const [header] = await readComponents(conn, info.headerType, [name], counter);
  if (!header) return undefined;

  const wanted = options.every ? info.componentTypes : info.settingHolders.map((holder) => holder.type);
  const types = info.componentTypes.filter((type) => type !== info.headerType && wanted.includes(type));
  const satellites =
    types.length > 0
      ? await findSatellites(conn, info, name, types, options.every ? 'every' : 'first', counter)
      : { components: [], unreadable: new Map<string, string>() };
  const components = [...satellites.components, header];
  const gaps = findGaps(info, components, satellites.unreadable);
  if (options.every) {
    // Looking for everything (to delete it): what matters is what could not be looked through.
    for (const [type, refusal] of satellites.unreadable) warn(messages.getMessage('warning.SatellitesUnreadable', [type, refusal, name]));
  } else {
    for (const gap of gaps) warn(gapWarning(info, name, gap));
  }
  const definition = info.readDefinition(components);
  return {
    kind,
    name,
    components,
    definition,
    gaps,
    consumerKey: definition.consumerKey,
    certificateExpires: certificateExpiryOf(definition.certificate)?.notAfter,
  };
}

/** The holders of settings the app lacks in the org, or the org would not hand out. */
function findGaps(info: AppKindInfo, components: MetadataComponent[], unreadable: Map<string, string>): ComponentGap[] {
  return info.settingHolders.flatMap((holder): ComponentGap[] => {
    const refusal = unreadable.get(holder.type);
    if (refusal !== undefined) return [{ ...holder, reason: 'unreadable', detail: refusal }];
    const component = components.find((c) => c.type === holder.type);
    const present = component !== undefined && (holder.path.length === 0 || pick(component.content, holder.path) !== undefined);
    return present ? [] : [{ ...holder, reason: 'missing' }];
  });
}

function gapWarning(info: AppKindInfo, name: string, gap: ComponentGap): string {
  const settings = gap.settings.join(', ');
  if (gap.reason === 'unreadable') {
    return messages.getMessage('warning.ComponentUnreadable', [gap.description, info.article, name, gap.detail ?? '', settings]);
  }
  const retrieve = `${gap.type}:${gap.type === info.headerType ? name : '*'}`;
  return messages.getMessage('warning.ComponentMissing', [info.article, name, gap.description, settings, retrieve]);
}

export function appNotFoundError(kind: AppKind, name: string): Error {
  return messages.createError(
    'error.AppNotFound',
    [appKindInfo(kind).article, name],
    [`sf ${appKindInfo(kind).topic} list`]
  );
}
