/* eslint-disable camelcase -- OAuth wire format (grant_type, access_token, ...) is snake_case */
/*
 * Test helpers for the emulator's HTTP side: a stand-in app store with MetadataStore's shape (so OAuth, REST and
 * fault tests do not depend on the Metadata API side), JWT signing, and small fetch wrappers.
 */
import { createSign } from 'node:crypto';
import { generateKeyAndCertificate } from '../../src/model/certificate.js';
import type { EmulatedOAuthApp, LiveAppLookup } from './types.js';
import type { AppStore, AppSummary, StoreSettingsLike } from './state.js';
import { OrgState, toId18 } from './state.js';
import { OrgServer, SoapHandler, startOrgServer } from './httpServer.js';

type Entry = { app: EmulatedOAuthApp; id: string; createdAt: number; liveAt: number; content: Record<string, unknown> };

export class StandInStore implements AppStore {
  public readonly entries = new Map<string, Entry>();
  private counter = 0;

  public constructor(public settings: StoreSettingsLike, private readonly now: () => number = Date.now) {}

  /** Deploys an app as if through the Metadata API: live after settings.liveDelayMs unless told otherwise. */
  public addApp(app: EmulatedOAuthApp, options: { live?: boolean; label?: string } = {}): string {
    this.counter += 1;
    const prefix = app.kind === 'ConnectedApp' ? '0H4' : '0xI';
    const id = toId18(`${prefix}5g0${String(this.counter).padStart(9, '0')}`);
    const now = this.now();
    this.entries.set(app.consumerKey, {
      app,
      id,
      createdAt: now,
      liveAt: options.live ? now : now + this.settings.liveDelayMs,
      content: { fullName: app.name, label: options.label ?? app.name },
    });
    return id;
  }

  public lookupApp(consumerKey: string): LiveAppLookup {
    const e = this.entries.get(consumerKey);
    if (!e) return { state: 'unknown' };
    return this.now() >= e.liveAt ? { state: 'live', app: e.app } : { state: 'pending', app: e.app, liveAt: e.liveAt };
  }

  public allApps(): AppSummary[] {
    return [...this.entries.values()].map((e) => ({
      app: e.app,
      id: e.id,
      createdDate: new Date(e.createdAt).toISOString(),
      lastModifiedDate: new Date(e.createdAt).toISOString(),
      live: this.now() >= e.liveAt,
    }));
  }

  public read(type: string, fullName: string): Record<string, unknown> | undefined {
    const kind = type === 'ConnectedApp' ? 'ConnectedApp' : 'ExternalClientApplication';
    return [...this.entries.values()].find((e) => e.app.kind === kind && e.app.name === fullName)?.content;
  }

  public seed(): void {
    throw new Error('the stand-in store is filled with addApp');
  }

  public toJSON(): unknown {
    return { apps: [...this.entries.values()] };
  }
}

export function makeApp(overrides: Partial<EmulatedOAuthApp> & { consumerKey: string }): EmulatedOAuthApp {
  return {
    kind: 'ConnectedApp',
    name: 'Test_App',
    callbackUrls: ['http://localhost:1717/OauthRedirect'],
    scopes: ['Api', 'Web', 'RefreshToken'],
    permittedUsers: 'AdminApprovedPreAuthorized',
    profiles: ['System Administrator'],
    permissionSets: [],
    isConsumerSecretOptional: false,
    isSecretRequiredForRefreshToken: true,
    isPkceRequired: false,
    enabled: true,
    ...overrides,
  };
}

export function signJwt(privateKeyPem: string, claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }): string {
  const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${enc(header)}.${enc(claims)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(privateKeyPem).toString('base64url');
  return `${input}.${signature}`;
}

const unusedSoap: SoapHandler<StandInStore> = () => Promise.resolve({ status: 500, body: 'no SOAP in this test', operation: 'none' });

export type TestOrg = {
  state: OrgState<StandInStore>;
  store: StandInStore;
  server: OrgServer;
  url: string;
  /** A key pair whose certificate the main test app carries. */
  key: { privateKeyPem: string; certificatePem: string };
  app: EmulatedOAuthApp;
  clock: { now: number };
};

let sharedKey: { privateKeyPem: string; certificatePem: string } | undefined;

/** Key generation is the slow part; one key serves every test. */
export function testKey(): { privateKeyPem: string; certificatePem: string } {
  sharedKey ??= generateKeyAndCertificate({ commonName: 'emulator-test', days: 30 });
  return sharedKey;
}

/** Starts an org with the stand-in store, a controllable clock and one live JWT-enabled connected app. */
export async function startTestOrg(soap: SoapHandler<StandInStore> = unusedSoap): Promise<TestOrg> {
  const clock = { now: Date.now() };
  const now = (): number => clock.now;
  const state = new OrgState<StandInStore>({ now });
  const store = new StandInStore({ liveDelayMs: 0, allowConnectedAppCreation: false }, now);
  state.attachStore(store);
  const key = testKey();
  const app = makeApp({ consumerKey: '3MVG9TestKey', consumerSecret: 'SECRET1', certificatePem: key.certificatePem });
  store.addApp(app, { live: true, label: 'Test App' });
  const server = await startOrgServer(state, { port: 0, soap });
  return { state, store, server, url: server.instanceUrl, key, app, clock };
}

export async function postForm(url: string, form: Record<string, string>): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

export async function getJson(url: string, token?: string): Promise<{ status: number; json: any; contentType: string | null }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json, contentType: res.headers.get('content-type') };
}

export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A JWT login as the CLI does it: exp in milliseconds, aud = login URL with a trailing slash. */
export async function jwtLogin(
  org: TestOrg,
  overrides: Record<string, unknown> = {},
  privateKeyPem = org.key.privateKeyPem
): Promise<{ status: number; json: any }> {
  const claims = { iss: org.app.consumerKey, sub: org.state.adminUser.username, aud: `${org.url}/`, exp: Date.now() + 300, iat: Math.floor(Date.now() / 1000), ...overrides };
  return postForm(`${org.url}/services/oauth2/token`, { grant_type: JWT_GRANT, assertion: signJwt(privateKeyPem, claims) });
}
