/*
 * How long a certificate has left: whole days to its notAfter, and whether it is expired or not valid yet. One
 * computation for every verb that speaks of expiry (verify, list, rotate-certificate), so "days left" means the same
 * everywhere. The clock is a parameter, so the boundaries are tested without waiting.
 */
import { toCertificatePem } from '../util/pem.js';
import { parseCertificatePem } from './certificate.js';

const DAY_MS = 86_400_000;

/** Fewer days left than this is worth a warning (verify; a certificate file given to create or rotate-certificate). */
export const EXPIRY_WARNING_DAYS = 30;

export type CertificateExpiry = {
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter, rounded down; negative once expired (-1 = expired less than a day ago). */
  daysLeft: number;
  expired: boolean;
  /** notBefore is still in the future. */
  notYetValid: boolean;
};

/** Whole days from `now` to `notAfter`, rounded down (0 on the last day, negative once it has passed). */
export const daysUntil = (notAfter: Date, now: Date = new Date()): number =>
  Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);

/** The expiry of a certificate as an org or a file holds it (PEM or bare base64); undefined when it cannot be read. */
export function certificateExpiryOf(certificate: string | undefined, now: Date = new Date()): CertificateExpiry | undefined {
  if (!certificate || certificate.trim().length === 0) return undefined;
  let info;
  try {
    info = parseCertificatePem(toCertificatePem(certificate)).info;
  } catch {
    return undefined;
  }
  return {
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    daysLeft: daysUntil(info.notAfter, now),
    expired: info.notAfter.getTime() <= now.getTime(),
    notYetValid: info.notBefore.getTime() > now.getTime(),
  };
}

/**
 * True when the certificate expires within `days` days of `now`: at or before now + days (exactly that many days away
 * counts), or it has expired.
 */
export const expiresWithin = (expiry: CertificateExpiry, days: number, now: Date = new Date()): boolean =>
  expiry.expired || Date.parse(expiry.notAfter) <= now.getTime() + days * DAY_MS;

/**
 * Whether an app's certificate is due for rotation under `rotate-certificate --if-expiring-within <days>`: it expires
 * within the days, or it has expired. No certificate, or one that cannot be read, is due: rotating gives the app one,
 * and JWT logins cannot work without it.
 */
export const certificateDue = (expiry: CertificateExpiry | undefined, withinDays: number, now: Date = new Date()): boolean =>
  expiry === undefined || expiresWithin(expiry, withinDays, now);
