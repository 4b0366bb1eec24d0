/*
 * Asking an org's token endpoint, at exactly one login URL, whether it knows a new app yet: the JWT bearer grant as
 * `sf org login jwt` makes its first attempt, and an authorization-code exchange with a dummy code for web logins.
 * While an app propagates, @salesforce/core's own JWT login would after each refusal try four more (login URL,
 * audience) pairs on login.salesforce.com and test.salesforce.com (docs/salesforce-facts.md#f-jwt-audience-combos)
 * and join their errors; asking here first keeps the wait at the org the app was deployed to, with its one answer.
 */
import { createSign } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** The token endpoint's URL for a login URL, as jsforce's OAuth2 builds it (a path, such as a site's, is kept). */
export const tokenUrl = (loginUrl: string): string => `${loginUrl.replace(/\/+$/, '')}/services/oauth2/token`;

/**
 * An error's message with the causes Node's fetch hides behind "fetch failed" (`getaddrinfo ENOTFOUND host`,
 * `connect ECONNREFUSED 127.0.0.1:1`, a certificate the TLS layer refused).
 */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details: string[] = [];
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && cause !== null && depth < 3; depth++) {
    const first: unknown = cause instanceof AggregateError && cause.errors.length > 0 ? cause.errors[0] : cause;
    const code = (first as { code?: unknown }).code;
    const message = first instanceof Error ? first.message : String(first);
    const text = typeof code === 'string' && !message.includes(code) ? `${code} ${message}`.trim() : message;
    if (text && !error.message.includes(text) && !details.includes(text)) details.push(text);
    cause = first instanceof Error ? first.cause : undefined;
  }
  return details.length > 0 ? `${error.message} (${details.join(': ')})` : error.message;
}

/** A failure to reach the server at all (DNS, refused or reset connections, timeouts, TLS), as opposed to an answer. */
export function isNetworkFailure(text: string): boolean {
  return /fetch failed|socket hang up|self[- ]signed certificate|\b(ENOTFOUND|ECONNREFUSED|ECONNRESET|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_[A-Z_]+|CERT_[A-Z_]+|UNABLE_TO_VERIFY_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT)\b/i.test(
    text
  );
}

/** An answer of the token endpoint that is not a token: `error_description (error)`, or the status and body. */
export class TokenEndpointError extends Error {
  public constructor(message: string, public readonly status: number) {
    super(message);
    this.name = 'TokenEndpointError';
  }
}

/** The token endpoint's JSON answer to a grant it accepted (access_token, instance_url, id, ...). */
export type TokenAnswer = Record<string, unknown>;

/** POSTs a grant to the token endpoint; resolves with the JSON answer, rejects with its error or the network failure. */
export async function postToken(loginUrl: string, params: Record<string, string>): Promise<TokenAnswer> {
  let response: Response;
  try {
    response = await fetch(tokenUrl(loginUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
    });
  } catch (error) {
    throw new Error(errorText(error));
  }
  const text = await response.text();
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (response.ok && body) return body;
  const description = typeof body?.error_description === 'string' ? body.error_description : undefined;
  const code = typeof body?.error === 'string' ? body.error : undefined;
  throw new TokenEndpointError(
    description ? `${description}${code ? ` (${code})` : ''}` : `HTTP ${response.status}: ${text.slice(0, 500)}`,
    response.status
  );
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The JWT bearer grant `sf org login jwt` sends first: issuer the client id, subject the username, audience the login
 * URL itself, RS256 without kid (docs/salesforce-facts.md#f-jwt-audience-combos; exp here in seconds, as the JWT
 * standard has it). Resolves with the token the org issues, rejects with its answer otherwise.
 */
export async function requestJwtToken(options: {
  loginUrl: string;
  clientId: string;
  username: string;
  privateKeyFile: string;
}): Promise<TokenAnswer> {
  const privateKey = await readFile(options.privateKeyFile, 'utf8');
  const input = `${base64url({ alg: 'RS256' })}.${base64url({
    iss: options.clientId,
    sub: options.username,
    aud: options.loginUrl,
    exp: Math.floor(Date.now() / 1000) + 300,
  })}`;
  const signature = createSign('RSA-SHA256').update(input).sign(privateKey, 'base64url');
  return postToken(options.loginUrl, {
    // eslint-disable-next-line camelcase -- OAuth wire format
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion: `${input}.${signature}`,
  });
}

/**
 * An authorization-code exchange with a dummy code: the org answers "client identifier invalid" (or "not installed")
 * while it does not know the client id, and another error (invalid code, invalid secret) once it does.
 */
export async function exchangeDummyCode(loginUrl: string, clientId: string, redirectUri: string): Promise<void> {
  await postToken(loginUrl, {
    // eslint-disable-next-line camelcase -- OAuth wire format
    grant_type: 'authorization_code',
    code: 'probe-not-a-real-code',
    // eslint-disable-next-line camelcase -- OAuth wire format
    client_id: clientId,
    // eslint-disable-next-line camelcase -- OAuth wire format
    redirect_uri: redirectUri,
  });
}
