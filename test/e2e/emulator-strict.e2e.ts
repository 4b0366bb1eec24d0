/*
 * The emulator's strict rules seen through the real sf CLI (no plugin command involved): the JWT audience per org
 * type, Setup-style External Client Apps, and what `sf project deploy start` gets for connected app files in any
 * order and for a redeploy that carries the consumer key. Facts: docs/salesforce-facts.md.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator } from '../emulator/server.js';
import type { RequestLogEntry } from '../emulator/types.js';
import { deploySetupStyleEca, fixtureKeyPair, retrieveOrderConnectedApp, sourceFiles } from '../emulator/setupStyleApps.js';
import { describeRun, SfSession, sharedSession } from './harness.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type DeployFile = { fullName: string; type: string; state: string; error?: string };
type DeployJson = { success?: boolean; files?: DeployFile[] };

const tokenRequests = (emu: Emulator): RequestLogEntry[] => emu.requests().filter((r) => r.path === '/services/oauth2/token');

describe('The strict emulator with the real sf CLI', function () {
  this.timeout(240_000);
  let session: SfSession;

  before(async () => {
    session = await sharedSession();
  });

  describe('JWT audience per org type (docs/salesforce-facts.md#f-jwt-audience)', () => {
    for (const sandbox of [false, true]) {
      it(`sf org login jwt --instance-url <emulator> succeeds on its first token request in a ${sandbox ? 'sandbox' : 'production org'}`, async () => {
        const emu = await startEmulator({ port: 0, sandbox });
        try {
          const login = await session.loginJwt({
            instanceUrl: emu.instanceUrl,
            username: emu.username,
            clientId: emu.clientId,
            keyFile: emu.jwtKeyFile,
            alias: `strict-${sandbox ? 'sandbox' : 'prod'}`,
          });
          expect(login.json.status, describeRun(login)).to.equal(0);
          expect(tokenRequests(emu).map((r) => r.status)).to.deep.equal([200]);
          // The CLI read the org type from the Organization row into the auth file.
          const auth = JSON.parse(await readFile(join(session.home, '.sfdx', `${emu.username}.json`), 'utf8')) as { isSandbox?: boolean };
          expect(auth.isSandbox).to.equal(sandbox);
        } finally {
          await emu.stop();
        }
      });
    }
  });

  describe('Setup-style apps (docs/salesforce-facts.md#f-eca-setup-names)', () => {
    let emu: Emulator;

    before(async () => {
      emu = await startEmulator({ port: 0 });
    });
    after(async () => {
      await emu?.stop();
    });

    it('sf org login jwt works with a Setup-style External Client App whose global OAuth settings carry the certificate', async () => {
      const key = fixtureKeyPair('setup-style-e2e');
      const { consumerKey } = await deploySetupStyleEca(emu, { name: 'Setup_Style_E2e', certificatePem: key.certificatePem });
      const keyFile = join(session.root, 'setup-style-e2e.key');
      await writeFile(keyFile, key.privateKeyPem, { mode: 0o600 });
      const login = await session.loginJwt({ instanceUrl: emu.instanceUrl, username: emu.username, clientId: consumerKey, keyFile, alias: 'setup-style' });
      expect(login.json.status, describeRun(login)).to.equal(0);
    });

    it('sf project deploy start takes a connected app file in any element order, and a redeploy carrying the consumer key fails with the org\'s message', async () => {
      await fetch(`${emu.instanceUrl}/_emulator/settings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ allowConnectedAppCreation: true }),
      });
      const project = await session.makeProject('strict-order');
      const [[path, xml]] = Object.entries(sourceFiles([retrieveOrderConnectedApp({ name: 'Any_Order_App', consumerKey: 'anyOrderKey123' })]));
      // The sample project's order: certificate-less, but scopes before isAdminApproved and label before contactEmail.
      const misordered = xml
        .replace(/(\s*<contactEmail>[^<]*<\/contactEmail>)([\s\S]*?)(\s*<label>[^<]*<\/label>)/, '$3$2$1')
        .replace(/(\s*<isAdminApproved>true<\/isAdminApproved>)([\s\S]*?)((?:\s*<scopes>[^<]*<\/scopes>)+)/, '$3$2$1');
      expect(misordered).to.not.equal(xml);
      await project.write(path, misordered);
      const first = await session.json<DeployJson>(['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', 'setup-style'], { cwd: project.dir });
      expect(first.json.status, describeRun(first)).to.equal(0);
      expect(first.json.result!.files!.find((f) => f.type === 'ConnectedApp')).to.include({ fullName: 'Any_Order_App', state: 'Created' });

      const again = await session.json<DeployJson>(['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', 'setup-style'], { cwd: project.dir });
      expect(again.exitCode, describeRun(again)).to.not.equal(0);
      const failure = again.json.result?.files?.find((f) => f.state === 'Failed');
      expect(failure, describeRun(again)).to.include({ fullName: 'Any_Order_App', type: 'ConnectedApp', error: 'You cannot provide a Consumer Key' });
    });
  });
});
