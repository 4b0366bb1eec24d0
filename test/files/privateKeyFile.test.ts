/*
 * A user's private key checked against the certificate before anything is sent: missing, not a key (a certificate,
 * a public key, garbage), encrypted, or another key's are all named errors; PKCS#8 and PKCS#1 keys that match pass.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { checkKeyMatchesCertificate } from '../../src/files/privateKeyFile.js';
import { certificateMatchesKey, generateKeyAndCertificate, parsePrivateKeyPem } from '../../src/model/certificate.js';

const pair = generateKeyAndCertificate({ commonName: 'mine', days: 30, bits: 1024 });
const other = generateKeyAndCertificate({ commonName: 'other', days: 30, bits: 1024 });

describe('private key against certificate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fileskeys-keypair-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const keyFile = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text, { mode: 0o600 });
    return path;
  };
  const refusal = async (keyPath: string, certificatePem = pair.certificatePem): Promise<Error & { actions?: string[] }> => {
    try {
      await checkKeyMatchesCertificate(keyPath, certificatePem, join(dir, 'server.crt'));
    } catch (error) {
      return error as Error & { actions?: string[] };
    }
    throw new Error('expected a refusal');
  };

  it('accepts the certificate\'s own key, as PKCS#8 and as PKCS#1', async () => {
    await checkKeyMatchesCertificate(await keyFile('k8.key', pair.privateKeyPem), pair.certificatePem, 'server.crt');
    const pkcs1 = createPrivateKey(pair.privateKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).to.include('BEGIN RSA PRIVATE KEY');
    await checkKeyMatchesCertificate(await keyFile('k1.key', pkcs1), pair.certificatePem, 'server.crt');
  });

  it('refuses another key, naming both files and what to do', async () => {
    const path = await keyFile('other.key', other.privateKeyPem);
    const error = await refusal(path);
    expect(error.name).to.equal('KeyCertificateMismatchError');
    expect(error.message).to.include(path).and.include(join(dir, 'server.crt')).and.include('Nothing was sent');
    expect(error.actions?.join('\n')).to.include('openssl');
  });

  it('refuses a missing file, a certificate, a public key, garbage and an encrypted key, each in its own words', async () => {
    const encrypted = createPrivateKey(pair.privateKeyPem)
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })
      .toString();
    const publicKey = createPublicKey(pair.privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
    const cases: Array<[string, string | undefined, string]> = [
      ['missing.key', undefined, 'KeyFileMissingError'],
      ['cert.key', pair.certificatePem, 'KeyFileIsCertificateError'],
      ['public.key', publicKey, 'KeyFileIsPublicKeyError'],
      ['garbage.key', 'hello, not a key\n', 'KeyFileNotKeyError'],
      ['broken.key', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', 'KeyFileNotKeyError'],
      ['encrypted.key', encrypted, 'KeyFileEncryptedError'],
    ];
    for (const [name, text, expected] of cases) {
      // eslint-disable-next-line no-await-in-loop
      const path = text === undefined ? join(dir, name) : await keyFile(name, text);
      // eslint-disable-next-line no-await-in-loop
      const error = await refusal(path);
      expect(error.name, name).to.equal(expected);
      expect(error.message, name).to.include(path);
      expect(error.actions?.length, name).to.be.greaterThan(0);
    }
  });

  it('the model functions: a parsed key matches only its certificate', () => {
    const key = parsePrivateKeyPem(pair.privateKeyPem);
    expect(certificateMatchesKey(pair.certificatePem, key)).to.equal(true);
    expect(certificateMatchesKey(other.certificatePem, key)).to.equal(false);
    expect(certificateMatchesKey('not a certificate', key)).to.equal(false);
  });

  it('matches the certificate as an org returns it: the base64 body alone, or the first of several PEM blocks', () => {
    const key = parsePrivateKeyPem(pair.privateKeyPem);
    const body = pair.certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
    expect(certificateMatchesKey(body, key)).to.equal(true);
    expect(certificateMatchesKey(`${pair.certificatePem}\n${other.certificatePem}`, key)).to.equal(true);
    expect(certificateMatchesKey(`${other.certificatePem}\n${pair.certificatePem}`, key)).to.equal(false);
  });
});
