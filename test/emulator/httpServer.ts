/*
 * The emulator's HTTP core: routes OAuth, REST and Metadata SOAP requests, applies injected faults and latency, logs
 * every request, and serves the /_emulator/* control endpoints. It takes the org state and the SOAP handler as
 * arguments, so it runs with any store that has MetadataStore's shape (server.ts wires the real one).
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatedUser, RequestLogEntry } from './types.js';
import { AppStore, EcaMetadataAccessGap, OrgState, OrgSettings, UserPermission } from './state.js';
import { FaultInjector, FaultSpec, RequestFacts, faultResponse } from './faults.js';
import { EmulatorReply, EmulatorRequest, JSON_TYPE, bearerToken, jsonReply, restErrorReply } from './http.js';
import { OAuthContext, grantTypeOf, handleAuthorize, handleIdentity, handleToken, handleUserinfo } from './oauth.js';
import { handleRest } from './rest.js';

/** Per username: permissions granted (true), taken away (false) or given back to the profile's say (null). */
export type UserPermissionSettings = Record<string, Partial<Record<UserPermission, boolean | null>>>;

/** Settings changeable at run time through POST /_emulator/settings. */
export type RuntimeSettings = Omit<Partial<OrgSettings>, 'connectedAppBlockMessage'> & {
  liveDelayMs?: number;
  latencyMs?: number;
  webLoginUsername?: string | null;
  /** The org is a sandbox: Organization.IsSandbox, and the JWT audiences a sandbox accepts (docs/salesforce-facts.md#f-jwt-audience). */
  isSandbox?: boolean;
  /** Wording of the connected app creation refusal; null goes back to the default (docs/salesforce-facts.md#f-ca-creation-block). */
  connectedAppBlockMessage?: string | null;
  /** On GET: the overrides in force (users without any are left out). */
  userPermissions?: UserPermissionSettings;
};

export type SoapHandlerContext<S> = {
  store: S;
  instanceUrl: string;
  apiVersion: string;
  sessionUser(sessionId: string): EmulatedUser | undefined;
  /** What the user lacks to touch External Client App global OAuth settings (empty: nothing). */
  ecaMetadataAccessGap(user: EmulatedUser): EcaMetadataAccessGap;
};

export type SoapHandler<S> = (body: string, ctx: SoapHandlerContext<S>) => Promise<{ status: number; body: string; operation?: string }>;

export type OrgServerOptions<S> = { port?: number; latencyMs?: number; soap: SoapHandler<S> };

