/*
 * Fault matrix, files and keys (issue 10 items 2, 8, 9, 12), with the real sf against the emulator. Each case causes
 * the fault for real (a dangling link, a path under a regular file, an unwritable place, a linked --output-dir into
 * force-app, a key of another certificate, a garbage certificate, a stopped org) and then checks: the command failed
 * with words that name the file or URL and the fix, no metadata write reached the org, no user file changed, and no
 * consumer secret was made that nobody holds.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, symlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { generateKeyAndCertificate } from '../../../src/model/certificate.js';
import { startEmulator } from '../../emulator/server.js';
import { describeRun, sharedSession, type SfJsonRun, type SfSession, type TestProject } from '../harness.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type ErrorEnvelope = { name?: string; message?: string; actions?: string[] };

const METADATA_WRITES = /^(create|update|upsert|delete)Metadata$|^deploy$/;

/** Every file and folder under dir with its content (or "dir"/"link"): a user file that changed shows here. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    // eslint-disable-next-line no-await-in-loop
    out[relative(dir, path)] = entry.isFile() ? await readFile(path, 'utf8') : entry.isSymbolicLink() ? 'link' : 'dir';
  }
  return out;
}

export function registerFileFaults(): void {
  describe('fault matrix: files and keys', function () {
    this.timeout(300_000);
    let session: SfSession;
    let emu: Emulator;
    let project: TestProject;
    const metadataWrites = (): string[] =>
      emu
        .requests()
        .map((r) => r.operation ?? '')
        .filter((op) => METADATA_WRITES.test(op));

    before(async () => {
      session = await sharedSession();
      emu = await startEmulator({ port: 0, allowConnectedAppCreation: true });
      await session.loginToEmulator(emu, 'faults-files');
      project = await session.makeProject('fault-files');
      await project.write('notes.txt', 'my notes\n');
    });
    after(async () => {
      await emu?.stop().catch(() => undefined);
    });

    /** Runs sf in the project; expects a failure, no metadata write, and the project exactly as before. */
    async function refused(args: string[], expectedName: string): Promise<SfJsonRun & { error: ErrorEnvelope }> {
      const before = await snapshot(project.dir);
      const writesBefore = metadataWrites().length;
      const run = await session.json([...args, '-o', 'faults-files'], { cwd: project.dir });
      const error = run.json as unknown as ErrorEnvelope;
      expect(run.json.status, describeRun(run)).to.not.equal(0);
      expect(error.name, describeRun(run)).to.equal(expectedName);
      expect(metadataWrites().slice(writesBefore), 'no metadata write reached the org').to.deep.equal([]);
      expect(await snapshot(project.dir), 'no file in the project changed').to.deep.equal(before);
      return { ...run, error };
    }

    describe('item 2: --secret-file is made before anything is sent', () => {
      it('a dangling symbolic link is refused before the app exists', async () => {
        await symlink(join(project.dir, 'gone', 'target'), join(project.dir, 'dangling.secret'));
        const { error } = await refused(
          ['connected-app', 'create', '--name', 'Dangling_Secret', '--secret-file', 'dangling.secret', '--no-certificate', '--require-secret-for-web-server'],
          'SecretFileUnusableError'
        );
        expect(error.message).to.include(join(project.dir, 'dangling.secret')).and.include('symbolic link');
        expect(emu.requests().some((r) => r.path.includes('Dangling_Secret'))).to.equal(false);
      });

      it('a path under a regular file is refused before the app exists', async () => {
        const { error } = await refused(
          ['external-client-app', 'create', '--name', 'Under_File', '--secret-file', 'notes.txt/app.secret', '--no-certificate', '--require-secret-for-web-server'],
          'SecretFileUnusableError'
        );
        expect(error.message).to.include(join(project.dir, 'notes.txt', 'app.secret')).and.include('is a file, not a folder');
      });

      it('an unwritable place (sysfs as root, where permission bits do not stop root; a 0500 folder otherwise)', async () => {
        const root = process.getuid?.() === 0;
        const folder = root ? '/sys' : join(project.dir, '..', 'locked');
        if (!root) await mkdir(folder, { mode: 0o500 });
        const { error } = await refused(
          ['connected-app', 'create', '--name', 'Locked_Secret', '--secret-file', join(folder, 'fileskeys.secret'), '--no-certificate', '--require-secret-for-web-server'],
          'SecretFileUnusableError'
        );
        expect(error.message).to.include('you may not create files');
      });
    });

    describe('item 9: the package-directory rule on real paths', () => {
      it('a symbolic-linked --output-dir that leads into force-app is refused; no key lands in source', async () => {
        await symlink(join(project.dir, 'force-app', 'main', 'default'), join(project.dir, 'keys-link'));
        const { error } = await refused(
          ['external-client-app', 'create', '--name', 'Linked_Keys', '--output-dir', 'keys-link'],
          'KeyInPackageDirectoryError'
        );
        expect(error.message).to.include('symbolic link on the way leads to').and.include(join(project.dir, 'force-app'));
      });

      it('a --secret-file inside a package directory is refused', async () => {
        const { error } = await refused(
          ['connected-app', 'create', '--name', 'Pkg_Secret', '--secret-file', 'force-app/app.secret', '--no-certificate', '--require-secret-for-web-server'],
          'SecretInPackageDirectoryError'
        );
        expect(error.message).to.include(join(project.dir, 'force-app'));
      });
    });

    describe('item 8: key and certificate checked against each other before anything is sent', () => {
      const mine = generateKeyAndCertificate({ commonName: 'mine', days: 30 });
      const other = generateKeyAndCertificate({ commonName: 'other', days: 30 });

      it('create with a key of another certificate', async () => {
        await project.write('pair/mine.crt', mine.certificatePem);
        await project.write('pair/other.key', other.privateKeyPem);
        const { error } = await refused(
          ['external-client-app', 'create', '--name', 'Mismatch_Eca', '--certificate-file', 'pair/mine.crt', '--jwt-key-file', 'pair/other.key'],
          'KeyCertificateMismatchError'
        );
        expect(error.message).to.include('pair/other.key').and.include('pair/mine.crt');
      });

      it('create with a certificate given as the key', async () => {
        const { error } = await refused(
          ['connected-app', 'create', '--name', 'Cert_As_Key', '--certificate-file', 'pair/mine.crt', '--jwt-key-file', 'pair/mine.crt'],
          'KeyFileIsCertificateError'
        );
        expect(error.actions?.join('\n')).to.include('--jwt-key-file');
      });

      it('a garbage certificate in a definition file is refused before any request', async () => {
        const file = await project.write('defs/garbage.json', JSON.stringify({ name: 'Garbage_Cert', certificate: 'MIIBnot-a-certificate' }));
        const requestsBefore = emu.requests().length;
        const { error } = await refused(['external-client-app', 'create', '--definition-file', file], 'InvalidSettingValueError');
        expect(error.message).to.include(file).and.include('certificate');
        expect(emu.requests().length, 'no request at all').to.equal(requestsBefore);
      });

      it('rotate-certificate with a key of another certificate keeps the org\'s certificate', async () => {
        const created = await session.json<{ certificatePath: string }>(
          ['connected-app', 'create', '--name', 'Rotate_Me', '-o', 'faults-files'],
          { cwd: project.dir }
        );
        expect(created.json.status, describeRun(created)).to.equal(0);
        const orgBefore = emu.store.read('ConnectedApp', 'Rotate_Me');
        const { error } = await refused(
          ['connected-app', 'rotate-certificate', '--name', 'Rotate_Me', '--certificate-file', 'pair/mine.crt', '--jwt-key-file', 'pair/other.key'],
          'KeyCertificateMismatchError'
        );
        expect(error.message).to.include('other.key');
        expect(emu.store.read('ConnectedApp', 'Rotate_Me'), 'the org still holds the old certificate').to.deep.equal(orgBefore);
        expect((await stat(created.json.result!.certificatePath)).isFile()).to.equal(true);
      });
    });

    describe('item 12: errors say the right thing', () => {
      it('a stopped org: the error names the URL and says it is no answer from Salesforce', async () => {
        await emu.stop();
        const run = await session.json(['connected-app', 'list', '-o', 'faults-files'], { cwd: project.dir });
        const error = run.json as unknown as ErrorEnvelope;
        expect(run.json.status, describeRun(run)).to.not.equal(0);
        expect(error.name, describeRun(run)).to.equal('NetworkError');
        expect(error.message).to.include(new URL(emu.instanceUrl).host).and.include('not a message from Salesforce');
        expect(`${error.message ?? ''}${(error.actions ?? []).join('\n')}`).to.not.include('see the message from Salesforce');
        expect(error.actions?.join('\n')).to.include('--instance-url');
      });
    });

    describe('afterwards', () => {
      it('no secret file was left behind by a refused create', () => {
        const found = execFileSync('find', [project.dir, '-name', '*.secret', '-type', 'f']).toString().trim();
        expect(found).to.equal('');
      });
    });
  });
}
