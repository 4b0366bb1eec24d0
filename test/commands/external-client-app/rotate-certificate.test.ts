import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import EcaRotateCertificate from '../../../src/commands/external-client-app/rotate-certificate.js';
import { createExternalClientApp, definition, startEmulatorOrg, type EmulatorOrg, makeTestProject } from '../../shared/emulatorOrg.js';
import { rotatedResult } from '../../shared/appFixtures.js';

describe('external-client-app rotate-certificate', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  let project: string;
  let cwd: string;
  const sandbox = sinon.createSandbox();
  let ux: ReturnType<typeof stubSfCommandUx>;

  before(async () => {
    org = await startEmulatorOrg();
    await createExternalClientApp(org.conn, definition('Cmd_Rotate', { consumerKey: 'CmdRotateKey12345' }));
    project = await makeTestProject(tmpdir(), 'rotate-command-');
    cwd = process.cwd();
    process.chdir(project);
  });
  after(async () => {
    process.chdir(cwd);
    await org?.close();
    await rm(project, { recursive: true, force: true });
  });
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
  });
  afterEach(() => sandbox.restore());

  it('replaces the certificate and, with --rotate-consumer-key, the consumer key; reports both expiries', async () => {
    const result = rotatedResult(await EcaRotateCertificate.run([
      '-o', org.emulator.username, '-n', 'Cmd_Rotate', '--rotate-consumer-key', '--certificate-days', '60',
    ]));
    expect(result.consumerKeyRotated).to.equal(true);
    expect(result.consumerKey).to.be.a('string').and.not.equal('CmdRotateKey12345');
    expect(org.emulator.store.lookupApp('CmdRotateKey12345').state).to.equal('unknown');
    expect(result.update.components).to.deep.equal([
      { type: 'ExtlClntAppGlobalOauthSettings', fullName: 'Cmd_Rotate_glbl', elements: ['certificate', 'shouldRotateConsumerKey'] },
    ]);
    expect(result.previousCertificate?.expires).to.be.a('string');
    expect(Date.parse(result.certificate.expires!) - Date.now()).to.be.closeTo(60 * 86_400_000, 86_400_000);
    expect(result.privateKeyPath).to.equal(join(project, '.sf-oauth-apps', 'Cmd_Rotate', 'server.key'));
    const shown = ux.styledObject.firstCall.args[0] as Record<string, string>;
    expect(Object.values(shown).join(' ')).to.include(`${result.consumerKey} (new)`);
    // The old certificate has not expired yet: the label says so, in one word.
    expect(shown['Old certificate expires']).to.equal(result.previousCertificate?.expires);
    expect(Object.keys(shown).join(' ')).to.not.include('expired/expires');
    expect(ux.log.args.flat().join('\n')).to.include('sf org login jwt --client-id');
  });

  it('--if-expiring-within: says the certificate is not due, with the days left, and changes nothing', async () => {
    await createExternalClientApp(org.conn, definition('Cmd_Not_Due'));
    org.emulator.clearRequests();
    const result = await EcaRotateCertificate.run(['-o', org.emulator.username, '-n', 'Cmd_Not_Due', '--if-expiring-within', '7']);
    expect(result).to.deep.include({ rotated: false, certificateDaysLeft: 29, ifExpiringWithin: 7 });
    expect(ux.log.args.flat().join('\n')).to.match(/not due for rotation: 29 whole days left \(it expires on \d{4}-\d\d-\d\d\), later than --if-expiring-within 7 days from now/);
    expect(ux.styledHeader.callCount).to.equal(0);
    expect(org.emulator.requests().filter((r) => r.operation && r.operation !== 'readMetadata' && r.operation !== 'listMetadata')).to.deep.equal([]);
  });
});
