/*
 * npm run bench: requests and wall time of the create commands with --login jwt, side by side with the path a user
 * takes today with official commands (sf project deploy start of the same source files, then sf org login jwt), and
 * the plugin's start-up time beside `sf org login jwt --help`.
 *
 * Each path runs against its own fresh emulator org with the same fixed latency per request, so neither benefits
 * from the other's app already existing. Results are printed as a table and written to bench-results/latest.json.
 *
 * Environment: BENCH_LATENCY_MS (default 25), BENCH_STARTUP_RUNS (default 5).
 */
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { startEmulator, type Emulator } from '../test/emulator/server.js';
import { SfSession, repoRoot, describeRun } from '../test/e2e/harness.js';

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 25);
const startupRuns = Number(process.env.BENCH_STARTUP_RUNS ?? 5);

type Measure = { label: string; requests: number; wallMs: number; detail: string };
type CreateJson = { consumerKey: string; privateKeyPath: string; metadataPaths: string[] };

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function newOrg(session: SfSession, alias: string): Promise<Emulator> {
  const emulator = await startEmulator({ latencyMs, liveDelayMs: 0, allowConnectedAppCreation: true });
  const login = await session.loginJwt({
    clientId: emulator.clientId,
    keyFile: emulator.jwtKeyFile,
    username: emulator.username,
    instanceUrl: emulator.instanceUrl,
    alias,
  });
  if (login.exitCode !== 0) throw new Error(`bootstrap login failed:\n${describeRun(login)}`);
  emulator.clearRequests();
  return emulator;
}

const countOps = (emulator: Emulator): string => {
  const counts = new Map<string, number>();
  for (const entry of emulator.requests()) {
    const key = entry.operation ?? `${entry.method} ${entry.path.replace(/\?.*/, '').replace(/\/v\d+\.\d+/, '/vXX')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].map(([key, n]) => `${n}x ${key}`).join(', ');
};

/**
 * Every emulator org has the same admin username and one HOME keeps one auth per username, so each path gets its own
 * sf session (HOME): `ours` with the plugin linked, `officialSession` with only the official commands.
 */
async function benchKind(
  session: SfSession,
  officialSession: SfSession,
  topic: 'connected-app' | 'external-client-app'
): Promise<Measure[]> {
  const ours = await newOrg(session, `bench-${topic}-ours`);
  const official = await newOrg(officialSession, `bench-${topic}-official`);
  try {
    const project = await session.makeProject(`bench-${topic}`);
    const name = topic === 'connected-app' ? 'Bench_CA' : 'Bench_ECA';

    const create = await session.json<CreateJson>(
      [topic, 'create', '--name', name, '-o', `bench-${topic}-ours`, '--login', 'jwt', '--alias', `bench-${topic}-ci`],
      { cwd: project.dir }
    );
    if (create.exitCode !== 0) throw new Error(describeRun(create));
    const result = create.json.result as CreateJson;
    const oursMeasure: Measure = {
      label: `sf ${topic} create --login jwt`,
      requests: ours.requests().length,
      wallMs: create.durationMs,
      detail: countOps(ours),
    };

    // The official path: the same source files, deployed and then used to log in, with two commands.
    const deploy = await officialSession.json(
      ['project', 'deploy', 'start', ...result.metadataPaths.flatMap((p) => ['--source-dir', relative(project.dir, p)]), '-o', `bench-${topic}-official`],
      { cwd: project.dir }
    );
    if (deploy.exitCode !== 0) throw new Error(describeRun(deploy));
    const keyFromFile = await consumerKeyInSource(result.metadataPaths);
    const login = await officialSession.loginJwt(
      {
        clientId: keyFromFile ?? result.consumerKey,
        keyFile: result.privateKeyPath,
        username: official.username,
        instanceUrl: official.instanceUrl,
        alias: `bench-${topic}-official-ci`,
      },
      { cwd: project.dir }
    );
    if (login.exitCode !== 0) throw new Error(describeRun(login));
    const officialMeasure: Measure = {
      label: 'sf project deploy start + sf org login jwt',
      requests: official.requests().length,
      wallMs: deploy.durationMs + login.durationMs,
      detail: countOps(official),
    };
    return [oursMeasure, officialMeasure];
  } finally {
    await ours.stop();
    await official.stop();
  }
}

/** The consumer key as the source file carries it (connected app file, or the ECA global OAuth settings file). */
async function consumerKeyInSource(paths: string[]): Promise<string | undefined> {
  for (const path of paths) {
    // eslint-disable-next-line no-await-in-loop
    const match = /<consumerKey>([^<]+)<\/consumerKey>/.exec(await readFile(path, 'utf8'));
    if (match) return match[1];
  }
  return undefined;
}

async function startup(session: SfSession, args: string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < startupRuns; i++) {
    // eslint-disable-next-line no-await-in-loop
    const run = await session.run(args);
    if (run.exitCode !== 0) throw new Error(describeRun(run));
    times.push(run.durationMs);
  }
  return median(times);
}

async function main(): Promise<void> {
  const session = await SfSession.create({ linkPlugin: true });
  const officialSession = await SfSession.create();
  try {
    const rows: Array<Measure & { kind: string }> = [];
    for (const topic of ['connected-app', 'external-client-app'] as const) {
      // eslint-disable-next-line no-await-in-loop
      for (const measure of await benchKind(session, officialSession, topic)) rows.push({ kind: topic, ...measure });
    }
    const startupOurs = await startup(session, ['connected-app', 'create', '--help']);
    const startupOursEca = await startup(session, ['external-client-app', 'create', '--help']);
    const startupOfficial = await startup(session, ['org', 'login', 'jwt', '--help']);

    process.stdout.write(`\nBenchmark against the emulator, ${latencyMs} ms latency per request\n\n`);
    for (const row of rows) {
      process.stdout.write(
        `${row.kind.padEnd(20)} ${row.label.padEnd(45)} ${String(row.requests).padStart(4)} requests ${String(row.wallMs).padStart(6)} ms\n    ${row.detail}\n`
      );
    }
    process.stdout.write(
      `\nStart-up (median of ${startupRuns}): sf connected-app create --help ${startupOurs} ms, sf external-client-app create --help ${startupOursEca} ms, sf org login jwt --help ${startupOfficial} ms\n`
    );
    const out = join(repoRoot, 'bench-results');
    await mkdir(out, { recursive: true });
    await writeFile(
      join(out, 'latest.json'),
      JSON.stringify({ latencyMs, rows, startup: { startupOurs, startupOursEca, startupOfficial, runs: startupRuns } }, null, 2)
    );
  } finally {
    await session.dispose();
    await officialSession.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
