/*
 * The pieces of `npm run bench`: the plugin packed and installed as users get it, one timed sf process (wall, CPU,
 * peak RSS, and when its first request reached the emulator), and the official path a user takes without the plugin.
 */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Emulator } from '../test/emulator/server.js';
import type { RequestLogEntry } from '../test/emulator/types.js';
import { SfSession, binDir, describeRun, parseSfJson, repoRoot, type SfRun } from '../test/e2e/harness.js';

const execFileAsync = promisify(execFile);

export type Timed = SfRun & {
  cpuMs: number;
  maxRssKb: number;
  /** Spawn to the first request the emulator received (undefined: none). */
  firstRequestMs?: number;
  /** CPU time the sf process had used when that request arrived (sampled every 20 ms; load does not change it). */
  firstRequestCpuMs?: number;
  requests: RequestLogEntry[];
};

const TICK_MS = 10; // /proc/<pid>/stat counts CPU in clock ticks of 1/100 s (getconf CLK_TCK)

/** CPU time (all threads) of a process, from /proc; undefined once it is gone. */
async function processCpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/**
 * Samples the CPU time of the process /usr/bin/time started (sf's node) every 20 ms while it runs, so the CPU spent
 * before a given moment (the first request) can be read afterwards.
 */
function sampleCpu(timePid: number): { samples: Array<{ at: number; cpuMs: number }>; stop(): void } {
  const samples: Array<{ at: number; cpuMs: number }> = [];
  let pid: number | undefined;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async (): Promise<void> => {
      pid ??= Number((await readFile(`/proc/${timePid}/task/${timePid}/children`, 'utf8').catch(() => '')).trim().split(' ')[0]) || undefined;
      const cpuMs = pid ? await processCpuMs(pid) : undefined;
      if (cpuMs !== undefined) samples.push({ at: Date.now(), cpuMs });
    })().finally(() => (busy = false));
  }, 20);
  return { samples, stop: (): void => clearInterval(timer) };
}

/** Groups of requests that overlap in time: requests sent one after another, each waiting for the one before. */
export function serialRoundTrips(requests: RequestLogEntry[]): number {
  const spans = requests.map((r) => [Date.parse(r.time), Date.parse(r.time) + r.durationMs]).sort((a, b) => a[0] - b[0]);
  let groups = 0;
  let end = -Infinity;
  for (const [start, finish] of spans) {
    if (start >= end) groups++;
    end = Math.max(end, finish);
  }
  return groups;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** `npm pack` of this checkout (prepack builds it and writes the manifest), or the tarball given. */
export async function packPlugin(tgz?: string): Promise<string> {
  if (tgz) return tgz;
  const dir = await mkdtemp(join(tmpdir(), 'sf-oauth-apps-bench-pack-'));
  const { stdout } = await execFileAsync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: repoRoot, maxBuffer: 1 << 24 });
  return join(dir, stdout.trim().split('\n').pop() ?? '');
}

/** A fresh HOME with the tarball installed by the real sf, as `sf plugins install file:` does for a user. */
export async function installedSession(tgz: string): Promise<SfSession> {
  const session = await SfSession.create();
  const run = await session.run(['plugins', 'install', `file:${tgz}`], { input: 'y\n', timeoutMs: 600_000 });
  if (run.exitCode !== 0) throw new Error(`sf plugins install failed:\n${describeRun(run)}`);
  return session;
}

let runCounter = 0;

/**
 * Runs `sf <args>` under /usr/bin/time (wall, user+sys CPU and peak RSS of the process, which runs the whole command:
 * sf's bin is node itself, worker threads included). With an emulator, its request log of this run is returned and
 * the time from spawn to its first request.
 */
export async function timedRun(
  session: SfSession,
  args: string[],
  options: { cwd?: string; emulator?: Emulator; input?: string } = {}
): Promise<Timed> {
  options.emulator?.clearRequests();
  const timeFile = join(session.root, `time-${++runCounter}.txt`);
  const started = Date.now();
  const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, join(binDir, 'sf'), ...args], {
    cwd: options.cwd ?? session.root,
    env: session.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => {});
  child.stdin.end(options.input);
  const cpu = sampleCpu(child.pid ?? 0);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, sig) => done([code, sig]));
  }).finally(() => cpu.stop());
  const durationMs = Date.now() - started;
  const [, user, sys, rss] = (await readFile(timeFile, 'utf8')).trim().split('\n').pop()!.split(' ').map(Number);
  const requests = options.emulator?.requests() ?? [];
  const firstAt = requests.length ? Date.parse(requests[0].time) : undefined;
  const before = firstAt === undefined ? [] : cpu.samples.filter((sample) => sample.at <= firstAt);
  return {
    args,
    exitCode,
    signal,
    stdout,
    stderr,
    durationMs,
    timedOut: false,
    cpuMs: Math.round((user + sys) * 1000),
    maxRssKb: rss,
    firstRequestMs: firstAt === undefined ? undefined : firstAt - started,
    firstRequestCpuMs: before.length ? before[before.length - 1].cpuMs : undefined,
    requests,
  };
}

export function mustSucceed(run: Timed): Timed {
  if (run.exitCode !== 0) throw new Error(describeRun(run));
  return run;
}

