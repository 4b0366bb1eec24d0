/*
 * Consumer keys and secrets the plugin sets itself at creation. A connected app's secret is never returned by the
 * Metadata API and can only be set when the app is created, so the only way to hand it to the user is to make it here.
 */
import { randomInt } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import { packageDirectoryError } from './keyFiles.js';
import { gitCheckIgnore, packageDirectoryHolding } from './realPaths.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.secret-file');
const files = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.files');

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random alphanumeric string (Salesforce accepts 8 to 256 alphanumeric characters for keys and secrets). */
export function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

/** A consumer key: globally unique across Salesforce, so long and random. */
export const generateConsumerKey = (): string => randomAlphanumeric(64);

/** A consumer secret: 64 random alphanumerics, about 380 bits. */
export const generateConsumerSecret = (): string => randomAlphanumeric(64);

/**
 * The secret file, opened before anything is sent: a connected app's secret cannot be read back, so a file that
 * cannot be written must be found out while nothing exists yet. Created exclusively (never replacing anything, not
 * even a dangling link), without following a link, readable only by the user; the secret goes in once it is known.
 */
export class SecretFile {
  private written = false;

  private constructor(public readonly path: string, private readonly handle: FileHandle) {}

  /** Checks the place and creates the empty file; errors name the path, the cause and what to do. */
  public static async open(path: string, packageDirectories: readonly string[] = []): Promise<SecretFile> {
    const held = await packageDirectoryHolding(path, packageDirectories);
    if (held) throw packageDirectoryError('error.SecretInPackageDirectory', path, held);
    try {
      const flags = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW;
      return new SecretFile(path, await open(path, flags, 0o600));
    } catch (error) {
      // O_EXCL refuses any existing name, a link included: say which it is.
      const link = (error as NodeJS.ErrnoException).code === 'EEXIST' && (await lstat(path).catch(() => undefined))?.isSymbolicLink();
      throw secretFileError(path, link ? Object.assign(new Error('link'), { code: 'ELOOP' }) : error);
    }
  }

  /** Writes the secret and closes the file. */
  public async write(secret: string): Promise<void> {
    try {
      await this.handle.writeFile(`${secret}\n`);
      // The umask cannot widen 0600, but an explicit chmod documents the intent and covers odd filesystems.
      await this.handle.chmod(0o600);
      await this.handle.sync();
      this.written = true;
    } finally {
      await this.handle.close().catch(() => undefined);
    }
  }

  /** Nothing was sent after all: close, and remove the empty file this run created (only that very file). */
  public async discard(): Promise<void> {
    if (this.written) return;
    const ours = await this.handle.stat().catch(() => undefined);
    await this.handle.close().catch(() => undefined);
    const there = await lstat(this.path).catch(() => undefined);
    if (ours && there && ours.ino === there.ino && ours.dev === there.dev && there.size === 0) {
      await rm(this.path, { force: true });
    }
  }
}

/**
 * Everything about the secret file's place that can be known without creating it: it does not exist (not even as a
 * dangling link), its folder is a folder we may write in, and it is outside every package directory (real paths).
 * Returns warnings (not ignored by git).
 */
export async function checkSecretFilePlace(path: string, packageDirectories: readonly string[] = []): Promise<string[]> {
  const there = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw secretFileError(path, error);
  });
  if (there) throw secretFileError(path, Object.assign(new Error('exists'), { code: there.isSymbolicLink() ? 'ELOOP' : 'EEXIST' }));
  const folder = dirname(resolve(path));
  const folderStat = await stat(folder).catch((error: NodeJS.ErrnoException) => {
    throw secretFileError(path, error);
  });
  if (!folderStat.isDirectory()) throw secretFileError(path, Object.assign(new Error('not a folder'), { code: 'ENOTDIR' }));
  await access(folder, constants.W_OK | constants.X_OK).catch((error: NodeJS.ErrnoException) => {
    throw secretFileError(path, error);
  });
  const held = await packageDirectoryHolding(path, packageDirectories);
  if (held) throw packageDirectoryError('error.SecretInPackageDirectory', path, held);
  return (await gitCheckIgnore(path)) === 'not-ignored' ? [files.getMessage('warning.SecretNotIgnored', [path])] : [];
}

const REASONS: Record<string, string> = {
  EEXIST: 'reason.exists',
  ELOOP: 'reason.link',
  ENOENT: 'reason.noFolder',
  ENOTDIR: 'reason.notFolder',
  EACCES: 'reason.notWritable',
  EPERM: 'reason.notWritable',
  EROFS: 'reason.readOnly',
  EISDIR: 'reason.exists',
};

/** A secret file that cannot be made, in words: the path, why, and what to do. */
export function secretFileError(path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const reason = REASONS[code] ? messages.getMessage(REASONS[code]) : messages.getMessage('reason.other', [(error as Error).message]);
  return messages.createError('error.SecretFileUnusable', [path, reason]);
}
