/*
 * Finding and reading the OAuth apps an org has, for either kind, through the Metadata API: listMetadata for the
 * names, readMetadata (up to 10 names per call, the API's limit) for the content. One implementation serves both
 * kinds; what differs (which types make up an app, how content maps to a definition) comes from appKinds.ts.
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { SfCommand } from '@salesforce/sf-plugins-core';
import type { AppKind, MetadataComponent, OAuthAppDefinition } from '../model/appModel.js';
import { appKindInfo } from '../metadata/appKinds.js';
import { parseCertificatePem } from '../files/certificate.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-inventory');

/** readMetadata accepts at most 10 full names per call. */
export const READ_BATCH_SIZE = 10;
/** Batches read at once: enough to hide latency, few enough not to trip the org's concurrent-request limits. */
const READ_CONCURRENCY = 4;

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

/** Counts the requests an inventory operation sends, so commands can report them (and tests can check them). */
export class RequestCounter {
  public count = 0;

  public add(): void {
    this.count++;
  }
}

type FileProperties = {
  fullName: string;
  type?: string;
  namespacePrefix?: string;
  lastModifiedDate?: string;
  lastModifiedByName?: string;
};

type Loose = Record<string, unknown>;

const asText = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : typeof value === 'number' ? String(value) : undefined;

