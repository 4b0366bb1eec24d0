import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import forge from 'node-forge';
import {
  fileMode,
  isGitIgnored,
  planKeyFiles,
  readCertificateFile,
  writeKeyFiles,
} from '../../src/files/keyFiles.js';
import { generateKeyAndCertificate } from '../../src/model/certificate.js';

const material = generateKeyAndCertificate({ commonName: 'test', days: 365, bits: 1024 });

function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A certificate with chosen validity dates (forge, so tests need no clock tricks). */
function certificateValid(from: Date, to: Date): string {
  const keys = forge.pki.rsa.generateKeyPair(512);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = from;
  cert.validity.notAfter = to;
  cert.setSubject([{ name: 'commonName', value: 'x' }]);
  cert.setIssuer([{ name: 'commonName', value: 'x' }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

describe('keyFiles', () => {
  let dir: string;
  let root: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oauth-apps-keys-'));
    root = join(dir, 'project');
    await mkdir(join(root, 'force-app'), { recursive: true });
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const base = (): { appName: string; projectRoot: string; packageDirectories: string[]; cwd: string } => ({ appName: 'CI_App', projectRoot: root, packageDirectories: [join(root, 'force-app')], cwd: root });

  it('defaults to <projectRoot>/.sf-oauth-apps/<App>/server.key and server.crt, git-ignored', async () => {
    const plan = await planKeyFiles(base());
    expect(plan.privateKeyPath).to.equal(join(root, '.sf-oauth-apps', 'CI_App', 'server.key'));
    expect(plan.certificatePath).to.equal(join(root, '.sf-oauth-apps', 'CI_App', 'server.crt'));
    expect(plan.warnings).to.deep.equal([]);
    await writeKeyFiles(plan, material);
    expect(await readFile(plan.privateKeyPath, 'utf8')).to.equal(material.privateKeyPem);
    expect(await readFile(plan.certificatePath, 'utf8')).to.equal(material.certificatePem);
    expect(await readFile(join(root, '.sf-oauth-apps', 'CI_App', '.gitignore'), 'utf8')).to.match(/^\*\.key$/m);
  });

  it('writes the key 0600 and the certificate 0644 even under a permissive umask', async () => {
    const old = process.umask(0o000);
    try {
      const plan = await planKeyFiles(base());
      await writeKeyFiles(plan, material);
      expect(await fileMode(plan.privateKeyPath)).to.equal(0o600);
      expect((await stat(plan.certificatePath)).mode & 0o777).to.equal(0o644);
    } finally {
      process.umask(old);
    }
  });

  it('uses the working directory outside a project', async () => {
    const plan = await planKeyFiles({ appName: 'A', packageDirectories: [], cwd: dir });
    expect(plan.privateKeyPath).to.equal(join(dir, '.sf-oauth-apps', 'A', 'server.key'));
  });

  it('honours --output-dir and an explicit key path (certificate beside it)', async () => {
    const out = await planKeyFiles({ ...base(), outputDir: '../keys' });
    expect(out.privateKeyPath).to.equal(join(dir, 'keys', 'server.key'));
    expect(out.gitignorePath).to.equal(undefined);
    const explicit = await planKeyFiles({ ...base(), privateKeyPath: join(dir, 'ci', 'jwt.key') });
    expect(explicit.certificatePath).to.equal(join(dir, 'ci', 'jwt.crt'));
    const both = await planKeyFiles({ ...base(), privateKeyPath: 'a.key', certificatePath: 'b.pem' });
    expect(both).to.include({ privateKeyPath: join(root, 'a.key'), certificatePath: join(root, 'b.pem') });
  });

  it('refuses a place inside a package directory (it would be deployed)', async () => {
    for (const options of [{ outputDir: 'force-app/keys' }, { privateKeyPath: join(root, 'force-app', 'x.key') }]) {
      try {
        // eslint-disable-next-line no-await-in-loop
        await planKeyFiles({ ...base(), ...options });
        expect.fail('should throw');
      } catch (error) {
        expect((error as Error).name).to.equal('KeyInPackageDirectoryError');
        expect((error as Error).message).to.include(join(root, 'force-app'));
      }
    }
  });

  it('never overwrites: an existing certificate stops everything before the key is written', async () => {
    const folder = join(dir, 'out');
    await mkdir(folder);
    await writeFile(join(folder, 'server.crt'), 'existing');
    try {
      await planKeyFiles({ ...base(), outputDir: folder });
      expect.fail('should throw');
    } catch (error) {
      expect((error as Error).name).to.equal('KeyFileExistsError');
      expect((error as Error).message).to.include(join(folder, 'server.crt'));
    }
    expect(await stat(join(folder, 'server.key')).catch(() => 'absent')).to.equal('absent');
  });

  it('a file appearing after planning is not overwritten and no half pair is left', async () => {
    const plan = await planKeyFiles({ ...base(), outputDir: join(dir, 'race') });
    await mkdir(join(dir, 'race'), { recursive: true });
    await writeFile(plan.certificatePath, 'raced');
    try {
      await writeKeyFiles(plan, material);
      expect.fail('should throw');
    } catch (error) {
      expect((error as Error).name).to.equal('KeyFileExistsError');
    }
    expect(await readFile(plan.certificatePath, 'utf8')).to.equal('raced');
    expect(await stat(plan.privateKeyPath).catch(() => 'absent')).to.equal('absent');
  });

  it('refuses the same path for key and certificate', async () => {
    try {
      await planKeyFiles({ ...base(), privateKeyPath: 'same.pem', certificatePath: 'same.pem' });
      expect.fail('should throw');
    } catch (error) {
      expect((error as Error).name).to.equal('KeyFilesSamePathError');
    }
  });

  (hasGit() ? it : it.skip)('warns when a chosen key path is not git-ignored, not when it is', async () => {
    execFileSync('git', ['init', '-q'], { cwd: root });
    const plain = await planKeyFiles({ ...base(), outputDir: 'secrets' });
    expect(plain.warnings).to.have.length(1);
    expect(plain.warnings[0]).to.include(join(root, 'secrets', 'server.key'));
    await writeFile(join(root, '.gitignore'), 'secrets/\n');
    expect((await planKeyFiles({ ...base(), outputDir: 'secrets' })).warnings).to.deep.equal([]);
    // Outside any repository there is nothing to warn about.
    expect(await isGitIgnored(join(dir, 'elsewhere', 'k.key'))).to.equal(undefined);
  });

  it('never fails when git is missing: falls back to reading .gitignore files', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = join(dir, 'no-bin');
    try {
      await writeFile(join(root, '.gitignore'), '*.key\n');
      expect(await isGitIgnored(join(root, 'keys', 'server.key'), root)).to.equal(true);
      expect(await isGitIgnored(join(root, 'keys', 'server.pem'), root)).to.equal(false);
    } finally {
      process.env.PATH = savedPath;
    }
  });

  describe('readCertificateFile', () => {
    it('reads a valid PEM certificate', async () => {
      const path = join(dir, 'server.crt');
      await writeFile(path, material.certificatePem);
      const cert = await readCertificateFile(path);
      expect(cert.pem).to.equal(material.certificatePem.trim() + '\n');
      expect(cert.info.notAfter.getTime()).to.be.greaterThan(Date.now());
      expect(cert.warnings).to.deep.equal([]);
    });

    it('unreadable, not PEM, expired and not-yet-valid are named errors with actions', async () => {
      const cases: Array<[string, string | undefined, string]> = [
        ['missing.crt', undefined, 'CertificateUnreadableError'],
        ['key.pem', material.privateKeyPem, 'CertificateNotPemError'],
        ['garbage.crt', '-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n', 'CertificateNotPemError'],
        ['old.crt', certificateValid(new Date('2020-01-01'), new Date('2021-01-01')), 'CertificateExpiredError'],
        ['future.crt', certificateValid(new Date(Date.now() + 86_400_000 * 10), new Date(Date.now() + 86_400_000 * 400)), 'CertificateNotYetValidError'],
      ];
      for (const [name, text, errorName] of cases) {
        const path = join(dir, name);
        // eslint-disable-next-line no-await-in-loop
        if (text !== undefined) await writeFile(path, text);
        try {
          // eslint-disable-next-line no-await-in-loop
          await readCertificateFile(path);
          expect.fail(`${name} should throw`);
        } catch (error) {
          const err = error as Error & { actions?: string[] };
          expect(err.name, name).to.equal(errorName);
          expect(err.message).to.include(path);
          expect((err.actions ?? []).length, name).to.be.greaterThan(0);
        }
      }
    });

    it('warns when the certificate expires within 30 days', async () => {
      const path = join(dir, 'soon.crt');
      await writeFile(path, certificateValid(new Date(Date.now() - 86_400_000), new Date(Date.now() + 86_400_000 * 5)));
      const cert = await readCertificateFile(path);
      expect(cert.warnings).to.have.length(1);
      expect(cert.warnings[0]).to.include(path);
    });
  });
});
