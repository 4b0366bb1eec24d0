/*
 * Key pairs and self-signed X.509 certificates for the JWT bearer flow, made in process: Node's crypto makes the
 * RSA key (fast, native), node-forge builds and signs the certificate. No openssl binary is needed.
 */
import { createPrivateKey, generateKeyPair, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { toCertificatePem } from '../util/pem.js';

export type KeyAndCertificate = {
  /** PKCS#8 PEM private key. */
  privateKeyPem: string;
  /** PEM X.509 certificate. */
  certificatePem: string;
  notBefore: Date;
  notAfter: Date;
};

export type CertificateOptions = {
  /** Common name of the subject and issuer. */
  commonName: string;
  /** Validity in days from now. */
  days: number;
  /** RSA modulus length; Salesforce accepts 2048 and 4096. */
  bits?: number;
  /** Start of validity (default: a minute ago); `days` counts from it. */
  notBefore?: Date;
};

const keyPairOptions = (options: CertificateOptions) =>
  ({
    modulusLength: options.bits ?? 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  } as const);

/** Makes an RSA private key and a self-signed SHA-256 certificate for it. */
export function generateKeyAndCertificate(options: CertificateOptions): KeyAndCertificate {
  return selfSigned(generateKeyPairSync('rsa', keyPairOptions(options)), options);
}

/**
 * The same, with the key made on libuv's thread pool: the RSA key, most of the work, does not hold up the event loop,
 * so requests in flight meanwhile go on.
 */
export async function generateKeyAndCertificateAsync(options: CertificateOptions): Promise<KeyAndCertificate> {
  const pair = await promisify(generateKeyPair)('rsa', keyPairOptions(options));
  return selfSigned(pair, options);
}

function selfSigned({ privateKey, publicKey }: { privateKey: string; publicKey: string }, options: CertificateOptions): KeyAndCertificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // A positive serial number: clear the top bit of the first byte.
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  cert.serialNumber = serial.toString('hex');
  const notBefore = new Date(options.notBefore?.getTime() ?? Date.now() - 60_000);
  notBefore.setMilliseconds(0);
  const notAfter = new Date(notBefore.getTime() + options.days * 86_400_000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const attrs = [{ name: 'commonName', value: options.commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  // node-forge ends PEM lines with CRLF; files and metadata want plain LF.
  const certificatePem = forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
  return { privateKeyPem: privateKey, certificatePem, notBefore, notAfter };
}

export type CertificateInfo = {
  subject: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
};

/**
 * Reads a PEM certificate. Throws when the text is not exactly one parseable PEM certificate.
 * Returns the certificate normalized to one PEM block with a trailing newline.
 */
export function parseCertificatePem(pem: string): { pem: string; info: CertificateInfo } {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks || blocks.length === 0) {
    throw new Error('no PEM certificate block (-----BEGIN CERTIFICATE-----) found');
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(blocks[0]);
  } catch (error) {
    throw new Error(`the PEM block is not a valid X.509 certificate (${error instanceof Error ? error.message : String(error)})`);
  }
  return {
    pem: `${blocks[0].replace(/\r\n/g, '\n').trim()}\n`,
    info: {
      subject: cert.subject,
      notBefore: new Date(cert.validFrom),
      notAfter: new Date(cert.validTo),
      fingerprint256: cert.fingerprint256,
    },
  };
}

export type CertificateSummary = { expires?: string; fingerprint?: string };

/**
 * Expiry and fingerprint of a certificate as an org returns it: a PEM block, or (as some tools deploy it) the base64
 * body alone. Undefined when it cannot be parsed: a list must not fail because one app holds an odd certificate.
 */
export function summarizeCertificate(certificate: string | undefined): CertificateSummary | undefined {
  if (!certificate || certificate.trim().length === 0) return undefined;
  try {
    const { info } = parseCertificatePem(toCertificatePem(certificate));
    return { expires: info.notAfter.toISOString(), fingerprint: info.fingerprint256 };
  } catch {
    return undefined;
  }
}

/** Why a text is not a usable private key. */
/** Why a text is not a usable private key; `notKey` carries the crypto library's own message, the others none. */
export type PrivateKeyProblem = 'encrypted' | 'certificate' | 'publicKey' | 'noPem' | 'notKey';

export class PrivateKeyError extends Error {
  public constructor(public readonly problem: PrivateKeyProblem, detail: string) {
    super(detail);
    this.name = 'PrivateKeyError';
  }
}

/**
 * Reads an unencrypted PEM private key (PKCS#8 or PKCS#1, as `sf org login jwt` takes). Throws PrivateKeyError saying
 * what the text is instead: an encrypted key (sf cannot use it: it asks no passphrase), a certificate, a public key,
 * or not a key at all.
 */
export function parsePrivateKeyPem(text: string): KeyObject {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(text)) {
    throw new PrivateKeyError('encrypted', 'the private key is encrypted');
  }
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(text)) {
    if (text.includes('-----BEGIN CERTIFICATE-----')) throw new PrivateKeyError('certificate', 'it is a certificate, not a private key');
    if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(text)) throw new PrivateKeyError('publicKey', 'it is a public key, not a private key');
    throw new PrivateKeyError('noPem', 'no PEM private key block');
  }
  try {
    return createPrivateKey({ key: text, format: 'pem' });
  } catch (error) {
    throw new PrivateKeyError('notKey', error instanceof Error ? error.message : String(error));
  }
}

/**
 * Whether the certificate holds the public half of this private key (Node compares the key pair itself). The
 * certificate as a file holds it or as an org returns it: a PEM block (the first of several counts), or the base64
 * body alone. One check for create, rotate-certificate and verify.
 */
export function certificateMatchesKey(certificate: string, privateKey: KeyObject): boolean {
  try {
    const [block] = toCertificatePem(certificate).split(/(?<=-----END CERTIFICATE-----)/);
    return new X509Certificate(block).checkPrivateKey(privateKey);
  } catch {
    return false;
  }
}
