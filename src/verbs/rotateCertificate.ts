/*
 * Replacing an app's JWT certificate, for either kind: a new key and certificate (made here, or the user's), the
 * app's certificate element changed through the same update path as `update` (everything else kept), the old key
 * file set aside under a dated name (never deleted: it is the way back until the new key is known to work), and
 * optionally a JWT login with the new key to show it does. External Client Apps can rotate their consumer key and
 * secret in the same deploy (shouldRotateConsumerKey/Secret, deployed with ignoreWarnings).
 */
import { access, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import type { AppKind } from '../model/appModel.js';
import { appNotFoundError, readApp } from '../org/inventory.js';
import { appKindInfo } from '../metadata/appKinds.js';
import { generateKeyAndCertificate, summarizeCertificate, type CertificateSummary } from '../model/certificate.js';
import { certificateDue, certificateExpiryOf } from '../model/certificateExpiry.js';
import { keyFilePaths, planKeyFiles, readCertificateFile, writeKeyFiles, type CertificateFile } from '../files/keyFiles.js';
import { LoginChainError, loginWithJwt, type LoginResult } from '../login/loginChain.js';
import { resolveProjectContext } from '../files/project.js';
import { checkKeyMatchesCertificate } from '../files/privateKeyFile.js';
import { describeLoginCause, propagationMs, waitTokens } from './loginFailure.js';
import type { AppUpdateResult, UpdateContext } from './update/types.js';
import { planFromRecord } from './update/plan.js';
import { executeUpdate } from './update/execute.js';
import { withUpdateLock } from './update/lock.js';

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
  /**
   * Rotate only when the app's certificate expires within this many days (or it has none): a scheduled pipeline can
   * run the command daily. Undefined: always rotate.
   */
  ifExpiringWithin?: number;
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
  /** For tests: the time between a refused login attempt and the next (default: the login chain's 2 s). */
  loginIntervalMs?: number;
  /** For tests: how long to wait for the app's update lock (default: update/lock.ts's). */
  lockWaitMs?: number;
  onWait?: (message: string) => void;
};

export type { CertificateSummary };

/** What the command returns: the rotation, or (with --if-expiring-within) that the certificate was not due. */
export type RotateCertificateResult = CertificateRotated | CertificateNotDue;

/** The certificate expires later than --if-expiring-within days from now: nothing was written or sent. */
export type CertificateNotDue = {
  kind: AppKind;
  name: string;
  rotated: false;
  /** When the app's certificate expires (ISO 8601). */
  certificateExpires: string;
  /** Whole days left until then. */
  certificateDaysLeft: number;
  ifExpiringWithin: number;
};

