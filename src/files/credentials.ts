/*
 * Consumer keys and secrets the plugin sets itself at creation. A connected app's secret is never returned by the
 * Metadata API and can only be set when the app is created, so the only way to hand it to the user is to make it here.
 */
import { randomInt } from 'node:crypto';
import { chmod, open, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Messages } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.files');

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

/** Writes a secret to a new file readable only by the user; refuses to replace an existing file. */
export async function writeSecretFile(path: string, secret: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(`${secret}\n`);
  } finally {
    await handle.close();
  }
  // The umask cannot widen 0600, but an explicit chmod documents the intent and covers odd filesystems.
  await chmod(path, 0o600);
}

/**
 * Checks, before anything is sent, that a secret file can be made at `path`: nothing is there yet (a secret file is
 * never overwritten) and its folder exists. writeSecretFile still creates the file exclusively.
 */
export async function assertSecretFileFree(path: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing) throw messages.createError('error.SecretFileExists', [path]);
  const folder = dirname(resolve(path));
  const parent = await stat(folder).catch(() => undefined);
  if (!parent?.isDirectory()) throw messages.createError('error.SecretFileFolderMissing', [folder, path]);
}
