/*
 * The org emulator: one emulated org (state.ts + the Metadata API store) served over HTTP on 127.0.0.1 (httpServer.ts),
 * with a bootstrap connected app seeded so `sf org login jwt` works at once, and an optional JSON state file.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateKeyAndCertificate } from '../../src/model/certificate.js';
import { MetadataStore } from './metadataStore.js';
import { handleMetadataSoap } from './soap.js';
import type { RequestLogEntry } from './types.js';
import { OrgState } from './state.js';
import type { FaultInjector } from './faults.js';
import { startOrgServer } from './httpServer.js';

export type { RuntimeSettings } from './httpServer.js';

export type EmulatorOptions = {
  port?: number;
  /** Added to every request, in ms. */
  latencyMs?: number;
  /** How long a deployed app takes to become usable for OAuth, in ms (real orgs: minutes). */
  liveDelayMs?: number;
  /** JSON file the org is loaded from (when it exists) and saved to on stop(). */
  stateFile?: string;
  /** Where the bootstrap private key is written; default: a new temp directory. */
  dataDir?: string;
  /** Override the org setting (default false: Spring '26 orgs refuse new connected apps). */
  allowConnectedAppCreation?: boolean;
  /**
   * Make the org a sandbox (default: production). It answers IsSandbox true and accepts the JWT audience
   * https://test.salesforce.com instead of https://login.salesforce.com (docs/salesforce-facts.md#f-jwt-audience).
   */
  sandbox?: boolean;
  /** Wording of the connected app creation refusal (docs/salesforce-facts.md#f-ca-creation-block); default: the store's. */
  connectedAppBlockMessage?: string;
};

export type Emulator = {
  /** http://127.0.0.1:<port>, no trailing slash. */
  instanceUrl: string;
  username: string;
  clientId: string;
  jwtKeyFile: string;
  orgId: string;
  userId: string;
  state: OrgState<MetadataStore>;
  store: MetadataStore;
  faults: FaultInjector;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  /** Writes the state file now (stop() does too). */
  save(): Promise<void>;
  stop(): Promise<void>;
};

const BOOTSTRAP_APP = 'Emulator_Bootstrap';

function randomConsumerKey(): string {
  // Real consumer keys start with 3MVG9 and are 85 characters of base64-ish text.
  return `3MVG9${randomBytes(60).toString('base64url').replace(/-/g, '.').slice(0, 80)}`;
}

function randomConsumerSecret(): string {
  // Real secrets are 64 hex digits, upper case.
  return randomBytes(32).toString('hex').toUpperCase();
}

function bootstrapContent(state: OrgState<MetadataStore>, consumerKey: string, secret: string, certificatePem: string): Record<string, unknown> {
  return {
    contactEmail: state.adminUser.email,
    description: 'Seeded by the org emulator so sf org login jwt works at once.',
    label: 'Emulator Bootstrap',
    oauthConfig: {
      callbackUrl: 'http://localhost:1717/OauthRedirect',
      certificate: certificatePem,
      consumerKey,
      consumerSecret: secret,
      isAdminApproved: true,
      // Optional secret: `sf org login web --client-id` prompts for one and an empty answer must work.
      isConsumerSecretOptional: true,
      scopes: ['Api', 'Web', 'RefreshToken'],
    },
    oauthPolicy: { ipRelaxation: 'ENFORCE', refreshTokenPolicy: 'infinite' },
    profileName: ['System Administrator'],
  };
}

async function loadOrCreateState(options: EmulatorOptions): Promise<OrgState<MetadataStore>> {
  const storeSettings = { liveDelayMs: options.liveDelayMs ?? 0, allowConnectedAppCreation: false };
  if (options.stateFile && existsSync(options.stateFile)) {
    const json: unknown = JSON.parse(await readFile(options.stateFile, 'utf8'));
    const state = OrgState.fromJSON<MetadataStore>(json, (storeJson, directory) =>
      MetadataStore.fromJSON(storeJson, directory, storeSettings)
    );
    if (!state.hasStore) state.attachStore(new MetadataStore(state, storeSettings));
    return state;
  }
  const state = new OrgState<MetadataStore>({
    settings: { allowConnectedAppCreation: options.allowConnectedAppCreation ?? false },
    isSandbox: options.sandbox ?? false,
  });
  state.attachStore(new MetadataStore(state, storeSettings));
  return state;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = await loadOrCreateState(options);
  const store = state.store;
  store.settings.liveDelayMs = options.liveDelayMs ?? store.settings.liveDelayMs;
  if (options.allowConnectedAppCreation !== undefined) {
    state.updateSettings({ allowConnectedAppCreation: options.allowConnectedAppCreation });
  }
  if (options.connectedAppBlockMessage !== undefined) state.updateSettings({ connectedAppBlockMessage: options.connectedAppBlockMessage });
  if (options.sandbox !== undefined) state.setSandbox(options.sandbox);

  if (!state.bootstrap) {
    const key = generateKeyAndCertificate({ commonName: 'org-emulator-bootstrap', days: 365 });
    const clientId = randomConsumerKey();
    store.seed('ConnectedApp', BOOTSTRAP_APP, bootstrapContent(state, clientId, randomConsumerSecret(), key.certificatePem), {
      live: true,
    });
    state.bootstrap = { clientId, appName: BOOTSTRAP_APP, privateKeyPem: key.privateKeyPem };
  }
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'sf-org-emulator-')));
  await mkdir(dataDir, { recursive: true });
  const jwtKeyFile = join(dataDir, 'bootstrap.key');
  await writeFile(jwtKeyFile, state.bootstrap.privateKeyPem, { mode: 0o600 });
  await chmod(jwtKeyFile, 0o600);

  const http = await startOrgServer(state, { port: options.port, latencyMs: options.latencyMs, soap: handleMetadataSoap });

  const save = async (): Promise<void> => {
    if (!options.stateFile) return;
    await mkdir(dirname(options.stateFile), { recursive: true });
    const tmp = `${options.stateFile}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(state.toJSON(), null, 2));
    await rename(tmp, options.stateFile);
  };

  const bootstrapUser = state.adminUser;
  return {
    instanceUrl: http.instanceUrl,
    username: bootstrapUser.username,
    clientId: state.bootstrap.clientId,
    jwtKeyFile,
    orgId: state.org.id,
    userId: bootstrapUser.id,
    state,
    store,
    faults: http.faults,
    requests: () => http.requests(),
    clearRequests: () => http.clearRequests(),
    save,
    stop: async (): Promise<void> => {
      await http.close();
      await save();
    },
  };
}
