/*
 * Key pairs and self-signed X.509 certificates for the JWT bearer flow, made in process: Node's crypto makes the
 * RSA key (fast, native), node-forge builds and signs the certificate. No openssl binary is needed.
 */
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
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
};

/** Makes an RSA private key and a self-signed SHA-256 certificate for it. */
export function generateKeyAndCertificate(options: CertificateOptions): KeyAndCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: options.bits ?? 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // A positive serial number: clear the top bit of the first byte.
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  cert.serialNumber = serial.toString('hex');
  const notBefore = new Date(Date.now() - 60_000);
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
  const cert = new X509Certificate(blocks[0]);
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

const DAY_MS = 86_400_000;

/**
 * When an app's certificate expires, as `list` and `rotate-certificate --if-expiring-within` judge it. All null when
 * the app has no certificate, or one that cannot be parsed (then nothing can be said about its expiry).
 */
export type CertificateExpiry = {
  /** notAfter, ISO 8601. */
  expiresAt: string | null;
  /**
   * Whole days from `now` to notAfter, rounded down: 0 during the last day, negative once expired (-1 during the first
   * day after).
   */
  daysLeft: number | null;
  /** notAfter is at or before `now`: JWT logins with the app's key fail. */
  expired: boolean | null;
};

export function certificateExpiry(certificate: string | undefined, now: Date = new Date()): CertificateExpiry {
  const expires = summarizeCertificate(certificate)?.expires;
  if (!expires) return { expiresAt: null, daysLeft: null, expired: null };
  const left = Date.parse(expires) - now.getTime();
  return { expiresAt: expires, daysLeft: Math.floor(left / DAY_MS), expired: left <= 0 };
}

/**
 * Whether a certificate is due for rotation under `--if-expiring-within <days>`: it expires at or before now + days.
 * An app without a readable certificate is due (rotating gives it one; JWT logins cannot work without it).
 */
export function certificateDue(expiry: CertificateExpiry, withinDays: number, now: Date = new Date()): boolean {
  if (expiry.expiresAt === null) return true;
  return Date.parse(expiry.expiresAt) <= now.getTime() + withinDays * DAY_MS;
}