export type OrgServer = {
  instanceUrl: string;
  faults: FaultInjector;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  close(): Promise<void>;
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function soapOperation(body: string): string | undefined {
  const m = /<(?:[\w-]+:)?Body\b[^>]*>\s*<(?:[\w-]+:)?([A-Za-z]+)/.exec(body);
  return m?.[1];
}

function soapSessionId(body: string): string | undefined {
  return /<(?:[\w-]+:)?sessionId>\s*([^<\s]+)\s*</.exec(body)?.[1];
}

function parseJson(body: string): unknown {
  return body.trim() === '' ? {} : JSON.parse(body);
}

export async function startOrgServer<S extends AppStore>(state: OrgState<S>, options: OrgServerOptions<S>): Promise<OrgServer> {
  const store = state.store;
  const faults = new FaultInjector();
  faults.latencyMs = options.latencyMs ?? 0;
  let log: RequestLogEntry[] = [];
  let instanceUrl = '';

  const control = (req: EmulatorRequest): EmulatorReply => {
    const route = `${req.method} ${req.path.replace(/\/+$/, '')}`;
    try {
      switch (route) {
        case 'GET /_emulator/requests':
          return jsonReply(200, log);
        case 'DELETE /_emulator/requests':
          log = [];
          return { status: 204, body: '' };
        case 'GET /_emulator/faults':
          return jsonReply(200, faults.list());
        case 'POST /_emulator/faults': {
          const input = parseJson(req.body);
          const specs = (Array.isArray(input) ? input : [input]) as FaultSpec[];
          return jsonReply(201, specs.map((s) => faults.add(s)));
        }
        case 'DELETE /_emulator/faults':
          faults.clear();
          return { status: 204, body: '' };
        case 'GET /_emulator/settings':
          return jsonReply(200, currentSettings());
        case 'POST /_emulator/settings':
          applySettings(parseJson(req.body) as RuntimeSettings);
          return jsonReply(200, currentSettings());
        case 'GET /_emulator/state':
          return jsonReply(200, summary());
        default:
          return jsonReply(404, { error: `no emulator control endpoint ${route}` });
      }
    } catch (error) {
      return jsonReply(400, { error: error instanceof Error ? error.message : String(error) });
    }
  };

  const currentSettings = (): RuntimeSettings => ({
    ...state.settings,
    connectedAppBlockMessage: state.settings.connectedAppBlockMessage ?? null,
    isSandbox: state.org.isSandbox,
    liveDelayMs: store.settings.liveDelayMs,
    latencyMs: faults.latencyMs,
    webLoginUsername: state.webLoginUsername ?? null,
    userPermissions: Object.fromEntries(
      state.users.filter((u) => u.permissionOverrides).map((u) => [u.username, { ...u.permissionOverrides }])
    ),
  });

  const applySettings = (input: RuntimeSettings): void => {
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw new Error('settings must be a JSON object');
    for (const key of ['liveDelayMs', 'latencyMs'] as const) {
      if (input[key] !== undefined && (typeof input[key] !== 'number' || input[key] < 0)) {
        throw new Error(`${key} must be a non-negative number`);
      }
    }
    const flags = ['allowConnectedAppCreation', 'ecaSecretRestAccess', 'ecaMetadataSecretAccess', 'isDevHub'] as const;
    for (const key of [...flags, 'isSandbox'] as const) {
      if (input[key] !== undefined && typeof input[key] !== 'boolean') throw new Error(`${key} must be true or false`);
    }
    const blockMessage = input.connectedAppBlockMessage;
    if (blockMessage !== undefined && blockMessage !== null && (typeof blockMessage !== 'string' || blockMessage.trim() === '')) {
      throw new Error('connectedAppBlockMessage must be a non-empty string, or null for the default');
    }
    if (input.webLoginUsername && !state.userExists(input.webLoginUsername)) {
      throw new Error(`no user ${input.webLoginUsername}`);
    }
    const permissions = Object.entries(input.userPermissions ?? {});
    // Checked before anything changes: a bad request leaves the org as it was.
    for (const [username] of permissions) if (!state.userExists(username)) throw new Error(`no user ${username}`);
    for (const [username, perms] of permissions) state.setUserPermissions(username, perms);
    const patch: Partial<OrgSettings> = {};
    for (const key of flags) if (input[key] !== undefined) patch[key] = input[key];
    if (blockMessage !== undefined) patch.connectedAppBlockMessage = blockMessage ?? undefined;
    state.updateSettings(patch);
    if (input.isSandbox !== undefined) state.setSandbox(input.isSandbox);
    if (input.liveDelayMs !== undefined) store.settings.liveDelayMs = input.liveDelayMs;
    if (input.latencyMs !== undefined) faults.latencyMs = input.latencyMs;
    // eslint-disable-next-line no-param-reassign -- the org state is shared and mutable by design
    if (input.webLoginUsername !== undefined) state.webLoginUsername = input.webLoginUsername ?? undefined;
  };

  const summary = (): unknown => ({
    org: state.org,
    settings: currentSettings(),
    users: state.users.map(({ id, username, email, profileName, permissionSets, isActive }) => ({
      id,
      username,
      email,
      profileName,
      permissionSets,
      isActive,
    })),
    apps: store.allApps().map(({ app, id, createdDate, live }) => ({
      id,
      kind: app.kind,
      name: app.name,
      consumerKey: app.consumerKey,
      live,
      createdDate,
    })),
    sessions: state.sessions.size,
  });

  const route = async (req: EmulatorRequest): Promise<EmulatorReply> => {
    const ctx: OAuthContext = { state, instanceUrl };
    const { path, method } = req;
    if (path === '/services/oauth2/token') return handleToken(req, ctx);
    if (path === '/services/oauth2/authorize') return handleAuthorize(req, ctx, state.webLoginUsername);
    if (path === '/services/oauth2/userinfo') return handleUserinfo(req, ctx);
    if (path === '/services/oauth2/revoke') {
      const token = new URLSearchParams(req.body).get('token') ?? req.query.get('token') ?? '';
      state.invalidateSession(token);
      state.refreshTokens.delete(token);
      return { status: 200, body: '' };
    }
    const id = /^\/id\/([^/]+)\/([^/]+)\/?$/.exec(path);
    if (id) return handleIdentity(req, ctx, id[1], id[2]);
    if (path === '/services/data' || path.startsWith('/services/data/')) return handleRest(req, ctx);
    const soap = /^\/services\/Soap\/m\/(\d+\.\d+)(?:\/[^/]*)?\/?$/.exec(path);
    if (soap && method === 'POST') {
      const result = await options.soap(req.body, {
        store,
        sessionUser: (sessionId: string) => state.sessionUser(sessionId),
        ecaMetadataAccessGap: (user: EmulatedUser) => state.ecaMetadataAccessGap(user),
        instanceUrl,
        apiVersion: soap[1],
      });
      return { status: result.status, headers: { 'Content-Type': 'text/xml;charset=UTF-8' }, body: result.body, operation: result.operation };
    }
    if (path.startsWith('/services/')) return restErrorReply(404, 'NOT_FOUND', 'The requested resource does not exist');
    return { status: 404, headers: { 'Content-Type': 'text/html;charset=UTF-8' }, body: '<html><body>URL No Longer Exists</body></html>' };
  };

  const handle = async (raw: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const rawUrl = raw.url ?? '/';
    const q = rawUrl.indexOf('?');
    // jsforce sends //services/... when the stored instance URL ends with a slash (docs/salesforce-facts.md#f-cli-instance-url).
    const path = (q >= 0 ? rawUrl.slice(0, q) : rawUrl).replace(/\/{2,}/g, '/');
    const req: EmulatorRequest = {
      method: raw.method ?? 'GET',
      path,
      query: new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : ''),
      headers: raw.headers,
      body: await readBody(raw),
    };
    let reply: EmulatorReply;
    let operation: string | undefined;
    if (path.startsWith('/_emulator/')) {
      reply = control(req);
      send(res, reply);
      return; // control requests are neither logged nor faulted
    }
    const isSoap = path.startsWith('/services/Soap/');
    const isOAuth = path.startsWith('/services/oauth2/');
    operation = isSoap ? soapOperation(req.body) : path === '/services/oauth2/token' ? grantTypeOf(req) : undefined;
    const facts: RequestFacts = { method: req.method, path, isSoap, isOAuth, operation, grantType: isOAuth ? operation : undefined };
    try {
      const { delayMs, failure } = faults.take(facts);
      if (delayMs > 0) await sleep(delayMs);
      if (failure && failure.kind !== 'delay' && failure.afterHandling) await route(req);
      if (failure && failure.kind !== 'delay') {
        if (failure.kind === 'INVALID_SESSION_ID') {
          // Really end the session, so the client's refresh is needed and observable.
          const token = isSoap ? soapSessionId(req.body) : bearerToken(req.headers);
          if (token) state.invalidateSession(token);
        }
        const f = faultResponse(failure.kind, facts);
        reply = { status: f.status, headers: { 'Content-Type': f.contentType }, body: f.body };
      } else {
        reply = await route(req);
        operation = reply.operation ?? operation;
      }
    } catch (error) {
      reply = restErrorReply(500, 'UNKNOWN_EXCEPTION', `emulator error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
    send(res, reply);
    log.push({
      method: req.method,
      path,
      ...(operation ? { operation } : {}),
      status: reply.status,
      time: new Date(started).toISOString(),
      durationMs: Date.now() - started,
    });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': JSON_TYPE });
      res.end(JSON.stringify([{ message: String(error), errorCode: 'UNKNOWN_EXCEPTION' }]));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('emulator: no TCP address');
  instanceUrl = `http://127.0.0.1:${address.port}`;

  return {
    instanceUrl,
    faults,
    requests: () => log.map((e) => ({ ...e })),
    clearRequests: (): void => {
      log = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, reply: EmulatorReply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  if (reply.body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = JSON_TYPE;
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}
