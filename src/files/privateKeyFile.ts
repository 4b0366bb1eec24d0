/*
 * A private key the user already has (--jwt-key-file next to a certificate), checked before anything is sent: it
 * exists, it is an unencrypted private key, and it is the key of the certificate that goes to the org. A mismatch
 * found only at login (or never, without --login) would leave an app, or a rotated certificate, no key can use.
 */
import { readFile } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import { certificateMatchesKey, parsePrivateKeyPem, PrivateKeyError, type PrivateKeyProblem } from '../model/certificate.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.key-pair');

const KEY_PROBLEMS: Record<PrivateKeyProblem, string> = {
  encrypted: 'KeyFileEncrypted',
  certificate: 'KeyFileIsCertificate',
  publicKey: 'KeyFileIsPublicKey',
  notKey: 'KeyFileNotKey',
};

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
    throw messages.createError(`error.${KEY_PROBLEMS[problem]}`, [keyPath, (error as Error).message]);
  }
  if (!certificateMatchesKey(certificatePem, key)) {
    throw messages.createError('error.KeyCertificateMismatch', [keyPath, certificateSource]);
  }
}
