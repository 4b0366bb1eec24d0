/*
 * Where a path really leads. "Never inside a package directory" must hold for the file the bytes land in, not for
 * the path as typed: a symbolic link on the way (a linked --output-dir, a linked .sf-oauth-apps/<app>) can lead into
 * force-app. A path that does not exist yet is resolved through its nearest existing folder.
 */
import { execFile } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** The real path of a file that may not exist yet: realpath of its nearest existing ancestor, plus the rest. */
export async function realPathOf(path: string): Promise<string> {
  const rest: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      // eslint-disable-next-line no-await-in-loop
      const real = await realpath(current);
      return rest.length > 0 ? join(real, ...rest.reverse()) : real;
    } catch {
      // Missing, a dangling link, or under a file: go up one level.
      if (dirname(current) === current) return resolve(path);
      rest.push(basename(current));
      current = dirname(current);
    }
  }
}

export function isInside(child: string, parent: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The package directory (as the project names it) a file would really land in, and where it really lands. */
export async function packageDirectoryHolding(
  path: string,
  packageDirectories: readonly string[]
): Promise<{ packageDir: string; realPath: string } | undefined> {
  if (packageDirectories.length === 0) return undefined;
  const realPath = await realPathOf(path);
  for (const packageDir of packageDirectories) {
    // eslint-disable-next-line no-await-in-loop
    if (isInside(path, packageDir) || isInside(realPath, await realPathOf(packageDir))) return { packageDir, realPath };
  }
  return undefined;
}

export type GitAnswer = 'ignored' | 'not-ignored' | 'no-repo' | 'no-git';

/** The nearest existing folder of a real path (git's working directory must be one). */
async function existingFolderOf(realPath: string): Promise<string> {
  let dir = dirname(realPath);
  for (;;) {
    // eslint-disable-next-line no-await-in-loop
    const isFolder = await stat(dir).then((s) => s.isDirectory(), () => false);
    if (isFolder || dirname(dir) === dir) return dir;
    dir = dirname(dir);
  }
}

/**
 * `git check-ignore` on where the file really lands, run in its nearest existing real folder, without a shell.
 * Exit 0: ignored; 1: not ignored; 128: not in a work tree (or beyond one); ENOENT: git is not installed.
 */
export async function gitCheckIgnore(path: string): Promise<GitAnswer> {
  const real = await realPathOf(path);
  const cwd = await existingFolderOf(real);
  return new Promise((done) => {
    execFile('git', ['check-ignore', '-q', '--no-index', real], { cwd, timeout: 5000, windowsHide: true }, (error) => {
      if (!error) return done('ignored');
      const code = (error as { code?: unknown }).code;
      if (code === 1) return done('not-ignored');
      return done(code === 'ENOENT' ? 'no-git' : 'no-repo');
    });
  });
}
