/*
 * Replacing an app's JWT certificate, for either kind: a new key and certificate (made here, or the user's), the
 * app's certificate element changed through the same update path as `update` (everything else kept), the old key
 * file set aside under a dated name (never deleted: it is the way back until the new key is known to work), and
 * optionally a JWT login with the new key to show it does. External Client Apps can rotate their consumer key and
 * secret in the same deploy (shouldRotateConsumerKey/Secret, deployed with ignoreWarnings).
 */
import { access, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Messages, type Org } from '@salesforce/core';
import { Flags, type SfCommand } from '@salesforce/sf-plugins-core';
import type { AppKind } from '../model/appModel.js';
import { appNotFoundError, certificateExpiry, readApp } from '../org/inventory.js';
import { executeUpdate, planFromRecord, type AppUpdateResult, type UpdateContext } from './update/appUpdate.js';
import { generateKeyAndCertificate, parseCertificatePem } from '../files/certificate.js';
import {
  CERTIFICATE_FILE_NAME,
  DEFAULT_KEY_FOLDER,
  KEY_FILE_NAME,
  planKeyFiles,
  readCertificateFile,
  writeKeyFiles,
} from '../files/keyFiles.js';
import { LoginChainError, loginWithJwt, type LoginResult } from '../login/loginChain.js';
import { resolveProjectContext } from '../files/project.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');

export type RotateCertificateFlags = {
  name: string;
  /** The user's new certificate (PEM); the plugin then makes no key. */
  certificateFile?: string;
  /** Where the private key lives: the new one is written there (the old one set aside), or it is the user's key. */
  jwtKeyFile?: string;
  outputDir?: string;
  certificateDays: number;
  rotateConsumerKey?: boolean;
  rotateConsumerSecret?: boolean;
  login?: boolean;
  username?: string;
  instanceUrl?: string;
  waitMinutes: number;
};

export type RotateCertificateContext = UpdateContext & {
  orgUsername: string;
  orgInstanceUrl: string;
  /** For tests: the login retry's first delay. */
  loginFirstDelayMs?: number;
  onWait?: (message: string) => void;
};

export type CertificateSummary = { expires?: string; fingerprint?: string };

export type RotateCertificateResult = {
  kind: AppKind;
  name: string;
  consumerKey?: string;
  consumerKeyRotated: boolean;
  consumerSecretRotated: boolean;
  previousCertificate?: CertificateSummary;
  certificate: CertificateSummary;
  privateKeyPath?: string;
  certificatePath?: string;
  /** Where the old key and certificate files were moved (kept until the new key is known to work). */
  previousPrivateKeyPath?: string;
  previousCertificatePath?: string;
  update: AppUpdateResult;
  login?: LoginResult;
  /** The sf command that logs in with the new key. */
  loginCommand?: string;
  warnings: string[];
};

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false
  );

function summarize(pem: string | undefined): CertificateSummary | undefined {
  if (!pem) return undefined;
  try {
    const text = pem.includes('-----BEGIN') ? pem : `-----BEGIN CERTIFICATE-----\n${pem}\n-----END CERTIFICATE-----\n`;
    const { info } = parseCertificatePem(text);
    return { expires: info.notAfter.toISOString(), fingerprint: info.fingerprint256 };
  } catch {
    return { expires: certificateExpiry(pem) };
  }
}

