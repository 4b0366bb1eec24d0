/*
 * A private key file the user has, read before anything is sent or checked: it exists, it is an unencrypted private
 * key (sf org login jwt asks no passphrase), and it is the key of the certificate that goes to (or is in) the org. A
 * mismatch found only at login, or never without --login, would leave an app, or a rotated certificate, no key can use.
 * Nothing is written; the key itself never leaves here.
 */
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import { certificateMatchesKey, parsePrivateKeyPem, PrivateKeyError, type PrivateKeyProblem } from '../model/certificate.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.key-pair');

const KEY_PROBLEMS: Record<PrivateKeyProblem, string> = {
  encrypted: 'KeyFileEncrypted',
  certificate: 'KeyFileIsCertificate',
  publicKey: 'KeyFileIsPublicKey',
  noPem: 'KeyFileNotKey',
  notKey: 'KeyFileNotKey',
};

/** Why the text is not a key, in the words of the messages (only a crypto library's own message comes from the error). */
function keyReason(error: unknown): string {
  const problem = error instanceof PrivateKeyError ? error.problem : 'notKey';
  return problem === 'notKey' ? messages.getMessage('reason.notKey', [(error as Error).message]) : messages.getMessage(`reason.${problem}`);
}

/**
 * Reads the key at keyPath and checks it against the certificate (PEM) that comes from certificateSource (a file
 * path, or the definition file that holds it). Every failure is an error naming the file, the cause and the fix.
 */
export async function checkKeyMatchesCertificate(keyPath: string, certificatePem: string, certificateSource: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(keyPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw messages.createError(code === 'ENOENT' ? 'error.KeyFileMissing' : 'error.KeyFileUnreadable', [keyPath, (error as Error).message]);
  }
  let key;
  try {
    key = parsePrivateKeyPem(text);
  } catch (error) {
    const problem = error instanceof PrivateKeyError ? error.problem : 'notKey';
    throw messages.createError(`error.${KEY_PROBLEMS[problem]}`, problem === 'encrypted' ? [keyPath] : [keyPath, keyReason(error)]);
  }
  if (!certificateMatchesKey(certificatePem, key)) {
    throw messages.createError('error.KeyCertificateMismatch', [keyPath, certificateSource]);
  }
}

/** What verify learns from a key file, as a state rather than an error: a check reports it with its fix. */
export type PrivateKeyFile =
  | { state: 'missing'; detail: string }
  /** Not a private key: a certificate, a public key, an encrypted key, or anything else. */
  | { state: 'notAKey'; detail: string }
  /** The private key, to check against a certificate with certificateMatchesKey (it never leaves the process). */
  | { state: 'key'; key: KeyObject };

export async function readPrivateKeyFile(path: string): Promise<PrivateKeyFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { state: 'missing', detail: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
  try {
    return { state: 'key', key: parsePrivateKeyPem(text) };
  } catch (error) {
    return { state: 'notAKey', detail: keyReason(error) };
  }
}