const asArray = <T>(value: T | T[] | undefined | null): T[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

/** Later of two ISO dates (either may be absent). */
const later = (a?: string, b?: string): string | undefined => (!a ? b : !b ? a : a > b ? a : b);

/**
 * The expiry of a certificate as an org returns it: a PEM block, or (as some tools deploy it) the base64 body alone.
 * Undefined when it cannot be parsed: a list must not fail because one app holds an odd certificate.
 */
export function certificateExpiry(certificate: string | undefined): string | undefined {
  if (!certificate || certificate.trim().length === 0) return undefined;
  const text = certificate.includes('-----BEGIN CERTIFICATE-----')
    ? certificate
    : `-----BEGIN CERTIFICATE-----\n${certificate.replace(/\s+/g, '')}\n-----END CERTIFICATE-----\n`;
  try {
    return parseCertificatePem(text).info.notAfter.toISOString();
  } catch {
    return undefined;
  }
}

/** All components of one type in the org (one listMetadata call). */
export async function listComponents(conn: Connection, type: string, counter: RequestCounter): Promise<FileProperties[]> {
  counter.add();
  const result = (await conn.metadata.list({ type })) as unknown as FileProperties | FileProperties[] | undefined;
  return asArray(result).filter((file) => typeof file?.fullName === 'string' && file.fullName.length > 0);
}

/**
 * Reads components of one type by name, 10 names per readMetadata call. Names the org does not have are left out
 * (readMetadata answers them with an empty record rather than an error).
 */
export async function readComponents(
  conn: Connection,
  type: string,
  fullNames: string[],
  counter: RequestCounter
): Promise<MetadataComponent[]> {
  const batches: string[][] = [];
  for (let i = 0; i < fullNames.length; i += READ_BATCH_SIZE) batches.push(fullNames.slice(i, i + READ_BATCH_SIZE));
  const results: MetadataComponent[][] = [];
  for (let i = 0; i < batches.length; i += READ_CONCURRENCY) {
    // eslint-disable-next-line no-await-in-loop
    const chunk = await Promise.all(
      batches.slice(i, i + READ_CONCURRENCY).map(async (batch) => {
        counter.add();
        const records = (await conn.metadata.read(type as never, batch)) as unknown as Loose | Loose[] | undefined;
        return asArray(records)
          .filter((record) => record && typeof record === 'object' && asText(record.fullName))
          .map(({ fullName, ...content }) => ({ type, fullName: String(fullName), content }));
      })
    );
    results.push(...chunk);
  }
  return results.flat();
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
  const headers = await listComponents(conn, info.headerType, counter);
  if (headers.length === 0) return [];
  const names = headers.map((file) => file.fullName);

  if (kind === 'ConnectedApp') {
    const apps = new Map((await readComponents(conn, 'ConnectedApp', names, counter)).map((c) => [c.fullName, c]));
    return headers.map((file) => {
      const content = apps.get(file.fullName)?.content ?? {};
      const oauth = content.oauthConfig as Loose | undefined;
      const certificate = asText(oauth?.certificate);
      return compactEntry({
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
    return compactEntry({
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

function compactEntry(entry: AppListEntry): AppListEntry {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined)) as AppListEntry;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type CredentialsCollection = { consumers?: Array<{ id?: string; key?: string; name?: string }> };
type Credentials = { id?: string; key?: string; secret?: string | null };

const soqlString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The consumer secret of an app, where the org hands it out. A connected app's secret is never returned by any API
 * (Salesforce shows it only in Setup), so asking for one is an error that says so. An External Client App's comes from
 * the Connect REST OAuth credentials resource, which needs an org setting and two user permissions; a refusal is
 * turned into an error naming them.
 */
export async function readConsumerSecret(
  conn: Connection,
  kind: AppKind,
  name: string,
  counter: RequestCounter = new RequestCounter()
): Promise<{ consumerKey?: string; consumerSecret: string }> {
  if (kind === 'ConnectedApp') throw messages.createError('error.ConnectedAppSecretUnreadable', [name]);
  const base = `/services/data/v${conn.getApiVersion()}/apps/oauth/credentials`;
  const ask = async <T>(call: () => PromiseLike<T>): Promise<T> => {
    counter.add();
    try {
      return await call();
    } catch (error) {
      throw messages.createError('error.SecretRefused', [name, errorMessage(error)]);
    }
  };
  const apps = await ask(async () =>
    conn.query<{ Id: string }>(`SELECT Id FROM ExternalClientApplication WHERE DeveloperName = ${soqlString(name)}`)
  );
  const appId = apps.records[0]?.Id;
  if (!appId) throw messages.createError('error.SecretNoConsumer', [name]);
  const collection = await ask(() => conn.request<CredentialsCollection>(`${base}/${appId}`));
  const consumerId = collection.consumers?.[0]?.id;
  if (!consumerId) throw messages.createError('error.SecretNoConsumer', [name]);
  const credentials = await ask(() => conn.request<Credentials>(`${base}/${appId}/${consumerId}?part=keyandsecret`));
  if (!credentials.secret) throw messages.createError('error.SecretNoConsumer', [name]);
  return { consumerKey: credentials.key, consumerSecret: credentials.secret };
}

// ---------------------------------------------------------------------------------------------------------------
// What the list and display commands of both kinds do with their flags; the command classes only parse and call.

/** What `list --json` returns. */
export type AppListResult = { apps: AppListEntry[] };

/** What `display --json` returns: a definition (usable as a definition file) plus the kind and certificate expiry. */
export type AppDisplayResult = OAuthAppDefinition & { kind: AppKind; certificateExpires?: string };

/** The part of SfCommand the runners use (so tests can pass a recorder). */
export type CommandOutput = Pick<SfCommand<unknown>, 'log' | 'warn' | 'table' | 'styledHeader' | 'styledObject'>;

const yesNo = (value: boolean | undefined): string =>
  messages.getMessage(value === undefined ? 'value.unknown' : value ? 'value.yes' : 'value.no');

export async function runList(command: CommandOutput, conn: Connection, kind: AppKind): Promise<AppListResult> {
  const apps = await listApps(conn, kind, { warn: (m) => command.warn(m) });
  const article = appKindInfo(kind).article;
  if (apps.length === 0) {
    command.log(messages.getMessage('info.noApps', [article]));
    return { apps };
  }
  command.table({
    data: apps.map((app) => ({
      name: app.name,
      label: app.label,
      oauth: yesNo(app.oauthEnabled),
      jwt: yesNo(app.jwtEnabled),
      certificateExpires: app.certificateExpires?.slice(0, 10) ?? '-',
      lastModified: app.lastModifiedDate?.slice(0, 10) ?? '-',
    })),
    columns: (['name', 'label', 'oauth', 'jwt', 'certificateExpires', 'lastModified'] as const).map((key) => ({
      key,
      name: messages.getMessage(`column.${key}`),
    })),
  });
  return { apps };
}

export async function runDisplay(
  command: CommandOutput,
  conn: Connection,
  kind: AppKind,
  flags: { name: string; showSecret: boolean }
): Promise<AppDisplayResult> {
  // A connected app's secret is never readable: say so before asking the org anything.
  if (flags.showSecret && kind === 'ConnectedApp') {
    throw messages.createError('error.ConnectedAppSecretUnreadable', [flags.name]);
  }
  const record = await readApp(conn, kind, flags.name, { warn: (m) => command.warn(m) });
  if (!record) throw appNotFoundError(kind, flags.name);
  const definition: OAuthAppDefinition = { ...record.definition };
  // The source of a definition file never carries a secret; only the explicit flag brings one in.
  delete definition.consumerSecret;
  if (flags.showSecret) {
    const credentials = await readConsumerSecret(conn, kind, flags.name);
    definition.consumerSecret = credentials.consumerSecret;
    definition.consumerKey ??= credentials.consumerKey;
  } else if (kind === 'ExternalClientApplication' && !definition.consumerKey) {
    // Without the Metadata secret permission the global settings are unreadable; the key is still public via REST.
    definition.consumerKey = await appKindInfo(kind).readConsumerKey(conn, definition, (m) => command.warn(m));
  }
  const result: AppDisplayResult = {
    kind,
    ...definition,
    ...(record.certificateExpires ? { certificateExpires: record.certificateExpires } : {}),
  };
  command.styledHeader(`${appKindInfo(kind).article} ${definition.name}`);
  const { certificate, ...shown } = result;
  command.styledObject({
    ...(shown as unknown as Parameters<CommandOutput['styledObject']>[0] & object),
    ...(certificate ? { certificate: `${certificate.slice(0, 40).replace(/\n/g, ' ')}... (${certificate.length} characters)` } : {}),
  });
  if (!flags.showSecret && kind === 'ExternalClientApplication') command.log(messages.getMessage('info.secretHidden'));
  return result;
}

export function appNotFoundError(kind: AppKind, name: string): Error {
  return messages.createError(
    'error.AppNotFound',
    [appKindInfo(kind).article, name],
    [kind === 'ConnectedApp' ? 'sf connected-app list' : 'sf external-client-app list']
  );
}
