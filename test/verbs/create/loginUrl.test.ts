/*
 * Where create's logins go (issue 14): the app lives in the target org, so --login and the printed login command use
 * the target org's instance URL unless --instance-url says otherwise, never sfdx-project.json's sfdcLoginUrl (which
 * `sf project generate` sets to https://login.salesforce.com). While the app propagates, the wait stays at that URL;
 * a URL that cannot be reached, or an org that still does not know the app after the kind's propagation time, ends
 * the command with the URL and the causes.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createApp, type CreateAppContext, type CreateAppRequest } from '../../../src/verbs/create/createApp.js';
import { startEmulator } from '../../emulator/server.js';
import { startEmulatorOrg, type EmulatorOrg } from '../../shared/emulatorOrg.js';

type ErrorWithActions = Error & { actions?: string[] };

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

describe('create: where the app logs in', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  let count = 0;

  before(async () => {
    org = await startEmulatorOrg();
  });
  after(async () => org?.close());
  afterEach(() => {
    org.emulator.store.settings.liveDelayMs = 0;
  });

  /** A project as `sf project generate` makes it: sfdcLoginUrl is https://login.salesforce.com. */
  async function generatedProject(): Promise<string> {
    const dir = await mkdtemp(join(org.home, `login-url-${++count}-`));
    await mkdir(join(dir, 'force-app', 'main', 'default'), { recursive: true });
    await writeFile(
      join(dir, 'sfdx-project.json'),
      JSON.stringify({
        packageDirectories: [{ path: 'force-app', default: true }],
        namespace: '',
        sfdcLoginUrl: 'https://login.salesforce.com',
        sourceApiVersion: '63.0',
      })
    );
    return dir;
  }

  const context = (cwd: string, kind: CreateAppContext['kind'], loginRetry?: CreateAppContext['loginRetry']): CreateAppContext => ({
    kind,
    conn: org.conn,
    orgUsername: org.emulator.username,
    orgInstanceUrl: org.emulator.instanceUrl,
    apiVersion: org.conn.getApiVersion(),
    cwd,
    argv: [],
    loginRetry: { intervalMs: 50, ...loginRetry },
  });
  const request = (name: string, more: Partial<CreateAppRequest> = {}): CreateAppRequest => ({
    name,
    certificateDays: 30,
    waitMinutes: 1,
    ...more,
  });
  const failure = async (promise: Promise<unknown>): Promise<ErrorWithActions> =>
    promise.then(
      () => expect.fail('expected an error'),
      (error: ErrorWithActions) => error
    );

  it('--login jwt in a project with sfdcLoginUrl login.salesforce.com goes to the target org, and waits there alone', async () => {
    org.emulator.store.settings.liveDelayMs = 700;
    const cwd = await generatedProject();
    org.emulator.clearRequests();
    const result = await createApp(request('Url_Eca', { login: 'jwt' }), context(cwd, 'ExternalClientApplication'));
    expect(result.loginUrl).to.equal(org.emulator.instanceUrl);
    expect(result.loginCommand).to.include(`--instance-url ${org.emulator.instanceUrl}`);
    expect(result.loginCommand).to.not.include('login.salesforce.com');
    expect(result.login).to.include({ method: 'jwt', loginUrl: org.emulator.instanceUrl, username: org.emulator.username });
    expect(result.login!.attempts, 'the app was not live at first').to.be.greaterThan(1);
    // One JWT grant per attempt at the org itself, the last one's token being the login: had core tried its other
    // (login URL, audience) pairs, or asked for a token again, the org would have seen more grants than that.
    const grants = org.emulator.requests().filter((entry) => entry.operation === JWT_BEARER);
    expect(grants).to.have.length(result.login!.attempts);
  });

  it('the printed login command uses --instance-url when given, else the target org instance URL', async () => {
    const cwd = await generatedProject();
    const own = await createApp(request('Url_Dry', { dryRun: true }), context(cwd, 'ExternalClientApplication'));
    expect(own.loginUrl).to.equal(org.emulator.instanceUrl);
    expect(own.loginCommand).to.match(new RegExp(`--instance-url ${org.emulator.instanceUrl}$`));
    const given = await createApp(
      request('Url_Dry', { dryRun: true, instanceUrl: 'https://acme--dev.sandbox.my.salesforce.com' }),
      context(cwd, 'ExternalClientApplication')
    );
    expect(given.loginUrl).to.equal('https://acme--dev.sandbox.my.salesforce.com');
    expect(given.loginCommand).to.match(/--instance-url https:\/\/acme--dev\.sandbox\.my\.salesforce\.com$/);
  });

  it('a login URL that cannot be reached ends at once, naming the URL and the network error', async () => {
    const cwd = await generatedProject();
    const loginUrl = `http://127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const error = await failure(createApp(request('Url_Offline', { login: 'jwt', instanceUrl: loginUrl }), context(cwd, 'ExternalClientApplication')));
    expect(error.name).to.equal('LoginFailedError');
    expect(error.message).to.include(loginUrl);
    expect(error.message).to.include('fetch failed');
    expect(error.message).to.include('ECONNREFUSED');
    expect(error.actions?.[0]).to.include('could not be reached');
    expect(Date.now() - started).to.be.lessThan(20_000);
  });

  it('"not installed" past the propagation time ends with the causes (wrong URL, sandbox or production, another org)', async () => {
    org.emulator.store.settings.liveDelayMs = 60_000;
    const cwd = await generatedProject();
    const error = await failure(
      createApp(request('Url_Never', { login: 'jwt' }), context(cwd, 'ExternalClientApplication', { propagationMs: 400 }))
    );
    expect(error.name).to.equal('LoginFailedError');
    expect(error.message).to.include(org.emulator.instanceUrl);
    expect(error.message).to.include('not installed');
    const cause = error.actions?.[0] ?? '';
    expect(cause).to.include('15 minutes');
    expect(cause).to.include('--instance-url');
    expect(cause).to.include('test.salesforce.com is for sandboxes');
    expect(cause).to.include('--target-org');
    expect(error.actions?.[1]).to.include(`--instance-url ${org.emulator.instanceUrl}`);
  });

  it('a connected app logged into at another org ("client identifier invalid") ends the same way after its propagation time', async () => {
    const other = await startEmulator({ port: 0 });
    try {
      const cwd = await generatedProject();
      const error = await failure(
        createApp(request('Url_Elsewhere', { login: 'jwt', instanceUrl: other.instanceUrl }), context(cwd, 'ConnectedApp', { propagationMs: 300 }))
      );
      expect(error.name).to.equal('LoginFailedError');
      expect(error.message).to.include(other.instanceUrl);
      expect(error.actions?.[0]).to.include('still does not know the consumer key after the 10 minutes');
      // Every grant went to the URL given, none to the org the app is in.
      expect(other.requests().filter((entry) => entry.operation === JWT_BEARER).length).to.be.greaterThan(0);
    } finally {
      await other.stop();
    }
  });
});
