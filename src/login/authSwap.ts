/*
 * A new authorization for a username that may already have one, without the old one ever being removed or rewritten
 * before the new one exists in full.
 *
 * `sf org login jwt` deletes the user's auth file first: AuthInfo.create refuses a username plus OAuth options when a
 * file exists (AuthInfoOverwriteError), and would otherwise merge the old file's fields (a web login's refresh token,
 * say) into the new auth, since core's save merges with what is on disk. Here the token exchange runs with the user's
 * auth file redirected to a hidden file beside it (core's orgs accessor reads and writes that one instead), the new
 * auth is saved there, and one rename(2) in the same directory replaces the old file. A process killed at any point
 * leaves either the old auth or the new one, never none; a failed login leaves the old file byte for byte.
 */
import { chmod, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AuthInfo, StateAggregator } from '@salesforce/core';

type OAuth2Config = NonNullable<AuthInfo.Options['oauth2Options']>;

/** The accessor's (protected) factory of auth file configs: the one place that maps a username to a file. */
type AuthFileFactory = (username: string, throwOnNotFound?: boolean) => Promise<unknown>;
type WithFactory = { initAuthFile: AuthFileFactory };

/** Where the new auth is built: hidden (sf lists only auth files not starting with a dot), tagged with this process. */
const asideName = (username: string, pid: number): string => `.${username}.swap-${pid}`;
const ASIDE = /^\.(.+)\.swap-(\d+)\.json(\.lock)?$/;

export type AuthSwap = {
  /** The auth built so far, in memory and (after commit) on disk. */
  authInfo: AuthInfo;
  /** Saves the new auth beside the old file and renames it over it. */
  commit(): Promise<void>;
};

/**
 * Runs core's OAuth login (JWT here: clientId, privateKeyFile, loginUrl) for `username`, or `build` (an AuthInfo made
 * from a token already issued, or a web login's), with the user's auth file set aside: nothing on disk changes unless
 * commit() is called. Without commit the orgs cache is put back as it was.
 */
export async function loginAside(username: string, auth: OAuth2Config | (() => Promise<AuthInfo>)): Promise<AuthSwap> {
  const orgs = (await StateAggregator.getInstance()).orgs;
  const realPath = orgs.getPath(username);
  const aside = asideName(username, process.pid);
  await removeStaleAsides(dirname(realPath), username);
  const accessor = orgs as unknown as WithFactory;
  const original = accessor.initAuthFile;
  const restore = async (): Promise<void> => {
    accessor.initAuthFile = original;
    // The cache forgets the aside file: the user's file (old or new) is what later reads and saves see.
    await orgs.read(username, false, false);
  };
  accessor.initAuthFile = (name, throwOnNotFound): Promise<unknown> => original.call(orgs, name === username ? aside : name, throwOnNotFound);
  let authInfo: AuthInfo;
  try {
    // The username goes in the OAuth options only: as a separate option core would refuse it while a file exists.
    authInfo = typeof auth === 'function' ? await auth() : await AuthInfo.create({ oauth2Options: { ...auth, username } });
  } catch (error) {
    await restore();
    throw error;
  }
  return {
    authInfo,
    async commit(): Promise<void> {
      const asidePath = join(dirname(realPath), `${aside}.json`);
      try {
        await authInfo.save();
        // A web login can end as another user than the one expected: core saved that user's own file, in place, and
        // nothing was set aside.
        if (authInfo.getUsername() !== username) return;
        const previous = await stat(realPath).catch(() => undefined);
        // The new file gets the old one's permissions (core writes auth files with the process umask).
        if (previous) await chmod(asidePath, previous.mode & 0o777);
        await rename(asidePath, realPath);
      } catch (error) {
        await rm(asidePath, { force: true });
        throw error;
      } finally {
        await restore();
      }
    },
  };
}

/** Aside files of this username left by a process that was killed before its rename (its pid no longer runs). */
async function removeStaleAsides(dir: string, username: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const match = ASIDE.exec(name);
      if (!match || match[1] !== username || isRunning(Number(match[2]))) return;
      await rm(join(dir, name), { recursive: true, force: true });
    })
  );
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** For tests and reports: whether a file name is an aside auth file. */
export const isAsideAuthFile = (path: string): boolean => ASIDE.test(basename(path));
