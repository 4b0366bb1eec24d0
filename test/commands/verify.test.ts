import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import ConnectedAppVerify from '../../src/commands/connected-app/verify.js';
import ExternalClientAppVerify from '../../src/commands/external-client-app/verify.js';
import { VERIFY_FAILED_EXIT_CODE } from '../../src/cli/verifyRunner.js';
import { generateKeyAndCertificate } from '../../src/model/certificate.js';
import { createConnectedApp, createExternalClientApp, definition, startEmulatorOrg, type EmulatorOrg } from '../shared/emulatorOrg.js';

const COMMANDS = [
  { topic: 'connected-app', short: 'Ca', Verify: ConnectedAppVerify, create: createConnectedApp },
  { topic: 'external-client-app', short: 'Eca', Verify: ExternalClientAppVerify, create: createExternalClientApp },
] as const;

for (const { topic, short, Verify, create } of COMMANDS) {
  describe(`${topic} verify`, function () {
    this.timeout(60_000);
    let org: EmulatorOrg;
    let keyFile: string;
    let dir: string;
    const sandbox = sinon.createSandbox();
    let ux: ReturnType<typeof stubSfCommandUx>;
    const pair = generateKeyAndCertificate({ commonName: 'verify-command', days: 365 });

    before(async () => {
      org = await startEmulatorOrg();
      org.emulator.state.updateSettings({ isDevHub: false });
      await create(org.conn, definition(`Cmd_${short}_Ok`, { certificate: pair.certificatePem }));
      await create(org.conn, definition(`Cmd_${short}_Bad`, { certificate: pair.certificatePem, scopes: ['Api', 'Web'] }));
      dir = await mkdtemp(join(tmpdir(), 'verify-command-'));
      keyFile = join(dir, 'server.key');
      await writeFile(keyFile, pair.privateKeyPem, { mode: 0o600 });
    });
    after(async () => {
      await org?.close();
      await rm(dir, { recursive: true, force: true });
    });
    beforeEach(() => {
      ux = stubSfCommandUx(sandbox);
      // Other commands' tests may leave an exit code behind; this one's own must be seen.
      process.exitCode = undefined;
    });
    afterEach(() => {
      sandbox.restore();
      process.exitCode = undefined;
    });

    it('prints a table of passed checks and a summary, and leaves the exit code alone', async () => {
      const result = await Verify.run(['-o', org.emulator.username, '-n', `Cmd_${short}_Ok`, '--jwt-key-file', keyFile, '--login-check']);
      expect(result.failed).to.equal(0);
      expect(process.exitCode).to.equal(undefined);
      const table = ux.table.firstCall.args[0] as { data: Array<Record<string, string>> };
      expect(table.data.map((row) => row.check)).to.include.members(['app', 'certificate', 'key-file', 'login']);
      expect(table.data.every((row) => row.status === 'pass')).to.equal(true);
      expect(ux.log.lastCall.args[0]).to.equal(`${result.passed} passed, 0 warnings, 0 failed.`);
    });

    it('sets exit code 3 when a check fails and returns every check with id, status, message and fix', async () => {
      const result = await Verify.run(['-o', org.emulator.username, '-n', `Cmd_${short}_Bad`, '--json']);
      expect(process.exitCode).to.equal(VERIFY_FAILED_EXIT_CODE);
      const scopes = result.checks.find((c) => c.id === 'scopes');
      expect(scopes).to.deep.equal({
        id: 'scopes',
        status: 'fail',
        message: scopes?.message,
        fix: `sf ${topic} update --name Cmd_${short}_Bad --target-org ${org.emulator.username} --add-scopes refresh_token`,
      });
      expect(result).to.include({ kind: result.kind, name: `Cmd_${short}_Bad`, failed: 1 });
      expect(result.checks.every((c) => ['pass', 'warn', 'fail'].includes(c.status) && c.message.length > 0)).to.equal(true);
    });

    it('refuses --login-check without --jwt-key-file before asking the org anything', async () => {
      org.emulator.clearRequests();
      const error = await Verify.run(['-o', org.emulator.username, '-n', `Cmd_${short}_Ok`, '--login-check']).then(
        () => undefined,
        (e: Error) => e
      );
      expect(error?.message).to.include('--jwt-key-file');
      expect(org.emulator.requests()).to.deep.equal([]);
    });
  });
}
