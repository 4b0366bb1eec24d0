/*
 * sf external-client-app create through Command.run, against the in-process emulator with a real saved auth, with
 * connected app creation blocked as in a current org.
 */
import { basename, join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import ExternalClientAppCreate from '../../../src/commands/external-client-app/create.js';
import { startEmulatorOrg, type EmulatorOrg, makeTestProject } from '../../shared/emulatorOrg.js';

describe('external-client-app create', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  const cwd = process.cwd();
  const sandbox = sinon.createSandbox();
  let ux: ReturnType<typeof stubSfCommandUx>;

  before(async () => {
    org = await startEmulatorOrg();
    org.emulator.state.updateSettings({ allowConnectedAppCreation: false });
    const project = await makeTestProject(org.home, 'project-');
    process.chdir(project);
  });
  after(async () => {
    process.chdir(cwd);
    await org?.close();
  });
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
  });
  afterEach(() => sandbox.restore());

  it('creates the five components with one deploy, writes four source files (global OAuth settings stay out) and logs in with --login jwt', async () => {
    org.emulator.clearRequests();
    const result = await ExternalClientAppCreate.run(['-o', org.emulator.username, '-n', 'Cmd_Eca', '--login', 'jwt', '--json']);
    expect(result.kind).to.equal('ExternalClientApplication');
    expect(result.deploy.method).to.equal('deploy');
    const suffixes = result.metadataPaths.map((p) => basename(p).replace(/^[^.]*\./, '')).sort();
    expect(suffixes).to.deep.equal(
      ['eca-meta.xml', 'ecaOauth-meta.xml', 'ecaOauthPlcy-meta.xml', 'ecaPlcy-meta.xml'].sort()
    );
    expect(result.metadataPath).to.match(/\/externalClientApps\/Cmd_Eca\.eca-meta\.xml$/);
    expect(result.metadataPaths).to.have.length(4);
    expect(org.emulator.store.read('ExtlClntAppGlobalOauthSettings', 'Cmd_Eca_glbl')).to.not.equal(undefined);
    expect(result.callbackUrls).to.deep.equal(['http://localhost:1717/OauthRedirect']);
    expect(result.login).to.include({ method: 'jwt', username: org.emulator.username });
    expect(org.emulator.requests().filter((r) => r.operation === 'deploy')).to.have.length(1);
  });

  it('an integration app: the summary says where the secret went, and ends with the token request its flows allow', async () => {
    const secretFile = join(org.home, 'cmd-integration.secret');
    const result = await ExternalClientAppCreate.run([
      '-o', org.emulator.username, '-n', 'Cmd_Sync', '--preset', 'integration',
      '--client-credentials-user', 'integration@oauthapps.emulator.org', '--secret-file', secretFile,
    ]);
    expect(result.loginMethod).to.equal('client-credentials');
    const command = `curl -s ${org.emulator.instanceUrl}/services/oauth2/token -d grant_type=client_credentials -d client_id=${result.consumerKey} -d "client_secret=$(cat ${secretFile})"`;
    expect(result.loginCommand).to.equal(command);
    const shown = ux.styledObject.firstCall.args[0] as Record<string, unknown>;
    expect(shown['Consumer secret']).to.equal(`written to ${secretFile} (readable only by you; shown nowhere else)`);
    // Several source files: one per line, aligned under the first.
    expect(shown['Source files']).to.be.an('array').with.length(4);
    const logged = ux.log.args.flat().map(String);
    expect(logged.at(-1)).to.equal(`  ${command}`);
    expect(logged.join('\n')).to.not.include('sf org login web');
  });

  it('an app no command-line login fits gets no login command, and says why', async () => {
    const result = await ExternalClientAppCreate.run([
      '-o', org.emulator.username, '-n', 'Cmd_No_Login', '--no-certificate', '--callback-url', 'https://app.example.com/oauth',
    ]);
    expect(result).to.include({ loginMethod: 'none' }).and.not.have.property('loginCommand');
    expect(ux.log.args.flat().join('\n')).to.include('No command-line login works with this app').and.not.include('sf org login web --client-id');
  });

  it('--show-secret without --json is refused before anything is created: the secret would be shown nowhere', async () => {
    org.emulator.clearRequests();
    const error = await ExternalClientAppCreate.run([
      '-o', org.emulator.username, '-n', 'Cmd_Shown', '--no-certificate', '--require-secret-for-web-server', '--show-secret',
    ]).then(
      () => undefined,
      (e: Error & { actions?: string[] }) => e
    );
    expect(error?.name).to.equal('ShowSecretNeedsJsonError');
    expect(error?.actions?.join('\n')).to.include('--json').and.include('--secret-file');
    expect(org.emulator.requests().filter((r) => r.path.startsWith('/services/Soap'))).to.deep.equal([]);
    expect(org.emulator.store.read('ExternalClientApplication', 'Cmd_Shown')).to.equal(undefined);
  });

  it('--login web is refused before anything is created when the app lacks the callback URL sf org login web listens on', async () => {
    org.emulator.clearRequests();
    const error = await ExternalClientAppCreate.run([
      '-o', org.emulator.username, '-n', 'Cmd_Web', '--no-certificate', '--callback-url', 'https://app.example.com/oauth', '--login', 'web',
    ]).then(
      () => undefined,
      (e: Error & { actions?: string[] }) => e
    );
    expect(error?.name).to.equal('NoCallbackForWebLoginError');
    expect(error?.actions?.join('\n')).to.include('--callback-url http://localhost:1717/OauthRedirect');
    expect(org.emulator.store.read('ExternalClientApplication', 'Cmd_Web')).to.equal(undefined);
  });

  it('warns that a Dev Hub authorized through an External Client App cannot create scratch orgs', async () => {
    await ExternalClientAppCreate.run(['-o', org.emulator.username, '-n', 'Cmd_Hub', '--login', 'jwt', '--set-default-dev-hub']);
    expect(ux.warn.args.flat().join('\n')).to.include('C-1016');
    expect(ux.logSuccess.args.flat().join('\n')).to.include(org.emulator.username);
  });
});
