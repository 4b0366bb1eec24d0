/*
 * "Never inside a package directory" on the paths files really land in: links on the way are followed, paths that do
 * not exist yet resolve through their nearest existing folder; git is asked about the real path.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { gitCheckIgnore, packageDirectoryHolding, realPathOf } from '../../src/files/realPaths.js';
import { planKeyFiles } from '../../src/files/keyFiles.js';

const hasGit = (): boolean => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('real paths', () => {
  let dir: string;
  let root: string;
  let pkg: string;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'fileskeys-real-')));
    root = join(dir, 'project');
    pkg = join(root, 'force-app');
    await mkdir(join(pkg, 'main', 'default'), { recursive: true });
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('resolves links on the way and keeps the part that does not exist yet', async () => {
    await symlink(join(pkg, 'main'), join(root, 'keys'));
    expect(await realPathOf(join(root, 'keys', 'a', 'server.key'))).to.equal(join(pkg, 'main', 'a', 'server.key'));
    expect(await realPathOf(join(root, 'plain', 'server.key'))).to.equal(join(root, 'plain', 'server.key'));
    await writeFile(join(root, 'file'), 'x');
    expect(await realPathOf(join(root, 'file', 'under'))).to.equal(join(root, 'file', 'under'));
  });

  it('finds the package directory a linked path leads into', async () => {
    await symlink(pkg, join(root, 'out'));
    expect(await packageDirectoryHolding(join(root, 'out', 'server.key'), [pkg])).to.deep.equal({
      packageDir: pkg,
      realPath: join(pkg, 'server.key'),
    });
    expect(await packageDirectoryHolding(join(root, 'elsewhere', 'server.key'), [pkg])).to.equal(undefined);
    // A package directory that is itself a link: compared on its real path too.
    const real = join(dir, 'real-src');
    await mkdir(real);
    await symlink(real, join(root, 'linked-src'));
    expect((await packageDirectoryHolding(join(real, 'x.key'), [join(root, 'linked-src')]))?.packageDir).to.equal(join(root, 'linked-src'));
  });

  it('planKeyFiles refuses a linked --output-dir and a linked .sf-oauth-apps/<app> that lead into force-app', async () => {
    const base = { appName: 'CI_App', projectRoot: root, packageDirectories: [pkg], cwd: root };
    await symlink(join(pkg, 'main'), join(root, 'out'));
    await mkdir(join(root, '.sf-oauth-apps'));
    await symlink(join(pkg, 'main', 'default'), join(root, '.sf-oauth-apps', 'CI_App'));
    for (const options of [{ ...base, outputDir: 'out' }, base]) {
      try {
        // eslint-disable-next-line no-await-in-loop
        await planKeyFiles(options);
        expect.fail('should refuse');
      } catch (error) {
        expect((error as Error).name).to.equal('KeyInPackageDirectoryError');
        expect((error as Error).message).to.include('symbolic link on the way leads to').and.include(pkg);
      }
    }
  });

  (hasGit() ? it : it.skip)('asks git about the real path: a link into an unignored folder is not ignored', async () => {
    execFileSync('git', ['init', '-q'], { cwd: root });
    await writeFile(join(root, '.gitignore'), 'ignored/\n');
    await mkdir(join(root, 'ignored'));
    await mkdir(join(root, 'tracked'));
    await symlink(join(root, 'tracked'), join(root, 'ignored', 'link'));
    expect(await gitCheckIgnore(join(root, 'ignored', 'x.secret'))).to.equal('ignored');
    expect(await gitCheckIgnore(join(root, 'ignored', 'link', 'x.secret'))).to.equal('not-ignored');
    expect(await gitCheckIgnore(join(dir, 'outside', 'x.secret'))).to.equal('no-repo');
    await writeFile(join(root, 'plain'), 'x');
    expect(await gitCheckIgnore(join(root, 'plain', 'x.secret')), 'under a file: no spawn ENOTDIR').to.equal('not-ignored');
  });
});
