/*
 * The real-org lane (`npm run test:org`, scripts/org-lane.ts) tested the way a user runs it, against the emulator:
 * the real sf is logged into the emulator under an alias in an isolated HOME (the "user's" HOME), and the lane's
 * entry point runs with that HOME as its environment, exactly as it would with a real org and the user's own HOME.
 * The lane must confirm every assumption the emulator models, clean up after itself (also when interrupted), skip
 * the connected-app scenario when the org blocks new connected apps, and leave the user's auth as it was.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator } from '../emulator/server.js';
import type { LaneReport } from '../org/report.js';
import { describeRun, repoRoot, SfSession } from './harness.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type LaneRun = { code: number | null; stdout: string; stderr: string; report: LaneReport };

const TYPES = [
  'ConnectedApp',
  'ExternalClientApplication',
  'ExtlClntAppGlobalOauthSettings',
  'ExtlClntAppOauthSettings',
  'ExtlClntAppOauthConfigurablePolicies',
  'ExtlClntAppConfigurablePolicies',
];

describe('the org lane (npm run test:org) against the emulator, through its entry point', function () {
  this.timeout(600_000);
  let emu: Emulator;
  /** The "user": their own HOME, with the org authorized as my-dev through the emulator's bootstrap app. */
  let user: SfSession;
  let runs = 0;

  /** scripts/org-lane.ts as `npm run test:org -- ...` runs it (after the build), with the user's environment. */
  const lane = async (args: string[], options: { interruptAfter?: RegExp } = {}): Promise<LaneRun> => {
    const resultsFile = join(user.root, `results-${++runs}.json`);
    const child = spawn(process.execPath, ['--import', 'tsx', join('scripts', 'org-lane.ts'), ...args, '--results-file', resultsFile], {
      cwd: repoRoot,
      env: user.env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: tsx's esbuild service, a child of the lane, is ended with it below (an interrupted lane
      // once left it running past the suite's leftover check).
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (options.interruptAfter && !interrupted && options.interruptAfter.test(stdout)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    const code = await new Promise<number | null>((done) => child.on('close', done)).finally(() => clearTimeout(timer));
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
    const report = JSON.parse(await readFile(resultsFile, 'utf8')) as LaneReport;
    return { code, stdout, stderr, report };
  };

  /** Components in the emulator's org whose name starts with the run's name: none may stay. */
  const leftInOrg = (runName: string): string[] =>
    TYPES.flatMap((type) => emu.store.list(type).map((c) => `${type}:${c.fullName}`)).filter((name) => name.includes(runName));

  /** The user's HOME after a run: the same single auth, through the same app, under the same alias. */
  const expectUserAuthUntouched = async (): Promise<void> => {
    const shown = await user.json<{ clientId?: string; username: string }>(['org', 'display', '--target-org', 'my-dev']);
    expect(shown.json.status, describeRun(shown)).to.equal(0);
    expect(shown.json.result).to.include({ clientId: emu.clientId, username: emu.username });
    const aliases = await user.json<Array<{ alias: string; value: string }>>(['alias', 'list']);
    expect(aliases.json.result!.map((a) => a.alias)).to.deep.equal(['my-dev']);
  };

  before(async () => {
    emu = await startEmulator({ port: 0, liveDelayMs: 1000, allowConnectedAppCreation: true });
    user = await SfSession.create();
    await user.loginToEmulator(emu, 'my-dev');
  });

  after(async () => {
    await emu?.stop();
    await user?.dispose();
  });

  it('runs both app scenarios end to end, confirms every assumption, cleans up, and leaves the user\'s auth alone', async () => {
    const run = await lane(['--target-org', 'my-dev']);
    const { report } = run;
    // The lane's own report, as a person running it sees it (and as the CI log keeps it).
    // eslint-disable-next-line no-console
    console.log(run.stdout.slice(run.stdout.indexOf('\nOrg lane ')));
    expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(0);
    expect(report.ok).to.equal(true);
    expect(report.target).to.include({ alias: 'my-dev', username: emu.username, orgId: emu.orgId, local: true, isSandbox: false });
    expect(report.lane.name).to.match(/^OrgLane_\d{14}_[0-9a-f]{6}$/);
    expect(report.steps.filter((s) => s.outcome !== 'ok')).to.deep.equal([]);

    const notConfirmed = report.assumptions.filter((a) => a.verdict !== 'confirmed').map((a) => `${a.id}: ${a.verdict} (${a.observed})`);
    expect(notConfirmed).to.deep.equal(['ca.creation-block: skipped (this org allows new connected apps (creation is on for it))']);
    expect(report.assumptions.map((a) => a.id)).to.include.members(['eca.live', 'eca.aud-my-domain', 'eca.retrieved-key-redeploy', 'ca.retrieved-key-redeploy']);
    expect(report.assumptions.find((a) => a.id === 'ca.retrieved-key-redeploy')!.observed).to.include('You cannot provide a Consumer Key');
    for (const a of report.assumptions) expect(a.factLink).to.equal(`docs/salesforce-facts.md#${a.fact.toLowerCase()}`);
    expect(report.factsDoc.map((f) => f.fact)).to.include('F-JWT-AUDIENCE');
    expect(report.factsDoc[0].lines[0]).to.include('not Salesforce: do not paste');

    // Everything the run made is gone: both apps (deleted by the scenarios), the logins with them, their files.
    const names = [`${report.lane.name}_Eca`, `${report.lane.name}_Ca`];
    expect(report.cleanup.deletedByScenario.sort()).to.deep.equal(names.sort());
    expect(report.cleanup.loggedOut).to.have.length(4);
    expect(report.cleanup.notCleaned).to.deep.equal([]);
    expect(leftInOrg(report.lane.name)).to.deep.equal([]);
    await expectUserAuthUntouched();
    // The printed table, one row per assumption, and where the JSON went.
    expect(run.stdout).to.include('Assumptions checked (docs/salesforce-facts.md):');
    expect(run.stdout).to.match(/ 1 confirmed {2}F-ECA-TYPES /);
    expect(run.stdout).to.include(`Results (JSON, with lines for docs/salesforce-facts.md under "factsDoc"): ${report.lane.resultsFile}`);
  });

  it("with the Spring '26 block on, skips the connected-app scenario; interrupted, it stops and still deletes what it made", async () => {
    const res = await fetch(`${emu.instanceUrl}/_emulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ allowConnectedAppCreation: false }),
    });
    expect(res.status).to.equal(200);
    // Ctrl-C as soon as the External Client App exists and its login worked.
    const run = await lane(['-o', 'my-dev', '--scenarios', 'eca,ca'], { interruptAfter: /eca: external-client-app create --login jwt: ok/ });
    const { report } = run;
    expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(1);
    expect(run.stdout).to.include('interrupted: stopping after the current step, then cleaning up');
    expect(report.ok).to.equal(false);
    expect(report.error).to.match(/^interrupted/);

    const verdicts = Object.fromEntries(report.assumptions.map((a) => [a.id, `${a.verdict}: ${a.observed}`]));
    expect(verdicts['ca.creation-block']).to.match(/^confirmed: refused: This org does not allow creating connected apps: .*connected app/);
    expect(verdicts['ca.live']).to.equal('skipped: org does not allow new connected apps');
    expect(report.steps.find((s) => s.scenario === 'ca' && s.step.startsWith('connected-app create'))).to.include({
      outcome: 'skipped',
      detail: 'org does not allow new connected apps',
    });
    expect(verdicts['eca.live']).to.match(/^confirmed: logged in after/);
    expect(verdicts['eca.deleted']).to.equal('skipped: not checked: the run was interrupted');
    expect(report.assumptions.filter((a) => a.verdict === 'refuted')).to.deep.equal([]);

    // The cleanup deleted the app the interrupted scenario left, and logged out the login made with it.
    const eca = `${report.lane.name}_Eca`;
    expect(report.cleanup).to.deep.include({ deletedByScenario: [], deletedByCleanup: [eca], notInOrg: [`${report.lane.name}_Ca`], notCleaned: [] });
    expect(report.cleanup.loggedOut).to.have.length(1);
    expect(run.stdout).to.include(`deleted by the cleanup:   ${eca}`);
    expect(leftInOrg(report.lane.name)).to.deep.equal([]);
    await expectUserAuthUntouched();
  });
});