export type CertificateRotated = {
  kind: AppKind;
  name: string;
  rotated: true;
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

/** `server.key` -> `server.old-20250131T120000Z.key`: the extension stays, so `*.key` ignore rules still cover it. */
export function setAsideName(path: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}.old-${stamp}${ext}`);
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

/** The user's certificate, and their key checked against it: read before the first request. */
async function readUserCertificate(flags: RotateCertificateFlags, cwd: string): Promise<CertificateFile | undefined> {
  if (!flags.certificateFile) return undefined;
  const file = await readCertificateFile(flags.certificateFile);
  // The user's key must be this certificate's: otherwise the org would get a certificate no reported key can use.
  if (flags.jwtKeyFile) await checkKeyMatchesCertificate(resolve(cwd, flags.jwtKeyFile), file.pem, flags.certificateFile);
  return file;
}

async function prepareKeyMaterial(flags: RotateCertificateFlags, cwd: string, file: CertificateFile | undefined): Promise<KeyMaterial> {
  if (flags.certificateFile && file) {
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
  const paths = keyFilePaths({
    appName: flags.name,
    base: project.projectRoot ?? cwd,
    outputDir: flags.outputDir,
    privateKeyPath: flags.jwtKeyFile,
    cwd,
  });
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
  if (!appKindInfo(context.kind).consumerRotation && (Boolean(flags.rotateConsumerKey) || Boolean(flags.rotateConsumerSecret))) {
    throw messages.createError('error.ConnectedAppRotation');
  }
  const userCertificate = await readUserCertificate(flags, context.cwd);
  // One change of an app at a time from this project (update/lock.ts): the app is read, the key files moved and the
  // certificate written under the lock; the login with the new key, which may wait minutes, after it.
  const rotated = await withUpdateLock({ ...context, dryRun: false }, flags.name, async () => {
    const record = await readApp(context.conn, context.kind, flags.name, { counter: context.counter, warn: context.warn });
    if (!record) throw appNotFoundError(context.kind, flags.name);
    const notDue = notDueResult(flags, context.kind, record.definition.certificate);
    if (notDue) return { due: false as const, notDue };
    const material = await prepareKeyMaterial(flags, context.cwd, userCertificate);
    try {
      const plan = planFromRecord(
        record,
        { ...record.definition, certificate: material.certificatePem },
        { rotateConsumerKey: flags.rotateConsumerKey, rotateConsumerSecret: flags.rotateConsumerSecret }
      );
      return { due: true as const, record, material, update: await executeUpdate(plan, context) };
    } catch (error) {
      // The org still has the old certificate: the old key must stay where it was.
      await restore(material);
      throw error;
    }
  });
  if (!rotated.due) return rotated.notDue;
  const { record, material, update } = rotated;

  const appChangedAt = Date.now();
  // The app lives in the target org: log in at its instance URL (its My Domain) unless --instance-url says otherwise.
  const loginUrl = flags.instanceUrl ?? context.orgInstanceUrl;
  const username = flags.username ?? context.orgUsername;
  const consumerKey = update.consumerKey ?? record.consumerKey;
  const loginCommand =
    material.privateKeyPath && consumerKey
      ? `sf org login jwt --client-id ${consumerKey} --jwt-key-file ${material.privateKeyPath} --username ${username} --instance-url ${loginUrl}`
      : undefined;
  const result: CertificateRotated = {
    kind: context.kind,
    name: flags.name,
    rotated: true,
    consumerKey,
    consumerKeyRotated: Boolean(flags.rotateConsumerKey),
    consumerSecretRotated: Boolean(flags.rotateConsumerSecret),
    previousCertificate: summarizeCertificate(record.definition.certificate),
    certificate: summarizeCertificate(material.certificatePem) ?? {},
    privateKeyPath: material.privateKeyPath,
    certificatePath: material.certificatePath,
    previousPrivateKeyPath: [...material.setAside.entries()].find(([from]) => from === material.privateKeyPath)?.[1],
    previousCertificatePath: [...material.setAside.entries()].find(([from]) => from === material.certificatePath)?.[1],
    update,
    loginCommand,
    warnings: [...material.warnings, ...update.warnings],
  };
  if (flags.login && material.privateKeyPath && consumerKey) {
    result.login = await loginWithNewKey(flags, context, {
      consumerKey,
      privateKeyFile: material.privateKeyPath,
      username,
      loginUrl,
      loginCommand,
      appChangedAt,
    });
  }
  return result;
}

/**
 * With --if-expiring-within: the "not due" result when the certificate expires later than that, judged before any key
 * is made or file moved. No certificate (or an unreadable one) is due: rotating gives the app one.
 */
function notDueResult(flags: RotateCertificateFlags, kind: AppKind, certificate: string | undefined): CertificateNotDue | undefined {
  if (flags.ifExpiringWithin === undefined) return undefined;
  const now = new Date();
  const expiry = certificateExpiryOf(certificate, now);
  if (!expiry || certificateDue(expiry, flags.ifExpiringWithin, now)) return undefined;
  return {
    kind,
    name: flags.name,
    rotated: false,
    certificateExpires: expiry.notAfter,
    certificateDaysLeft: expiry.daysLeft,
    ifExpiringWithin: flags.ifExpiringWithin,
  };
}

async function loginWithNewKey(
  flags: RotateCertificateFlags,
  context: RotateCertificateContext,
  login: { consumerKey: string; privateKeyFile: string; username: string; loginUrl: string; loginCommand?: string; appChangedAt: number }
): Promise<LoginResult> {
  try {
    return await loginWithJwt({
      clientId: login.consumerKey,
      privateKeyFile: login.privateKeyFile,
      username: login.username,
      loginUrl: login.loginUrl,
      waitMs: flags.waitMinutes * 60_000,
      // The user logged in with the app before: only propagation can be late.
      preAuthorized: true,
      intervalMs: context.loginIntervalMs,
      // A rotated consumer key propagates like a new app; the app is not known at a wrong URL however long one waits.
      appChangedAt: login.appChangedAt,
      propagationMs: propagationMs(context.kind),
      // Until the org uses the new certificate, the new key's signature is refused: waited out the same way.
      certificateChanged: true,
      onWait: (info) => context.onWait?.(messages.getMessage('info.waitingForCertificate', waitTokens(info, context.kind))),
    });
  } catch (error) {
    if (!(error instanceof LoginChainError)) throw error;
    throw messages.createError(
      'error.RotatedLoginFailed',
      [login.loginUrl, error.classified.message],
      [describeLoginCause(error.classified.cause, context.kind), login.loginCommand ?? '']
    );
  }
}
