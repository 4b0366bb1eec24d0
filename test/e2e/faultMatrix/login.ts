/*
 * Fault matrix, login and interruption rows (issue 10 items 1 and 6), with the real sf CLI against the emulator:
 * - SIGKILL at random points of the wait for a new app to go live, the login user being the target org's own user:
 *   the target org's auth file is the old one byte for byte or a complete new one, and the org still works;
 * - a login that fails for good leaves the auth file byte for byte;
 * - Ctrl-C (SIGINT) during the deploy and during the wait, with and without --json: exit code 130, no stack trace,
 *   what exists and the command that finishes the job, which, run as printed, does.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator } from '../../emulator/server.js';
import { binDir, describeRun, parseSfJson, sharedSession, stripAnsi, type SfRun, type SfSession, type TestProject } from '../harness.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type Started = { pid: number; done: Promise<SfRun> };
type InterruptionData = {
  appInOrg: string;
  keyFiles: string[];
  sourceFiles: string[];
  removedSourceFiles: string[];
  rerunCommand: string;
  stage: string;
};
type CreateResult = { consumerKey: string; metadataPaths: string[]; login?: { username: string } };

const ALIAS = 'faultlogin';
const STACK_LINE = /^\s+at .+\(.*:\d+:\d+\)$|ExitError|EEXIT/m;

/** Starts sf in its own process group (as a shell job), so a signal can go to it as Ctrl-C would. */
function startSf(session: SfSession, args: string[], cwd: string): Started {
  const started = Date.now();
  const child = spawn(join(binDir, 'sf'), args, { cwd, env: session.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<SfRun>((resolve, reject) => {
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ args, exitCode, signal, stdout, stderr, durationMs: Date.now() - started, timedOut: false });
    });
  });
  return { pid: child.pid!, done };
}

/** Runs a command line as printed (a POSIX shell parses it), with this session's sf. */
async function runPrinted(session: SfSession, command: string, cwd: string): Promise<SfRun> {
  return runShell(session, `${command} --json`, cwd);
}

