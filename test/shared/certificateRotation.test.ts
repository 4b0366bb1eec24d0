import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createSign } from 'node:crypto';
import { expect } from 'chai';
import { rotateCertificate, setAsideName, type RotateCertificateContext } from '../../src/verbs/rotateCertificate.js';
import { readApp } from '../../src/org/inventory.js';
import { generateKeyAndCertificate, parseCertificatePem } from '../../src/model/certificate.js';
import { writeKeyFiles } from '../../src/files/keyFiles.js';
import { appLockPath } from '../../src/files/appLock.js';
import type { AppKind } from '../../src/model/appModel.js';
import { rotatedResult } from './appFixtures.js';
import {
  createConnectedApp,
  createExternalClientApp,
  definition,
  soapOperations,
  startEmulatorOrg,
  type EmulatorOrg,
} from './emulatorOrg.js';

describe('certificateRotation', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  let project: string;

  const context = (kind: AppKind): RotateCertificateContext => ({
    conn: org.conn,
    kind,
    apiVersion: org.conn.getApiVersion(),
    cwd: project,
    orgUsername: org.emulator.username,
    orgInstanceUrl: org.emulator.instanceUrl,
    loginIntervalMs: 10,
  });

  /** Key files where create puts them, with the certificate the app has. */
  async function appWithKey(kind: AppKind, name: string): Promise<{ keyPath: string; oldKey: string; oldCertificate: string }> {
    const material = generateKeyAndCertificate({ commonName: name, days: 30 });
    const folder = join(project, '.sf-oauth-apps', name);
    const keyPath = join(folder, 'server.key');
    await writeKeyFiles({ privateKeyPath: keyPath, certificatePath: join(folder, 'server.crt'), warnings: [] }, material);
    const def = definition(name, { certificate: material.certificatePem, consumerKey: `Key${name.replace(/_/g, '')}123456` });
    await (kind === 'ConnectedApp' ? createConnectedApp(org.conn, def) : createExternalClientApp(org.conn, def));
    return { keyPath, oldKey: material.privateKeyPem, oldCertificate: material.certificatePem };
  }

  /** The JWT bearer token request sf org login jwt sends; 'ok' or the token endpoint's error text. */
  async function jwtLogin(clientId: string, privateKeyFile: string): Promise<string> {
    const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'RS256' })}.${encode({
      iss: clientId,
      sub: org.emulator.username,
      aud: org.emulator.instanceUrl,
      exp: Math.floor(Date.now() / 1000) + 300,
    })}`;
    const signature = createSign('RSA-SHA256').update(unsigned).sign(await readFile(privateKeyFile, 'utf8'), 'base64url');
    const response = await fetch(`${org.emulator.instanceUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        // eslint-disable-next-line camelcase
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: `${unsigned}.${signature}`,
      }),
    });
    return response.ok ? 'ok' : response.text();
  }

  before(async () => {
    org = await startEmulatorOrg();
    project = await mkdtemp(join(tmpdir(), 'rotation-project-'));
    await writeFile(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }));
    await mkdir(join(project, 'force-app'));
  });

  after(async () => {
    await org?.close();
    await rm(project, { recursive: true, force: true });
  });

  beforeEach(() => org.emulator.clearRequests());

  it('takes the app\'s update lock: while another change of the app holds it, nothing is moved or sent', async () => {
    const { keyPath, oldKey } = await appWithKey('ConnectedApp', 'Rot_Locked');
    const lock = appLockPath(project, 'ConnectedApp', 'Rot_Locked');
    await mkdir(dirname(lock), { recursive: true });
    const holder = { pid: process.pid, host: hostname(), command: 'connected-app update --name Rot_Locked', startedAt: new Date().toISOString() };
    await writeFile(lock, JSON.stringify(holder));
    org.emulator.clearRequests();
    try {
      const error = await rotateCertificate({ name: 'Rot_Locked', certificateDays: 90, waitMinutes: 1 }, { ...context('ConnectedApp'), lockWaitMs: 300 }).then(
        () => expect.fail('the lock is held'),
        (e: Error) => e
      );
      expect(error.name).to.equal('UpdateLockedError');
      expect(error.message).to.include(String(process.pid));
      expect(soapOperations(org.emulator)).to.deep.equal([]);
      expect(await readFile(keyPath, 'utf8')).to.equal(oldKey);
      expect((await readdir(dirname(keyPath))).sort()).to.deep.equal(['server.crt', 'server.key']);
    } finally {
      await rm(lock, { force: true });
    }
  });

  it('names the set-aside file with the date, keeping the extension for *.key ignore rules', () => {
    expect(setAsideName('/p/server.key', new Date('2025-01-31T12:00:05.123Z'))).to.equal('/p/server.old-20250131T120005Z.key');
  });

  for (const kind of ['ConnectedApp', 'ExternalClientApplication'] as const) {
    it(`${kind}: new key and certificate; the old key is kept aside and no longer logs in, the new one does`, async () => {
      const name = kind === 'ConnectedApp' ? 'Rot_Ca' : 'Rot_Eca';
      const { keyPath, oldKey, oldCertificate } = await appWithKey(kind, name);
      const before = await readApp(org.conn, kind, name);
      org.emulator.clearRequests();

      const result = rotatedResult(await rotateCertificate({ name, certificateDays: 90, waitMinutes: 1, login: true }, context(kind)));

      // The old key is where the result says, unchanged; the new key took its place.
      expect(result.previousPrivateKeyPath).to.match(/server\.old-\d{8}T\d{6}Z\.key$/);
      expect(await readFile(result.previousPrivateKeyPath!, 'utf8')).to.equal(oldKey);
      expect(result.privateKeyPath).to.equal(keyPath);
      expect(await readFile(keyPath, 'utf8')).to.not.equal(oldKey);
      expect(existsSync(result.previousCertificatePath!)).to.equal(true);

      expect(result.previousCertificate?.expires).to.equal(parseCertificatePem(oldCertificate).info.notAfter.toISOString());
      expect(Date.parse(result.certificate.expires!) - Date.now()).to.be.closeTo(90 * 86_400_000, 86_400_000);
      expect(result.login?.username).to.equal(org.emulator.username);
      // The login went to the target org's instance URL, where the app is.
      expect(result.login?.loginUrl).to.equal(org.emulator.instanceUrl);

      // Only the certificate changed in the org.
      const after = await readApp(org.conn, kind, name);
      expect(after!.definition.certificate).to.not.equal(before!.definition.certificate);
      expect({ ...after!.definition, certificate: '' }).to.deep.equal({ ...before!.definition, certificate: '' });
      const writes = soapOperations(org.emulator).filter((op) => ['updateMetadata', 'deploy'].includes(op));
      expect(writes).to.deep.equal([kind === 'ConnectedApp' ? 'updateMetadata' : 'deploy']);

      expect(await jwtLogin(result.consumerKey!, result.previousPrivateKeyPath!)).to.not.equal('ok');
      expect(await jwtLogin(result.consumerKey!, keyPath)).to.equal('ok');
    });
  }

  describe('--if-expiring-within', () => {
    /** Every file under the app's key folder, with its content: "nothing written" means this does not change. */
    const keyFolder = async (name: string): Promise<Record<string, string>> => {
      const dir = join(project, '.sf-oauth-apps', name);
      const names = await readdir(dir);
      return Object.fromEntries(await Promise.all(names.map(async (file) => [file, await readFile(join(dir, file), 'utf8')] as const)));
    };

    it('does nothing while the certificate expires later than now + days: no request writes, no key, no file', async () => {
      // appWithKey's certificate is valid for 30 days: 29 whole days left.
      await appWithKey('ExternalClientApplication', 'Due_Not');
      const filesBefore = await keyFolder('Due_Not');
      org.emulator.clearRequests();
      const result = await rotateCertificate({ name: 'Due_Not', certificateDays: 90, waitMinutes: 0, ifExpiringWithin: 28, login: true }, context('ExternalClientApplication'));
      expect(result).to.deep.include({ rotated: false, certificateDaysLeft: 29, ifExpiringWithin: 28 });
      expect(result).to.not.have.property('update');
      expect(soapOperations(org.emulator).filter((op) => op !== 'readMetadata' && op !== 'listMetadata')).to.deep.equal([]);
      expect(org.emulator.requests().filter((r) => r.path.includes('oauth2'))).to.deep.equal([]);
      expect(await keyFolder('Due_Not')).to.deep.equal(filesBefore);
    });

    it('rotates when the certificate expires within the days given (29 days and some hours left, --if-expiring-within 30)', async () => {
      await appWithKey('ConnectedApp', 'Due_Yes');
      const result = rotatedResult(
        await rotateCertificate({ name: 'Due_Yes', certificateDays: 90, waitMinutes: 0, ifExpiringWithin: 30 }, context('ConnectedApp'))
      );
      expect(result.previousCertificate?.expires).to.be.a('string');
      expect(Date.parse(result.certificate.expires!) - Date.now()).to.be.closeTo(90 * 86_400_000, 86_400_000);
    });

    it('rotates an app without a certificate: it is due (JWT cannot work without one)', async () => {
      await createExternalClientApp(org.conn, definition('Due_None', { certificate: undefined }));
      const result = rotatedResult(
        await rotateCertificate({ name: 'Due_None', certificateDays: 30, waitMinutes: 0, ifExpiringWithin: 0 }, context('ExternalClientApplication'))
      );
      expect(result.previousCertificate).to.equal(undefined);
      expect(result.certificate.expires).to.be.a('string');
    });
  });

  it('puts the old key back, and removes the new one, when the org refuses the change', async () => {
    const { keyPath, oldKey } = await appWithKey('ConnectedApp', 'Rot_Fail');
    // Every try: a passing fault is looked for in the org and the change sent once more (update/execute.ts).
    org.emulator.faults.add({ kind: 'http500', operation: 'updateMetadata' });
    let error: Error | undefined;
    try {
      await rotateCertificate({ name: 'Rot_Fail', certificateDays: 30, waitMinutes: 0 }, context('ConnectedApp'));
    } catch (e) {
      error = e as Error;
    } finally {
      org.emulator.faults.clear();
    }
    expect(soapOperations(org.emulator)).to.include('updateMetadata');
    expect(error).to.be.instanceOf(Error);
    expect(await readFile(keyPath, 'utf8')).to.equal(oldKey);
    const left = await readdir(join(project, '.sf-oauth-apps', 'Rot_Fail'));
    expect(left.filter((file) => file.includes('.old-'))).to.deep.equal([]);
  });

  it('refuses consumer key rotation for a connected app before any file moves', async () => {
    const { keyPath, oldKey } = await appWithKey('ConnectedApp', 'Rot_Refuse');
    let error: Error | undefined;
    try {
      await rotateCertificate({ name: 'Rot_Refuse', certificateDays: 30, waitMinutes: 0, rotateConsumerKey: true }, context('ConnectedApp'));
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.include('cannot be rotated');
    expect(await readFile(keyPath, 'utf8')).to.equal(oldKey);
  });

  it('fails for an unknown app before any file moves', async () => {
    let error: Error | undefined;
    try {
      await rotateCertificate({ name: 'No_Such_App', certificateDays: 30, waitMinutes: 0 }, context('ConnectedApp'));
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.include('No_Such_App');
    expect(existsSync(join(project, '.sf-oauth-apps', 'No_Such_App'))).to.equal(false);
  });
});
