/*
 * Certificates travel as PEM in files and as the bare base64 body in some metadata reads. One way to tell them
 * apart and to turn one into the other.
 */
const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';

/** The base64 body of a certificate, PEM armour and all whitespace removed. */
export function certificateBody(certificate: string): string {
  return certificate.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** A certificate as PEM: PEM is returned as it is; a bare body is wrapped in 64-character lines. */
export function toCertificatePem(certificate: string): string {
  if (certificate.includes(BEGIN)) return certificate;
  const lines = certificateBody(certificate).match(/.{1,64}/g) ?? [];
  return `${BEGIN}\n${lines.join('\n')}\n${END}\n`;
}

/** Two certificates are the same when their bodies are (line breaks and armour aside). */
export function sameCertificate(a: string | undefined, b: string | undefined): boolean {
  return certificateBody(a ?? '') === certificateBody(b ?? '');
}
