/*
 * sf external-client-app create through Command.run, against the in-process emulator with a real saved auth, with
 * connected app creation blocked as in a current org.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import ExternalClientAppCreate from '../../../src/commands/external-client-app/create.js';
import { startEmulatorOrg, type EmulatorOrg } from '../../shared/emulatorOrg.js';

describe('external-client-app create', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  const cwd = process.cwd();
  const sandbox = sinon.createSandbox();
  let ux: ReturnType<typeof stubSfCommandUx>;

  before(async () => {
    org = await startEmulatorOrg();
    org.emulator.state.updateSettings({ allowConnectedAppCreation: false });
    const project = await mkdtemp(join(org.home, 'project-'));
    await mkdir(join(project, 'force-app'), { recursive: true });
    await writeFile(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }));
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

  it('warns that a Dev Hub authorized through an External Client App cannot create scratch orgs', async () => {
    await ExternalClientAppCreate.run(['-o', org.emulator.username, '-n', 'Cmd_Hub', '--login', 'jwt', '--set-default-dev-hub']);
    expect(ux.warn.args.flat().join('\n')).to.include('C-1016');
    expect(ux.logSuccess.args.flat().join('\n')).to.include(org.emulator.username);
  });
});
