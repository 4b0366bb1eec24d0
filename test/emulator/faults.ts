/*
 * Injected faults: make chosen requests fail (HTTP 500/503, REQUEST_LIMIT_EXCEEDED, INVALID_SESSION_ID) or answer
 * slowly, matched by path, SOAP operation and/or OAuth grant type, a number of times or for good.
 * Bodies follow what each surface of a real org sends, so jsforce and @salesforce/core react as they would to a real org:
 * REST errors are JSON arrays, SOAP errors are 500 faults, OAuth errors are {error, error_description}.
 */

export type FaultKind = 'http500' | 'http503' | 'REQUEST_LIMIT_EXCEEDED' | 'INVALID_SESSION_ID' | 'delay';

export const FAULT_KINDS: readonly FaultKind[] = ['http500', 'http503', 'REQUEST_LIMIT_EXCEEDED', 'INVALID_SESSION_ID', 'delay'];

export type FaultSpec = {
  kind: FaultKind;
  /** Matches when the request path starts with this. */
  path?: string;
  /** Matches when this regular expression (source text) finds a match in the path. */
  pathRegex?: string;
  method?: string;
  /** SOAP operation, e.g. deploy, checkDeployStatus, readMetadata (case-insensitive). */
  operation?: string;
  /** OAuth grant type: jwt-bearer (short form), authorization_code, refresh_token, or the full URN. */
  grantType?: string;
  /** How many matching requests the fault applies to; undefined means until cleared. */
  times?: number;
  /** For 'delay': how long to hold the response. Other kinds may carry a delay too. */
  delayMs?: number;
  /**
   * The org does the work, then the answer is lost to the fault (a proxy or load balancer failing after the org
   * committed): what a client cannot tell from a fault that stopped the request.
   */
  afterHandling?: boolean;
  /**
   * Sleeps until a request with this SOAP operation or grant type has been answered (e.g. readMetadata failing only
   * once a deploy has been sent): a fault for a later step of a command, not its first look at the org.
   */
  armedBy?: string;
};

export type Fault = FaultSpec & { id: number; hits: number };

export type RequestFacts = {
  method: string;
  path: string;
  isSoap: boolean;
  isOAuth: boolean;
  operation?: string;
  grantType?: string;
};

export type FaultResponse = { status: number; contentType: string; body: string };

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

function normalizeGrant(grant: string): string {
  return grant === 'jwt-bearer' || grant === 'jwt' ? JWT_GRANT : grant;
}

export function validateFaultSpec(input: unknown): FaultSpec {
  if (!input || typeof input !== 'object') throw new Error('a fault must be a JSON object');
  const spec = input as Record<string, unknown>;
  if (!FAULT_KINDS.includes(spec.kind as FaultKind)) {
    throw new Error(`fault kind must be one of ${FAULT_KINDS.join(', ')}`);
  }
  for (const key of ['path', 'pathRegex', 'method', 'operation', 'grantType', 'armedBy'] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== 'string') throw new Error(`fault ${key} must be a string`);
  }
  for (const key of ['times', 'delayMs'] as const) {
    if (spec[key] !== undefined && (typeof spec[key] !== 'number' || (spec[key]) < 0)) {
      throw new Error(`fault ${key} must be a non-negative number`);
    }
  }
  if (spec.kind === 'delay' && spec.delayMs === undefined) throw new Error('a delay fault needs delayMs');
  if (spec.afterHandling !== undefined && typeof spec.afterHandling !== 'boolean') throw new Error('fault afterHandling must be a boolean');
  if (typeof spec.pathRegex === 'string') new RegExp(spec.pathRegex); // throws on a bad pattern
  return spec as FaultSpec;
}

export class FaultInjector {
  /** Added to every request (except the emulator's own /_emulator endpoints). */
  public latencyMs = 0;
  private faults: Fault[] = [];
  private nextId = 1;
  /** Faults whose armedBy operation has been requested since they were added. */
  private armed = new Set<number>();

