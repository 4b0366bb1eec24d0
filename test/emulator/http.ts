/*
 * The small request/reply shapes the emulator's handlers share, so oauth.ts and rest.ts are plain functions the
 * server (and unit tests) can call without node:http plumbing.
 */
import type { IncomingHttpHeaders } from 'node:http';

export type EmulatorRequest = {
  method: string;
  /** Path with `//` collapsed, without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
};

export type EmulatorReply = {
  status: number;
  headers?: Record<string, string>;
  body: string;
  /** SOAP operation or OAuth grant type, for the request log. */
  operation?: string;
};

export const JSON_TYPE = 'application/json;charset=UTF-8';

export function jsonReply(status: number, value: unknown, extraHeaders: Record<string, string> = {}): EmulatorReply {
  return { status, headers: { 'Content-Type': JSON_TYPE, ...extraHeaders }, body: JSON.stringify(value) };
}

/** REST API error body: an array of {message, errorCode}. */
export function restErrorReply(status: number, errorCode: string, message: string): EmulatorReply {
  return jsonReply(status, [{ message, errorCode }]);
}

/** OAuth endpoint error body: {error, error_description}, HTTP 400 unless told otherwise. */
export function oauthErrorReply(error: string, description: string, status = 400): EmulatorReply {
  // eslint-disable-next-line camelcase -- OAuth wire format
  return jsonReply(status, { error, error_description: description });
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (typeof auth !== 'string') return undefined;
  const m = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(auth.trim());
  return m ? m[1] : undefined;
}

/** Form fields of an x-www-form-urlencoded body (the token endpoint also accepts them in the query string). */
export function formParams(req: EmulatorRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  const type = String(req.headers['content-type'] ?? '');
  if (req.body && (type.includes('application/x-www-form-urlencoded') || type === '')) {
    for (const [k, v] of new URLSearchParams(req.body)) params.set(k, v);
  }
  return params;
}
