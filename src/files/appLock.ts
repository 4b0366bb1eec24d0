/*
 * One update of an app at a time from a project: a lock file in the project's sf state folder (.sf/, which sf
 * projects keep out of git), made with O_EXCL so only one process can hold it, naming its holder (pid, host, command,
 * start time), removed when the work ends. A lock whose process is gone (same host, pid no longer running) is stale
 * and taken over. @salesforce/core's lockInit (proper-lockfile) was not used: its lock says nothing about its holder
 * and is stale only by age, so it could neither name who holds it nor free one a killed process left at once.
 */
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { sleep } from '@salesforce/kit';

export type LockHolder = { pid: number; host: string; command: string; startedAt: string };

export type AppLockOptions = {
  /** How long to wait for another holder to finish; default 30 s. */
  waitMs?: number;
  /** Polling interval while waiting; default 250 ms. */
  pollMs?: number;
  /** What this process is doing, for the holder record. */
  command?: string;
};

/** Thrown when the lock stays held: the holder and the lock file. */
export class AppLockedError extends Error {
  public constructor(public readonly holder: LockHolder, public readonly path: string, public readonly waitedMs: number) {
    super(`${path} is held by pid ${holder.pid} on ${holder.host} since ${holder.startedAt}`);
    this.name = 'AppLockedError';
  }
}

/** Where the lock of one app lives: <project root>/.sf/oauth-apps/<Kind>.<name>.lock. */
export const appLockPath = (base: string, kind: string, name: string): string => join(base, '.sf', 'oauth-apps', `${kind}.${name}.lock`);

const UNREADABLE_STALE_MS = 10_000;
const EMPTY_HOLDER: LockHolder = { pid: 0, host: '?', command: '?', startedAt: '?' };

const ageMs = (path: string): Promise<number> =>
  stat(path).then(
    (stats) => Date.now() - stats.mtimeMs,
    () => 0
  );

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const holder = JSON.parse(await readFile(path, 'utf8')) as Partial<LockHolder>;
    return typeof holder.pid === 'number' ? (holder as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

async function tryCreate(path: string, holder: LockHolder): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o644);
    try {
      await handle.writeFile(`${JSON.stringify(holder)}\n`);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * A stale lock is moved aside (rename is atomic: of two processes finding it stale, one moves it) and removed; a lock
 * that changed holder in the meantime is put back untouched.
 */
async function clearIfStale(path: string, seen: LockHolder): Promise<void> {
  const aside = `${path}.stale-${process.pid}`;
  try {
    await rename(path, aside);
  } catch {
    return;
  }
  const moved = (await readHolder(aside)) ?? EMPTY_HOLDER;
  if (moved.pid !== seen.pid || moved.startedAt !== seen.startedAt) {
    await rename(aside, path).catch(() => undefined);
    return;
  }
  await rm(aside, { force: true });
}

/** Runs the work holding the app's lock; waits for another holder up to waitMs, then throws AppLockedError. */
export async function withAppLock<T>(path: string, work: () => Promise<T>, options: AppLockOptions = {}): Promise<T> {
  const waitMs = options.waitMs ?? 30_000;
  const me: LockHolder = { pid: process.pid, host: hostname(), command: options.command ?? process.argv.slice(2).join(' '), startedAt: new Date().toISOString() };
  await mkdir(join(path, '..'), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    // eslint-disable-next-line no-await-in-loop
    if (await tryCreate(path, me)) break;
    // eslint-disable-next-line no-await-in-loop
    const holder = await readHolder(path);
    // No readable holder for a while: a process died between making the file and writing it.
    // eslint-disable-next-line no-await-in-loop
    const unreadable = !holder && (await ageMs(path)) > UNREADABLE_STALE_MS;
    if (unreadable || (holder && holder.host === me.host && !isRunning(holder.pid))) {
      // eslint-disable-next-line no-await-in-loop
      await clearIfStale(path, holder ?? EMPTY_HOLDER);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new AppLockedError(holder ?? EMPTY_HOLDER, path, waitMs);
    }
    // eslint-disable-next-line no-await-in-loop
    await sleep(options.pollMs ?? 250);
  }
  try {
    return await work();
  } finally {
    // Only our own lock is removed.
    const holder = await readHolder(path);
    if (holder?.pid === me.pid && holder.startedAt === me.startedAt) await rm(path, { force: true });
  }
}
