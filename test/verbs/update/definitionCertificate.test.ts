/*
 * update --definition-file with a certificate (issue 10 item 8): a new certificate is checked as create checks one
 * (valid now) before anything is sent; the org's own certificate, even expired, does not stop an update of other
 * settings (display's output of such an app is a valid definition file).
 */
import { expect } from 'chai';
import forge from 'node-forge';
import { planUpdate } from '../../../src/verbs/update/plan.js';
import { generateKeyAndCertificate } from '../../../src/model/certificate.js';
import { createConnectedApp, definition, soapOperations, startEmulatorOrg, type EmulatorOrg } from '../../shared/emulatorOrg.js';

/** A certificate that expired yesterday. */
function expiredCertificate(): string {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 30 * 86_400_000);
  cert.validity.notAfter = new Date(Date.now() - 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'old' }]);
  cert.setIssuer([{ name: 'commonName', value: 'old' }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

describe('update with a certificate from a definition file', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  before(async () => {
    org = await startEmulatorOrg();
  });
  after(async () => org?.close());

  const context = (): Parameters<typeof planUpdate>[0] => ({ conn: org.conn, kind: 'ConnectedApp', apiVersion: org.conn.getApiVersion(), cwd: process.cwd() });

  it('refuses an expired new certificate before any write', async () => {
    await createConnectedApp(org.conn, definition('Cert_Update', { certificate: generateKeyAndCertificate({ commonName: 'x', days: 30, bits: 1024 }).certificatePem }));
    org.emulator.clearRequests();
    try {
      await planUpdate(context(), 'Cert_Update', { certificatePem: expiredCertificate() });
      expect.fail('should refuse');
    } catch (error) {
      expect((error as Error).name).to.equal('CertificateExpiredError');
      expect((error as Error).message).to.include('the definition file');
    }
    expect(soapOperations(org.emulator).filter((op) => /^(create|update|upsert|delete)Metadata$|^deploy$/.test(op))).to.deep.equal([]);
  });

  it('accepts the org\'s own certificate unchanged, even when it has expired', async () => {
    const old = expiredCertificate();
    await createConnectedApp(org.conn, definition('Old_Cert', { certificate: old }));
    const plan = await planUpdate(context(), 'Old_Cert', { certificatePem: old, description: 'still works' });
    expect(plan).to.not.equal(undefined);
  });
});
