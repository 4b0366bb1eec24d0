/*
 * End-to-end harness: runs the real `sf` CLI (node_modules/.bin/sf, a dev dependency) the way a pipeline would,
 * against the local org emulator, with nothing installed globally.
 *
 * - Each SfSession owns a temp dir with its own HOME, so auth files, aliases, config and linked plugins never touch the
 *   developer's real ~/.sf / ~/.sfdx.
 * - The plugin is linked from a staging dir that mirrors an installed package (package.json + lib/ + messages/ +
 *   node_modules, no tsconfig.json). Linking the repo root itself would make oclif load src/*.ts through tsx (our
 *   package lists tsx as a devDependency and oclif auto-transpiles linked plugins that do), so the e2e run would not
 *   exercise the compiled lib/ that users get.
 * - Linking costs about a second plus the first plugin load, so one linked session is shared per mocha run
 *   (sharedSession()); tests use distinct aliases inside it, or create their own session when they need a clean HOME.
 * - Nothing outlives the run: sf never starts its background `sf update --autoupdate` (SF_DISABLE_AUTOUPDATE), and a
 *   root after hook (processes.ts) fails the run if a process it started (marked through RUN_MARKER) is still running.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { registerLeftoverCheck, RUN_MARKER, runId } from './processes.js';
import { registerTimingHooks } from './timings.js';

const execFileAsync = promisify(execFile);

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binDir = join(repoRoot, 'node_modules', '.bin');
const browserDriver = join(repoRoot, 'test', 'e2e', 'browserDriver.mjs');

/** What `sf ... --json` prints: the envelope of every sf command. */
export type SfJsonOutput<T = unknown> = {
  [key: string]: unknown;
  status: number;
  result?: T;
  name?: string;
  message?: string;
  code?: string | number;
  exitCode?: number;
  actions?: string[];
  warnings?: unknown[];
  data?: unknown;
  context?: string;
};

export type SfRun = {
  args: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
};

export type SfJsonRun<T = unknown> = SfRun & { json: SfJsonOutput<T> };

export type RunOptions = {
  cwd?: string;
  /** Written to stdin, then stdin is closed (closed at once when undefined: prompts then fail fast). */
  input?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
};

export type TestProject = {
  dir: string;
  oauthLocalPort: number;
  /** Writes a file relative to the project root, creating folders. */
  write(relativePath: string, content: string): Promise<string>;
};

export type JwtLogin = {
  instanceUrl: string;
  username: string;
  clientId: string;
  keyFile: string;
  alias: string;
};

const ANSI = new RegExp(String.raw`\u001b\[[0-9;?]*[ -/]*[@-~]`, 'g');
export const stripAnsi = (text: string): string => text.replace(ANSI, '');

/**
 * Parses the JSON envelope out of sf's stdout. Under --json, interactive prompts (the client-secret prompt of
 * `org login web --client-id`) still render to stdout before the JSON, so parse from the first line starting with `{`.
 */
export function parseSfJson<T = unknown>(stdout: string): SfJsonOutput<T> {
  const lines = stripAnsi(stdout).split(/\r?\n/);
  const start = lines.findIndex((line) => line.startsWith('{'));
  if (start < 0) throw new Error(`no JSON object in sf output:\n${stdout.slice(0, 2000)}`);
  const text = lines.slice(start).join('\n').trim();
  try {
    return JSON.parse(text) as SfJsonOutput<T>;
  } catch {
    // Tolerate trailing noise after the object.
    return JSON.parse(text.slice(0, text.lastIndexOf('}') + 1)) as SfJsonOutput<T>;
  }
}

/** A TCP port that was free a moment ago (for oauthLocalPort: the CLI refuses a port that is in use). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveFree(false));
    // The CLI's listener binds "localhost"; probing that name catches both address families' users.
    server.listen(port, 'localhost', () => server.close(() => resolveFree(true)));
  });
}

/**
 * Waits until a fixed port is free: a web login with an app whose callback URL names a port (the emulator's bootstrap
 * app: localhost:1717) must use exactly that port, which another process may hold for a moment.
 */
