/*
 * Reading a JWT private key file to compare it with an app's certificate: whether the file is there, whether it is
 * a private key at all, and the public key that belongs to it. Nothing is written; the key itself never leaves here.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export type PrivateKeyFile =
  | { state: 'missing'; detail: string }
  /** Not a private key: a certificate, a public key, an encrypted key, or anything else. */
  | { state: 'notAKey'; detail: string }
  /** The public key that belongs to the private key (SPKI, DER, base64). */
  | { state: 'key'; publicKey: string };

export async function readPrivateKeyFile(path: string): Promise<PrivateKeyFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { state: 'missing', detail: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
  if (!/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(text)) {
    const found = /-----BEGIN ([A-Z ]+)-----/.exec(text)?.[1];
    return { state: 'notAKey', detail: found ? `a PEM ${found}` : 'no PEM block' };
  }
  try {
    // sf org login jwt reads the key without a passphrase: an encrypted key fails there too.
    const key = createPrivateKey({ key: text, format: 'pem' });
    return { state: 'key', publicKey: createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64') };
  } catch (error) {
    return { state: 'notAKey', detail: error instanceof Error ? error.message : String(error) };
  }
}
