/*
 * Which key pair a rerun of create may use again: only the plugin's own folder for the app, only a key and a
 * certificate that belong together and were made for that app. Nothing is ever overwritten.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { keyMatchesCertificate, planKeyFiles, writeKeyFiles } from '../../src/files/keyFiles.js';
import { generateKeyAndCertificate } from '../../src/model/certificate.js';

const NAME = 'Reuse_App';

describe('reusing the key pair an earlier create made', () => {
  const pairA = generateKeyAndCertificate({ commonName: NAME, days: 30 });
  const pairB = generateKeyAndCertificate({ commonName: NAME, days: 30 });
  const plan = (cwd: string, extra: { outputDir?: string } = {}): ReturnType<typeof planKeyFiles> =>
    planKeyFiles({ appName: NAME, projectRoot: cwd, packageDirectories: [join(cwd, 'force-app')], cwd, ...extra });
  const place = async (folder: string, key: string, certificate: string): Promise<void> => {
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'server.key'), key);
    await writeFile(join(folder, 'server.crt'), certificate);
  };
  const refusal = (promise: Promise<unknown>): Promise<Error> =>
    promise.then(
      () => expect.fail('planning should have refused'),
      (error: Error) => error
    );

  it('tells a key and certificate that belong together from two that do not', () => {
    expect(keyMatchesCertificate(pairA.privateKeyPem, pairA.certificatePem)).to.equal(true);
    expect(keyMatchesCertificate(pairA.privateKeyPem, pairB.certificatePem)).to.equal(false);
  });

  it('reuses a matching pair made for the app in the plugin folder, and writes nothing', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'rerun-keys-'));
    const folder = join(cwd, '.sf-oauth-apps', NAME);
    await place(folder, pairA.privateKeyPem, pairA.certificatePem);
    const planned = await plan(cwd);
    expect(planned.reuse?.privateKeyPem).to.equal(pairA.privateKeyPem);
    expect(planned.reuse?.certificatePem).to.equal(pairA.certificatePem);
    await writeKeyFiles(planned, pairB);
    expect(await readFile(join(folder, 'server.key'), 'utf8')).to.equal(pairA.privateKeyPem);
  });

  it('refuses a pair that does not match, one made for another app, and a lone key', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'rerun-keys-'));
    const folder = join(cwd, '.sf-oauth-apps', NAME);
    await place(folder, pairA.privateKeyPem, pairB.certificatePem);
    expect((await refusal(plan(cwd))).name).to.equal('KeyPairNotReusableError');
    const other = generateKeyAndCertificate({ commonName: 'Another_App', days: 30 });
    await place(folder, other.privateKeyPem, other.certificatePem);
    expect((await refusal(plan(cwd))).name).to.equal('KeyPairNotReusableError');
    await writeFile(join(folder, 'server.crt'), '');
    expect((await refusal(plan(cwd))).name).to.equal('KeyPairNotReusableError');
    const lone = await mkdtemp(join(tmpdir(), 'rerun-keys-'));
    await mkdir(join(lone, '.sf-oauth-apps', NAME), { recursive: true });
    await writeFile(join(lone, '.sf-oauth-apps', NAME, 'server.key'), pairA.privateKeyPem);
    expect((await refusal(plan(lone))).name).to.equal('KeyFileExistsError');
    expect(await readFile(join(folder, 'server.key'), 'utf8')).to.equal(other.privateKeyPem);
  });

  it('never takes a pair in a place the user chose (--output-dir) for its own', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'rerun-keys-'));
    await place(join(cwd, 'keys'), pairA.privateKeyPem, pairA.certificatePem);
    expect((await refusal(plan(cwd, { outputDir: 'keys' }))).name).to.equal('KeyFileExistsError');
  });
});
