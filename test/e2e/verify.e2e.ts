/*
 * verify with the real sf CLI against the emulator: a healthy app (every check passes, exit 0) and a broken one
 * (an app made in Setup whose certificate has expired, checked with the wrong key and a user it does not
 * pre-authorize: those checks fail, exit code 3, and --json carries every check).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator } from '../emulator/server.js';
import { setupStyleEca, sourceFiles } from '../emulator/setupStyleApps.js';
import { generateKeyAndCertificate } from '../../src/model/certificate.js';
import { describeRun, sharedSession, stripAnsi, type SfSession, type TestProject } from './harness.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type Check = { id: string; status: 'pass' | 'warn' | 'fail'; message: string; fix?: string };
type VerifyJson = { kind: string; name: string; checks: Check[]; passed: number; warnings: number; failed: number };
type CreateResult = { consumerKey: string; privateKeyPath: string };

describe('verify with the real sf CLI', function () {
  this.timeout(300_000);
  let session: SfSession;
  let emu: Emulator;
  let project: TestProject;

  before(async () => {
    session = await sharedSession();
    emu = await startEmulator({ port: 0, allowConnectedAppCreation: true });
    // A production org that is not a Dev Hub: the Dev Hub warning has its own test.
    emu.state.updateSettings({ isDevHub: false });
    emu.state.addUser({ username: 'plain@verify.e2e', firstName: 'Plain', lastName: 'User', profileName: 'Standard User', permissionSets: [] });
    await session.loginToEmulator(emu, 'verify');
    project = await session.makeProject('verify');
  });

  after(async () => {
    await emu?.stop();
  });

  let healthyKey: string;

  for (const topic of ['external-client-app', 'connected-app'] as const) {
    it(`${topic}: a healthy app passes every check, with a real token request, and exits 0`, async () => {
      const name = topic === 'connected-app' ? 'Verify_Ca' : 'Verify_Eca';
      const created = await session.json<CreateResult>([topic, 'create', '--name', name, '-o', 'verify'], { cwd: project.dir });
      expect(created.json.status, describeRun(created)).to.equal(0);
      healthyKey = created.json.result!.privateKeyPath;
      emu.clearRequests();
      const run = await session.run([topic, 'verify', '--name', name, '-o', 'verify', '--jwt-key-file', healthyKey, '--login-check'], { cwd: project.dir });
      expect(run.exitCode, describeRun(run)).to.equal(0);
      const out = stripAnsi(run.stdout);
      expect(out).to.match(/13 passed, 0 warnings, 0 failed\./);
      for (const id of ['components', 'certificate', 'key-file', 'pre-authorization', 'login-url', 'login']) expect(out).to.match(new RegExp(`pass\\W+${id}\\W`));
      // Reads only: no Metadata API write, no deploy.
      const writes = emu.requests().filter((r) => /create|update|upsert|delete|deploy/i.test(r.operation ?? ''));
      expect(writes, JSON.stringify(writes)).to.deep.equal([]);
    });
  }

  it('a broken app: expired certificate, wrong key, user not pre-authorized fail; exit code 3; --json has every check', async () => {
    // An app made in Setup a year ago, whose certificate has since expired.
    const expired = generateKeyAndCertificate({ commonName: 'verify-expired', days: 365, notBefore: new Date(Date.now() - 400 * 86_400_000) });
    for (const [path, xml] of Object.entries(sourceFiles(setupStyleEca({ name: 'Verify_Broken', certificatePem: expired.certificatePem })))) {
      await project.write(path.replace('force-app/', 'broken-app/'), xml);
    }
    await writeFile(join(project.dir, 'sfdx-project.json'), JSON.stringify({
      packageDirectories: [{ path: 'force-app', default: true }, { path: 'broken-app' }],
      oauthLocalPort: project.oauthLocalPort,
    }));
    const deployed = await session.json(['project', 'deploy', 'start', '--source-dir', 'broken-app', '-o', 'verify'], { cwd: project.dir });
    expect(deployed.json.status, describeRun(deployed)).to.equal(0);

    const args = ['external-client-app', 'verify', '--name', 'Verify_Broken', '-o', 'verify', '--jwt-key-file', healthyKey, '--username', 'plain@verify.e2e', '--login-check'];
    const human = await session.run(args, { cwd: project.dir });
    expect(human.exitCode, describeRun(human)).to.equal(3);
    expect(stripAnsi(human.stdout)).to.match(/FAIL\W+certificate\W/).and.match(/To fix:/).and.match(/4 failed\./);

    const run = await session.json<VerifyJson>(args, { cwd: project.dir });
    expect(run.exitCode, describeRun(run)).to.equal(3);
    expect(run.json.status).to.equal(3);
    const result = run.json.result!;
    const failed = Object.fromEntries(result.checks.filter((c) => c.status === 'fail').map((c) => [c.id, c]));
    expect(Object.keys(failed).sort()).to.deep.equal(['certificate', 'key-file', 'login', 'pre-authorization']);
    expect(failed.certificate.message).to.match(/expired on/);
    expect(failed.certificate.fix).to.equal(`sf external-client-app rotate-certificate --name Verify_Broken --target-org ${emu.username}`);
    expect(failed['pre-authorization'].fix).to.equal(`sf external-client-app update --name Verify_Broken --target-org ${emu.username} --add-profile 'Standard User'`);
    expect(failed.login.message).to.include('invalid assertion');
    for (const check of result.checks) expect(Object.keys(check).filter((k) => k !== 'fix')).to.deep.equal(['id', 'status', 'message']);
    expect(result).to.include({ name: 'Verify_Broken', kind: 'ExternalClientApplication', failed: 4 });
  });
});
