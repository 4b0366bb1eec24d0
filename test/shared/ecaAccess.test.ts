/*
 * The plugin's answers when an org guards External Client App consumer keys and secrets (issue 4), against the
 * emulator's real refusals (not injected HTTP faults): create fails clearly and leaves nothing when the global OAuth
 * settings may not be deployed; the key is read back over REST when the Metadata API refuses, and create still succeeds
 * with the key it set when both refuse; display --show-secret names what is missing.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { createApp, type CreateAppContext, type CreateAppFlags, type CreateProgress } from '../../src/verbs/create/createApp.js';
import { appKindInfo } from '../../src/metadata/appKinds.js';
import { readConsumerKey, readConsumerSecret } from '../../src/org/consumerCredentials.js';
import { runDisplay } from '../../src/cli/inventoryOutput.js';
import type { CommandOutput } from '../../src/cli/output.js';
import { createExternalClientApp, definition, startEmulatorOrg, type EmulatorOrg } from './emulatorOrg.js';

type ErrorWithActions = Error & { actions?: string[] };

const METADATA_SETTING = 'Allow Access to OAuth Consumer Secrets via Metadata API';
const METADATA_PERMISSION = 'View External Client Apps Consumer Secrets in Metadata';
const REST_SETTING = 'Allow access to External Client App consumer secrets via REST API';

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

async function failure(promise: Promise<unknown>): Promise<ErrorWithActions> {
  return promise.then(
    () => expect.fail('expected an error'),
    (error: ErrorWithActions) => error
  );
}

describe('External Client App secret access: the plugin against the emulator refusals', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  let projects = 0;

  before(async () => {
    org = await startEmulatorOrg();
  });
  after(async () => org?.close());
  afterEach(() => {
    org.emulator.state.updateSettings({ ecaMetadataSecretAccess: true, ecaSecretRestAccess: true });
    org.emulator.state.setUserPermissions(org.emulator.username, { ViewEcaSecretsInMetadata: null, ExternalClientAppDeveloper: null });
  });

  async function makeProject(): Promise<string> {
    const dir = await mkdtemp(join(org.home, `eca-access-${++projects}-`));
    await mkdir(join(dir, 'force-app', 'main', 'default'), { recursive: true });
    await writeFile(join(dir, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }));
    return dir;
  }

  const context = (cwd: string): CreateAppContext => ({
    kind: 'ExternalClientApplication',
    conn: org.conn,
    orgUsername: org.emulator.username,
    orgInstanceUrl: org.emulator.instanceUrl,
    apiVersion: org.conn.getApiVersion(),
    cwd,
    argv: [],
  });

  const flags = (name: string, more: Partial<CreateAppFlags> = {}): CreateAppFlags => ({ name, certificateDays: 30, waitMinutes: 1, ...more });

  /** Runs the change when the consumer key stage starts: the deploy has gone through by then. */
  const atConsumerKeyStage = (change: () => void): CreateProgress => ({
    stage: (name): void => {
      if (name === 'consumerKey') change();
    },
    info: (): void => {},
    warn: (): void => {},
  });

  describe('create when the org refuses deploying global OAuth settings', () => {
    for (const [title, refuse] of [
      ['org setting off', (): void => org.emulator.state.updateSettings({ ecaMetadataSecretAccess: false })],
      ['permission missing', (): void => org.emulator.state.setUserPermissions(org.emulator.username, { ViewEcaSecretsInMetadata: false })],
    ] as const) {
      it(`${title}: names the setting, the permission and who grants them; nothing is left in org or project`, async () => {
        refuse();
        const dir = await makeProject();
        const keys = join(dir, 'keys');
        const error = await failure(createApp(flags('Guarded_Eca', { outputDir: keys }), context(dir)));
        expect(error.name).to.equal('GlobalOauthAccessRefusedError');
        expect(error.message).to.include('Guarded_Eca_glbl').and.match(/Nothing was created/);
        const actions = (error.actions ?? []).join('\n');
        expect(actions).to.include(METADATA_SETTING).and.include(METADATA_PERMISSION).and.match(/admin/);
        expect(actions).to.include(keys);
        // The org's own reason is passed on, naming what this user lacks.
        expect(error.message).to.include(title === 'org setting off' ? METADATA_SETTING : METADATA_PERMISSION);
        expect(await listFiles(join(dir, 'force-app'))).to.deep.equal([]);
        expect((await listFiles(keys)).filter((f) => /\.(key|crt)$/.test(f))).to.have.length(2);
        for (const type of appKindInfo('ExternalClientApplication').componentTypes) {
          expect(org.emulator.store.list(type).map((c) => c.fullName).filter((n) => n.startsWith('Guarded_Eca')), type).to.deep.equal([]);
        }
      });
    }
  });

  describe('reading the consumer key back', () => {
    it('a refused metadata read falls back to the credentials REST resource, with a warning naming the setting and permission', async () => {
      const dir = await makeProject();
      const progress = atConsumerKeyStage(() => org.emulator.state.updateSettings({ ecaMetadataSecretAccess: false }));
      org.emulator.clearRequests();
      const result = await createApp(flags('Rest_Key_Eca'), context(dir), progress);
      const stored = org.emulator.store.lookupApp(result.consumerKey);
      expect(stored.state).to.equal('live');
      expect(org.emulator.requests().some((r) => /\/apps\/oauth\/credentials\/\w+$/.test(r.path) && r.status === 200)).to.equal(true);
      const warning = result.warnings.find((w) => w.includes('global OAuth settings')) ?? '';
      expect(warning, result.warnings.join('\n')).to.include('INSUFFICIENT_ACCESS').and.include(METADATA_SETTING).and.include(METADATA_PERMISSION);
      expect(result.warnings.join('\n')).to.not.include(REST_SETTING);
    });

    it('both refused: create still succeeds with the key it set, and one warning names both missing accesses', async () => {
      const dir = await makeProject();
      const progress = atConsumerKeyStage(() => {
        org.emulator.state.setUserPermissions(org.emulator.username, { ViewEcaSecretsInMetadata: false, ExternalClientAppDeveloper: false });
      });
      const result = await createApp(flags('No_Read_Eca'), context(dir), progress);
      // The key reported is the one the plugin sent, which the org holds.
      const global = org.emulator.store.read('ExtlClntAppGlobalOauthSettings', 'No_Read_Eca_glbl');
      expect(result.consumerKey).to.be.a('string').and.equal(global?.consumerKey);
      const keyWarnings = result.warnings.filter((w) => /consumer key/i.test(w));
      expect(keyWarnings, result.warnings.join('\n')).to.have.length(1);
      expect(keyWarnings[0]).to.include(METADATA_SETTING).and.include(METADATA_PERMISSION).and.include('External Client App Developer');
    });

    it('readConsumerKey alone: nothing refused means no warning and no REST call', async () => {
      const def = definition('Quiet_Eca');
      await createExternalClientApp(org.conn, def);
      const warnings: string[] = [];
      org.emulator.clearRequests();
      expect(await readConsumerKey(org.conn, 'ExternalClientApplication', def.name, (w) => warnings.push(w))).to.equal(def.consumerKey);
      expect(warnings).to.deep.equal([]);
      expect(org.emulator.requests().some((r) => r.path.includes('/apps/oauth/'))).to.equal(false);
    });
  });

  describe('display', () => {
    const output = (): CommandOutput & { warnings: string[] } => {
      const warnings: string[] = [];
      return {
        warnings,
        log: () => {},
        warn: (m: string | Error) => {
          warnings.push(String(m));
          return m;
        },
        table: () => {},
        styledHeader: () => {},
        styledObject: () => {},
      } as unknown as CommandOutput & { warnings: string[] };
    };

    it('--show-secret refused over REST names the org setting and the permissions', async () => {
      const def = definition('Secret_Eca');
      await createExternalClientApp(org.conn, def);
      org.emulator.state.updateSettings({ ecaSecretRestAccess: false });
      const error = await failure(readConsumerSecret(org.conn, 'ExternalClientApplication', 'Secret_Eca'));
      expect(error.name).to.equal('SecretRefusedError');
      expect(`${error.message}\n${(error.actions ?? []).join('\n')}`).to.include(REST_SETTING).and.include('View Client Secret');
      const command = output();
      expect((await failure(runDisplay(command, org.conn, 'ExternalClientApplication', { name: 'Secret_Eca', showSecret: true }))).name).to.equal(
        'SecretRefusedError'
      );
    });

    it('without metadata secret access, display still shows the app and its key (over REST), warning what is missing', async () => {
      const def = definition('Shown_Eca');
      await createExternalClientApp(org.conn, def);
      org.emulator.state.updateSettings({ ecaMetadataSecretAccess: false });
      const command = output();
      const result = await runDisplay(command, org.conn, 'ExternalClientApplication', { name: 'Shown_Eca', showSecret: false });
      expect(result.consumerKey).to.equal(def.consumerKey);
      expect(command.warnings.join('\n')).to.include(METADATA_PERMISSION);
    });
  });
});
