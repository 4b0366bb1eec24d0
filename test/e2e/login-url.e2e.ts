/*
 * Where the app's logins go, with the real sf CLI (issue 14 item 2). In a project made by `sf project generate`,
 * sfdx-project.json has "sfdcLoginUrl": "https://login.salesforce.com"; the README's first example must still log in
 * at the target org (here the emulator), where the app was created: create --login jwt, the printed login command, and
 * rotate-certificate --login all use the org's instance URL. Nothing beyond 127.0.0.1 is reachable in this test run,
 * so a login that went to login.salesforce.com would fail with "fetch failed". A URL that cannot be reached ends the
 * command at once, naming the URL and the network error.
 */
import { expect } from 'chai';
import { startEmulator } from '../emulator/server.js';
import { describeRun, freePort, sharedSession, stripAnsi, type SfSession, type TestProject } from './harness.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type LoginJson = { method: string; username: string; loginUrl: string; instanceUrl: string; attempts: number };
type CreateResult = { name: string; consumerKey: string; loginUrl: string; loginCommand: string; login?: LoginJson };
type RotateResult = { consumerKey?: string; loginCommand?: string; login?: LoginJson };
type OrgDisplay = { username: string; clientId?: string; instanceUrl?: string };

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ALIAS = 'loginurlorg';

describe('the app logs in at the target org, whatever sfdcLoginUrl says (real sf CLI, emulator)', function () {
  this.timeout(300_000);
  let session: SfSession;
  let emu: Emulator;
  let project: TestProject;

  before(async () => {
    session = await sharedSession();
    // New apps take 1.5 s to go live, so the login has to wait for the app.
    emu = await startEmulator({ port: 0, liveDelayMs: 1500 });
    await session.loginToEmulator(emu, ALIAS);
    project = await session.makeProject('generated', { sfdcLoginUrl: 'https://login.salesforce.com' });
  });
  after(async () => emu?.stop());

  it('create --login jwt without --instance-url logs in at the org, and --json names its URL in loginUrl and loginCommand', async () => {
    emu.clearRequests();
    const run = await session.json<CreateResult>(
      ['external-client-app', 'create', '--name', 'Login_Url_App', '--target-org', ALIAS, '--login', 'jwt'],
      { cwd: project.dir }
    );
    expect(run.json.status, describeRun(run)).to.equal(0);
    const result = run.json.result!;
    expect(result.loginUrl).to.equal(emu.instanceUrl);
    expect(result.loginCommand).to.match(new RegExp(`--instance-url ${emu.instanceUrl}$`));
    expect(result.login).to.include({ method: 'jwt', username: emu.username, loginUrl: emu.instanceUrl });
    expect(result.login!.attempts, 'the app was not live at first: the wait happened').to.be.greaterThan(1);
    // Every grant of the wait went to the emulator, one per attempt; the last one's token is the login.
    const grants = emu.requests().filter((entry) => entry.operation === JWT_BEARER);
    expect(grants).to.have.length(result.login!.attempts);
    expect(run.stdout + run.stderr).to.not.include('fetch failed');

    const shown = await session.json<OrgDisplay>(['org', 'display', '-o', ALIAS]);
    expect(shown.json.status, describeRun(shown)).to.equal(0);
    expect(shown.json.result).to.include({ clientId: result.consumerKey, instanceUrl: emu.instanceUrl });
  });

  it('without --login, the printed login command names the org instance URL', async () => {
    const run = await session.run(['external-client-app', 'create', '--name', 'Login_Url_Print', '--target-org', ALIAS], { cwd: project.dir });
    expect(run.exitCode, describeRun(run)).to.equal(0);
    const out = stripAnsi(run.stdout);
    expect(out).to.include('sf org login jwt --client-id');
    expect(out).to.include(`--instance-url ${emu.instanceUrl}`);
    expect(out).to.not.include('login.salesforce.com');
  });

  it('rotate-certificate --login in the same project logs in with the new key at the org', async () => {
    const run = await session.json<RotateResult>(
      ['external-client-app', 'rotate-certificate', '--name', 'Login_Url_App', '--target-org', ALIAS, '--login'],
      { cwd: project.dir }
    );
    expect(run.json.status, describeRun(run)).to.equal(0);
    expect(run.json.result!.login).to.include({ username: emu.username, loginUrl: emu.instanceUrl });
    expect(run.json.result!.loginCommand).to.match(new RegExp(`--instance-url ${emu.instanceUrl}$`));
  });

  it('a login URL that cannot be reached ends the command at once, naming the URL and the network error', async () => {
    const unreachable = `http://127.0.0.1:${await freePort()}`;
    const run = await session.json<CreateResult>(
      [
        'external-client-app',
        'create',
        '--name',
        'Login_Url_Offline',
        '--target-org',
        ALIAS,
        '--login',
        'jwt',
        '--instance-url',
        unreachable,
      ],
      { cwd: project.dir }
    );
    expect(run.json.status, describeRun(run)).to.equal(1);
    expect(run.json.name).to.equal('LoginFailedError');
    expect(run.json.message).to.include(unreachable);
    expect(run.json.message).to.include('ECONNREFUSED');
    expect(JSON.stringify(run.json.actions)).to.include('could not be reached');
    // No waiting: the default --wait is 15 minutes.
    expect(run.durationMs).to.be.lessThan(60_000);
  });
});