async function runShell(session: SfSession, line: string, cwd: string): Promise<SfRun> {
  const child = spawn('sh', ['-c', line], { cwd, env: session.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  return { args: [line], exitCode, signal, stdout, stderr, durationMs: 0, timedOut: false };
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    // eslint-disable-next-line no-await-in-loop
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function registerLoginFaults(getSession: () => Promise<SfSession> = sharedSession): void {
  describe('fault matrix: the login with a new app, SIGKILL and SIGINT (issue 10 items 1 and 6)', function () {
    this.timeout(300_000);
    let session: SfSession;
    let emu: Emulator;
    let authFile: string;
    let apps = 0;

    before(async () => {
      session = await getSession();
      emu = await startEmulator({ port: 0 });
      await session.loginToEmulator(emu, ALIAS);
      authFile = join(session.home, '.sfdx', `${emu.username}.json`);
    });
    after(async () => emu?.stop());
    beforeEach(() => {
      emu.faults.clear();
      emu.store.settings.liveDelayMs = 0;
    });

    const tokenRequests = (): number => emu.requests().filter((r) => r.path === '/services/oauth2/token').length;
    const createArgs = (name: string, json: boolean): string[] => [
      'external-client-app', 'create', '--name', name, '-o', ALIAS, '--login', 'jwt', ...(json ? ['--json'] : []),
    ];

    /** The target org works: sf finds its auth, and a request with it succeeds. */
    async function assertOrgWorks(context: string): Promise<{ clientId?: string }> {
      const shown = await session.json<{ connectedStatus: string; clientId?: string; username: string }>(['org', 'display', '-o', ALIAS]);
      expect(shown.json.status, `${context}\n${describeRun(shown)}`).to.equal(0);
      expect(shown.json.result, context).to.include({ connectedStatus: 'Connected', username: emu.username });
      return shown.json.result!;
    }

    async function newProject(): Promise<{ project: TestProject; name: string }> {
      apps++;
      return { project: await session.makeProject(`fault-login-${apps}`), name: `Fault_Login_${apps}` };
    }

    it('SIGKILL at five points of the wait for the app to go live: the auth file is the old one or a whole new one, and the org works', async () => {
      emu.store.settings.liveDelayMs = 1500;
      const outcomes: string[] = [];
      // Spread over the wait (the first retry comes 2 s after the first refusal), with jitter.
      for (const base of [0, 500, 1200, 1900, 2400]) {
        const { project, name } = await newProject();
        const before = await readFile(authFile);
        const seen = tokenRequests();
        const run = startSf(session, createArgs(name, true), project.dir);
        // eslint-disable-next-line no-await-in-loop
        await until(() => tokenRequests() > seen, 'the first token request');
        const delay = base + Math.floor(Math.random() * 300);
        // eslint-disable-next-line no-await-in-loop
        await new Promise((resolve) => setTimeout(resolve, delay));
        try {
          process.kill(-run.pid, 'SIGKILL');
        } catch (error) {
          // The run ended before the kill (a loaded machine can finish the login first): the check below still holds.
          if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
        }
        // eslint-disable-next-line no-await-in-loop
        const killed = await run.done;
        // eslint-disable-next-line no-await-in-loop
        const after = await readFile(authFile);
        const context = `killed ${delay} ms into the wait\n${describeRun(killed)}`;
        // eslint-disable-next-line no-await-in-loop
        const shown = await assertOrgWorks(context);
        if (after.equals(before)) outcomes.push(`${delay} ms: ${killed.signal ?? String(killed.exitCode)}, old auth`);
        else {
          // A whole new auth: sf reads it and it authenticates (assertOrgWorks); it is the new app's when it changed.
          expect(shown.clientId, context).to.not.equal(undefined);
          outcomes.push(`${delay} ms: ${killed.signal ?? String(killed.exitCode)}, new auth`);
        }
      }
      // eslint-disable-next-line no-console
      console.log(`      ${outcomes.join('; ')}`);
      const listed = await session.json<{ nonScratchOrgs: Array<{ username: string }> }>(['org', 'list']);
      // One entry for the user: no file a killed run left beside the auth file is taken for an org.
      expect(listed.json.result!.nonScratchOrgs.filter((o) => o.username === emu.username)).to.have.length(1);
    });

    it('a login that fails for good leaves the auth file byte for byte, and the org works', async () => {
      const { project, name } = await newProject();
      const before = await readFile(authFile);
      emu.faults.add({ kind: 'http500', grantType: 'jwt-bearer' });
      const run = await session.json(createArgs(name, false), { cwd: project.dir });
      expect(run.exitCode, describeRun(run)).to.equal(1);
      expect(run.json.name, describeRun(run)).to.equal('LoginFailedError');
      expect((await readFile(authFile)).equals(before)).to.equal(true);
      expect((await readdir(join(session.home, '.sfdx'))).filter((f) => f.includes('.swap-'))).to.deep.equal([]);
      emu.faults.clear();
      await assertOrgWorks('after the failed login');
    });

    it('progress on a terminal of size 0x0 (script(1)) with 256 file descriptors: none leaks, and the login succeeds', async () => {
      // Before the fix every frame of the progress output opened /dev/tty (about 600 descriptors a second).
      emu.store.settings.liveDelayMs = 3000;
      const { project, name } = await newProject();
      const sf = `sf external-client-app create --name ${name} -o ${ALIAS} --login jwt`;
      const run = await runShell(session, `ulimit -n 256 && exec script -qec '${sf}' /dev/null`, project.dir);
      expect(run.exitCode, describeRun(run)).to.equal(0);
      expect(stripAnsi(run.stdout), describeRun(run)).to.match(/Authorized \S+ \(org \w+\) with the new app/);
      expect(stripAnsi(run.stdout)).to.not.include('EMFILE');
      await assertOrgWorks(describeRun(run));
    });

    async function interrupt(options: { json: boolean; during: 'deploy' | 'wait' }): Promise<{ run: SfRun; project: TestProject; name: string; before: Buffer }> {
      const { project, name } = await newProject();
      const before = await readFile(authFile);
      let trigger: () => boolean;
      if (options.during === 'deploy') {
        const fault = emu.faults.add({ kind: 'delay', operation: 'deploy', delayMs: 2500, times: 1 });
        trigger = (): boolean => fault.hits > 0 || !emu.faults.list().some((f) => f.id === fault.id);
      } else {
        emu.store.settings.liveDelayMs = 5000;
        const seen = tokenRequests();
        trigger = (): boolean => tokenRequests() > seen;
      }
      const run = startSf(session, createArgs(name, options.json), project.dir);
      await until(trigger, `the ${options.during}`);
      process.kill(-run.pid, 'SIGINT');
      return { run: await run.done, project, name, before };
    }

    /** After an interruption: exit code 130, no stack trace, the target org's auth unchanged and working. */
    async function assertCleanInterruption(run: SfRun, before: Buffer, options: { askOrg: boolean }): Promise<void> {
      expect(run.exitCode, describeRun(run)).to.equal(130);
      expect(run.stderr, describeRun(run)).to.not.match(STACK_LINE);
      expect((await readFile(authFile)).equals(before), 'the auth file is unchanged').to.equal(true);
      if (options.askOrg) await assertOrgWorks(describeRun(run));
    }

    it('SIGINT during the deploy (--json): the error object says what exists; the printed command finishes the job', async () => {
      const { run, project, name, before } = await interrupt({ json: true, during: 'deploy' });
      await assertCleanInterruption(run, before, { askOrg: true });
      const json = parseSfJson(run.stdout);
      expect(json, describeRun(run)).to.include({ status: 130, name: 'Interrupted', exitCode: 130 });
      const data = json.data as InterruptionData;
      expect(data).to.include({ stage: 'deploy', appInOrg: 'unknown' });
      expect(data.keyFiles).to.have.length(2);
      data.keyFiles.forEach((file) => expect(existsSync(file), file).to.equal(true));
      // Source files are written only after a successful deploy (issue 11): during it there are none, none to remove.
      expect(data.sourceFiles).to.deep.equal([]);
      expect(data.removedSourceFiles).to.deep.equal([]);
      expect(json.actions?.join('\n')).to.include(data.rerunCommand);
      // The deploy the org was still holding finishes first (the app is in the org), as it would in a real org before
      // the user pastes the command; a rerun during a running deploy is not what this case is about.
      await until(() => emu.store.read('ExternalClientApplication', name) !== undefined, 'the interrupted deploy to end');
      const rerun = await runPrinted(session, data.rerunCommand, project.dir);
      expect(rerun.exitCode, describeRun(rerun)).to.equal(0);
      const result = parseSfJson<CreateResult>(rerun.stdout).result!;
      expect(result.login?.username).to.equal(emu.username);
      expect(emu.store.read('ExternalClientApplication', name)).to.not.equal(undefined);
      expect(emu.store.read('ExtlClntAppOauthSettings', `${name}_oauth`)).to.not.equal(undefined);
      const shown = await assertOrgWorks('after the rerun');
      expect(shown.clientId).to.equal(result.consumerKey);
      result.metadataPaths.forEach((file) => expect(existsSync(file), file).to.equal(true));
    });

    it('SIGINT during the deploy (human output): what exists and the command on stderr, no stack trace', async () => {
      const { run, before } = await interrupt({ json: false, during: 'deploy' });
      await assertCleanInterruption(run, before, { askOrg: false });
      expect(run.stderr).to.include('Interrupted (SIGINT) while deploying the app');
      expect(run.stderr).to.match(/Run the same command again to finish the job .*: sf external-client-app create --name Fault_Login_\d+ -o faultlogin --login jwt/);
      await until(() => emu.requests().some((r) => r.operation === 'deploy'), 'the interrupted deploy to end');
    });

    it('SIGINT during the wait for the app (--json): the app is in the org, the files are kept; the printed command logs in', async () => {
      const { run, project, before } = await interrupt({ json: true, during: 'wait' });
      await assertCleanInterruption(run, before, { askOrg: false });
      const json = parseSfJson(run.stdout);
      expect(json).to.include({ status: 130, name: 'Interrupted' });
      const data = json.data as InterruptionData;
      expect(data).to.include({ stage: 'login', appInOrg: 'yes' });
      expect(data.sourceFiles).to.have.length(4);
      data.sourceFiles.forEach((file) => expect(existsSync(file), file).to.equal(true));
      const rerun = await runPrinted(session, data.rerunCommand, project.dir);
      expect(rerun.exitCode, describeRun(rerun)).to.equal(0);
      const result = parseSfJson<CreateResult>(rerun.stdout).result!;
      expect((await assertOrgWorks('after the rerun')).clientId).to.equal(result.consumerKey);
    });

    it('SIGINT during the wait for the app (human output): exit 130, what exists, no stack trace', async () => {
      const { run, before } = await interrupt({ json: false, during: 'wait' });
      await assertCleanInterruption(run, before, { askOrg: false });
      expect(run.stderr).to.include('Interrupted (SIGINT) while logging in with the new app');
      expect(run.stderr).to.include('The org holds the app Fault_Login_');
      expect(run.stderr).to.include(`The authorization of ${emu.username} is unchanged`);
    });
  });
}
