/*
 * What an error really is, whatever wraps it: a local file the plugin could not use, a server it could not reach, or
 * an answer from Salesforce. Node hides the first two behind generic messages ("fetch failed", "spawn ENOTDIR") and
 * libraries wrap them in their own errors; the truth is in the `code`, `path`, `syscall` and `cause` fields below.
 */

/** Codes Node gives file-system (and process-spawning) failures. */
const FILE_CODES = new Set([
  'ENOENT',
  'EACCES',
  'EPERM',
  'ENOTDIR',
  'EEXIST',
  'EISDIR',
  'ELOOP',
  'EMFILE',
  'ENFILE',
  'EROFS',
  'ENOSPC',
  'EBUSY',
  'ENAMETOOLONG',
  'ENOTEMPTY',
  'EXDEV',
]);

/** Codes of failures to reach a server at all (DNS, connection, timeouts, TLS). */
const NETWORK_CODE =
  /^(ENOTFOUND|ECONNREFUSED|ECONNRESET|ECONNABORTED|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|EPROTO|UND_ERR_[A-Z_]+|CERT_[A-Z_]+|ERR_TLS_[A-Z_]+|UNABLE_TO_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_SSL_[A-Z_]+)$/;

/** System calls that are about networking, so an EACCES or ENOENT from them is not about a local file. */
const NETWORK_SYSCALLS = new Set(['connect', 'getaddrinfo', 'read', 'write', 'socket']);

export type ErrorCause =
  /** A local file or folder (or a program to start) could not be used. */
  | { kind: 'file'; code: string; path?: string; syscall?: string; message: string }
  /** No server answered: the host (or URL) and the low-level reason. */
  | { kind: 'network'; code?: string; host?: string; url?: string; message: string }
  /** Anything else: an answer from Salesforce, or an error of the plugin's own. */
  | { kind: 'other'; message: string };

type Fields = { code?: unknown; path?: unknown; syscall?: unknown; hostname?: unknown; host?: unknown; address?: unknown; port?: unknown; url?: unknown; cause?: unknown; errors?: unknown };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** The error and its causes, outermost first (an AggregateError contributes its first error), cycles cut. */
export function causeChain(error: unknown, maxDepth = 8): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < maxDepth && !chain.includes(current)) {
    chain.push(current);
    const fields = current as Fields;
    const errors = Array.isArray(fields.errors) && fields.errors.length > 0 ? (fields.errors as unknown[]) : undefined;
    current = typeof current === 'object' ? fields.cause ?? errors?.[0] : undefined;
  }
  return chain;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A host (and port) named in a message such as "connect ECONNREFUSED 127.0.0.1:1" or "getaddrinfo ENOTFOUND x.y". */
function hostIn(message: string): string | undefined {
  return /\b(?:ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET)\s+(\S+)/.exec(message)?.[1];
}

/** A URL named in a message, such as jsforce's "request to https://host/path failed". */
function urlIn(message: string): string | undefined {
  return /\bhttps?:\/\/[^\s'"()<>,]+/.exec(message)?.[0];
}

/** Sorts an error by its real cause, looking through every wrapper. */
export function classifyError(error: unknown): ErrorCause {
  const chain = causeChain(error);
  const url = chain.map((e) => text((e as Fields).url) ?? urlIn(messageOf(e))).find(Boolean);
  for (const item of chain) {
    const fields = (item ?? {}) as Fields;
    const code = text(fields.code);
    const syscall = text(fields.syscall);
    const message = messageOf(item);
    if (code && FILE_CODES.has(code) && !(syscall && NETWORK_SYSCALLS.has(syscall))) {
      return { kind: 'file', code, path: text(fields.path) ?? spawnPath(fields), syscall, message };
    }
    if (code && NETWORK_CODE.test(code)) {
      const host = text(fields.hostname) ?? (text(fields.address) ? `${String(fields.address)}${fields.port ? `:${String(fields.port)}` : ''}` : undefined) ?? hostIn(message);
      return { kind: 'network', code, host, url, message };
    }
  }
  // No code anywhere: the words are all there is (a wrapper that dropped its cause).
  const all = chain.map(messageOf).join(': ');
  const networkCode = /\b(ENOTFOUND|ECONNREFUSED|ECONNRESET|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/.exec(all)?.[1];
  if (networkCode ?? /\bfetch failed\b|socket hang up/i.test(all)) {
    return { kind: 'network', code: networkCode, host: hostIn(all), url, message: all };
  }
  return { kind: 'other', message: messageOf(error) };
}

/** For a failed spawn, Node names the program in `path` (or `spawnfile`). */
function spawnPath(fields: Fields): string | undefined {
  return text((fields as { spawnfile?: unknown }).spawnfile);
}

/** Where a network failure went, in one phrase: the URL if known, else the host. */
export const networkTarget = (cause: Extract<ErrorCause, { kind: 'network' }>): string | undefined =>
  cause.url ? originOf(cause.url) : cause.host;

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