/** "2x query, 1x deploy, ...": the requests of one run by operation. */
export function requestMix(requests: RequestLogEntry[]): string {
  const counts = new Map<string, number>();
  for (const entry of requests) {
    const key = entry.operation ?? `${entry.method} ${entry.path.replace(/\?.*/, '').replace(/\/v\d+\.\d+/, '')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].map(([key, n]) => `${n}x ${key}`).join(', ');
}

export type Kind = 'connected-app' | 'external-client-app';
const TEMPLATE_NAME = 'Bench_Template_App';

export async function newProject(session: SfSession, name: string): Promise<string> {
  const dir = await mkdtemp(join(session.root, `${name}-`));
  await mkdir(join(dir, 'force-app'), { recursive: true });
  await writeFile(
    join(dir, 'sfdx-project.json'),
    JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], name, namespace: '', oauthLocalPort: 1717 })
  );
  return dir;
}

/**
 * The official path's source: what a user would write by hand for the same app, made once per kind from the plugin's
 * own dry run (same settings, a certificate of a key the user made with openssl, no consumer key: Salesforce makes
 * one at deploy). For an External Client App that includes its global OAuth settings, which hold the callback URL and
 * the certificate. Each official run copies it under a new name.
 */
export async function officialTemplate(session: SfSession, kind: Kind, alias: string, certFile: string): Promise<string> {
  const project = await newProject(session, `template-${kind}`);
  const run = mustSucceed(
    await timedRun(session, [kind, 'create', '--name', TEMPLATE_NAME, '-o', alias, '--dry-run', '--certificate-file', certFile, '--output-dir', 'tmpl', '--json'], {
      cwd: project,
    })
  );
  type Preview = { type: string; fullName: string; xml: string; path?: string };
  const components = (parseSfJson<{ dryRun: { components: Preview[] } }>(run.stdout).result?.dryRun.components ?? []);
  const global = components.find((c) => c.type === 'ExtlClntAppGlobalOauthSettings');
  if (global) {
    const dir = join(project, 'tmpl', 'main', 'default', 'extlClntAppGlobalOauthSets');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${global.fullName}.ecaGlblOauth-meta.xml`), global.xml);
  }
  const root = join(project, 'tmpl');
  for (const file of await listFiles(root)) {
    // eslint-disable-next-line no-await-in-loop
    const xml = await readFile(file, 'utf8');
    // eslint-disable-next-line no-await-in-loop
    await writeFile(file, xml.replace(/\s*<consumer(Key|Secret)>[^<]*<\/consumer(Key|Secret)>/g, ''));
  }
  return root;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** A project holding the template's files under the app name given. */
async function officialProject(session: SfSession, template: string, name: string): Promise<string> {
  const project = await newProject(session, `official-${name}`);
  const target = join(project, 'force-app');
  await cp(template, target, { recursive: true });
  for (const file of await listFiles(target)) {
    // eslint-disable-next-line no-await-in-loop
    await writeFile(file, (await readFile(file, 'utf8')).replaceAll(TEMPLATE_NAME, name));
    // eslint-disable-next-line no-await-in-loop
    if (file.includes(TEMPLATE_NAME)) await rename(file, file.replaceAll(TEMPLATE_NAME, name));
  }
  return project;
}

export type PathResult = { wallMs: number; cpuMs: number; requests: RequestLogEntry[]; runs: Timed[]; login: Timed };

/**
 * Without the plugin: `sf project deploy start` of the source, `sf project retrieve start` of the component that
 * carries the consumer key Salesforce made, then `sf org login jwt` with it.
 */
export async function officialPath(
  session: SfSession,
  emulator: Emulator,
  options: { kind: Kind; template: string; name: string; alias: string; keyFile: string; loginAlias: string }
): Promise<PathResult> {
  const project = await officialProject(session, options.template, options.name);
  const deploy = mustSucceed(
    await timedRun(session, ['project', 'deploy', 'start', '--source-dir', 'force-app', '-o', options.alias, '--json'], { cwd: project, emulator })
  );
  const keyHolder = options.kind === 'connected-app' ? `ConnectedApp:${options.name}` : `ExtlClntAppGlobalOauthSettings:${options.name}_glbl`;
  const retrieve = mustSucceed(
    await timedRun(session, ['project', 'retrieve', 'start', '-m', keyHolder, '-o', options.alias, '--json'], { cwd: project, emulator })
  );
  let consumerKey: string | undefined;
  for (const file of await listFiles(join(project, 'force-app'))) {
    // eslint-disable-next-line no-await-in-loop
    consumerKey ??= /<consumerKey>([^<]+)<\/consumerKey>/.exec(await readFile(file, 'utf8'))?.[1];
  }
  if (!consumerKey) throw new Error(`no consumer key in the retrieved ${keyHolder}:\n${describeRun(retrieve)}`);
  const login = mustSucceed(
    await timedRun(
      session,
      ['org', 'login', 'jwt', '--client-id', consumerKey, '--jwt-key-file', options.keyFile, '--username', emulator.username, '--instance-url', emulator.instanceUrl, '--alias', options.loginAlias, '--json'],
      { cwd: project, emulator }
    )
  );
  const runs = [deploy, retrieve, login];
  return {
    wallMs: runs.reduce((sum, r) => sum + r.durationMs, 0),
    cpuMs: runs.reduce((sum, r) => sum + r.cpuMs, 0),
    requests: runs.flatMap((r) => r.requests),
    runs,
    login,
  };
}

/** With the plugin: one command. */
export async function pluginPath(
  session: SfSession,
  emulator: Emulator,
  options: { kind: Kind; name: string; alias: string; loginAlias: string }
): Promise<PathResult> {
  const project = await newProject(session, `ours-${options.name}`);
  const run = mustSucceed(
    await timedRun(session, [options.kind, 'create', '--name', options.name, '-o', options.alias, '--login', 'jwt', '--alias', options.loginAlias, '--json'], {
      cwd: project,
      emulator,
    })
  );
  return { wallMs: run.durationMs, cpuMs: run.cpuMs, requests: run.requests, runs: [run], login: run };
}
