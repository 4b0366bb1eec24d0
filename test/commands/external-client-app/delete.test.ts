import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { stubPrompter, stubSfCommandUx } from '@salesforce/sf-plugins-core';
import ExternalClientAppDelete from '../../../src/commands/external-client-app/delete.js';
import { createExternalClientApp, definition, startEmulatorOrg, type EmulatorOrg } from '../../shared/emulatorOrg.js';

describe('external-client-app delete', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  let project: string;
  const cwd = process.cwd();
  const sandbox = sinon.createSandbox();
  let prompter: ReturnType<typeof stubPrompter>;

  before(async () => {
    org = await startEmulatorOrg();
    project = await mkdtemp(join(tmpdir(), 'eca-delete-'));
    await writeFile(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }));
  });
  after(async () => {
    process.chdir(cwd);
    await org?.close();
    await rm(project, { recursive: true, force: true });
  });
  beforeEach(() => {
    stubSfCommandUx(sandbox);
    prompter = stubPrompter(sandbox);
    // Questions are asked only in a terminal.
    Object.defineProperty(process.stdin, 'isTTY', { value: true, configurable: true });
  });
  afterEach(() => {
    sandbox.restore();
    delete (process.stdin as { isTTY?: boolean }).isTTY;
    process.chdir(cwd);
  });

  it('deletes every component after a yes, and the source files with --delete-source-files', async () => {
    await createExternalClientApp(org.conn, definition('Eca_Del'));
    const header = join(project, 'force-app/main/default/externalClientApps/Eca_Del.eca-meta.xml');
    const key = join(project, '.sf-oauth-apps/Eca_Del/server.key');
    for (const file of [header, key]) {
      // eslint-disable-next-line no-await-in-loop
      await mkdir(join(file, '..'), { recursive: true });
      // eslint-disable-next-line no-await-in-loop
      await writeFile(file, 'x');
    }
    prompter.confirm.resolves(true);
    process.chdir(project);
    const result = await ExternalClientAppDelete.run(['-o', org.emulator.username, '-n', 'Eca_Del', '--delete-source-files']);
    expect(prompter.confirm.firstCall.args[0].message).to.include('Eca_Del.eca-meta.xml');
    expect(result.deletedComponents.map((c) => c.type).at(-1)).to.equal('ExternalClientApplication');
    expect(result.deletedComponents).to.have.length(5);
    expect(org.emulator.store.read('ExternalClientApplication', 'Eca_Del')).to.equal(undefined);
    expect(org.emulator.store.read('ExtlClntAppGlobalOauthSettings', 'Eca_Del_glbl')).to.equal(undefined);
    expect(existsSync(header)).to.equal(false);
    expect(existsSync(key)).to.equal(true);
  });

  it('keeps the app when the answer is no', async () => {
    await createExternalClientApp(org.conn, definition('Eca_Kept'));
    prompter.confirm.resolves(false);
    const result = await ExternalClientAppDelete.run(['-o', org.emulator.username, '-n', 'Eca_Kept']);
    expect(result.cancelled).to.equal(true);
    expect(org.emulator.store.read('ExternalClientApplication', 'Eca_Kept')).to.not.equal(undefined);
  });
});
