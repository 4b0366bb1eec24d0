/*
 * The plugin as users install it: the bundle in lib/ (scripts/bundle.js) packed with the package.json npm ships (no
 * dependencies) and installed with `sf plugins install file:<tgz>`, then run with the real sf against the emulator.
 * Each step below reads a file a bundled dependency or the plugin itself finds at run time: sf-plugins-core's
 * messages, source-deploy-retrieve's registry, the definition schema, pino's log writer; a table (ink and React).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { startEmulator } from '../emulator/server.js';
import { describeRun, SfSession, stripAnsi } from './harness.js';

const execFileAsync = promisify(execFile);
type Emulator = Awaited<ReturnType<typeof startEmulator>>;

describe('the packed plugin, installed with sf plugins install', function () {
  this.timeout(600_000);
  let session: SfSession;
  let emu: Emulator;
  let pluginDir: string;

  before(async () => {
    session = await SfSession.create();
    await session.installPacked();
    pluginDir = join(session.home, '.local', 'share', 'sf', 'node_modules', 'sf-plugin-oauth-apps');
    emu = await startEmulator({ port: 0 });
    await session.loginToEmulator(emu, 'packed');
  });

  after(async () => {
    await emu?.stop();
  });

  it('installs nothing but the plugin: no dependencies in its package.json, none beside it', async () => {
    const packageJson = JSON.parse(await readFile(join(pluginDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(packageJson).to.not.have.property('dependencies');
    const installed = readdirSync(join(session.home, '.local', 'share', 'sf', 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(installed).to.deep.equal(['sf-plugin-oauth-apps']);
    const plugins = await session.run(['plugins']);
    expect(stripAnsi(plugins.stdout)).to.match(/sf-plugin-oauth-apps 0\.\d+\.\d+/).and.not.match(/\(link\)/);
  });

  it('creates an External Client App and logs in with it; writes its source files where the registry says', async () => {
    const project = await session.makeProject('packed');
    const created = await session.json<{ consumerKey: string; metadataPaths: string[] }>(
      ['external-client-app', 'create', '--name', 'Packed_Eca', '-o', 'packed', '--login', 'jwt', '--alias', 'packed-eca'],
      { cwd: project.dir }
    );
    expect(created.json.status, describeRun(created)).to.equal(0);
    expect(created.json.result?.consumerKey).to.be.a('string').and.not.equal('');
    const paths = created.json.result?.metadataPaths ?? [];
    expect(paths.some((path) => path.endsWith('force-app/main/default/externalClientApps/Packed_Eca.eca-meta.xml')), paths.join(' ')).to.equal(true);
    for (const path of paths) expect(existsSync(join(project.dir, path)) || existsSync(path), path).to.equal(true);
    const display = await session.json<{ username: string }>(['org', 'display', '-o', 'packed-eca']);
    expect(display.json.status, describeRun(display)).to.equal(0);

    // A table: @oclif/table, ink and React, bundled.
    const list = await session.run(['external-client-app', 'list', '-o', 'packed']);
    expect(list.exitCode, describeRun(list)).to.equal(0);
    expect(stripAnsi(list.stdout)).to.match(/Packed_Eca/);
  });

  it("errors carry sf-plugins-core's messages and the command's own class name", async () => {
    const run = await session.json(['connected-app', 'list']); // no --target-org and no default org
    expect(run.exitCode, describeRun(run)).to.not.equal(0);
    expect(run.json.name).to.equal('NoDefaultEnvError');
    expect(run.json.message).to.match(/No default environment found/);
    expect(run.json.context).to.equal('ConnectedAppList');
  });

  it('reads the definition schema it ships', async () => {
    const run = await session.json<Record<string, unknown>>(['external-client-app', 'definition-schema']);
    expect(run.json.status, describeRun(run)).to.equal(0);
    expect(JSON.stringify(run.json.result)).to.match(/callbackUrls/);
  });

  it("hands sf's root logger to the bundled core: the hook finds that core and its version", async () => {
    const chunks = join(pluginDir, 'lib', 'chunks');
    const logger = readdirSync(chunks).find((name) => name.startsWith('logger-'))!;
    const script = [
      `const { ownCoreLogger } = await import(${JSON.stringify(join(pluginDir, 'lib', 'cli', 'sharedLogger.js'))});`,
      `const { Logger } = await import(${JSON.stringify(join(chunks, logger))});`,
      'const own = await ownCoreLogger();',
      "console.log(JSON.stringify({ version: own.version, same: own.Logger === Logger, hasRootField: 'rootLogger' in own.Logger }));",
    ].join('\n');
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], { env: { ...session.env }, timeout: 60_000 });
    const vendored = JSON.parse(await readFile(join(pluginDir, 'lib', 'vendor', '@salesforce', 'core', 'package.json'), 'utf8')) as { version: string };
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).to.deep.equal({ version: vendored.version, same: true, hasRootField: true });
  });

  it('writes the log through the bundled pino workers when it keeps a logger of its own', async () => {
    // sf's root logger is shared when sf's core has the same major version (src/cli/sharedLogger.ts); this is the
    // other case: the bundled core's own root logger, whose writer runs in a worker thread from lib/vendor/workers/.
    const chunks = join(pluginDir, 'lib', 'chunks');
    const logger = readdirSync(chunks).find((name) => name.startsWith('logger-'));
    expect(logger, readdirSync(chunks).join(' ')).to.be.a('string');
    const script = [
      `const { Logger } = await import(${JSON.stringify(join(chunks, logger!))});`,
      "(await Logger.root()).warn('packed-plugin-own-logger-probe');",
      'await new Promise((done) => setTimeout(done, 1500));',
    ].join('\n');
    await execFileAsync(process.execPath, ['--input-type=module', '-e', script], { env: { ...session.env }, timeout: 60_000 });
    const logs = readdirSync(join(session.home, '.sf')).filter((name) => name.endsWith('.log'));
    const text = (await Promise.all(logs.map((name) => readFile(join(session.home, '.sf', name), 'utf8')))).join('\n');
    expect(text).to.match(/packed-plugin-own-logger-probe/);

    // With DEBUG set, core writes the log to the terminal through pino-pretty instead (bundled too): before it was,
    // the logger could not start ("unable to determine transport target").
    const debug = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...session.env, DEBUG: '*' },
      timeout: 60_000,
    });
    expect(debug.stdout).to.match(/WARN.*packed-plugin-own-logger-probe/);
  });
});
