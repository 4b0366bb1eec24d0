/*
 * The processes an e2e run leaves behind. Every process the run starts carries RUN_MARKER in its environment
 * (harness.ts puts it into this process's environment, so sf, what sf starts in the background such as
 * `sf update --autoupdate` or the headless browser, and `npm run emulator` all inherit it), and may also run in a
 * session's temp dir. A root after hook (registerLeftoverCheck) fails the run when any of them is still there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

export const RUN_MARKER = 'OAUTH_APPS_E2E_RUN';
/**
 * The run's id. A script that uses the harness outside mocha (the org lane, when the e2e suite starts it) keeps the
 * id it inherits, so the processes it starts count as the e2e run's; a mocha run always makes its own.
 */
export const runId =
  typeof after !== 'function' && process.env[RUN_MARKER] ? process.env[RUN_MARKER] : `${process.pid}-${randomUUID()}`;

export type ProcessInfo = { pid: number; ppid: number; command: string; cwd?: string; marked: boolean };
export type LeftoverProcess = ProcessInfo & { why: string };

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // gone meanwhile, or another user's
  }
};

/** Every process this user can see: /proc on Linux (with environment and cwd), ps elsewhere. */
export function listProcesses(): ProcessInfo[] {
  if (existsSync('/proc/self/environ')) {
    const processes: ProcessInfo[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readText(`/proc/${entry}/stat`);
      const cmdline = readText(`/proc/${entry}/cmdline`);
      if (!stat || !cmdline) continue; // exited, or a kernel thread
      // stat: "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after its last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      let cwd: string | undefined;
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`).replace(/ \(deleted\)$/, '');
      } catch {
        cwd = undefined;
      }
      const environ = readText(`/proc/${entry}/environ`) ?? '';
      processes.push({
        pid: Number(entry),
        ppid,
        command: cmdline.split('\0').join(' ').trim(),
        cwd,
        marked: environ.split('\0').includes(`${RUN_MARKER}=${runId}`),
      });
    }
    return processes;
  }
  return execFileSync('ps', ['-A', '-o', 'pid=,ppid=,command='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), command: match[3], marked: false }));
}

function descendantsOf(pid: number, processes: ProcessInfo[]): Set<number> {
  const found = new Set<number>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of processes) {
      if (!found.has(p.pid) && (p.ppid === pid || found.has(p.ppid))) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return found;
}

// Children this process had before the harness loaded are the test runner's own (tsx's esbuild service).
const runnerChildren = descendantsOf(process.pid, listProcesses());

/**
 * The processes of this run still alive, other than this process and the runner's own children: those carrying the
 * run's marker, those whose cwd or command line lies in one of the run's temp dirs, and this process's other
 * descendants.
 */
export function leftoverProcesses(runDirs: Iterable<string>): LeftoverProcess[] {
  const processes = listProcesses();
  const descendants = descendantsOf(process.pid, processes);
  const dirs = [...runDirs];
  const inRunDir = (path?: string): string | undefined => (path ? dirs.find((dir) => path.includes(dir)) : undefined);
  const leftovers: LeftoverProcess[] = [];
  for (const p of processes) {
    if (p.pid === process.pid || runnerChildren.has(p.pid)) continue;
    // The test runner's own transform service (tsx's esbuild, a direct child of this process, whether it was there at
    // load or started later): it ends with this process, and nothing under test started it. A CI run once failed on
    // such a process carrying the run marker; which child it belonged to was not found.
    if (p.ppid === process.pid && /\besbuild\b.*--service=/.test(p.command)) continue;
    // ps -o, and the /proc scan's own reads, are not leftovers.
    if (descendants.has(p.pid) && /^ps\b/.test(p.command)) continue;
    const dir = inRunDir(p.cwd) ?? inRunDir(p.command);
    const why = p.marked
      ? `started by this run (${RUN_MARKER} in its environment)`
      : dir
        ? `runs in the run's temp dir ${dir}`
        : descendants.has(p.pid)
          ? 'a child process of the test run'
          : undefined;
    if (why) leftovers.push({ ...p, why });
  }
  return leftovers;
}

/** Listening TCP servers in this process (emulators that were never stopped). */
export function openServers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'TCPServerWrap').length;
}

/**
 * Registers a root after hook (harness.ts calls this while the first spec file loads, so it runs after every e2e file
 * and its own after hooks) that fails the run when a process it started, or an emulator server, is still running.
 * It waits a few seconds for processes that are on their way out, and ends what is left so no run leaves anything
 * behind, even a failing one. Outside mocha (scripts import the harness) there is nothing to register.
 */
export function registerLeftoverCheck(usesSf: () => boolean, runDirs: () => Iterable<string>): void {
  if (typeof after !== 'function') return;
  after('no process of the e2e run is left running', async function () {
    if (!usesSf()) return;
    this.timeout(60_000);
    let leftovers = leftoverProcesses(runDirs());
    let servers = openServers();
    for (let waited = 0; (leftovers.length > 0 || servers > 0) && waited < 10_000; waited += 500) {
      // eslint-disable-next-line no-await-in-loop
      await new Promise((done) => setTimeout(done, 500));
      leftovers = leftoverProcesses(runDirs());
      servers = openServers();
    }
    for (const p of leftovers) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const problems = leftovers.map((p) => `pid ${p.pid}: ${p.command.slice(0, 200)} (${p.why})`);
    if (servers > 0) problems.push(`${servers} TCP server(s) still listening in the test process: an emulator that was never stopped?`);
    if (problems.length > 0) {
      throw new Error(`the e2e run left ${problems.length} thing(s) running (the processes are ended now):\n  ${problems.join('\n  ')}`);
    }
  });
}
