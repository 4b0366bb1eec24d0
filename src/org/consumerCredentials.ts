/*
 * Consumer keys and secrets as the org hands them out. The key is in the app's metadata (where AppKindInfo says) and,
 * for External Client Apps, also in the Connect REST OAuth credentials resource, which needs fewer permissions than
 * reading the global OAuth settings. A connected app's secret is never returned by any API (Setup shows it once).
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { AppKind } from '../model/appModel.js';
import { appKindInfo } from '../metadata/appKinds.js';
import { errorMessage } from '../util/records.js';
import { soqlString } from '../util/soql.js';
import { readComponent, RequestCounter } from './metadataReads.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-kinds');
const inventoryMessages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-inventory');

type CredentialsCollection = { consumers?: Array<{ id?: string; key?: string; name?: string }> };
type Credentials = { id?: string; key?: string; secret?: string | null };

export const credentialsPath = (conn: Connection, minVersion = 0): string =>
  `/services/data/v${Math.max(Number(conn.getApiVersion()), minVersion).toFixed(1)}/apps/oauth/credentials`;

/** The app's record id, which the credentials resource is addressed by. */
export async function ecaRecordId(conn: Connection, name: string): Promise<string | undefined> {
  const apps = await conn.query<{ Id: string }>(
    `SELECT Id FROM ExternalClientApplication WHERE DeveloperName = ${soqlString(name)}`
  );
  return apps.records[0]?.Id;
}

/** The key from the Connect REST credentials resource (needs External Client App Developer, not the secret access). */
async function readKeyOverRest(conn: Connection, name: string): Promise<string | undefined> {
  const appId = await ecaRecordId(conn, name);
  if (!appId) return undefined;
  const credentials = await conn.request<CredentialsCollection>(`${credentialsPath(conn)}/${appId}`);
  return credentials.consumers?.[0]?.key;
}

const pick = (record: Record<string, unknown> | undefined, path: readonly string[]): unknown =>
  path.reduce<unknown>(
    (value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined),
    record
  );

/**
 * The app's consumer key: from its metadata, else (where the kind has it) the credentials resource. When every way is
 * refused, one warning names everything missing, so the user can ask for it in one go, and the key is undefined.
 * `fullName` is the org's name for the component holding the key (apps made in Setup name it their own way).
 * `alreadyRead`: the caller has read (or tried to read) that component, and warned about a refusal: only REST is asked.
 */
export async function readConsumerKey(
  conn: Connection,
  kind: AppKind,
  name: string,
  warn: (message: string) => void,
  options: { fullName?: string; alreadyRead?: { refusal?: string } } = {}
): Promise<string | undefined> {
  const info = appKindInfo(kind);
  let metadataRefusal = options.alreadyRead?.refusal;
  if (!options.alreadyRead) {
    try {
      const record = await readComponent(conn, info.consumerKey.type, options.fullName ?? info.consumerKey.fullName(name));
      const key = pick(record, info.consumerKey.path);
      if (typeof key === 'string' && key.length > 0) return key;
    } catch (error) {
      if (!info.credentialsOverRest) throw error;
      metadataRefusal = errorMessage(error);
    }
  }
  if (!info.credentialsOverRest) return undefined;
  try {
    const key = await readKeyOverRest(conn, name);
    if (metadataRefusal !== undefined && !options.alreadyRead) warn(messages.getMessage('warning.GlobalOauthUnreadable', [metadataRefusal]));
    return key;
  } catch (error) {
    warn(
      metadataRefusal === undefined
        ? messages.getMessage('warning.CredentialsUnreadable', [errorMessage(error)])
        : messages.getMessage('warning.ConsumerKeyUnreadable', [metadataRefusal, errorMessage(error)])
    );
    return undefined;
  }
}

/**
 * The consumer secret of an app, where the org hands it out: an External Client App's comes from the credentials
 * resource, which needs an org setting and two user permissions; a refusal is turned into an error naming them.
 */
export async function readConsumerSecret(
  conn: Connection,
  kind: AppKind,
  name: string,
  counter: RequestCounter = new RequestCounter()
): Promise<{ consumerKey?: string; consumerSecret: string }> {
  if (!appKindInfo(kind).credentialsOverRest) {
    throw inventoryMessages.createError('error.ConnectedAppSecretUnreadable', [name]);
  }
  const ask = async <T>(call: () => PromiseLike<T>): Promise<T> => {
    counter.add();
    try {
      return await call();
    } catch (error) {
      throw inventoryMessages.createError('error.SecretRefused', [name, errorMessage(error)]);
    }
  };
  const appId = await ask(() => ecaRecordId(conn, name));
  if (!appId) throw inventoryMessages.createError('error.SecretNoConsumer', [name]);
  const collection = await ask(() => conn.request<CredentialsCollection>(`${credentialsPath(conn)}/${appId}`));
  const consumerId = collection.consumers?.[0]?.id;
  if (!consumerId) throw inventoryMessages.createError('error.SecretNoConsumer', [name]);
  const credentials = await ask(() =>
    conn.request<Credentials>(`${credentialsPath(conn)}/${appId}/${consumerId}?part=keyandsecret`)
  );
  if (!credentials.secret) throw inventoryMessages.createError('error.SecretNoConsumer', [name]);
  return { consumerKey: credentials.key, consumerSecret: credentials.secret };
}
