/*
 * The one expiry model (src/model/certificateExpiry.ts): the days left that verify and `list` show and
 * `rotate-certificate --if-expiring-within` decides by, at their boundaries.
 */
import { expect } from 'chai';
import { generateKeyAndCertificate, parseCertificatePem } from '../../src/model/certificate.js';
import { certificateDue, certificateExpiryOf, daysUntil, expiresWithin } from '../../src/model/certificateExpiry.js';
import { certificateBody } from '../../src/util/pem.js';

const DAY = 86_400_000;

describe('certificate expiry', () => {
  const notBefore = new Date('2026-01-01T00:00:00Z');
  const { certificatePem } = generateKeyAndCertificate({ commonName: 'expiry', days: 100, notBefore });
  const notAfter = new Date('2026-04-11T00:00:00Z');

  it('counts whole days left, rounded down, and goes negative once expired', () => {
    expect(daysUntil(notAfter, new Date('2026-04-01T00:00:00Z'))).to.equal(10);
    expect(daysUntil(notAfter, new Date('2026-04-10T23:59:00Z'))).to.equal(0);
    expect(daysUntil(notAfter, new Date('2026-04-11T00:01:00Z'))).to.equal(-1);
  });

  it('reads a PEM or bare base64 certificate: valid, not yet valid, expired', () => {
    expect(certificateExpiryOf(certificatePem, new Date('2026-03-12T00:00:00Z'))).to.deep.equal({
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
      daysLeft: 30,
      expired: false,
      notYetValid: false,
    });
    expect(certificateExpiryOf(certificateBody(certificatePem), new Date('2025-12-31T00:00:00Z'))).to.include({ notYetValid: true, expired: false });
    const lateNow = new Date('2026-04-11T00:00:00Z');
    const late = certificateExpiryOf(certificatePem, lateNow)!;
    expect(late).to.include({ expired: true, daysLeft: 0 });
    expect(expiresWithin(late, 1, lateNow)).to.equal(true);
  });

  it('says when expiry is within a number of days: exactly that many days away counts', () => {
    const now = new Date('2026-03-12T00:00:00Z');
    const expiry = certificateExpiryOf(certificatePem, now)!;
    expect(expiresWithin(expiry, 29, now)).to.equal(false);
    expect(expiresWithin(expiry, 30, now)).to.equal(true);
    expect(expiresWithin(expiry, 31, now)).to.equal(true);
  });

  it('is undefined for no certificate or one that cannot be read', () => {
    expect(certificateExpiryOf(undefined)).to.equal(undefined);
    expect(certificateExpiryOf('')).to.equal(undefined);
    expect(certificateExpiryOf('  ')).to.equal(undefined);
    expect(certificateExpiryOf('not a certificate')).to.equal(undefined);
  });

  describe('at the millisecond (a certificate made now)', () => {
    const { certificatePem: fresh } = generateKeyAndCertificate({ commonName: 'expiry', days: 40 });
    const end = parseCertificatePem(fresh).info.notAfter.getTime();
    const at = (ms: number): Date => new Date(ms);

    it('counts whole days left, rounded down, from a PEM block or a bare base64 body', () => {
      for (const text of [fresh, certificateBody(fresh)]) {
        expect(certificateExpiryOf(text, at(end - 30 * DAY))).to.deep.include({
          notAfter: new Date(end).toISOString(),
          daysLeft: 30,
          expired: false,
        });
      }
      expect(certificateExpiryOf(fresh, at(end - 30 * DAY + 1))?.daysLeft).to.equal(29);
      expect(certificateExpiryOf(fresh, at(end - 1))).to.deep.include({ daysLeft: 0, expired: false });
    });

    it('is expired from notAfter on, with negative days left', () => {
      expect(certificateExpiryOf(fresh, at(end))).to.deep.include({ daysLeft: 0, expired: true });
      expect(certificateExpiryOf(fresh, at(end + 1))).to.deep.include({ daysLeft: -1, expired: true });
      expect(certificateExpiryOf(fresh, at(end + 3 * DAY))).to.deep.include({ daysLeft: -3, expired: true });
    });
  });

  describe('certificateDue (rotate-certificate --if-expiring-within)', () => {
    const { certificatePem: fresh } = generateKeyAndCertificate({ commonName: 'expiry', days: 40 });
    const end = parseCertificatePem(fresh).info.notAfter.getTime();
    const at = (ms: number): Date => new Date(ms);

    it('is due when the certificate expires exactly N days from now or sooner, not a millisecond later', () => {
      const now = at(end - 30 * DAY);
      const expiry = certificateExpiryOf(fresh, now);
      expect(certificateDue(expiry, 30, now)).to.equal(true);
      expect(certificateDue(expiry, 31, now)).to.equal(true);
      expect(certificateDue(expiry, 29, now)).to.equal(false);
      const justBefore = at(end - 30 * DAY - 1);
      expect(certificateDue(certificateExpiryOf(fresh, justBefore), 30, justBefore)).to.equal(false);
    });

    it('is due once expired, even with 0 days, and without a certificate', () => {
      const later = at(end + DAY);
      expect(certificateDue(certificateExpiryOf(fresh, later), 0, later)).to.equal(true);
      expect(certificateDue(certificateExpiryOf(undefined), 365)).to.equal(true);
      expect(certificateDue(certificateExpiryOf('garbage'), 0)).to.equal(true);
    });
  });
});
