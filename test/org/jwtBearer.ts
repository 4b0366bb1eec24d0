/*
 * One JWT bearer token request, signed here, with exactly the audience a check needs. `sf org login jwt` tries up to
 * five login URL / audience pairs and reports only the last failure (docs/salesforce-facts.md#f-jwt-audience-combos),
 * so it cannot say which audience an org accepts; this request can. A token it gets is revoked at once.
 */
import { sign } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export type TokenAnswer =
  | { accepted: true; status: number }
  | { accepted: false; status: number; error: string; description: string };

export type JwtRequest = {
  /** Where the token endpoint is: the org's instance (My Domain) URL. */
  instanceUrl: string;
  clientId: string;
  username: string;
  audience: string;
  privateKeyFile: string;
};

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** An RS256 JWT bearer assertion; `exp` in seconds, three minutes ahead. */
export function jwtAssertion(claims: { iss: string; sub: string; aud: string }, privateKeyPem: string, now = Date.now()): string {
  const header = base64url(JSON.stringify({ alg: 'RS256' }));
  const payload = base64url(JSON.stringify({ ...claims, exp: Math.floor(now / 1000) + 180 }));
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), privateKeyPem).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

const withoutSlash = (url: string): string => url.replace(/\/+$/, '');

/** Asks the token endpoint for a token; an access token it hands out is revoked before this returns. */
export async function requestJwtToken(request: JwtRequest): Promise<TokenAnswer> {
  const assertion = jwtAssertion(
    { iss: request.clientId, sub: request.username, aud: request.audience },
    await readFile(request.privateKeyFile, 'utf8')
  );
  const response = await fetch(`${withoutSlash(request.instanceUrl)}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams([
      ['grant_type', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      ['assertion', assertion],
    ]).toString(),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { error: `HTTP ${response.status}`, ['error_description']: text.slice(0, 200) };
  }
  if (response.ok && typeof body.access_token === 'string') {
    await revoke(typeof body.instance_url === 'string' ? body.instance_url : request.instanceUrl, body.access_token);
    return { accepted: true, status: response.status };
  }
  return {
    accepted: false,
    status: response.status,
    error: String(body.error ?? ''),
    description: String(body['error_description'] ?? ''),
  };
}

/** Best effort: a token the lane got for a check is not left valid. */
async function revoke(instanceUrl: string, token: string): Promise<void> {
  try {
    await fetch(`${withoutSlash(instanceUrl)}/services/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    // The token expires on its own; the app it belongs to is deleted at the end of the run.
  }
}

/** "refused: invalid_grant / audience is invalid (HTTP 400)" or "accepted (HTTP 200)". */
export function describeAnswer(answer: TokenAnswer): string {
  return answer.accepted
    ? `accepted (HTTP ${answer.status})`
    : `refused: ${answer.error} / ${answer.description} (HTTP ${answer.status})`;
}
