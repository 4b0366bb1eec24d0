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

/** Lists the apps of one kind with the columns `list` shows. */
export async function listApps(
  conn: Connection,
  kind: AppKind,
  options: { counter?: RequestCounter; warn?: (message: string) => void } = {}
): Promise<AppListEntry[]> {
  const counter = options.counter ?? new RequestCounter();
  const warn = options.warn ?? ((): void => {});
  const info = appKindInfo(kind);
  const headers = await listComponents(conn, info.headerType, counter);
  if (headers.length === 0) return [];
  const names = headers.map((file) => file.fullName);

  if (kind === 'ConnectedApp') {
    const apps = new Map((await readComponents(conn, 'ConnectedApp', names, counter)).map((c) => [c.fullName, c]));
    return headers.map((file) => {
      const content = apps.get(file.fullName)?.content ?? {};
      const oauth = content.oauthConfig as Loose | undefined;
      const certificate = asText(oauth?.certificate);
      return compact({
        name: file.fullName,
        label: asText(content.label) ?? file.fullName,
        kind,
        oauthEnabled: oauth !== undefined && oauth !== null && asText(oauth.callbackUrl) !== undefined,
        jwtEnabled: certificate !== undefined,
        certificateExpires: certificateExpiry(certificate),
        consumerKey: asText(oauth?.consumerKey),
        namespacePrefix: asText(file.namespacePrefix),
        lastModifiedDate: asText(file.lastModifiedDate),
        lastModifiedBy: asText(file.lastModifiedByName),
      });
    });
  }

  // External Client Apps: the header carries the label, the global OAuth settings the certificate and key.
  const [headerComponents, globalFiles] = await Promise.all([
    readComponents(conn, info.headerType, names, counter),
    listComponents(conn, 'ExtlClntAppGlobalOauthSettings', counter),
  ]);
  const labels = new Map(headerComponents.map((c) => [c.fullName, asText(c.content.label)]));
  let globals: MetadataComponent[] | undefined;
  try {
    globals = await readComponents(
      conn,
      'ExtlClntAppGlobalOauthSettings',
      globalFiles.map((f) => f.fullName),
      counter
    );
  } catch (error) {
    warn(messages.getMessage('warning.GlobalOauthUnreadable', [errorMessage(error)]));
  }
  const globalByApp = new Map<string, { component?: MetadataComponent; file: FileProperties }>();
  for (const file of globalFiles) {
    const component = globals?.find((c) => c.fullName === file.fullName);
    // The settings name their app; when they could not be read, fall back to the naming convention (<App>_...).
    const app =
      asText(component?.content.externalClientApplication) ??
      names.find((name) => file.fullName.startsWith(`${name}_`)) ??
      file.fullName;
    globalByApp.set(app, { component, file });
  }
  return headers.map((file) => {
    const global = globalByApp.get(file.fullName);
    const certificate = asText(global?.component?.content.certificate);
    return compact({
      name: file.fullName,
      label: labels.get(file.fullName) ?? file.fullName,
      kind,
      oauthEnabled: global !== undefined,
      jwtEnabled: global === undefined ? false : global.component ? certificate !== undefined : undefined,
      certificateExpires: certificateExpiry(certificate),
      consumerKey: asText(global?.component?.content.consumerKey),
      namespacePrefix: asText(file.namespacePrefix),
      lastModifiedDate: later(asText(file.lastModifiedDate), asText(global?.file.lastModifiedDate)),
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
    [kind === 'ConnectedApp' ? 'sf connected-app list' : 'sf external-client-app list']
  );
}
