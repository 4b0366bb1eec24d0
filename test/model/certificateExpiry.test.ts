/*
 * certificateExpiry and certificateDue: the days left that `list` shows and `rotate-certificate --if-expiring-within`
 * decides by, at their boundaries.
 */
import { expect } from 'chai';
import { certificateDue, certificateExpiry, generateKeyAndCertificate, parseCertificatePem } from '../../src/model/certificate.js';

const DAY = 86_400_000;

describe('certificateExpiry', () => {
  const { certificatePem } = generateKeyAndCertificate({ commonName: 'expiry', days: 40 });
  const notAfter = parseCertificatePem(certificatePem).info.notAfter.getTime();
  const at = (ms: number): Date => new Date(ms);

  it('counts whole days left, rounded down, from a PEM block or a bare base64 body', () => {
    const body = certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
    for (const text of [certificatePem, body]) {
      expect(certificateExpiry(text, at(notAfter - 30 * DAY))).to.deep.equal({
        expiresAt: new Date(notAfter).toISOString(),
        daysLeft: 30,
        expired: false,
      });
    }
    expect(certificateExpiry(certificatePem, at(notAfter - 30 * DAY + 1)).daysLeft).to.equal(29);
    expect(certificateExpiry(certificatePem, at(notAfter - 1))).to.deep.include({ daysLeft: 0, expired: false });
  });

  it('is expired from notAfter on, with negative days left', () => {
    expect(certificateExpiry(certificatePem, at(notAfter))).to.deep.include({ daysLeft: 0, expired: true });
    expect(certificateExpiry(certificatePem, at(notAfter + 1))).to.deep.include({ daysLeft: -1, expired: true });
    expect(certificateExpiry(certificatePem, at(notAfter + 3 * DAY))).to.deep.include({ daysLeft: -3, expired: true });
  });

  it('is all null without a certificate, or with text that is no certificate', () => {
    const none = { expiresAt: null, daysLeft: null, expired: null };
    expect(certificateExpiry(undefined)).to.deep.equal(none);
    expect(certificateExpiry('')).to.deep.equal(none);
    expect(certificateExpiry('not a certificate')).to.deep.equal(none);
  });

  describe('certificateDue', () => {
    it('is due when the certificate expires exactly N days from now or sooner, not a millisecond later', () => {
      const now = at(notAfter - 30 * DAY);
      const expiry = certificateExpiry(certificatePem, now);
      expect(certificateDue(expiry, 30, now)).to.equal(true);
      expect(certificateDue(expiry, 31, now)).to.equal(true);
      expect(certificateDue(expiry, 29, now)).to.equal(false);
      const justBefore = at(notAfter - 30 * DAY - 1);
      expect(certificateDue(certificateExpiry(certificatePem, justBefore), 30, justBefore)).to.equal(false);
    });

    it('is due once expired, even with 0 days, and without a certificate', () => {
      const later = at(notAfter + DAY);
      expect(certificateDue(certificateExpiry(certificatePem, later), 0, later)).to.equal(true);
      expect(certificateDue(certificateExpiry(undefined), 365)).to.equal(true);
      expect(certificateDue(certificateExpiry('garbage'), 0)).to.equal(true);
    });
  });
});
