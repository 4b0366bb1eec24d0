/*
 * Where the JWT private key and its certificate are written, and reading a certificate the user already has.
 * The key is a credential for the org: it is never put where a deploy would pick it up, never overwrites a file,
 * is readable only by its owner, and is git-ignored when the plugin chooses its place.
 */
import { access, chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { Messages } from '@salesforce/core';
import {
  certificateMatchesKey,
  parseCertificatePem,
  parsePrivateKeyPem,
  type CertificateInfo,
  type KeyAndCertificate,
} from '../model/certificate.js';
// A certificate closer than this to its end is accepted with a warning.
import { daysUntil, EXPIRY_WARNING_DAYS } from '../model/certificateExpiry.js';
import { gitCheckIgnore, isInside, packageDirectoryHolding } from './realPaths.js';

export { isInside };

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.files');

/** Folder (under the project root, or the working directory outside a project) for generated keys. */
export const DEFAULT_KEY_FOLDER = '.sf-oauth-apps';
export const KEY_FILE_NAME = 'server.key';
export const CERTIFICATE_FILE_NAME = 'server.crt';

export type KeyFileOptions = {
  appName: string;
  /** Folder for both files (--output-dir). */
  outputDir?: string;
  /** Exact private key path (--jwt-key-file when the plugin generates the key). */
  privateKeyPath?: string;
  /** Exact certificate path; defaults to the key's path with .crt, or server.crt in the folder. */
  certificatePath?: string;
  projectRoot?: string;
  /** Absolute package directories: nothing secret may go inside one. */
  packageDirectories: string[];
  cwd: string;
};

export type KeyFilePlan = {
  privateKeyPath: string;
  certificatePath: string;
  /** A .gitignore to write beside the key (only in the plugin's default folder). */
  gitignorePath?: string;
  warnings: string[];
  /**
   * The key and certificate an earlier run made for this app in the plugin's folder (a create that failed after
   * writing them): used again, nothing is written.
   */
  reuse?: KeyAndCertificate;
};

const exists = async (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false
  );

/** Without git: a .gitignore from the key's folder up to the stop folder that names *.key, the file or a folder. */
async function ignoredByGitignoreFiles(path: string, stopAt: string): Promise<boolean> {
  const target = resolve(path);
  let dir = dirname(target);
  for (;;) {
    // eslint-disable-next-line no-await-in-loop
    const text = await readFile(join(dir, '.gitignore'), 'utf8').catch(() => '');
    const rel = relative(dir, target).split(sep);
    const patterns = text
      .split(/\r?\n/)
      .map((line) => line.trim().replace(/^\//, '').replace(/\/$/, ''))
      .filter((line) => line && !line.startsWith('#') && !line.startsWith('!'));
    const hit = patterns.some(
      (pattern) =>
        pattern === `*${extname(target)}` ||
        pattern === basename(target) ||
        pattern === rel.join('/') ||
        rel.slice(0, -1).includes(pattern)
    );
    if (hit) return true;
    if (dir === resolve(stopAt) || dirname(dir) === dir) return false;
    dir = dirname(dir);
  }
}

/** Whether git would ignore the file; undefined when the file is not in a git repository. Never throws. */
export async function isGitIgnored(path: string, projectRoot?: string): Promise<boolean | undefined> {
  const answer = await gitCheckIgnore(path);
  if (answer === 'ignored') return true;
  if (answer === 'not-ignored') return false;
  if (answer === 'no-repo') return undefined;
  return ignoredByGitignoreFiles(path, projectRoot ?? dirname(resolve(path)));
}

/** Where an app's key and certificate go (or are, when the plugin made them): the one rule create and rotation share. */
export type KeyFileLocation = Pick<KeyFileOptions, 'appName' | 'outputDir' | 'privateKeyPath' | 'certificatePath' | 'cwd'> & {
  /** The project root, or the working directory outside a project. */
  base: string;
};

export function keyFilePaths(location: KeyFileLocation): { privateKeyPath: string; certificatePath: string } {
  const folder = location.outputDir
    ? resolve(location.cwd, location.outputDir)
    : join(resolve(location.base), DEFAULT_KEY_FOLDER, location.appName);
  const privateKeyPath = location.privateKeyPath
    ? resolve(location.cwd, location.privateKeyPath)
    : join(folder, KEY_FILE_NAME);
  const certificatePath = location.certificatePath
    ? resolve(location.cwd, location.certificatePath)
    : location.privateKeyPath && !location.outputDir
    ? join(dirname(privateKeyPath), `${basename(privateKeyPath, extname(privateKeyPath))}.crt`)
    : join(folder, CERTIFICATE_FILE_NAME);
  return { privateKeyPath, certificatePath };
}

export type ExistingKeyFiles = { privateKeyPath?: string; certificatePath?: string };

/** The key and certificate files at an app's location, those that exist. */
export async function findKeyFiles(location: KeyFileLocation): Promise<ExistingKeyFiles> {
  const paths = keyFilePaths(location);
  const present = async (path: string): Promise<string | undefined> => ((await exists(path)) ? path : undefined);
  return { privateKeyPath: await present(paths.privateKeyPath), certificatePath: await present(paths.certificatePath) };
}

/**
 * Decides both paths and checks them before anything is written: not inside a package directory, not the same
 * file, not existing. Warns when a path the user chose is not git-ignored.
 */
export async function planKeyFiles(options: KeyFileOptions): Promise<KeyFilePlan> {
  const fromUser = options.outputDir !== undefined || options.privateKeyPath !== undefined;
  const { privateKeyPath, certificatePath } = keyFilePaths({ ...options, base: options.projectRoot ?? options.cwd });
  const folder = dirname(certificatePath);

  if (privateKeyPath === certificatePath) throw messages.createError('error.KeyFilesSamePath', [privateKeyPath]);
  for (const path of [privateKeyPath, certificatePath]) {
    // Where the file really lands: a linked --output-dir or .sf-oauth-apps/<app> may lead into a package directory.
    // eslint-disable-next-line no-await-in-loop
    const held = await packageDirectoryHolding(path, options.packageDirectories);
    if (held) throw packageDirectoryError('error.KeyInPackageDirectory', path, held);
  }
  const present = await Promise.all([privateKeyPath, certificatePath].map(exists));
  if (!fromUser && present[0] && present[1]) {
    const reuse = await reusableKeyPair(privateKeyPath, certificatePath, options.appName);
    if (reuse) return { privateKeyPath, certificatePath, warnings: [], reuse };
    throw messages.createError('error.KeyPairNotReusable', [privateKeyPath, certificatePath, options.appName]);
  }
  const taken = [privateKeyPath, certificatePath].find((_path, i) => present[i]);
  if (taken) throw messages.createError('error.KeyFileExists', [taken]);

  const warnings: string[] = [];
  let gitignorePath: string | undefined;
  if (fromUser) {
    if ((await isGitIgnored(privateKeyPath, options.projectRoot)) === false) {
      warnings.push(messages.getMessage('warning.KeyNotIgnored', [privateKeyPath]));
    }
  } else {
    gitignorePath = join(folder, '.gitignore');
  }
  return { privateKeyPath, certificatePath, gitignorePath, warnings };
}

/**
 * The key pair in the plugin's folder for this app, when it can serve a rerun of create: a private key and a
 * certificate that belong together (the certificate holds the key's public half), the certificate made for this app
 * (its subject is the app name, as generateKeyAndCertificate makes it) and still valid. Anything else is left alone.
 */
export async function reusableKeyPair(
  privateKeyPath: string,
  certificatePath: string,
  appName: string,
  now: Date = new Date()
): Promise<KeyAndCertificate | undefined> {
  try {
    const [privateKeyPem, certificateText] = await Promise.all([readFile(privateKeyPath, 'utf8'), readFile(certificatePath, 'utf8')]);
    const { pem, info } = parseCertificatePem(certificateText);
    if (info.subject !== `CN=${appName}`) return undefined;
    if (info.notAfter.getTime() <= now.getTime() || info.notBefore.getTime() > now.getTime()) return undefined;
    if (!keyMatchesCertificate(privateKeyPem, pem)) return undefined;
    return { privateKeyPem, certificatePem: pem, notBefore: info.notBefore, notAfter: info.notAfter };
  } catch {
    return undefined;
  }
}

/** Whether the certificate carries the public half of the private key. */
export function keyMatchesCertificate(privateKeyPem: string, certificatePem: string): boolean {
  return certificateMatchesKey(certificatePem, parsePrivateKeyPem(privateKeyPem));
}

/**
 * Writes the key (mode 0600) and certificate (0644), refusing to replace any file; on failure nothing new is left.
 * A plan that reuses an earlier run's pair writes nothing.
 */
export async function writeKeyFiles(
  plan: KeyFilePlan,
  material: { privateKeyPem: string; certificatePem: string }
): Promise<void> {
  if (plan.reuse) return;
  const written: string[] = [];
  try {
    await mkdir(dirname(plan.privateKeyPath), { recursive: true });
    await mkdir(dirname(plan.certificatePath), { recursive: true });
    if (plan.gitignorePath && !(await exists(plan.gitignorePath))) {
      await writeFile(plan.gitignorePath, '# Private keys made by sf-plugin-oauth-apps: never commit them.\n*.key\n', {
        flag: 'wx',
      });
      written.push(plan.gitignorePath);
    }
    await writeFile(plan.privateKeyPath, material.privateKeyPem, { mode: 0o600, flag: 'wx' });
    written.push(plan.privateKeyPath);
    // The umask can only remove bits, but an explicit chmod also covers file systems that ignore the mode.
    await chmod(plan.privateKeyPath, 0o600);
    await writeFile(plan.certificatePath, material.certificatePem, { mode: 0o644, flag: 'wx' });
    written.push(plan.certificatePath);
    await chmod(plan.certificatePath, 0o644);
  } catch (error) {
    await Promise.all(written.map((path) => rm(path, { force: true })));
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw messages.createError('error.KeyFileExists', [(error as NodeJS.ErrnoException).path ?? plan.privateKeyPath]);
    }
    throw error;
  }
}

/** "Inside a package directory", naming where a symbolic link on the way really leads. */
export function packageDirectoryError(name: string, path: string, held: { packageDir: string; realPath: string }): Error {
  const named = held.realPath === resolve(path) ? path : messages.getMessage('info.throughLink', [path, held.realPath]);
  return messages.createError(name, [named, held.packageDir]);
}

/** File mode bits (for checks and tests). */
export async function fileMode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

export type CertificateFile = { pem: string; info: CertificateInfo; warnings: string[] };

/** Reads a PEM certificate the user supplied; unreadable, not PEM, expired or not yet valid is an error. */
export async function readCertificateFile(path: string, now: Date = new Date()): Promise<CertificateFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw messages.createError('error.CertificateUnreadable', [path, error instanceof Error ? error.message : String(error)]);
  }
  return checkCertificateText(text, path, now);
}

/**
 * Checks a certificate's text from a file or a definition file (source names it): one parseable PEM certificate,
 * valid now; close to its end is a warning.
 */
export function checkCertificateText(text: string, source: string, now: Date = new Date()): CertificateFile {
  let parsed: ReturnType<typeof parseCertificatePem>;
  try {
    parsed = parseCertificatePem(text);
  } catch (error) {
    throw messages.createError('error.CertificateNotPem', [source, error instanceof Error ? error.message : String(error)]);
  }
  const { info } = parsed;
  if (info.notAfter.getTime() <= now.getTime()) {
    throw messages.createError('error.CertificateExpired', [source, info.notAfter.toISOString()]);
  }
  if (info.notBefore.getTime() > now.getTime()) {
    throw messages.createError('error.CertificateNotYetValid', [source, info.notBefore.toISOString()]);
  }
  const warnings =
    daysUntil(info.notAfter, now) < EXPIRY_WARNING_DAYS
      ? [messages.getMessage('warning.CertificateExpiresSoon', [source, info.notAfter.toISOString()])]
      : [];
  return { pem: parsed.pem, info, warnings };
}