  public add(spec: FaultSpec): Fault {
    const fault: Fault = { ...validateFaultSpec(spec), id: this.nextId++, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  public remove(id: number): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  public clear(): void {
    this.faults = [];
    this.armed.clear();
  }

  public list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /**
   * Finds the faults matching a request and uses them up: the total extra delay, and the first failing fault, if any.
   * A fault whose count reaches zero is removed.
   */
  public take(facts: RequestFacts): { delayMs: number; failure?: Fault } {
    let delayMs = this.latencyMs;
    let failure: Fault | undefined;
    for (const fault of this.faults) {
      if (fault.armedBy && !this.armed.has(fault.id)) continue;
      if (!matches(fault, facts)) continue;
      if (fault.kind !== 'delay' && failure) continue; // only one failure answers a request
      fault.hits += 1;
      delayMs += fault.delayMs ?? 0;
      if (fault.kind !== 'delay') failure = fault;
    }
    this.faults = this.faults.filter((f) => f.times === undefined || f.hits < f.times);
    const operation = (facts.operation ?? '').toLowerCase();
    for (const fault of this.faults) if (fault.armedBy?.toLowerCase() === operation) this.armed.add(fault.id);
    return { delayMs, failure: failure ? { ...failure } : undefined };
  }
}

function matches(fault: Fault, facts: RequestFacts): boolean {
  if (fault.times !== undefined && fault.hits >= fault.times) return false;
  if (fault.method && fault.method.toUpperCase() !== facts.method.toUpperCase()) return false;
  if (fault.path && !facts.path.startsWith(fault.path)) return false;
  if (fault.pathRegex && !new RegExp(fault.pathRegex).test(facts.path)) return false;
  if (fault.operation && fault.operation.toLowerCase() !== (facts.operation ?? '').toLowerCase()) return false;
  if (fault.grantType && normalizeGrant(fault.grantType) !== facts.grantType) return false;
  return true;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A SOAP fault as the Metadata API sends it: HTTP 500, prefixed faultcode, "CODE: message" faultstring. */
export function soapFault(code: string, message: string): FaultResponse {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="http://soap.sforce.com/2006/04/metadata" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault>' +
    `<faultcode>sf:${code}</faultcode><faultstring>${xmlEscape(`${code}: ${message}`)}</faultstring>` +
    `<detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault"><sf:exceptionCode>${code}</sf:exceptionCode>` +
    `<sf:exceptionMessage>${xmlEscape(message)}</sf:exceptionMessage></sf:UnexpectedErrorFault></detail>` +
    '</soapenv:Fault></soapenv:Body></soapenv:Envelope>';
  return { status: 500, contentType: 'text/xml;charset=UTF-8', body };
}

export function restError(status: number, errorCode: string, message: string): FaultResponse {
  return { status, contentType: 'application/json;charset=UTF-8', body: JSON.stringify([{ message, errorCode }]) };
}

export function oauthError(status: number, error: string, description: string): FaultResponse {
  return {
    status,
    contentType: 'application/json;charset=UTF-8',
    // eslint-disable-next-line camelcase -- OAuth wire format
    body: JSON.stringify({ error, error_description: description }),
  };
}

const UNEXPECTED = 'An unexpected error occurred. Please include this ErrorId if you contact support: 1961883210-51231 (-1140563921)';
const UNAVAILABLE = 'Service temporarily unavailable. Please try again later.';
const LIMIT = 'TotalRequests Limit exceeded.';
const BAD_SESSION = 'Invalid Session ID found in SessionHeader: Illegal Session';

/** The response a failing fault produces on the surface the request hit. */
export function faultResponse(kind: Exclude<FaultKind, 'delay'>, facts: RequestFacts): FaultResponse {
  if (facts.isSoap) {
    switch (kind) {
      case 'http500':
        return soapFault('UNKNOWN_EXCEPTION', UNEXPECTED);
      case 'http503':
        // Outages come from the load balancer, not the API: a 503 with an HTML body.
        return { status: 503, contentType: 'text/html;charset=UTF-8', body: `<html><body>${UNAVAILABLE}</body></html>` };
      case 'REQUEST_LIMIT_EXCEEDED':
        return soapFault('REQUEST_LIMIT_EXCEEDED', LIMIT);
      case 'INVALID_SESSION_ID':
        return soapFault('INVALID_SESSION_ID', BAD_SESSION);
    }
  }
  if (facts.isOAuth) {
    switch (kind) {
      case 'http500':
        return oauthError(500, 'unknown_error', 'retry your request');
      case 'http503':
        return oauthError(503, 'unknown_error', 'retry your request');
      case 'REQUEST_LIMIT_EXCEEDED':
        // The token endpoint's wording for a rate limit is UNCONFIRMED (docs/salesforce-facts.md#f-emu-wordings); the REST code is the
        // closest known fact.
        return oauthError(400, 'rate_limit_exceeded', LIMIT);
      case 'INVALID_SESSION_ID':
        return oauthError(401, 'invalid_token', 'Session expired or invalid');
    }
  }
  switch (kind) {
    case 'http500':
      return restError(500, 'UNKNOWN_EXCEPTION', UNEXPECTED);
    case 'http503':
      return restError(503, 'SERVER_UNAVAILABLE', UNAVAILABLE);
    case 'REQUEST_LIMIT_EXCEEDED':
      return restError(403, 'REQUEST_LIMIT_EXCEEDED', LIMIT);
    case 'INVALID_SESSION_ID':
      return restError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
  }
}
