/*
 * npm run bench [-- --quick] [-- --markdown] [-- --tgz <file>] [-- --reps <n>] [-- --help-runs <n>] [-- --latencies 25,100]
 *   [-- --out <file.json>]
 *
 * Measures the plugin as users get it: `npm pack` of this checkout (or the tarball given with --tgz), installed with
 * the real sf (`sf plugins install file:<tgz>` in a fresh HOME), never the linked dev checkout. Against the org
 * emulator at each latency (every HTTP response delayed that long), in the same run and alternating A/B, B/A:
 * - create + `--login jwt` (both app kinds) beside the official path a user takes without the plugin:
 *   `sf project deploy start` of the same source, `sf project retrieve start` of the component holding the consumer
 *   key Salesforce made, then `sf org login jwt`: wall time, requests, how wall time grows with latency;
 * - process start to the first request the emulator receives, and peak RSS, of create beside `sf org login jwt`;
 * - `--help` of every command beside `sf org login jwt --help` (CPU and wall, pair by pair).
 * Ratios are medians of the per-pair ratios. Prints a table (--markdown: the README's) and writes
 * bench-results/latest.json (or --out). --quick: one pair per kind and latency, 3 help pairs of three commands.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startEmulator, type Emulator } from '../test/emulator/server.js';
import { SfSession, describeRun, repoRoot } from '../test/e2e/harness.js';
import {
  installedSession,
  median,
  mustSucceed,
  officialPath,
  officialTemplate,
  packPlugin,
  pluginPath,
  requestMix,
  serialRoundTrips,
  timedRun,
  type Kind,
  type PathResult,
} from './benchRuns.js';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
    tgz: { type: 'string' },
    reps: { type: 'string' },
    'help-runs': { type: 'string' },
    latencies: { type: 'string', default: '25,100' },
    out: { type: 'string' },
  },
});
const reps = Number(opts.reps ?? (opts.quick ? 1 : 3));
const helpRuns = Number(opts['help-runs'] ?? (opts.quick ? 3 : 7));
const latencies = opts.latencies.split(',').map(Number);
const KINDS: Kind[] = ['connected-app', 'external-client-app'];
const SHORT: Record<Kind, string> = { 'connected-app': 'CA', 'external-client-app': 'ECA' };
const ORG = 'bench-org';

const progress = (text: string): void => {
  process.stderr.write(`[bench] ${text}\n`);
};

type Pair = { ours: PathResult; official: PathResult };
type HelpResult = { command: string; cpuRatio: number; wallRatio: number; cpuMs: number; officialCpuMs: number; wallMs: number; officialWallMs: number };

async function bootstrap(session: SfSession, emulator: Emulator): Promise<void> {
  const login = await session.loginJwt({
    clientId: emulator.clientId,
    keyFile: emulator.jwtKeyFile,
    username: emulator.username,
    instanceUrl: emulator.instanceUrl,
    alias: ORG,
  });
  if (login.exitCode !== 0) throw new Error(`bootstrap login failed:\n${describeRun(login)}`);
}

async function installedCommands(session: SfSession): Promise<string[]> {
  const manifest = join(session.home, '.local', 'share', 'sf', 'node_modules', 'sf-plugin-oauth-apps', 'oclif.manifest.json');
  const { commands } = JSON.parse(await readFile(manifest, 'utf8')) as { commands: Record<string, unknown> };
  return Object.keys(commands).sort();
}

async function benchHelp(session: SfSession, commands: string[]): Promise<HelpResult[]> {
  const baseline = ['org', 'login', 'jwt', '--help'];
  const samples = new Map<string, Array<{ ours: { cpu: number; wall: number }; official: { cpu: number; wall: number } }>>();
  await timedRun(session, baseline); // warm-up
  for (let round = 0; round < helpRuns; round++) {
    for (const [index, command] of commands.entries()) {
      const ours = [...command.split(':'), '--help'];
      const order = (round + index) % 2 === 0 ? [ours, baseline] : [baseline, ours];
      const [first, second] = [
        // eslint-disable-next-line no-await-in-loop
        mustSucceed(await timedRun(session, order[0])),
        // eslint-disable-next-line no-await-in-loop
        mustSucceed(await timedRun(session, order[1])),
      ];
      const [a, b] = order[0] === ours ? [first, second] : [second, first];
      const list = samples.get(command) ?? [];
      list.push({ ours: { cpu: a.cpuMs, wall: a.durationMs }, official: { cpu: b.cpuMs, wall: b.durationMs } });
      samples.set(command, list);
    }
    progress(`help round ${round + 1}/${helpRuns}`);
  }
  return commands.map((command) => {
    const list = samples.get(command) ?? [];
    return {
      command: `sf ${command.replaceAll(':', ' ')} --help`,
      cpuRatio: median(list.map((s) => s.ours.cpu / s.official.cpu)),
      wallRatio: median(list.map((s) => s.ours.wall / s.official.wall)),
      cpuMs: median(list.map((s) => s.ours.cpu)),
      officialCpuMs: median(list.map((s) => s.official.cpu)),
      wallMs: median(list.map((s) => s.ours.wall)),
      officialWallMs: median(list.map((s) => s.official.wall)),
    };
  });
}

type CreateRow = {
  kind: Kind;
  latencyMs: number;
  pairs: number;
  wallMs: number;
  officialWallMs: number;
  wallRatio: number;
  cpuMs: number;
  officialCpuMs: number;
  requests: number;
  officialRequests: number;
  requestMix: string;
  officialRequestMix: string;
  roundTrips: number;
  officialRoundTrips: number;
  firstRequestCpuMs: number;
  loginFirstRequestCpuMs: number;
  firstRequestCpuRatio: number;
  firstRequestMs: number;
  loginFirstRequestMs: number;
  firstRequestRatio: number;
  rssMb: number;
  loginRssMb: number;
  rssRatio: number;
};

function summarize(kind: Kind, latencyMs: number, pairs: Pair[]): CreateRow {
  const m = (f: (p: Pair) => number): number => median(pairs.map(f));
  const last = pairs[pairs.length - 1];
  return {
    kind,
    latencyMs,
    pairs: pairs.length,
    wallMs: m((p) => p.ours.wallMs),
    officialWallMs: m((p) => p.official.wallMs),
    wallRatio: m((p) => p.ours.wallMs / p.official.wallMs),
    cpuMs: m((p) => p.ours.cpuMs),
    officialCpuMs: m((p) => p.official.cpuMs),
    requests: m((p) => p.ours.requests.length),
    officialRequests: m((p) => p.official.requests.length),
    requestMix: requestMix(last.ours.requests),
    officialRequestMix: last.official.runs.map((r) => `${r.args.slice(0, 3).join(' ')}: ${requestMix(r.requests)}`).join('; '),
    roundTrips: m((p) => serialRoundTrips(p.ours.requests)),
    officialRoundTrips: m((p) => p.official.runs.reduce((sum, r) => sum + serialRoundTrips(r.requests), 0)),
    firstRequestCpuMs: m((p) => p.ours.login.firstRequestCpuMs ?? NaN),
    loginFirstRequestCpuMs: m((p) => p.official.login.firstRequestCpuMs ?? NaN),
    firstRequestCpuRatio: m((p) => (p.ours.login.firstRequestCpuMs ?? NaN) / (p.official.login.firstRequestCpuMs ?? NaN)),
    firstRequestMs: m((p) => p.ours.login.firstRequestMs ?? NaN),
    loginFirstRequestMs: m((p) => p.official.login.firstRequestMs ?? NaN),
    firstRequestRatio: m((p) => (p.ours.login.firstRequestMs ?? NaN) / (p.official.login.firstRequestMs ?? NaN)),
    rssMb: m((p) => p.ours.login.maxRssKb / 1024),
    loginRssMb: m((p) => p.official.login.maxRssKb / 1024),
    rssRatio: m((p) => p.ours.login.maxRssKb / p.official.login.maxRssKb),
  };
}

async function benchCreate(ours: SfSession, official: SfSession): Promise<CreateRow[]> {
  const emulators = await Promise.all([0, 1].map(() => startEmulator({ latencyMs: 0, liveDelayMs: 0, allowConnectedAppCreation: true })));
  const [oursOrg, officialOrg] = emulators;
  try {
    await bootstrap(ours, oursOrg);
    await bootstrap(official, officialOrg);
    const keyFile = join(official.root, 'bench.key');
    const certFile = join(official.root, 'bench.crt');
    await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '30', '-subj', '/CN=bench']);
    const templates = new Map<Kind, string>();
    // eslint-disable-next-line no-await-in-loop
    for (const kind of KINDS) templates.set(kind, await officialTemplate(ours, kind, ORG, certFile));

    const runPair = async (kind: Kind, name: string, oursFirst: boolean): Promise<Pair> => {
      const a = (): Promise<PathResult> => pluginPath(ours, oursOrg, { kind, name, alias: oursOrg.username, loginAlias: `${name}-login` });
      const b = (): Promise<PathResult> =>
        officialPath(official, officialOrg, { kind, template: templates.get(kind)!, name, alias: officialOrg.username, keyFile, loginAlias: `${name}-login` });
      if (oursFirst) {
        const first = await a();
        return { ours: first, official: await b() };
      }
      const first = await b();
      return { ours: await a(), official: first };
    };

    // A login with a new alias takes the old alias off the same username: later commands name the username.
    const rows: CreateRow[] = [];
    for (const [latencyIndex, latencyMs] of latencies.entries()) {
      for (const emulator of emulators) emulator.faults.latencyMs = latencyMs;
      const pairs = new Map<Kind, Pair[]>(KINDS.map((k) => [k, []]));
      for (const kind of KINDS) {
        // eslint-disable-next-line no-await-in-loop
        if (latencyIndex === 0) await runPair(kind, `Bench_${SHORT[kind]}_Warm`, true); // warm-up, not counted
      }
      for (let rep = 0; rep < reps; rep++) {
        for (const [kindIndex, kind] of KINDS.entries()) {
          // eslint-disable-next-line no-await-in-loop
          pairs.get(kind)!.push(await runPair(kind, `Bench_${SHORT[kind]}_L${latencyMs}_R${rep}`, (rep + kindIndex) % 2 === 0));
          progress(`${kind} create, ${latencyMs} ms latency, pair ${rep + 1}/${reps}`);
        }
      }
      for (const kind of KINDS) rows.push(summarize(kind, latencyMs, pairs.get(kind)!));
    }
    return rows;
  } finally {
    await Promise.all(emulators.map((e) => e.stop()));
  }
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const x = (ratio: number): string => `${ratio.toFixed(2)}x`;

function markdown(rows: CreateRow[], help: HelpResult[]): string {
  const lines: string[] = [];
  lines.push(
    `Create + \`--login jwt\` against the org emulator, beside the official path (\`sf project deploy start\` + \`sf project retrieve start\` for the consumer key + \`sf org login jwt\`); medians of ${rows[0]?.pairs ?? 0} alternating pairs, ratios pair by pair.`,
    '',
    '| kind | latency | plugin | official | ratio (goal ≤ 0.5x) | requests (serial round trips) plugin / official | start → first request, wall: create / `org login jwt` (goal ≤ 1.2x) | same, CPU used | peak RSS: create / `org login jwt` (goal ≤ 1.2x) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |'
  );
  const num = (value: number): string => (Number.isNaN(value) ? '?' : String(Math.round(value)));
  for (const r of rows) {
    lines.push(
      `| ${SHORT[r.kind]} | ${r.latencyMs} ms | ${s(r.wallMs)} | ${s(r.officialWallMs)} | ${x(r.wallRatio)} | ${r.requests} (${r.roundTrips}) / ${
        r.officialRequests
      } (${r.officialRoundTrips}) | ${num(r.firstRequestMs)} / ${num(r.loginFirstRequestMs)} ms (${x(r.firstRequestRatio)}) | ${num(r.firstRequestCpuMs)} / ${num(
        r.loginFirstRequestCpuMs
      )} ms (${x(r.firstRequestCpuRatio)}) | ${Math.round(r.rssMb)} / ${Math.round(r.loginRssMb)} MB (${x(r.rssRatio)}) |`
    );
  }
  if (latencies.length > 1) {
    const [lo, hi] = [Math.min(...latencies), Math.max(...latencies)];
    lines.push(
      '',
      `Growth with latency, ${lo} → ${hi} ms: each serial round trip adds the latency once; extra wall time ÷ extra latency is the same count measured by the clock (noisy on a busy machine).`,
      '',
      '| kind | plugin | official |',
      '| --- | --- | --- |'
    );
    for (const kind of KINDS) {
      const at = (ms: number): CreateRow | undefined => rows.find((r) => r.kind === kind && r.latencyMs === ms);
      const [a, b] = [at(lo), at(hi)];
      if (!a || !b) continue;
      const grow = (from: number, to: number, trips: number): string =>
        `${trips} serial round trips: +${((trips * (hi - lo)) / 1000).toFixed(2)} s expected; measured ${to >= from ? '+' : ''}${s(to - from)}`;
      lines.push(`| ${SHORT[kind]} | ${grow(a.wallMs, b.wallMs, b.roundTrips)} | ${grow(a.officialWallMs, b.officialWallMs, b.officialRoundTrips)} |`);
    }
  }
  if (help.length) {
    lines.push(
      '',
      `\`--help\` beside \`sf org login jwt --help\` (median of ${helpRuns} alternating pairs; goal ≤ 1.1x):`,
      '',
      '| command | CPU | CPU ratio | wall ratio |',
      '| --- | --- | --- | --- |'
    );
    for (const h of help) lines.push(`| \`${h.command}\` | ${s(h.cpuMs)} / ${s(h.officialCpuMs)} | ${x(h.cpuRatio)} | ${x(h.wallRatio)} |`);
  }
  return `${lines.join('\n')}\n`;
}

function details(rows: CreateRow[]): string {
  return rows
    .map(
      (r) =>
        `${SHORT[r.kind]} ${r.latencyMs} ms: CPU plugin ${s(r.cpuMs)} / official ${s(r.officialCpuMs)}\n  plugin: ${r.requestMix}\n  official: ${r.officialRequestMix}`
    )
    .join('\n');
}

async function main(): Promise<void> {
  progress('packing the plugin');
  const tgz = await packPlugin(opts.tgz);
  progress(`installing ${tgz} with sf plugins install`);
  const ours = await installedSession(tgz);
  const official = await SfSession.create();
  try {
    const commands = await installedCommands(ours);
    const helpCommands = opts.quick ? commands.filter((c) => /:(create|list)$/.test(c)).slice(0, 3) : commands;
    progress(`--help of ${helpCommands.length} commands, ${helpRuns} pairs each`);
    const help = await benchHelp(ours, helpCommands);
    progress(`create + --login jwt, ${reps} pair(s) per kind and latency (${latencies.join(', ')} ms)`);
    const rows = await benchCreate(ours, official);
    const table = markdown(rows, help);
    process.stdout.write(opts.markdown ? table : `\n${table}\n${details(rows)}\n`);
    const out = opts.out ?? join(repoRoot, 'bench-results', 'latest.json');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, JSON.stringify({ tgz, latencies, reps, helpRuns, rows, help }, null, 2));
  } finally {
    await ours.dispose();
    await official.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
