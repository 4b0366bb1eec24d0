/*
 * --definition-file with the real sf CLI against the emulator: an integration app (docs/salesforce-facts.md#f-integration-app-settings) made from a
 * JSON file as an External Client App, then display's --json output fed back as the definition of a second app,
 * which must come out with the same settings. A dry run from the same file deploys nothing.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator } from '../emulator/server.js';
import { describeRun, sharedSession, type SfSession, type TestProject } from './harness.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type CreateResult = { name: string; consumerKey: string; secretFile?: string; dryRun?: { components: Array<{ type: string; xml: string }> } };
type DisplayResult = Record<string, unknown> & { name: string; consumerKey?: string };

const RUN_AS = 'integration@oauthapps.emulator.org';

describe('Definition file with the real sf CLI', function () {
  this.timeout(300_000);
  let session: SfSession;
  let emu: Emulator;
  let project: TestProject;

  before(async () => {
    session = await sharedSession();
    emu = await startEmulator({ port: 0, allowConnectedAppCreation: true });
    await session.loginToEmulator(emu, 'defs');
    project = await session.makeProject('definition-file');
  });

  after(async () => {
    await emu?.stop();
  });

  it('creates an integration app from a file, and display output recreates it with the same settings', async () => {
    const file = await project.write(
      'config/integration-app.json',
      JSON.stringify({
        $schema: '../node_modules/sf-plugin-oauth-apps/schemas/app-definition.schema.json',
        name: 'Data_Sync',
        label: 'Data Sync',
        contactPhone: '+1 415 555 0100',
        scopes: ['full', 'refresh_token'],
        callbackUrlMyDomain: true,
        noCertificate: true,
        refreshTokenPolicy: 'inactive:30d',
        sessionTimeoutMinutes: 60,
        ipRelaxation: 'relax-refresh',
        flows: {
          deviceFlow: true,
          clientCredentialsUser: RUN_AS,
          requireSecretForWebServer: true,
          requireSecretForRefreshToken: true,
          introspectAllTokens: true,
          refreshTokenRotation: true,
        },
        idToken: { validityMinutes: 10, audiences: ['https://sync.example.com'] },
        singleLogoutUrl: 'https://sync.example.com/logout',
      })
    );

    // A dry run of the same file: the metadata is shown, nothing is deployed.
    const deploysBefore = emu.requests().filter((r) => /deploy/i.test(r.operation ?? '')).length;
    const dry = await session.json<CreateResult>(
      ['external-client-app', 'create', '--definition-file', file, '--secret-file', join(project.dir, 'dry.secret'), '--dry-run', '-o', 'defs'],
      { cwd: project.dir }
    );
    expect(dry.json.status, describeRun(dry)).to.equal(0);
    const globalXml = dry.json.result!.dryRun!.components.find((c) => c.type === 'ExtlClntAppGlobalOauthSettings')!.xml;
    expect(globalXml).to.include('<isDeviceFlowEnabled>true</isDeviceFlowEnabled>').and.include('<consumerSecret>********</consumerSecret>');
    expect(emu.requests().filter((r) => /deploy/i.test(r.operation ?? '')).length).to.equal(deploysBefore);

    const first = await session.json<CreateResult>(
      ['external-client-app', 'create', '--definition-file', file, '--secret-file', join(project.dir, 'first.secret'), '-o', 'defs'],
      { cwd: project.dir }
    );
    expect(first.json.status, describeRun(first)).to.equal(0);
    expect((await readFile(join(project.dir, 'first.secret'), 'utf8')).trim()).to.have.length.greaterThan(7);

    const shown = await session.run(['external-client-app', 'display', '--name', 'Data_Sync', '-o', 'defs', '--json'], { cwd: project.dir });
    expect(shown.exitCode, describeRun(shown)).to.equal(0);
    const original = (JSON.parse(shown.stdout) as { result: DisplayResult }).result;
    expect(original).to.deep.include({
      callbackUrls: [emu.instanceUrl],
      // openid was added for the ID token settings.
      // In the words the definition file and the flags take.
      scopes: ['full', 'refresh_token', 'openid'],
      contactPhone: '+1 415 555 0100',
      ipRelaxation: 'relax-refresh',
      refreshTokenPolicy: 'inactive:30d',
      permittedUsers: 'admin-approved',
      singleLogoutUrl: 'https://sync.example.com/logout',
    });
    expect(original.flows).to.include({ deviceFlow: true, clientCredentialsUser: RUN_AS, introspectAllTokens: true, requireSecretForWebServer: true });
    expect(original).to.not.have.property('certificate');

    // display's whole --json output, as a user would save it, is the second app's definition; --name overrides.
    const saved = await project.write('config/shown.json', shown.stdout);
    const second = await session.json<CreateResult>(
      ['external-client-app', 'create', '--definition-file', saved, '--name', 'Data_Sync_2', '--secret-file', join(project.dir, 'second.secret'), '-o', 'defs'],
      { cwd: project.dir }
    );
    expect(second.json.status, describeRun(second)).to.equal(0);
    expect(second.json.result!.consumerKey).to.not.equal(first.json.result!.consumerKey);
    expect(second.json.warnings?.join(' ')).to.include('consumerKey is ignored');

    const again = await session.json<DisplayResult>(['external-client-app', 'display', '--name', 'Data_Sync_2', '-o', 'defs'], { cwd: project.dir });
    expect(again.json.status, describeRun(again)).to.equal(0);
    const strip = (shownApp: DisplayResult): Record<string, unknown> => {
      const { name, consumerKey, ...settings } = shownApp;
      void name;
      void consumerKey;
      return settings;
    };
    expect(strip(again.json.result!)).to.deep.equal(strip(original));
  });

  it('the integration preset (docs/salesforce-facts.md#f-integration-app-settings) makes an app whose key and secret get a client credentials token', async () => {
    const secretFile = join(project.dir, 'integration.secret');
    const created = await session.json<CreateResult>(
      ['external-client-app', 'create', '--preset', 'integration', '--name', 'Sync_Preset', '--client-credentials-user', RUN_AS, '--secret-file', secretFile, '-o', 'defs'],
      { cwd: project.dir }
    );
    expect(created.json.status, describeRun(created)).to.equal(0);
    const secret = (await readFile(secretFile, 'utf8')).trim();
    const token = async (clientSecret: string): Promise<{ status: number; body: Record<string, string> }> => {
      const response = await fetch(`${emu.instanceUrl}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          // eslint-disable-next-line camelcase
          grant_type: 'client_credentials',
          // eslint-disable-next-line camelcase
          client_id: created.json.result!.consumerKey,
          // eslint-disable-next-line camelcase
          client_secret: clientSecret,
        }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, string> };
    };
    const good = await token(secret);
    expect(good.status, JSON.stringify(good.body)).to.equal(200);
    expect(good.body.access_token).to.match(/^00D/);
    // The token is the run-as user's: the identity URL names them.
    const me = await fetch(good.body.id, { headers: { authorization: `Bearer ${good.body.access_token}` } });
    expect(((await me.json()) as { username: string }).username).to.equal(RUN_AS);
    const bad = await token(`${secret}x`);
    // eslint-disable-next-line camelcase
    expect(bad.body).to.deep.equal({ error: 'invalid_client', error_description: 'invalid client credentials' });
  });

  it('the integration preset in the first hour: one run names every missing input; the next says where the secret went and ends with a token request that works', async () => {
    const deploys = (): number => emu.requests().filter((r) => /deploy/i.test(r.operation ?? '')).length;
    const before = deploys();
    const missing = await session.json(['external-client-app', 'create', '--preset', 'integration', '--name', 'Sync_First', '-o', 'defs'], { cwd: project.dir });
    expect(missing.exitCode, describeRun(missing)).to.not.equal(0);
    expect(missing.json.name).to.equal('MissingInputsError');
    expect(missing.json.message).to.include('--client-credentials-user').and.include('--secret-file');
    // --show-secret without --json would show the secret nowhere: refused at once too.
    const silent = await session.run(
      ['external-client-app', 'create', '--preset', 'integration', '--name', 'Sync_First', '--client-credentials-user', RUN_AS, '--show-secret', '-o', 'defs'],
      { cwd: project.dir }
    );
    expect(silent.exitCode, describeRun(silent)).to.not.equal(0);
    expect(silent.stderr).to.include('ShowSecretNeedsJson');
    expect(deploys()).to.equal(before);

    const secretFile = join(project.dir, 'first-hour.secret');
    const created = await session.run(
      ['external-client-app', 'create', '--preset', 'integration', '--name', 'Sync_First', '--client-credentials-user', RUN_AS, '--secret-file', secretFile, '-o', 'defs'],
      { cwd: project.dir }
    );
    expect(created.exitCode, describeRun(created)).to.equal(0);
    expect(created.stdout).to.include(`written to ${secretFile}`).and.not.include('sf org login web');
    const lastLine = created.stdout.trim().split('\n').at(-1)!.trim();
    expect(lastLine, created.stdout).to.match(/^curl -s /);
    // The suggested command, run as a user would paste it, gets a token.
    const { stdout } = await promisify(execFile)('sh', ['-c', lastLine]);
    expect((JSON.parse(stdout) as { access_token?: string }).access_token, stdout).to.match(/^00D/);
  });

  it('the jwt preset (docs/salesforce-facts.md#f-sfdx-cli-app-settings) logs in with JWT', async () => {
    const created = await session.json<CreateResult & { login?: { alias?: string } }>(
      ['external-client-app', 'create', '--preset', 'jwt', '--name', 'Jwt_Preset', '--username', RUN_AS, '--permission-set', 'CLI_Access', '--login', 'jwt', '--alias', 'preset-ci', '-o', 'defs'],
      { cwd: project.dir }
    );
    expect(created.json.status, describeRun(created)).to.equal(0);
    const shown = await session.json<{ clientId: string; username: string }>(['org', 'display', '-o', 'preset-ci']);
    expect(shown.json.result).to.include({ clientId: created.json.result!.consumerKey, username: RUN_AS });
  });
});
