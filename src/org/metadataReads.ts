/*
 * Reading metadata from an org: listMetadata for names, readMetadata (up to 10 names per call, the API's limit) for
 * content. Every read is counted, so commands can report their requests and tests can check them. A transient fault
 * (5xx, request limit, dropped connection) is retried with backoff (retry.ts); each try counts.
 */
import type { Connection } from '@salesforce/core';
import type { MetadataComponent } from '../model/appModel.js';
import { asNonEmptyText as asText } from '../metadata/readers.js';
import { asList, type Loose } from '../util/records.js';
import { withReadRetry } from './retry.js';

/** readMetadata accepts at most 10 full names per call. */
export const READ_BATCH_SIZE = 10;
/** listMetadata accepts at most 3 queries (types) per call (docs/salesforce-facts.md#f-md-call-limits). */
export const LIST_QUERIES_PER_CALL = 3;
/** Batches read at once: enough to hide latency, few enough not to trip the org's concurrent-request limits. */
const READ_CONCURRENCY = 4;

/** Counts the requests an inventory operation sends, so commands can report them (and tests can check them). */
export class RequestCounter {
  public count = 0;

  public add(): void {
    this.count++;
  }
}

export type FileProperties = {
  fullName: string;
  type?: string;
  namespacePrefix?: string;
  lastModifiedDate?: string;
  lastModifiedByName?: string;
};

/** All components of one type in the org (one listMetadata call). */
export async function listComponents(conn: Connection, type: string, counter: RequestCounter): Promise<FileProperties[]> {
  const result = (await withReadRetry(() => {
    counter.add();
    return conn.metadata.list({ type });
  })) as unknown as FileProperties | FileProperties[] | undefined;
  return asList(result).filter((file) => typeof file?.fullName === 'string' && file.fullName.length > 0);
}

/** All components of several types, by type: one listMetadata call per three types. */
export async function listComponentsByType(
  conn: Connection,
  types: readonly string[],
  counter: RequestCounter
): Promise<Map<string, FileProperties[]>> {
  const byType = new Map<string, FileProperties[]>(types.map((type) => [type, []]));
  const calls: string[][] = [];
  for (let i = 0; i < types.length; i += LIST_QUERIES_PER_CALL) calls.push(types.slice(i, i + LIST_QUERIES_PER_CALL));
  const answers = await Promise.all(
    calls.map(async (call) => {
      const result = (await withReadRetry(() => {
        counter.add();
        return conn.metadata.list(call.map((type) => ({ type })));
      })) as unknown as FileProperties | FileProperties[] | undefined;
      // With one query the type is known even when the answer leaves it out.
      return asList(result).map((file) => (call.length === 1 ? { ...file, type: file?.type ?? call[0] } : file));
    })
  );
  for (const file of answers.flat()) {
    if (typeof file?.fullName !== 'string' || file.fullName.length === 0 || !file.type) continue;
    byType.get(file.type)?.push(file);
  }
  return byType;
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
        const records = (await withReadRetry(() => {
          counter.add();
          return conn.metadata.read(type as never, batch);
        })) as unknown as Loose | Loose[] | undefined;
        return asList(records)
          .filter((record) => record && typeof record === 'object' && asText(record.fullName))
          .map(({ fullName, ...content }) => ({ type, fullName: String(fullName), content }));
      })
    );
    results.push(...chunk);
  }
  return results.flat();
}

/** jsforce types metadata type names as a closed union; ours come from the metadata registry. */
type JsforceMetadataType = Parameters<Connection['metadata']['read']>[0];

/** Reads one component; undefined when the org has none of that name (readMetadata answers an empty record). */
export async function readComponent(
  conn: Connection,
  type: string,
  fullName: string
): Promise<Record<string, unknown> | undefined> {
  const record = (await withReadRetry(() => conn.metadata.read(type as JsforceMetadataType, fullName))) as unknown as Record<string, unknown> | undefined;
  if (!record || typeof record !== 'object' || !record.fullName) return undefined;
  return record;
}