export async function waitForFreePort(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await portIsFree(port))) {
    if (Date.now() > deadline) throw new Error(`port ${port} stayed in use for ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

const liveSessionRoots = new Set<string>();
/** Every session dir of this run, disposed or not: the leftover check looks for processes that run in them. */
const allSessionRoots = new Set<string>();
let sessionsCreated = 0;
// Every process this run starts inherits the marker, whether through SfSession.env or straight from process.env
// (`npm run emulator`), so the leftover check can tell this run's processes from everything else on the machine.
process.env[RUN_MARKER] = runId;
// Safety net: temp HOMEs never outlive the process, even when a test run is interrupted.
process.on('exit', () => {
  for (const root of liveSessionRoots) rmSync(root, { recursive: true, force: true });
});

export class SfSession {
  /** Wall time of `sf plugins link`, when this session linked the plugin. */
  public linkDurationMs?: number;
  /** Every sf invocation of this session, for timing reports. */
  public readonly runs: Array<Pick<SfRun, 'args' | 'exitCode' | 'durationMs'>> = [];

  private constructor(public readonly root: string, public readonly home: string) {}

  /** Environment every sf process of this session gets. */
  public get env(): Record<string, string> {
    const inherited: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      // Nothing from the developer's own sf setup or from the test runner's loaders may leak in.
      if (value === undefined || /^(SF_|SFDX_|XDG_|NODE_OPTIONS$|NODE_ENV$|BROWSER$)/.test(key)) continue;
      inherited[key] = value;
    }
    return {
      ...inherited,
      HOME: this.home,
      USERPROFILE: this.home,
      PATH: `${binDir}:${process.env.PATH ?? ''}`,
      SF_DISABLE_TELEMETRY: 'true',
      // The variable plugin-update's init hook reads: without it every sf run may start `sf update --autoupdate` in
      // the background, which outlives the test run. SF_AUTOUPDATE_DISABLE (the documented one) does not stop it.
      SF_DISABLE_AUTOUPDATE: 'true',
      SF_AUTOUPDATE_DISABLE: 'true',
      SF_SKIP_NEW_VERSION_CHECK: 'true',
      SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
      SF_DISABLE_DNS_CHECK: 'true',
      // The staging dir is linked but compiled only (see linkPlugin): nothing to transpile, nothing to warn about.
      OCLIF_DISABLE_LINKED_ESM_WARNING: 'true',
      // A hung web login should fail a test in a minute, not after core's default two.
      SF_WEB_OAUTH_SERVER_TIMEOUT: '60000',
      FORCE_COLOR: '0',
      NO_COLOR: '1',
      BROWSER: join(this.root, 'browser.sh'),
      E2E_BROWSER_LOG: join(this.root, 'browser.log'),
      [RUN_MARKER]: runId,
    };
  }

  public static async create(options: { linkPlugin?: boolean } = {}): Promise<SfSession> {
    const root = await mkdtemp(join(tmpdir(), 'sf-oauth-apps-e2e-'));
    liveSessionRoots.add(root);
    allSessionRoots.add(root);
    sessionsCreated++;
    const home = join(root, 'home');
    await mkdir(home, { recursive: true });
    const session = new SfSession(root, home);
    await session.writeBrowserScript();
    if (options.linkPlugin) await session.linkPlugin();
    return session;
  }

  /**
   * Links the compiled plugin (npm run build first) into this session's sf, from a staging dir shaped like an
   * installed package. Returns the wall time of the link.
   */
  public async linkPlugin(): Promise<number> {
    if (!existsSync(join(repoRoot, 'lib'))) {
      throw new Error(`${join(repoRoot, 'lib')} does not exist: run "npm run build" before the e2e tests`);
    }
    const staging = join(this.root, 'plugin');
    await mkdir(staging, { recursive: true });
    // The package.json as users get it matters here: with devDependencies (tsx, typescript) oclif would load the
    // TypeScript compiler and register tsx for a linked plugin on every run, which an installed plugin never does.
    const { devDependencies, scripts, ...packageJson } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    void devDependencies;
    void scripts;
    await writeFile(join(staging, 'package.json'), JSON.stringify(packageJson, null, 2));
    for (const entry of ['lib', 'messages', 'schemas', 'node_modules']) {
      if (existsSync(join(repoRoot, entry))) await symlink(join(repoRoot, entry), join(staging, entry), 'dir');
    }
    // A fresh manifest, as a packed plugin has: sf lists commands and shows help without importing every command.
    await execFileAsync(process.execPath, [join(repoRoot, 'scripts', 'manifest.js'), staging], { cwd: repoRoot });
    const run = await this.run(['plugins', 'link', staging, '--no-install']);
    if (run.exitCode !== 0) throw new Error(`sf plugins link failed (${String(run.exitCode)}):\n${run.stderr}`);
    this.linkDurationMs = run.durationMs;
    return run.durationMs;
  }

  /**
   * Installs the plugin the way users get it: the built lib/ (the bundle), messages, schemas and a fresh manifest,
   * with the package.json `npm pack` ships (scripts/pack-package-json.js), packed by npm and installed with
   * `sf plugins install file:<tgz>`. Returns the tarball's path. Needs `npm run build` first.
   */
  public async installPacked(): Promise<string> {
    if (!existsSync(join(repoRoot, 'lib', 'vendor'))) throw new Error(`${join(repoRoot, 'lib')} is not the bundle: run "npm run build" first`);
    const staging = join(this.root, 'packed');
    await mkdir(staging, { recursive: true });
    const { packedPackageJson } = (await import(join(repoRoot, 'scripts', 'pack-package-json.js'))) as {
      packedPackageJson: (pkg: Record<string, unknown>) => Record<string, unknown>;
    };
    const { scripts, devDependencies, ...packageJson } = packedPackageJson(
      JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>
    );
    void scripts; // no prepack here: lib/ is already built
    void devDependencies;
    await writeFile(join(staging, 'package.json'), JSON.stringify(packageJson, null, 2));
    for (const entry of ['lib', 'messages', 'schemas']) await cp(join(repoRoot, entry), join(staging, entry), { recursive: true });
    await execFileAsync(process.execPath, [join(repoRoot, 'scripts', 'manifest.js'), staging], { cwd: repoRoot });
    const { stdout } = await execFileAsync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', this.root], { cwd: staging });
    const tgz = join(this.root, stdout.trim().split('\n').pop() ?? '');
    const run = await this.run(['plugins', 'install', `file:${tgz}`], { input: 'y\n', timeoutMs: 300_000 });
    if (run.exitCode !== 0) throw new Error(`sf plugins install failed (${String(run.exitCode)}):\n${run.stderr}`);
    return tgz;
  }

  /**
   * A new session whose HOME starts as a copy of this one's (auth files, aliases, config, the linked plugin; not the
   * logs), in milliseconds instead of a link and a login. Changes made later stay in their own HOME. The linked
   * plugin's staging dir belongs to this session, so dispose of it after its clones.
   */
  public async clone(): Promise<SfSession> {
    const copy = await SfSession.create();
    await cp(this.home, copy.home, { recursive: true, filter: (source) => !source.endsWith('.log') });
    return copy;
  }

  /** Runs `sf <args>` and waits for it to exit. Never throws for a non-zero exit: tests assert on it. */
  public async run(args: string[], options: RunOptions = {}): Promise<SfRun> {
    const started = Date.now();
    const env = { ...this.env, ...options.env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
    const child = spawn(join(binDir, 'sf'), args, {
      cwd: options.cwd ?? this.root,
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Own process group, so a timeout can end sf together with anything it started (xdg-open, the browser).
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.on('error', () => {}); // sf may exit before reading its input
    child.stdin.end(options.input);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, options.timeoutMs ?? 180_000);
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
      child.on('error', fail);
      child.on('close', (code, sig) => done([code, sig]));
    }).finally(() => clearTimeout(timer));
    const result: SfRun = { args, exitCode, signal, stdout, stderr, durationMs: Date.now() - started, timedOut };
    this.runs.push({ args, exitCode, durationMs: result.durationMs });
    if (timedOut) throw new Error(`sf ${args.join(' ')} timed out\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    return result;
  }

  /** Runs `sf <args> --json` and parses the envelope. */
  public async json<T = unknown>(args: string[], options: RunOptions = {}): Promise<SfJsonRun<T>> {
    const run = await this.run([...args, '--json'], options);
    let json: SfJsonOutput<T>;
    try {
      json = parseSfJson<T>(run.stdout);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nstderr:\n${run.stderr}`);
    }
    return { ...run, json };
  }

  /** `sf org login jwt` exactly as a user would type it; --instance-url because sfdcLoginUrl can't be local. */
  public async loginJwt(login: JwtLogin, options: RunOptions = {}): Promise<SfJsonRun<{ username: string; orgId: string; instanceUrl: string }>> {
    return this.json(
      [
        'org',
        'login',
        'jwt',
        '--client-id',
        login.clientId,
        '--jwt-key-file',
        login.keyFile,
        '--username',
        login.username,
        '--instance-url',
        login.instanceUrl,
        '--alias',
        login.alias,
      ],
      options
    );
  }

  /**
   * `sf org login jwt` with an emulator's bootstrap app as its admin, under `alias`: the set-up most e2e files start
   * with. Throws (with what sf printed) unless the login succeeded.
   */
  public async loginToEmulator(
    emu: { instanceUrl: string; username: string; clientId: string; jwtKeyFile: string },
    alias: string
  ): Promise<void> {
    const login = await this.loginJwt({ instanceUrl: emu.instanceUrl, username: emu.username, clientId: emu.clientId, keyFile: emu.jwtKeyFile, alias });
    if (login.json.status !== 0) throw new Error(`the set-up login failed:\n${describeRun(login)}`);
  }

  /**
   * A fresh sfdx project dir: force-app package dir, and its own oauthLocalPort so parallel web logins don't clash;
   * sfdcLoginUrl as given.
   */
  public async makeProject(name = 'project', options: { oauthLocalPort?: number; sfdcLoginUrl?: string } = {}): Promise<TestProject> {
    const dir = await mkdtemp(join(this.root, `${name}-`));
    const oauthLocalPort = options.oauthLocalPort ?? (await freePort());
    await mkdir(join(dir, 'force-app', 'main', 'default'), { recursive: true });
    await writeFile(
      join(dir, 'sfdx-project.json'),
      JSON.stringify(
        {
          packageDirectories: [{ path: 'force-app', default: true }],
          name,
          namespace: '',
          oauthLocalPort,
          // `sf project generate` writes https://login.salesforce.com here.
          ...(options.sfdcLoginUrl ? { sfdcLoginUrl: options.sfdcLoginUrl } : {}),
        },
        null,
        2
      )
    );
    return {
      dir,
      oauthLocalPort,
      async write(relativePath: string, content: string): Promise<string> {
        const file = join(dir, relativePath);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, content);
        return file;
      },
    };
  }

  /** What the headless browser printed (URLs opened, redirects, failures); for assertions and debugging. */
  public async browserLog(): Promise<string> {
    const file = join(this.root, 'browser.log');
    return existsSync(file) ? readFile(file, 'utf8') : '';
  }

  public async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
    liveSessionRoots.delete(this.root);
  }

  /**
   * The BROWSER hook for `sf org login web` (the `open` package's xdg-open hands the URL to $BROWSER when there is no
   * desktop). It must exit 0 at once: the CLI starts serving the redirect only after xdg-open has exited, so the
   * driver that follows the URL runs in the background.
   */
  private async writeBrowserScript(): Promise<void> {
    const script = join(this.root, 'browser.sh');
    const node = join(binDir, 'node');
    const nodeCmd = existsSync(node) ? node : 'node';
    await writeFile(
      script,
      [
        '#!/bin/sh',
        `echo "open $1" >> "${join(this.root, 'browser.log')}"`,
        `"${nodeCmd}" "${browserDriver}" "$1" >> "${join(this.root, 'browser.log')}" 2>&1 </dev/null &`,
        'exit 0',
        '',
      ].join('\n')
    );
    await chmod(script, 0o755);
  }
}

let shared: Promise<SfSession> | undefined;

/**
 * The per-run session with the plugin linked once. Disposed by the exit handler above.
 * Every emulator seeds the same admin username and sf keeps one auth file per username, so this HOME holds the admin
 * login of one emulator at a time: log in again in each file's before(), and use SfSession.create() for tests that
 * log in as the admin in other ways (web login, failing logins).
 */
export function sharedSession(): Promise<SfSession> {
  shared ??= SfSession.create({ linkPlugin: true });
  return shared;
}

registerTimingHooks(() => sessionsCreated > 0, () => shared);
registerLeftoverCheck(() => sessionsCreated > 0, () => allSessionRoots);

/** A run's command, exit and output, as the message of a failed assertion. */
export function describeRun(run: SfRun): string {
  return `sf ${run.args.join(' ')} -> exit ${String(run.exitCode)} in ${run.durationMs} ms\nstdout:\n${run.stdout.slice(
    0,
    3000
  )}\nstderr:\n${run.stderr.slice(0, 3000)}`;
}
