/*
 * An External Client App's staged OAuth credentials, through the Connect REST resources (API 65.0+,
 * docs/salesforce-facts.md#f-eca-staged-credentials):
 *   GET    /apps/oauth/credentials/{appId}                          the consumers (id, key)
 *   GET    /apps/oauth/credentials/{appId}/{consumerId}/staged      the staged slot
 *   POST   /apps/oauth/credentials/{appId}/{consumerId}/staged      a new key and secret in the staged slot
 *   PATCH  /apps/oauth/credentials/{appId}/{consumerId}/staged/{id}  {"command":"rotate"}: staged become primary, the
 *                                                                    previous primary take the slot ("Rotated")
 *   DELETE /apps/oauth/credentials/{appId}/{consumerId}/staged/{id}  the slot's credentials stop working
 * Salesforce documents the resources and fields, not every response's exact shape: the readers below take each shape
 * the public evidence shows (a collection under stagedCredentials, a bare list, a single record; an id or only a URL).
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import { errorMessage, type Loose } from '../util/records.js';
import { credentialsPath, ecaRecordId } from './consumerCredentials.js';
import { RequestCounter } from './metadataReads.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.staged-credentials');

/** The staged credentials resources exist from API 65.0 on. */
export const STAGED_CREDENTIALS_MIN_VERSION = 65;

export type StagedState = 'active' | 'rotated' | 'expired' | 'unknown';

export type StagedCredential = {
  /** Absent where the answer names no id (Salesforce's POST answer may not); the slot's GET gives it. */
  id?: string;
  key?: string;
  /** Only present in the answer that creates the credentials (and where the org hands it out). */
  secret?: string;
  /** Active: staged, not yet primary. Rotated: the previous primary, still valid until deleted or expired. */
  state: StagedState;
  createdDate?: string;
  /** When Salesforce removes the credentials by itself (30 days after staging, per the docs). */
  expirationDate?: string;
  createdBy?: string;
};

/** Where one app's consumer lives in the credentials resource. */
export type ConsumerAddress = {
  appName: string;
  appId: string;
  consumerId: string;
  /** The consumer's primary key, as the resource lists it. */
  consumerKey?: string;
  /** How many consumers the app has (the first is used). */
  consumerCount: number;
  stagedPath: string;
};

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

function stateOf(value: unknown): StagedState {
  const state = text(value)?.toLowerCase();
  return state === 'active' || state === 'rotated' || state === 'expired' ? state : 'unknown';
}

/** The last path segment of a staged credentials URL, when it names one (not the collection itself). */
function idFromUrl(url: unknown): string | undefined {
  const last = text(url)?.split('?')[0].split('/').filter(Boolean).pop();
  return last && last !== 'staged' ? last : undefined;
}

function toStaged(record: Loose): StagedCredential | undefined {
  const id = text(record.id) ?? idFromUrl(record.stagedCredentialsUrl);
  const key = text(record.key) ?? text(record.consumerKey);
  if (!id && !key) return undefined;
  return {
    id,
    key,
    secret: text(record.secret) ?? text(record.consumerSecret),
    state: stateOf(record.state),
    createdDate: text(record.createdDate),
    expirationDate: text(record.expirationDate),
    createdBy: text(record.createdBy),
  };
}

/** Every staged credential in an answer, whatever its shape. */
export function readStagedAnswer(answer: unknown): StagedCredential[] {
  if (!answer || typeof answer !== 'object') return [];
  const holder = answer as Loose;
  const list: unknown = Array.isArray(answer) ? answer : holder.stagedCredentials ?? [answer];
  const records = Array.isArray(list) ? list : [list];
  return records
    .filter((record): record is Loose => Boolean(record) && typeof record === 'object')
    .map(toStaged)
    .filter((staged): staged is StagedCredential => staged !== undefined);
}

/** The error a refused or failed request becomes: what was asked, the org's words, and what to check. */
function requestFailed(step: string, name: string, error: unknown): Error {
  return messages.createError('error.RequestFailed', [step, name, errorMessage(error)]);
}

