/*
 * Fault matrix, reruns and concurrent updates (issue 10 items 3-5), with the real sf against the emulator: a fault
 * is caused, then the printed advice is pasted into a shell as the user would, and after each path the target org's
 * auth still works, no secret is lost, no user file changed, and the org holds the whole app or none of it (or the
 * rerun completed it).
 */
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { startEmulator } from '../../emulator/server.js';
import { describeRun, parseSfJson, sharedSession, type SfJsonOutput, type SfSession, type TestProject } from '../harness.js';

const execFileAsync = promisify(execFile);

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type CreateResult = { name: string; consumerKey: string; metadataPaths: string[]; privateKeyPath?: string; certificatePath?: string };
type UpdateResult = { deployed: boolean };

const ECA_TYPES = ['ExternalClientApplication', 'ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthSettings', 'ExtlClntAppOauthConfigurablePolicies', 'ExtlClntAppConfigurablePolicies'];

export function registerRerunCases(): void {
  describe('fault matrix: reruns, retries and concurrent updates', function () {
    this.timeout(600_000);
    let session: SfSession;
    let emu: Emulator;
    const ALIAS = 'rerun-org';

    /** A command printed as advice, run exactly as printed in a shell (with --json to read its answer). */
    const paste = async (command: string, cwd: string): Promise<SfJsonOutput> => {
      expect(command, command).to.match(/^sf /);
      const { stdout } = await execFileAsync('bash', ['-c', `${command} --json`], { cwd, env: session.env }).catch(
        (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' })
      );
      return parseSfJson(stdout);
    };
    /** The command at the end of an advice line ("...: sf ..."). */
    const commandIn = (action: string | undefined): string => {
      const at = action?.indexOf(': sf ') ?? -1;
      expect(at, action).to.be.greaterThan(-1);
      return action!.slice(at + 2).trim();
    };
    const ecaComponents = (name: string): string[] =>
      ECA_TYPES.flatMap((type) => emu.store.list(type).filter((c) => c.fullName === name || c.fullName.startsWith(`${name}_`)).map(() => type));
    /** The target org's auth still works (a failed or interrupted command must never break it). */
    const assertOrgAuthWorks = async (): Promise<void> => {
      const run = await session.json(['org', 'display', '-o', ALIAS]);
      expect(run.json.status, describeRun(run)).to.equal(0);
    };
    /** Every file under the project except what the plugin writes for apps, with its text. */
    const userFiles = async (project: TestProject): Promise<Map<string, string>> => {
      const entries = await readdir(project.dir, { recursive: true, withFileTypes: true });
      const files = new Map<string, string>();
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const path = join(entry.parentPath, entry.name);
        if (path.includes('.sf-oauth-apps') || path.includes(`${join('force-app', 'main', 'default')}`) || path.includes(`${join(project.dir, '.sf')}`)) continue;
        // eslint-disable-next-line no-await-in-loop
        files.set(path, await readFile(path, 'utf8'));
      }
      return files;
    };

    before(async () => {
      session = await sharedSession();
      // Connected app creation refused, as in Spring '26 orgs: the creation-block advice is part of the matrix.
      emu = await startEmulator({ port: 0 });
      await session.loginToEmulator(emu, ALIAS);
    });
    after(async () => {
      await emu?.stop();
    });
    afterEach(() => emu.faults.clear());

    it('deploy 503: a clear error with the rerun command; pasted, it completes the app with the same key', async () => {
      const project = await session.makeProject('rerun-503');
      await project.write('README.md', 'a file of the user\n');
      const before = await userFiles(project);
      const name = 'Rerun_503';
      emu.faults.add({ kind: 'http503', operation: 'deploy' });
      const failed = await session.json(['external-client-app', 'create', '--name', name, '-o', ALIAS], { cwd: project.dir });
      emu.faults.clear();
      expect(failed.json.status, describeRun(failed)).to.not.equal(0);
      expect(failed.json.name).to.equal('DeployFaultError');
      expect(failed.json.message).to.include('ERROR_HTTP_503').and.include('Nothing was created');
      expect(ecaComponents(name)).to.deep.equal([]);
      const keyPath = join(project.dir, '.sf-oauth-apps', name, 'server.key');
      const key = await readFile(keyPath, 'utf8');

      const rerun = await paste(commandIn(failed.json.actions?.[0]), project.dir);
      expect(rerun.status, JSON.stringify(rerun)).to.equal(0);
      const result = rerun.result as CreateResult;
      expect(ecaComponents(name)).to.have.length(5);
      expect(await readFile(keyPath, 'utf8')).to.equal(key);
      expect(result.privateKeyPath).to.equal(keyPath);
      expect(result.metadataPaths).to.have.length(4);
      for (const path of result.metadataPaths) expect(await readFile(path, 'utf8'), path).to.include('<?xml');
      expect(await userFiles(project)).to.deep.equal(before);
      await assertOrgAuthWorks();
    });

    it('REQUEST_LIMIT_EXCEEDED on a read: retried, and the command succeeds', async () => {
      // The app the first case completed (one sf run fewer than making one).
      const project = await session.makeProject('rerun-limit');
      const name = 'Rerun_503';
      emu.clearRequests();
      emu.faults.add({ kind: 'REQUEST_LIMIT_EXCEEDED', operation: 'readMetadata', times: 1 });
      const shown = await session.json(['external-client-app', 'display', '--name', name, '-o', ALIAS], { cwd: project.dir });
      expect(shown.json.status, describeRun(shown)).to.equal(0);
      const reads = emu.requests().filter((r) => r.operation === 'readMetadata');
      expect(reads[0].status).to.equal(500);
      expect(reads.slice(1).every((r) => r.status === 200)).to.equal(true);
      await assertOrgAuthWorks();
    });

    it('a failed deploy poll that could not be checked: create --update-existing writes the source files', async () => {
      const project = await session.makeProject('rerun-poll');
      const name = 'Rerun_Poll';
      emu.faults.add({ kind: 'http500', operation: 'checkDeployStatus' });
      emu.faults.add({ kind: 'http500', operation: 'readMetadata', armedBy: 'deploy' });
      const failed = await session.json(['external-client-app', 'create', '--name', name, '-o', ALIAS], { cwd: project.dir });
      emu.faults.clear();
      expect(failed.json.status, describeRun(failed)).to.not.equal(0);
      expect(failed.json.name).to.equal('DeployFaultError');
      expect(failed.json.message).to.include('could not be checked');
      // The deploy itself went through: the org holds the whole app, the project none of its files.
      expect(ecaComponents(name)).to.have.length(5);

      const again = await session.json<CreateResult>(['external-client-app', 'create', '--name', name, '-o', ALIAS, '--update-existing'], { cwd: project.dir });
      expect(again.json.status, describeRun(again)).to.equal(0);
      expect(again.json.result!.metadataPaths).to.have.length(4);
      for (const path of again.json.result!.metadataPaths) expect(await readFile(path, 'utf8'), path).to.include('<?xml');
      expect(again.json.result!.privateKeyPath).to.equal(join(project.dir, '.sf-oauth-apps', name, 'server.key'));
      await assertOrgAuthWorks();
    });

    it('a refused connected app: the External Client App command it suggests works as printed', async () => {
      const project = await session.makeProject('rerun-block');
      const name = 'Rerun_Block';
      const refused = await session.json(['connected-app', 'create', '--name', name, '-o', ALIAS, '--secret-file', 'ci.secret'], { cwd: project.dir });
      expect(refused.json.status, describeRun(refused)).to.not.equal(0);
      expect(refused.json.name).to.equal('ConnectedAppCreationBlockedError');
      const suggested = commandIn(refused.json.actions?.[0]);
      expect(suggested).to.match(/^sf external-client-app create /);
      const made = await paste(suggested, project.dir);
      expect(made.status, JSON.stringify(made)).to.equal(0);
      expect(ecaComponents(name)).to.have.length(5);
      // The secret the ECA got is in the file the user asked for: none lost.
      expect((await readFile(join(project.dir, 'ci.secret'), 'utf8')).trim()).to.have.length.greaterThan(10);
      await assertOrgAuthWorks();
    });

    it('two updates of one app at once: both changes in the org, or a clear refusal; never a lost change', async () => {
      const project = await session.makeProject('rerun-concurrent');
      const name = 'Rerun_Concurrent';
      const made = await session.json(['external-client-app', 'create', '--name', name, '-o', ALIAS], { cwd: project.dir });
      expect(made.json.status, describeRun(made)).to.equal(0);
      const [a, b] = await Promise.all([
        session.json<UpdateResult>(['external-client-app', 'update', '--name', name, '-o', ALIAS, '--description', 'changed by A'], { cwd: project.dir }),
        session.json<UpdateResult>(['external-client-app', 'update', '--name', name, '-o', ALIAS, '--add-callback-url', 'https://b.example.com/cb'], { cwd: project.dir }),
      ]);
      const header = emu.store.read('ExternalClientApplication', name)!;
      const global = emu.store.list('ExtlClntAppGlobalOauthSettings').find((c) => c.fullName.startsWith(name))!;
      const callbacks = String(emu.store.read('ExtlClntAppGlobalOauthSettings', global.fullName)!.callbackUrl);
      for (const [run, inOrg] of [
        [a, header.description === 'changed by A'],
        [b, callbacks.includes('https://b.example.com/cb')],
      ] as const) {
        if (run.json.status === 0) expect(inOrg, `reported success, change missing: ${describeRun(run)}`).to.equal(true);
        else expect(run.json.name, describeRun(run)).to.be.oneOf(['UpdateConflictError', 'UpdateLockedError']);
      }
      // Serialised by the project's lock, both go through here.
      expect([a.json.status, b.json.status]).to.deep.equal([0, 0]);
      await readFile(join(project.dir, '.sf', 'oauth-apps', `ExternalClientApplication.${name}.lock`)).then(
        () => expect.fail('the lock file should be gone'),
        () => undefined
      );
      await assertOrgAuthWorks();
    });
  });
}
