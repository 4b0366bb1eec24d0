import { expect } from 'chai';
import sinon from 'sinon';
import { stubPrompter, stubSfCommandUx } from '@salesforce/sf-plugins-core';
import ConnectedAppDelete from '../../../src/commands/connected-app/delete.js';
import { createConnectedApp, definition, startEmulatorOrg, type EmulatorOrg } from '../../shared/emulatorOrg.js';

describe('connected-app delete', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  const sandbox = sinon.createSandbox();
  let prompter: ReturnType<typeof stubPrompter>;

  before(async () => {
    org = await startEmulatorOrg();
  });
  after(async () => org?.close());
  beforeEach(() => {
    stubSfCommandUx(sandbox);
    prompter = stubPrompter(sandbox);
    // Questions are asked only in a terminal.
    Object.defineProperty(process.stdin, 'isTTY', { value: true, configurable: true });
  });
  afterEach(() => {
    sandbox.restore();
    delete (process.stdin as { isTTY?: boolean }).isTTY;
  });

  it('asks first, and keeps the app when the answer is no', async () => {
    await createConnectedApp(org.conn, definition('Del_Asked'));
    prompter.confirm.resolves(false);
    const result = await ConnectedAppDelete.run(['-o', org.emulator.username, '--name', 'Del_Asked']);
    expect(prompter.confirm.callCount).to.equal(1);
    expect(prompter.confirm.firstCall.args[0].message).to.include('Delete the connected app Del_Asked');
    expect(result.cancelled).to.equal(true);
    expect(org.emulator.store.read('ConnectedApp', 'Del_Asked')).to.not.equal(undefined);
  });

  it('deletes without a question under --no-prompt', async () => {
    await createConnectedApp(org.conn, definition('Del_Scripted'));
    const result = await ConnectedAppDelete.run(['-o', org.emulator.username, '-n', 'Del_Scripted', '--no-prompt', '--json']);
    expect(prompter.confirm.callCount).to.equal(0);
    expect(result.deletedComponents).to.deep.equal([{ type: 'ConnectedApp', fullName: 'Del_Scripted' }]);
    expect(org.emulator.store.read('ConnectedApp', 'Del_Scripted')).to.equal(undefined);
  });

  it('fails for an unknown app before prompting', async () => {
    const error = await ConnectedAppDelete.run(['-o', org.emulator.username, '-n', 'Never_Made']).then(
      () => undefined,
      (e: Error) => e
    );
    expect(error?.message).to.equal('The org has no connected app named Never_Made.');
    expect(prompter.confirm.callCount).to.equal(0);
  });
});