/** `server.key` -> `server.old-20250131T120000Z.key`: the extension stays, so `*.key` ignore rules still cover it. */
export function setAsideName(path: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}.old-${stamp}${ext}`);
}

/** The paths create would have used for the app's key and certificate (planKeyFiles' rules). */
function keyPaths(flags: RotateCertificateFlags, base: string, cwd: string): { privateKeyPath: string; certificatePath: string } {
  const folder = flags.outputDir ? resolve(cwd, flags.outputDir) : join(resolve(base), DEFAULT_KEY_FOLDER, flags.name);
  const privateKeyPath = flags.jwtKeyFile ? resolve(cwd, flags.jwtKeyFile) : join(folder, KEY_FILE_NAME);
  const certificatePath =
    flags.jwtKeyFile && !flags.outputDir
      ? join(dirname(privateKeyPath), `${basename(privateKeyPath, extname(privateKeyPath))}.crt`)
      : join(folder, CERTIFICATE_FILE_NAME);
  return { privateKeyPath, certificatePath };
}

type KeyMaterial = {
  certificatePem: string;
  privateKeyPath?: string;
  certificatePath?: string;
  /** Old path -> where it went. */
  setAside: Map<string, string>;
  written: string[];
  warnings: string[];
};

async function prepareKeyMaterial(flags: RotateCertificateFlags, cwd: string): Promise<KeyMaterial> {
  if (flags.certificateFile) {
    const file = await readCertificateFile(flags.certificateFile);
    return {
      certificatePem: file.pem,
      privateKeyPath: flags.jwtKeyFile ? resolve(cwd, flags.jwtKeyFile) : undefined,
      certificatePath: resolve(cwd, flags.certificateFile),
      setAside: new Map(),
      written: [],
      warnings: file.warnings,
    };
  }
  const project = await resolveProjectContext(cwd);
  const paths = keyPaths(flags, project.projectRoot ?? cwd, cwd);
  const setAside = new Map<string, string>();
  const now = new Date();
  for (const path of [paths.privateKeyPath, paths.certificatePath]) {
    // eslint-disable-next-line no-await-in-loop
    if (await exists(path)) setAside.set(path, setAsideName(path, now));
  }
  // Checked before anything moves: a key inside a package directory would be refused after the old one was moved.
  const generated = generateKeyAndCertificate({ commonName: flags.name, days: flags.certificateDays });
  for (const [from, to] of setAside) {
    // eslint-disable-next-line no-await-in-loop
    await rename(from, to);
  }
  try {
    const plan = await planKeyFiles({
      appName: flags.name,
      outputDir: flags.outputDir,
      privateKeyPath: flags.jwtKeyFile,
      projectRoot: project.projectRoot,
      packageDirectories: project.packageDirectories,
      cwd,
    });
    await writeKeyFiles(plan, generated);
    return {
      certificatePem: generated.certificatePem,
      privateKeyPath: plan.privateKeyPath,
      certificatePath: plan.certificatePath,
      setAside,
      written: [plan.privateKeyPath, plan.certificatePath],
      warnings: plan.warnings,
    };
  } catch (error) {
    await restore({ setAside, written: [] });
    throw error;
  }
}

/** Undo: the new files go, the old ones come back under their names. */
async function restore(material: Pick<KeyMaterial, 'setAside' | 'written'>): Promise<void> {
  await Promise.all(material.written.map((path) => rm(path, { force: true })));
  for (const [original, moved] of material.setAside) {
    // eslint-disable-next-line no-await-in-loop
    await rename(moved, original).catch(() => {});
  }
}

export async function rotateCertificate(
  flags: RotateCertificateFlags,
  context: RotateCertificateContext
): Promise<RotateCertificateResult> {
  if (flags.login && flags.certificateFile && !flags.jwtKeyFile) throw messages.createError('error.NoKeyForLogin');
  if (context.kind === 'ConnectedApp' && (Boolean(flags.rotateConsumerKey) || Boolean(flags.rotateConsumerSecret))) {
    throw messages.createError('error.ConnectedAppRotation');
  }
  const record = await readApp(context.conn, context.kind, flags.name, { counter: context.counter, warn: context.warn });
  if (!record) throw appNotFoundError(context.kind, flags.name);

  const material = await prepareKeyMaterial(flags, context.cwd);
  let update: AppUpdateResult;
  try {
    const plan = planFromRecord(
      record,
      { ...record.definition, certificate: material.certificatePem },
      { rotateConsumerKey: flags.rotateConsumerKey, rotateConsumerSecret: flags.rotateConsumerSecret }
    );
    update = await executeUpdate(plan, context);
  } catch (error) {
    // The org still has the old certificate: the old key must stay where it was.
    await restore(material);
    throw error;
  }

  const loginUrl = flags.instanceUrl ?? context.orgInstanceUrl;
  const username = flags.username ?? context.orgUsername;
  const consumerKey = update.consumerKey ?? record.consumerKey;
  const loginCommand =
    material.privateKeyPath && consumerKey
      ? `sf org login jwt --client-id ${consumerKey} --jwt-key-file ${material.privateKeyPath} --username ${username} --instance-url ${loginUrl}`
      : undefined;
  const result: RotateCertificateResult = {
    kind: context.kind,
    name: flags.name,
    consumerKey,
    consumerKeyRotated: Boolean(flags.rotateConsumerKey),
    consumerSecretRotated: Boolean(flags.rotateConsumerSecret),
    previousCertificate: summarize(record.definition.certificate),
    certificate: summarize(material.certificatePem) ?? {},
    privateKeyPath: material.privateKeyPath,
    certificatePath: material.certificatePath,
    previousPrivateKeyPath: [...material.setAside.entries()].find(([from]) => from === material.privateKeyPath)?.[1],
    previousCertificatePath: [...material.setAside.entries()].find(([from]) => from === material.certificatePath)?.[1],
    update,
    loginCommand,
    warnings: [...material.warnings, ...update.warnings],
  };
  if (flags.login && material.privateKeyPath && consumerKey) {
    result.login = await loginWithNewKey(flags, context, { consumerKey, privateKeyFile: material.privateKeyPath, username, loginUrl, loginCommand });
  }
  return result;
}

async function loginWithNewKey(
  flags: RotateCertificateFlags,
  context: RotateCertificateContext,
  login: { consumerKey: string; privateKeyFile: string; username: string; loginUrl: string; loginCommand?: string }
): Promise<LoginResult> {
  const deadline = Date.now() + flags.waitMinutes * 60_000;
  let delay = context.loginFirstDelayMs ?? 2000;
  for (;;) {
    try {
      // eslint-disable-next-line no-await-in-loop
      return await loginWithJwt({
        clientId: login.consumerKey,
        privateKeyFile: login.privateKeyFile,
        username: login.username,
        loginUrl: login.loginUrl,
        waitMs: Math.max(0, deadline - Date.now()),
        // The user logged in with the app before: only propagation can be late.
        preAuthorized: true,
        firstDelayMs: context.loginFirstDelayMs,
      });
    } catch (error) {
      if (!(error instanceof LoginChainError)) throw error;
      // Until the org uses the new certificate, the new key's signature is "invalid": worth waiting for here.
      const late = error.classified.cause === 'badSignature' || error.classified.kind === 'transient';
      if (!late || Date.now() + delay > deadline) {
        throw messages.createError('error.RotatedLoginFailed', [error.classified.message], [login.loginCommand ?? '']);
      }
      context.onWait?.(messages.getMessage('info.waitingForCertificate', [Math.round(delay / 1000)]));
      // eslint-disable-next-line no-await-in-loop
      await new Promise((done) => setTimeout(done, delay));
      delay = Math.min(30_000, Math.round(delay * 1.6));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What the rotate-certificate commands of both kinds do with their flags.

/** Flags of both rotate-certificate commands; External Client Apps add the consumer key/secret switches. */
// The return type is what oclif infers from the builders; spelling it out would only repeat them.
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function rotateCertificateFlags() {
  return {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), required: true }),
    'certificate-file': Flags.file({ summary: messages.getMessage('flags.certificate-file.summary'), exists: true }),
    'jwt-key-file': Flags.file({ summary: messages.getMessage('flags.jwt-key-file.summary') }),
    'output-dir': Flags.directory({ summary: messages.getMessage('flags.output-dir.summary') }),
    'certificate-days': Flags.integer({
      summary: messages.getMessage('flags.certificate-days.summary'),
      min: 1,
      max: 3650,
      default: 365,
    }),
    login: Flags.boolean({ summary: messages.getMessage('flags.login.summary') }),
    username: Flags.string({ summary: messages.getMessage('flags.username.summary'), dependsOn: ['login'] }),
    'instance-url': Flags.url({ summary: messages.getMessage('flags.instance-url.summary'), dependsOn: ['login'] }),
    wait: Flags.duration({
      char: 'w',
      unit: 'minutes',
      min: 0,
      defaultValue: 10,
      summary: messages.getMessage('flags.wait.summary'),
    }),
  };
}

/** The consumer key/secret switches (External Client Apps only: a connected app's cannot be rotated by metadata). */
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function consumerRotationFlags() {
  return {
    'rotate-consumer-key': Flags.boolean({ summary: messages.getMessage('flags.rotate-consumer-key.summary') }),
    'rotate-consumer-secret': Flags.boolean({ summary: messages.getMessage('flags.rotate-consumer-secret.summary') }),
  };
}

export type ParsedRotateFlags = {
  'target-org': Org;
  'api-version'?: string;
  name: string;
  'certificate-file'?: string;
  'jwt-key-file'?: string;
  'output-dir'?: string;
  'certificate-days': number;
  login?: boolean;
  username?: string;
  'instance-url'?: URL;
  wait: { minutes: number };
  'rotate-consumer-key'?: boolean;
  'rotate-consumer-secret'?: boolean;
};

export type RotateCommandOutput = Pick<SfCommand<unknown>, 'log' | 'warn' | 'styledHeader' | 'styledObject' | 'logSuccess'>;

export async function runRotateCertificate(
  command: RotateCommandOutput,
  kind: AppKind,
  flags: ParsedRotateFlags
): Promise<RotateCertificateResult> {
  const org = flags['target-org'];
  const conn = org.getConnection(flags['api-version']);
  const result = await rotateCertificate(
    {
      name: flags.name,
      certificateFile: flags['certificate-file'],
      jwtKeyFile: flags['jwt-key-file'],
      outputDir: flags['output-dir'],
      certificateDays: flags['certificate-days'],
      rotateConsumerKey: flags['rotate-consumer-key'],
      rotateConsumerSecret: flags['rotate-consumer-secret'],
      login: flags.login,
      username: flags.username,
      instanceUrl: flags['instance-url']?.href.replace(/\/$/, ''),
      waitMinutes: flags.wait.minutes,
    },
    {
      conn,
      kind,
      apiVersion: conn.getApiVersion(),
      cwd: process.cwd(),
      orgUsername: org.getUsername() ?? '',
      orgInstanceUrl: conn.instanceUrl.replace(/\/$/, ''),
      warn: (m) => command.warn(m),
      onWait: (m) => command.log(m),
    }
  );
  result.warnings.forEach((warning) => command.warn(warning));
  command.styledHeader(messages.getMessage('info.rotated', [flags.name]));
  command.styledObject({
    [messages.getMessage('label.previousCertificate')]: result.previousCertificate?.expires ?? '-',
    [messages.getMessage('label.certificate')]: result.certificate.expires ?? '-',
    [messages.getMessage('label.privateKey')]: result.privateKeyPath ?? '-',
    [messages.getMessage('label.previousPrivateKey')]: result.previousPrivateKeyPath ?? '-',
    [messages.getMessage('label.consumerKey')]: `${result.consumerKey ?? '-'}${result.consumerKeyRotated ? ' (new)' : ''}`,
  });
  if (result.login) {
    command.logSuccess(messages.getMessage('info.newKeyWorks', [result.login.username]));
  } else if (result.loginCommand) {
    command.log(messages.getMessage('info.tryNewKey'));
    command.log(`  ${result.loginCommand}`);
  }
  if (result.previousPrivateKeyPath) command.log(messages.getMessage('info.oldKeyKept', [result.previousPrivateKeyPath]));
  return result;
}