async function ask<T>(counter: RequestCounter, step: string, name: string, call: () => PromiseLike<T>): Promise<T> {
  counter.add();
  try {
    return await call();
  } catch (error) {
    throw requestFailed(step, name, error);
  }
}

/** Finds the app's consumer; throws when the org has no such External Client App or it has no OAuth consumer. */
export async function findConsumer(conn: Connection, name: string, counter: RequestCounter): Promise<ConsumerAddress> {
  const appId = await ask(counter, 'find', name, () => ecaRecordId(conn, name));
  if (!appId) throw messages.createError('error.NoApp', [name]);
  const base = credentialsPath(conn, STAGED_CREDENTIALS_MIN_VERSION);
  const collection = await ask(counter, 'consumers', name, () =>
    conn.request<{ consumers?: Array<{ id?: string; key?: string }> }>(`${base}/${appId}`)
  );
  const consumers = (collection.consumers ?? []).filter((consumer) => text(consumer.id));
  if (consumers.length === 0) throw messages.createError('error.NoConsumer', [name]);
  const consumerId = consumers[0].id!;
  return {
    appName: name,
    appId,
    consumerId,
    consumerKey: text(consumers[0].key),
    consumerCount: consumers.length,
    stagedPath: `${base}/${appId}/${consumerId}/staged`,
  };
}

/** What the staged slot holds. An empty slot may be answered with an empty list or with 404: both are "nothing". */
export async function readStaged(conn: Connection, consumer: ConsumerAddress, counter: RequestCounter): Promise<StagedCredential[]> {
  counter.add();
  try {
    return readStagedAnswer(await conn.request(consumer.stagedPath));
  } catch (error) {
    if ((error as { errorCode?: string }).errorCode === 'NOT_FOUND' || /\b404\b|not found/i.test(errorMessage(error))) return [];
    throw requestFailed('read', consumer.appName, error);
  }
}

/**
 * Stages a new key and secret. Salesforce's docs say POST takes no body; an empty JSON object is sent so the request
 * carries a length (public reports say a bodiless POST hangs). When the answer leaves out the new credentials, the
 * slot is read again for them.
 */
export async function stageCredentials(
  conn: Connection,
  consumer: ConsumerAddress,
  counter: RequestCounter
): Promise<StagedCredential & { id: string }> {
  const answer = await ask(counter, 'stage', consumer.appName, () =>
    conn.request({ method: 'POST', url: consumer.stagedPath, body: '{}', headers: { 'content-type': 'application/json' } })
  );
  const found = readStagedAnswer(answer);
  const made = found.find((c) => c.state === 'active') ?? found[0];
  if (made?.id && made.key) return { ...made, id: made.id };
  // The answer did not say everything: the slot, read again, names the id (and the key, if the answer had none).
  const slot = await readStaged(conn, consumer, counter);
  const again = slot.find((c) => (made?.key ? c.key === made.key : c.state !== 'rotated'));
  if (!again?.id || !(again.key ?? made?.key)) throw messages.createError('error.NoStagedAnswer', [consumer.appName]);
  return { ...again, id: again.id, key: again.key ?? made?.key, secret: made?.secret ?? again.secret };
}

/** Makes the staged credentials the primary ones; the previous primary ones take the slot until deleted. */
export async function promoteStaged(conn: Connection, consumer: ConsumerAddress, id: string, counter: RequestCounter): Promise<void> {
  await ask(counter, 'rotate', consumer.appName, () =>
    conn.request({
      method: 'PATCH',
      url: `${consumer.stagedPath}/${encodeURIComponent(id)}`,
      body: JSON.stringify({ command: 'rotate' }),
      headers: { 'content-type': 'application/json' },
    })
  );
}

/** Deletes the slot's credentials: they stop working at once. */
export async function deleteStaged(conn: Connection, consumer: ConsumerAddress, id: string, counter: RequestCounter): Promise<void> {
  await ask(counter, 'revoke', consumer.appName, () =>
    conn.request({ method: 'DELETE', url: `${consumer.stagedPath}/${encodeURIComponent(id)}` })
  );
}
