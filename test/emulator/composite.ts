/*
 * The REST composite resource (POST /services/data/vXX.X/composite): a series of subrequests in one call, each
 * answered with its own status and body (docs/salesforce-facts.md#f-rest-composite). The emulator runs each
 * subrequest through the same REST handler a plain request goes to. Modelled: up to 25 subrequests, of which at most
 * 5 are queries; referenceIds required and unique; allOrNone. Not modelled, and refused so a test cannot rely on it:
 * references to earlier results (@{ref.field}).
 */
import { EmulatorReply, EmulatorRequest, jsonReply, restErrorReply } from './http.js';

export const MAX_SUBREQUESTS = 25;
export const MAX_QUERY_SUBREQUESTS = 5;

type Subrequest = { method?: unknown; url?: unknown; referenceId?: unknown; body?: unknown; httpHeaders?: unknown };

/** The resources composite runs: sObject resources, query, queryAll and sObject collections (the REST API guide). */
const SUPPORTED = /^\/services\/data\/v\d+\.0\/(sobjects|query|queryAll|composite\/sobjects)(\/|$)/;

const isQuery = (path: string): boolean => /^\/services\/data\/v\d+\.0\/(query|queryAll)(\/.*)?$/.test(path);

const safeDecode = (url: string): string => {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
};

/** Why the composite body is refused as a whole, or undefined when it can run. */
function refusal(requests: Subrequest[]): EmulatorReply | undefined {
  if (requests.length === 0 || requests.length > MAX_SUBREQUESTS) {
    // Wording: the emulator's own (docs/salesforce-facts.md#f-emu-wordings).
    return restErrorReply(400, 'INVALID_INPUT', `A composite request takes 1 to ${MAX_SUBREQUESTS} subrequests; got ${requests.length}.`);
  }
  const seen = new Set<string>();
  for (const sub of requests) {
    if (typeof sub.method !== 'string' || typeof sub.url !== 'string' || typeof sub.referenceId !== 'string' || !sub.referenceId) {
      return restErrorReply(400, 'INVALID_INPUT', 'Each subrequest needs method, url and referenceId.');
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9_]*$/.test(sub.referenceId)) {
      return restErrorReply(400, 'INVALID_INPUT', `Invalid referenceId: ${sub.referenceId}`);
    }
    if (seen.has(sub.referenceId)) return restErrorReply(400, 'INVALID_INPUT', `Duplicate referenceId: ${sub.referenceId}`);
    seen.add(sub.referenceId);
    if (!SUPPORTED.test(new URL(sub.url, 'http://composite').pathname)) {
      return restErrorReply(400, 'INVALID_INPUT', `Composite does not support the resource ${sub.url}.`);
    }
    if (`${safeDecode(sub.url)}${JSON.stringify(sub.body ?? '')}`.includes('@{')) {
      return restErrorReply(400, 'INVALID_INPUT', 'The emulator does not model references between subrequests (@{...}).');
    }
  }
  const queries = requests.filter((sub) => isQuery(new URL(String(sub.url), 'http://composite').pathname)).length;
  if (queries > MAX_QUERY_SUBREQUESTS) {
    return restErrorReply(400, 'INVALID_INPUT', `A composite request takes at most ${MAX_QUERY_SUBREQUESTS} query subrequests; got ${queries}.`);
  }
  return undefined;
}

/** Runs a composite request; `run` answers one subrequest as the REST API would answer it alone. */
export function handleComposite(req: EmulatorRequest, run: (sub: EmulatorRequest) => EmulatorReply): EmulatorReply {
  if (req.method !== 'POST') return restErrorReply(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are POST`);
  let input: { allOrNone?: unknown; compositeRequest?: unknown };
  try {
    input = JSON.parse(req.body) as typeof input;
  } catch {
    return restErrorReply(400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON.');
  }
  if (!Array.isArray(input.compositeRequest)) return restErrorReply(400, 'INVALID_INPUT', 'compositeRequest is required.');
  const requests = input.compositeRequest as Subrequest[];
  const refused = refusal(requests);
  if (refused) return refused;
  const answers = requests.map((sub) => {
    const url = new URL(String(sub.url), 'http://composite');
    const reply = run({
      method: String(sub.method),
      path: url.pathname.replace(/\/{2,}/g, '/'),
      query: url.searchParams,
      headers: req.headers,
      body: sub.body === undefined ? '' : JSON.stringify(sub.body),
    });
    return { body: reply.body ? (JSON.parse(reply.body) as unknown) : null, httpHeaders: {}, httpStatusCode: reply.status, referenceId: String(sub.referenceId) };
  });
  if (input.allOrNone === true && answers.some((answer) => answer.httpStatusCode >= 400)) {
    for (const answer of answers) {
      if (answer.httpStatusCode < 400) {
        answer.httpStatusCode = 400;
        answer.body = [{ errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back since another operation in the same transaction failed.' }];
      }
    }
  }
  return jsonReply(200, { compositeResponse: answers });
}
