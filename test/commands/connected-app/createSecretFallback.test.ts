/*
 * sf connected-app create when the secret file fails after the app exists (injected: the disk fills between the
 * deploy and the write): the consumer secret, which Salesforce never shows again, is printed once with a warning in
 * the human summary, and is in the --json result; it is never silently dropped. A raw file error is worded.
 */
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import ConnectedAppCreate from '../../../src/commands/connected-app/create.js';
import { SecretFile } from '../../../src/files/credentials.js';
import { startEmulatorOrg, type EmulatorOrg, makeTestProject } from '../../shared/emulatorOrg.js';

describe('connected-app create: a secret file that fails after the app exists', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  let project: string;
  const cwd = process.cwd();
  const sandbox = sinon.createSandbox();
  let ux: ReturnType<typeof stubSfCommandUx>;

  before(async () => {
    org = await startEmulatorOrg();
    project = await makeTestProject(org.home, 'project-');
    process.chdir(project);
  });
  after(async () => {
    process.chdir(cwd);
    await org?.close();
  });
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
    org.emulator.state.updateSettings({ allowConnectedAppCreation: true });
    sandbox.stub(SecretFile.prototype, 'write').rejects(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
  });
  afterEach(() => sandbox.restore());

  const orgSecret = (consumerKey: string): string | undefined => {
    const lookup = org.emulator.store.lookupApp(consumerKey);
    return lookup.state === 'live' ? lookup.app.consumerSecret : undefined;
  };

  it('prints the secret once in the summary, with a warning naming the file and the cause', async () => {
    const args = ['-o', org.emulator.username, '-n', 'Fallback_Human', '--secret-file', 'human.secret', '--require-secret-for-web-server', '--no-certificate'];
    const result = await ConnectedAppCreate.run(args);
    const secret = orgSecret(result.consumerKey);
    expect(secret).to.match(/^[A-Za-z0-9]{64}$/);
    const shown = ux.styledObject.firstCall.args[0] as Record<string, string>;
    expect(Object.values(shown)).to.include(secret);
    const warned = ux.warn.args.flat().join('\n');
    expect(warned).to.include(join(project, 'human.secret')).and.include('ENOSPC').and.include('Store it now');
  });

  it('under --json the secret is in the result (consumerSecret) and the warning is in warnings', async () => {
    const args = ['-o', org.emulator.username, '-n', 'Fallback_Json', '--secret-file', 'json.secret', '--require-secret-for-web-server', '--no-certificate', '--json'];
    const result = await ConnectedAppCreate.run(args);
    expect(result.consumerSecret).to.equal(orgSecret(result.consumerKey));
    expect(result.warnings.join('\n')).to.include('json.secret');
  });
});
