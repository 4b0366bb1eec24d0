import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import EcaRotateCredentials from '../../../src/commands/external-client-app/rotate-credentials.js';
import { createExternalClientApp, definition, startEmulatorOrg, type EmulatorOrg } from '../../shared/emulatorOrg.js';

describe('external-client-app rotate-credentials', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  let folder: string;
  const sandbox = sinon.createSandbox();
  let ux: ReturnType<typeof stubSfCommandUx>;
  /** Everything the command printed, in one text. */
  const printed = (): string =>
    [ux.log, ux.logSuccess, ux.warn, ux.styledObject].flatMap((stub) => stub.args.flat()).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join('\n');

  before(async () => {
    org = await startEmulatorOrg();
    folder = await mkdtemp(join(tmpdir(), 'rotation-command-'));
    await createExternalClientApp(org.conn, definition('Cmd_Creds', { consumerKey: 'CmdCredsOldKey12345' }));
  });
  after(async () => {
    await org?.close();
    await rm(folder, { recursive: true, force: true });
  });
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
  });
  afterEach(() => sandbox.restore());

  it('refuses --show-secret without --json before sending anything', async () => {
    org.emulator.clearRequests();
    const error = await EcaRotateCredentials.run(['-o', org.emulator.username, '-n', 'Cmd_Creds', '--step', 'stage', '--show-secret']).then(
      () => undefined,
      (e: Error) => e
    );
    expect(error?.name).to.equal('ShowSecretNeedsJsonError');
    expect(org.emulator.requests().filter((r) => r.path.includes('/apps/oauth'))).to.deep.equal([]);
  });

  it('stage prints the new key, where the secret went and the revoke command, never the secret; revoke says what ended', async () => {
    const secretFile = join(folder, 'creds.secret');
    const staged = await EcaRotateCredentials.run(['-o', org.emulator.username, '-n', 'Cmd_Creds', '--step', 'stage', '--secret-file', secretFile]);
    const secret = (await readFile(secretFile, 'utf8')).trim();
    const text = printed();
    expect(text).to.include(staged.consumerKey).and.include('CmdCredsOldKey12345').and.include(secretFile);
    expect(text).to.include(`sf external-client-app rotate-credentials --name Cmd_Creds --target-org ${org.emulator.username} --step revoke`);
    expect(text).to.not.include(secret);
    expect(staged).to.not.have.property('consumerSecret');

    sandbox.restore();
    ux = stubSfCommandUx(sandbox);
    const revoked = await EcaRotateCredentials.run(['-o', org.emulator.username, '-n', 'Cmd_Creds', '--step', 'revoke']);
    expect(revoked.revoked.map((c) => c.consumerKey)).to.deep.equal(['CmdCredsOldKey12345']);
    expect(printed()).to.include(`Revoked consumer key CmdCredsOldKey12345 of Cmd_Creds; only its current consumer key ${staged.consumerKey!} works now.`);
  });

  it('stage without --secret-file says how to read the secret later, and does not print it', async () => {
    await createExternalClientApp(org.conn, definition('Cmd_Creds_Quiet'));
    const staged = await EcaRotateCredentials.run(['-o', org.emulator.username, '-n', 'Cmd_Creds_Quiet', '--step', 'stage']);
    const live = org.emulator.store.lookupApp(staged.consumerKey!);
    const secret = live.state === 'live' ? live.app.consumerSecret : undefined;
    expect(secret).to.be.a('string');
    expect(printed()).to.include('--show-secret --json').and.not.include(secret!);
  });
});
