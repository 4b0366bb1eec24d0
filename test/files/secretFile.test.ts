/*
 * The secret file is made before anything is sent: every place it cannot go is found out by opening it, caused here
 * for real (dangling link, a path under a regular file, a missing or unwritable folder, a package directory reached
 * through a link), and a file this run made and never filled is taken away again.
 */
import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { checkSecretFilePlace, SecretFile } from '../../src/files/credentials.js';

const isRoot = process.getuid?.() === 0;

function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function refusal(promise: Promise<unknown>): Promise<Error & { actions?: string[] }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { actions?: string[] };
  }
  throw new Error('expected a refusal');
}

describe('secret file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fileskeys-secret-'));
  });
  afterEach(async () => {
    await chmod(dir, 0o700).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('is created empty with mode 0600, and takes the secret once it is known', async () => {
    const path = join(dir, 'app.secret');
    const file = await SecretFile.open(path);
    expect((await stat(path)).size).to.equal(0);
    await file.write('S3cret');
    expect(await readFile(path, 'utf8')).to.equal('S3cret\n');
    expect((await stat(path)).mode & 0o777).to.equal(0o600);
    await file.discard();
    expect(await readFile(path, 'utf8'), 'a written secret is never taken away').to.equal('S3cret\n');
  });

  it('discard removes only the empty file this run made', async () => {
    const path = join(dir, 'app.secret');
    const file = await SecretFile.open(path);
    await file.discard();
    expect(await lstat(path).catch(() => undefined)).to.equal(undefined);
    // Someone replaced it meanwhile: theirs stays.
    const other = await SecretFile.open(path);
    await rm(path);
    await writeFile(path, 'theirs');
    await other.discard();
    expect(await readFile(path, 'utf8')).to.equal('theirs');
  });

  const cases: Array<[string, (d: string) => Promise<string>, RegExp]> = [
    [
      'a dangling symbolic link',
      async (d): Promise<string> => {
        await symlink(join(d, 'nowhere', 'target'), join(d, 'link.secret'));
        return join(d, 'link.secret');
      },
      /symbolic link/,
    ],
    [
      'a link to an existing file',
      async (d): Promise<string> => {
        await writeFile(join(d, 'real'), 'keep');
        await symlink(join(d, 'real'), join(d, 'link.secret'));
        return join(d, 'link.secret');
      },
      /symbolic link/,
    ],
    [
      'a path under a regular file',
      async (d): Promise<string> => {
        await writeFile(join(d, 'plain'), 'x');
        return join(d, 'plain', 'app.secret');
      },
      /is a file, not a folder/,
    ],
    ['a missing folder', async (d): Promise<string> => join(d, 'no', 'such', 'app.secret'), /folder does not exist/],
    [
      'an existing file',
      async (d): Promise<string> => {
        await writeFile(join(d, 'app.secret'), 'old');
        return join(d, 'app.secret');
      },
      /already exists/,
    ],
  ];
  for (const [title, make, reason] of cases) {
    it(`refuses ${title} before anything is sent, both when checked and when opened`, async () => {
      const path = await make(dir);
      const before = execFileSync('ls', ['-laR', dir]).toString();
      for (const attempt of [(): Promise<unknown> => checkSecretFilePlace(path), (): Promise<unknown> => SecretFile.open(path)]) {
        // eslint-disable-next-line no-await-in-loop
        const error = await refusal(attempt());
        expect(error.name).to.equal('SecretFileUnusableError');
        expect(error.message).to.include(path).and.match(reason).and.include('Nothing was sent');
        expect(error.actions?.[0]).to.include('--secret-file');
      }
      expect(execFileSync('ls', ['-laR', dir]).toString(), 'nothing changed').to.equal(before);
    });
  }

  it('a link is never followed, even when O_EXCL alone would refuse it too', async () => {
    await symlink(join(dir, 'target'), join(dir, 'link.secret'));
    await refusal(SecretFile.open(join(dir, 'link.secret')));
    expect(await lstat(join(dir, 'target')).catch(() => undefined), 'no file made through the link').to.equal(undefined);
    expect(await readlink(join(dir, 'link.secret'))).to.equal(join(dir, 'target'));
  });

  it('refuses a folder the user may not write to (as root, where permission bits do not stop it: sysfs)', async function () {
    let locked = join(dir, 'locked');
    if (isRoot) {
      // Root ignores mode bits; sysfs refuses new files to everyone (EACCES), though access(W_OK) says yes.
      if (!(await stat('/sys').then((s) => s.isDirectory(), () => false))) this.skip();
      locked = '/sys';
    } else {
      await mkdir(locked);
      await chmod(locked, 0o500);
    }
    const error = await refusal(SecretFile.open(join(locked, 'fileskeys-test.secret')));
    expect(error.name).to.equal('SecretFileUnusableError');
    expect(error.message).to.include('you may not create files');
  });

  it('refuses a place inside a package directory, also through a symbolic link', async () => {
    const pkg = join(dir, 'project', 'force-app');
    await mkdir(join(pkg, 'main'), { recursive: true });
    await symlink(join(pkg, 'main'), join(dir, 'secrets'));
    for (const path of [join(pkg, 'app.secret'), join(dir, 'secrets', 'app.secret')]) {
      // eslint-disable-next-line no-await-in-loop
      const error = await refusal(checkSecretFilePlace(path, [pkg]));
      expect(error.name).to.equal('SecretInPackageDirectoryError');
      expect(error.message).to.include(pkg);
    }
    const linked = await refusal(SecretFile.open(join(dir, 'secrets', 'app.secret'), [pkg]));
    expect(linked.message).to.include('symbolic link on the way leads to').and.include(join(pkg, 'main', 'app.secret'));
    expect(await lstat(join(pkg, 'main', 'app.secret')).catch(() => undefined)).to.equal(undefined);
  });

  (hasGit() ? it : it.skip)('warns (does not fail) when git would not ignore the secret file; silent outside a repository', async () => {
    const repo = join(dir, 'repo');
    await mkdir(repo);
    execFileSync('git', ['init', '-q'], { cwd: repo });
    const warnings = await checkSecretFilePlace(join(repo, 'app.secret'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include(join(repo, 'app.secret')).and.include('.gitignore');
    await writeFile(join(repo, '.gitignore'), '*.secret\n');
    expect(await checkSecretFilePlace(join(repo, 'app.secret'))).to.deep.equal([]);
    expect(await checkSecretFilePlace(join(dir, 'outside.secret'))).to.deep.equal([]);
  });
});
