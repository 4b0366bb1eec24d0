/*
 * Test support for the inventory, removal and command tests: an in-process emulator org, a real @salesforce/core
 * Connection to it (JWT login with the emulator's bootstrap app, auth saved in a temp HOME so commands can use
 * --target-org), and helpers that put apps into the org through the Metadata API as the create commands do.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthInfo, Connection, ConfigAggregator, StateAggregator } from '@salesforce/core';
import { startEmulator, type Emulator } from '../emulator/server.js';
import type { MetadataComponent, OAuthAppDefinition } from '../../src/model/appModel.js';
import { buildConnectedApp } from '../../src/metadata/connectedApp.js';
import { buildExternalClientApp } from '../../src/metadata/externalClientApp.js';
import { buildDeployZip, createWithCrud } from '../../src/org/deploy.js';
import { generateKeyAndCertificate } from '../../src/model/certificate.js';

export type EmulatorOrg = {
  emulator: Emulator;
  conn: Connection;
  home: string;
  /** Restores HOME and stops the emulator. */
  close(): Promise<void>;
};

const ENV_KEYS = ['HOME', 'SF_USE_GENERIC_UNIX_KEYCHAIN', 'SF_DISABLE_DNS_CHECK', 'SF_DISABLE_TELEMETRY'] as const;

/** A new sfdx project folder (a force-app package directory, the default) in `parent`, named from `prefix`. */
export async function makeTestProject(parent: string, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(parent, prefix));
  await mkdir(join(dir, 'force-app'), { recursive: true });
  await writeFile(join(dir, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }));
  return dir;
}

export async function startEmulatorOrg(): Promise<EmulatorOrg> {
  const saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));
  const home = await mkdtemp(join(tmpdir(), 'oauth-apps-inventory-'));
  process.env.HOME = home;
  process.env.SF_USE_GENERIC_UNIX_KEYCHAIN = 'true';
  process.env.SF_DISABLE_DNS_CHECK = 'true';
  process.env.SF_DISABLE_TELEMETRY = 'true';
  // Singletons cache the previous HOME's files.
  StateAggregator.clearInstance();
  await ConfigAggregator.clearInstance();
  const emulator = await startEmulator({ port: 0, allowConnectedAppCreation: true, dataDir: home });
  const authInfo = await AuthInfo.create({
    username: emulator.username,
    oauth2Options: { clientId: emulator.clientId, privateKeyFile: emulator.jwtKeyFile, loginUrl: emulator.instanceUrl },
  });
  await authInfo.save();
  const conn = await Connection.create({ authInfo });
  return {
    emulator,
    conn,
    home,
    async close(): Promise<void> {
      await emulator.stop();
      for (const key of ENV_KEYS) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      StateAggregator.clearInstance();
      await ConfigAggregator.clearInstance();
      await rm(home, { recursive: true, force: true });
    },
  };
}

let sharedCertificate: string | undefined;
/** One certificate for every test app: making RSA keys is the slow part. */
export function testCertificate(): string {
  // LF line ends: forge writes CRLF, which metadataXml encodes as &#13; and the emulator's zip parser does not decode yet.
  sharedCertificate ??= generateKeyAndCertificate({ commonName: 'inventory-test', days: 30 }).certificatePem.replace(/\r\n/g, '\n');
  return sharedCertificate;
}

/** A definition like the create commands make, for a JWT app unless told otherwise. */
export function definition(name: string, overrides: Partial<OAuthAppDefinition> = {}): OAuthAppDefinition {
  return {
    name,
    label: name.replace(/_/g, ' '),
    contactEmail: 'admin@example.com',
    callbackUrls: ['http://localhost:1717/OauthRedirect'],
    scopes: ['Api', 'Web', 'RefreshToken'],
    certificate: testCertificate(),
    consumerKey: `Key${name.replace(/_/g, '')}${Math.random().toString(36).slice(2, 12)}`,
    permittedUsers: 'AdminApprovedPreAuthorized',
    profiles: ['System Administrator'],
    permissionSets: [],
    refreshTokenPolicy: { type: 'specificLifetime', value: 90, unit: 'days' },
    sessionTimeoutMinutes: 15,
    ipRelaxation: 'ENFORCE',
    flows: {
      deviceFlow: false,
      codeCredential: false,
      codeCredentialPostOnly: false,
      requireSecretForWebServer: false,
      requireSecretForRefreshToken: false,
      requireSecretForTokenExchange: false,
      pkceRequired: false,
      refreshTokenRotation: false,
      tokenExchange: false,
      introspectAllTokens: false,
      namedUserJwt: false,
    },
    ...overrides,
  };
}

/** Creates a connected app the way sf connected-app create does (createMetadata). */
export async function createConnectedApp(conn: Connection, def: OAuthAppDefinition): Promise<void> {
  const outcome = await createWithCrud(conn, [buildConnectedApp(def)]);
  if (!outcome.success) throw new Error(`seeding ${def.name} failed: ${JSON.stringify(outcome.problems)}`);
}

/** Creates an External Client App the way sf external-client-app create does (one zip deploy). */
export async function createExternalClientApp(conn: Connection, def: OAuthAppDefinition): Promise<void> {
  await deployComponents(conn, buildExternalClientApp(def));
}

/**
 * Deploys components as one zip and waits. Not metadataDeploy.deployZip: that asks for the deploy id with
 * checkStatus, an operation the Metadata API no longer has (the emulator answers it as real orgs do).
 */
export async function deployComponents(conn: Connection, components: MetadataComponent[]): Promise<void> {
  const zip = await buildDeployZip(components, conn.getApiVersion());
  const started = (await conn.metadata.deploy(zip, { rollbackOnError: true, singlePackage: true })) as unknown as { id: string };
  for (let i = 0; i < 300; i++) {
    // eslint-disable-next-line no-await-in-loop
    const status = (await conn.metadata.checkDeployStatus(started.id, true)) as unknown as {
      done: boolean | string;
      success: boolean | string;
      details?: unknown;
    };
    if (String(status.done) === 'true') {
      if (String(status.success) !== 'true') throw new Error(`deploy failed: ${JSON.stringify(status.details)}`);
      return;
    }
    // eslint-disable-next-line no-await-in-loop
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('deploy did not finish');
}

/** Metadata API operations the emulator saw since the last clearRequests(), in order. */
export function soapOperations(emulator: Emulator): string[] {
  return emulator
    .requests()
    .filter((entry) => entry.path.startsWith('/services/Soap/m/'))
    .map((entry) => entry.operation ?? '?');
}
