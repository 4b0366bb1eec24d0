/*
 * Transient faults of an org (docs/salesforce-facts.md#f-transient-faults): reads are retried with backoff; a write
 * whose outcome is unknown is checked in the org before it is sent again (a blind retry could make something twice,
 * or fail on what the first attempt made).
 */
import { sleep } from '@salesforce/kit';

/** Waits between read attempts: three retries after the first try, 3.5 s in all. */
export const READ_RETRY_DELAYS_MS: readonly number[] = [500, 1000, 2000];

/**
 * Error names and codes that say "try again later": the load balancer's 5xx answers (jsforce names them
 * ERROR_HTTP_<status>), the API's own unexpected error and its request limit (SOAP faults arrive prefixed `sf:`),
 * and a connection the network dropped.
 */
const TRANSIENT_NAMES = new Set([
  'ERROR_HTTP_500',
  'ERROR_HTTP_502',
  'ERROR_HTTP_503',
  'ERROR_HTTP_504',
  'UNKNOWN_EXCEPTION',
  'SERVER_UNAVAILABLE',
  'REQUEST_LIMIT_EXCEEDED',
]);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/** Whether an error from the org is one that may not happen again (5xx, request limit, a dropped connection). */
export function isTransientFault(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const fields = error as { name?: unknown; errorCode?: unknown; code?: unknown; cause?: unknown };
  const names = [fields.name, fields.errorCode, fields.code]
    .filter((value): value is string => typeof value === 'string')
    .map((value) => value.replace(/^sf:/, ''));
  if (names.some((name) => TRANSIENT_NAMES.has(name) || TRANSIENT_CODES.has(name))) return true;
  // fetch wraps the socket error ("fetch failed", cause: ECONNRESET).
  return fields.cause !== undefined && fields.cause !== error && isTransientFault(fields.cause);
}

export type RetryOptions = {
  /** Waits before each retry; its length is the number of retries. */
  delaysMs?: readonly number[];
  /** Told before each wait (for a debug line or a test). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
};

/** Runs a read, again after each transient fault, with the waits given; any other error, or the last, is thrown. */
export async function withReadRetry<T>(read: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const delays = options.delaysMs ?? READ_RETRY_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      // eslint-disable-next-line no-await-in-loop
      return await read();
    } catch (error) {
      if (attempt >= delays.length || !isTransientFault(error)) throw error;
      options.onRetry?.(error, attempt + 1, delays[attempt]);
      // eslint-disable-next-line no-await-in-loop
      await sleep(delays[attempt]);
    }
  }
}

export type CheckedWriteOutcome<T> =
  /** The write answered. */
  | { state: 'written'; value: T }
  /** The write failed with a transient fault, but the org holds what it was to make. */
  | { state: 'inOrg'; error: unknown }
  /** Not in the org after the last try: the error of that try. */
  | { state: 'failed'; error: unknown };

/**
 * A write whose failure may hide a success (a 5xx after the request was sent): after a transient fault the org is
 * asked whether it holds the result (`inOrg`: reads that retry on their own, as metadataReads.ts's do); only when it
 * does not is the write sent again, once. Other errors, and an `inOrg` that fails, are thrown as they are.
 */
export async function writeCheckedInOrg<T>(
  write: () => Promise<T>,
  inOrg: () => Promise<boolean>,
  options: RetryOptions & { writeRetries?: number } = {}
): Promise<CheckedWriteOutcome<T>> {
  const retries = options.writeRetries ?? 1;
  for (let attempt = 0; ; attempt++) {
    try {
      // eslint-disable-next-line no-await-in-loop
      return { state: 'written', value: await write() };
    } catch (error) {
      if (!isTransientFault(error)) throw error;
      // eslint-disable-next-line no-await-in-loop
      if (await inOrg()) return { state: 'inOrg', error };
      if (attempt >= retries) return { state: 'failed', error };
      const delay = (options.delaysMs ?? READ_RETRY_DELAYS_MS)[0] ?? 0;
      options.onRetry?.(error, attempt + 1, delay);
      // eslint-disable-next-line no-await-in-loop
      await sleep(delay);
    }
  }
}

/**
 * A fault in words: its code without the SOAP prefix, and its message on one line without repeating the code (SOAP
 * faults start their message with it) and without HTML (a load balancer's 503 page).
 */
export function describeFault(error: unknown): { code: string; message: string } {
  const code = String((error as { name?: unknown } | undefined)?.name ?? 'Error').replace(/^sf:/, '');
  const text = error instanceof Error ? error.message : String(error);
  const message = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(new RegExp(`^${code.replace(/[^\w]/g, '')}:\\s*`), '');
  return { code, message };
}
