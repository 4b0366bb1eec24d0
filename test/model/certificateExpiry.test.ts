import { expect } from 'chai';
import { generateKeyAndCertificate } from '../../src/model/certificate.js';
import { certificateExpiryOf, daysUntil, expiresWithin } from '../../src/model/certificateExpiry.js';
import { certificateBody } from '../../src/util/pem.js';

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
    const late = certificateExpiryOf(certificatePem, new Date('2026-04-11T00:00:00Z'))!;
    expect(late).to.include({ expired: true, daysLeft: 0 });
    expect(expiresWithin(late, 1)).to.equal(true);
  });

  it('says when expiry is within a number of days', () => {
    const expiry = certificateExpiryOf(certificatePem, new Date('2026-03-12T00:00:00Z'))!;
    expect(expiresWithin(expiry, 30)).to.equal(false);
    expect(expiresWithin(expiry, 31)).to.equal(true);
  });

  it('is undefined for no certificate or one that cannot be read', () => {
    expect(certificateExpiryOf(undefined)).to.equal(undefined);
    expect(certificateExpiryOf('  ')).to.equal(undefined);
    expect(certificateExpiryOf('not a certificate')).to.equal(undefined);
  });
});
