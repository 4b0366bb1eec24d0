/*
 * Changing an app after creation, with the real sf CLI against the emulator, for both kinds: update (a callback URL
 * added, a scope removed, everything else kept in the org and in the source file, an element this plugin does not
 * model included), rotate-certificate (the old key no longer logs in, the new one does), and create run twice with
 * --update-existing (the second run changes nothing and sends no deploy).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator } from '../emulator/server.js';
import { parseSourceXml, toSourceXml } from '../../src/metadata/xml.js';
import { withoutCredentials } from '../../src/metadata/credentialElements.js';
import { describeRun, sharedSession, type SfSession, type TestProject } from './harness.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type CreateResult = {
  name: string;
  consumerKey: string;
  metadataPaths: string[];
  privateKeyPath?: string;
  update?: { deployed: boolean; changes: unknown[] };
};
type UpdateResult = {
  deployed: boolean;
  changes: Array<{ setting: string; before?: unknown; after?: unknown }>;
  components: Array<{ type: string; fullName: string; elements: string[] }>;
  sourceFiles: string[];
};
type RotateResult = {
  consumerKey: string;
  privateKeyPath: string;
  previousPrivateKeyPath: string;
  previousCertificate?: { expires?: string };
  certificate: { expires?: string };
};

type NotDueResult = { rotated: false; certificateDaysLeft: number; ifExpiringWithin: number };
type CredentialsResult = { consumerKey: string; previousConsumerKey?: string; revoked: Array<{ consumerKey?: string }> };

type Loose = Record<string, unknown>;

const KINDS = [
  {
    topic: 'connected-app',
    kind: 'ConnectedApp',
    // The element that carries the change, and an element the plugin does not model, in the same component.
    changed: 'ConnectedApp',
    unknown: { element: 'startUrl', value: 'https://example.com/start', before: 'sessionPolicy' },
  },
  {
    topic: 'external-client-app',
    kind: 'ExternalClientApplication',
    changed: 'ExtlClntAppOauthSettings',
    unknown: { element: 'isFirstPartyAppEnabled', value: false, before: 'label' },
  },
] as const;

/** Inserts an element after `after` (its xsd:sequence place), keeping the order of the others. */
function withElement(content: Loose, element: string, value: unknown, after: string): Loose {
  const entries = Object.entries(content).filter(([key]) => key !== element);
  entries.splice(entries.findIndex(([key]) => key === after) + 1, 0, [element, value]);
  return Object.fromEntries(entries);
}

/** The org's and the file's scope and callback elements, wherever the kind keeps them. */
function oauthOf(kind: string, components: Record<string, Loose>): { scopes: string; callbackUrl: string } {
  if (kind === 'ConnectedApp') {
    const oauth = components.ConnectedApp.oauthConfig as Loose;
    return { scopes: ([] as unknown[]).concat(oauth.scopes).join(', '), callbackUrl: String(oauth.callbackUrl) };
  }
  return {
    scopes: String(components.ExtlClntAppOauthSettings.commaSeparatedOauthScopes),
    callbackUrl: String(components.ExtlClntAppGlobalOauthSettings.callbackUrl),
  };
}

/** Content without the elements the update changes (callback URLs and scopes). */
function withoutChanged(content: Loose): Loose {
  const copy = structuredClone(content);
  delete copy.callbackUrl;
  delete copy.commaSeparatedOauthScopes;
  const oauth = copy.oauthConfig as Loose | undefined;
  if (oauth) {
    delete oauth.callbackUrl;
    delete oauth.scopes;
  }
  return copy;
}

describe('Changing apps with the real sf CLI: update, rotate-certificate, create --update-existing', function () {
  this.timeout(600_000);
  let session: SfSession;
  let emu: Emulator;
  /** A HOME of its own for the login checks: a failed sf org login jwt deletes that user's auth. */
  let loginHome: string;

  const orgComponents = (kind: string, name: string): Record<string, Loose> => {
    const types =
      kind === 'ConnectedApp'
        ? ['ConnectedApp']
        : ['ExternalClientApplication', 'ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthSettings', 'ExtlClntAppOauthConfigurablePolicies', 'ExtlClntAppConfigurablePolicies'];
    return Object.fromEntries(
      types.map((type) => {
        const fullName = emu.store.list(type).find((c) => c.fullName === name || c.fullName.startsWith(`${name}_`))!.fullName;
        const { fullName: ignored, ...content } = emu.store.read(type, fullName)!;
        void ignored;
        return [type, content];
      })
    );
  };

  /** Metadata writes the emulator received since the last clearRequests(). */
  const writesSent = (): string[] =>
    emu
      .requests()
      .map((entry) => entry.operation ?? '')
      .filter((op) => ['deploy', 'createMetadata', 'updateMetadata', 'upsertMetadata', 'deleteMetadata'].includes(op));

  const loginWith = (clientId: string, keyFile: string): ReturnType<SfSession['loginJwt']> =>
    session.loginJwt(
      { instanceUrl: emu.instanceUrl, username: emu.username, clientId, keyFile, alias: 'checked' },
      { env: { HOME: loginHome } }
    );

  before(async () => {
    session = await sharedSession();
    emu = await startEmulator({ port: 0, allowConnectedAppCreation: true });
    loginHome = await mkdtemp(join(tmpdir(), 'change-login-home-'));
    await session.loginToEmulator(emu, 'change');
  });

  after(async () => {
    await emu?.stop();
  });

  for (const { topic, kind, changed, unknown } of KINDS) {
    describe(topic, () => {
      const name = `Change_${kind === 'ConnectedApp' ? 'Ca' : 'Eca'}`;
      let project: TestProject;
      let created: CreateResult;
      let changedFile: string;

      before(async () => {
        project = await session.makeProject(`change-${topic}`);
        const run = await session.json<CreateResult>([topic, 'create', '--name', name, '-o', 'change'], { cwd: project.dir });
        expect(run.json.status, describeRun(run)).to.equal(0);
        created = run.json.result!;

        // An element the plugin does not model, in the org (as Setup or another tool would put it) and in the file.
        const component = emu.store.list(changed).find((c) => c.fullName === name || c.fullName.startsWith(`${name}_`))!;
        const { fullName, ...read } = emu.store.read(changed, component.fullName)!;
        // As Setup sends an edit: without the consumer key (the org refuses one on an update).
        const content = withoutCredentials({ type: changed, fullName: String(fullName), content: read }).content;
        const saved = emu.store.save(
          [{ type: changed, fullName: String(fullName), content: withElement(content, unknown.element, unknown.value, unknown.before) }],
          { mode: 'update', allOrNothing: true }
        );
        expect(saved[0].errors).to.deep.equal([]);
        changedFile = created.metadataPaths.find((path) => path.includes(kind === 'ConnectedApp' ? '.connectedApp-' : '.ecaOauth-'))!;
        const parsed = parseSourceXml(await readFile(changedFile, 'utf8'));
        await writeFile(changedFile, toSourceXml({ type: changed, content: withElement(parsed.content, unknown.element, unknown.value, unknown.before) }));
      });

      it('update adds a callback URL and removes a scope; everything else stays, in the org and in the file', async () => {
        const orgBefore = orgComponents(kind, name);
        const filesBefore = await Promise.all(created.metadataPaths.map(async (path) => [path, await readFile(path, 'utf8')] as const));
        const run = await session.json<UpdateResult>(
          [topic, 'update', '--name', name, '-o', 'change', '--add-callback-url', 'https://ci.example.com/callback', '--remove-scopes', 'web'],
          { cwd: project.dir }
        );
        expect(run.json.status, describeRun(run)).to.equal(0);
        expect(run.json.result!.changes.map((c) => c.setting)).to.deep.equal(['callbackUrls', 'scopes']);

        const orgAfter = orgComponents(kind, name);
        expect(oauthOf(kind, orgAfter)).to.deep.equal({
          scopes: 'Api, RefreshToken',
          callbackUrl: `http://localhost:${project.oauthLocalPort}/OauthRedirect\nhttps://ci.example.com/callback`,
        });
        for (const type of Object.keys(orgBefore)) {
          expect(withoutChanged(orgAfter[type]), type).to.deep.equal(withoutChanged(orgBefore[type]));
        }
        expect(orgAfter[changed][unknown.element]).to.equal(unknown.value);

        // Files: the changed ones merged (the unknown element kept), the others byte for byte the same.
        for (const [path, text] of filesBefore) {
          const now = await readFile(path, 'utf8');
          if (!run.json.result!.sourceFiles.includes(path)) {
            expect(now, path).to.equal(text);
            continue;
          }
          const [before, after] = [parseSourceXml(text).content, parseSourceXml(now).content];
          expect(withoutChanged(after), path).to.deep.equal(withoutChanged(before));
        }
        const file = parseSourceXml(await readFile(changedFile, 'utf8')).content;
        expect(file[unknown.element]).to.equal(unknown.value);
      });

      // One kind is enough here (each sf run costs seconds); the unit tests cover both.
      if (kind === 'ExternalClientApplication') {
        it('update --definition-file with display --json output, edited: only the edited settings change', async () => {
          const shown = await session.json<Loose>([topic, 'display', '--name', name, '-o', 'change'], { cwd: project.dir });
          expect(shown.json.status, describeRun(shown)).to.equal(0);
          const edited = {
            ...shown.json,
            result: {
              ...shown.json.result,
              sessionTimeoutMinutes: 60,
              singleLogoutUrl: 'https://ci.example.com/logout',
              flows: { ...(shown.json.result!.flows as Loose), refreshTokenRotation: true },
            },
          };
          const file = join(project.dir, 'app.json');
          await writeFile(file, JSON.stringify(edited, null, 2));
          const orgBefore = orgComponents(kind, name);

          // No --name: the file names the app.
          const run = await session.json<UpdateResult>([topic, 'update', '--definition-file', file, '-o', 'change'], { cwd: project.dir });
          expect(run.json.status, describeRun(run)).to.equal(0);
          expect(run.json.result!.changes.map((c) => c.setting)).to.deep.equal([
            'sessionTimeoutMinutes',
            'singleLogoutUrl',
            'flows.refreshTokenRotation',
          ]);
          expect(JSON.stringify(run.json.warnings)).to.include('consumerKey is ignored');
          const orgAfter = orgComponents(kind, name);
          expect(String(orgAfter.ExtlClntAppGlobalOauthSettings.isRefreshTokenRotationEnabled)).to.equal('true');
          expect(orgAfter[changed].singleLogoutUrl).to.equal('https://ci.example.com/logout');
          expect(orgAfter[changed][unknown.element]).to.equal(unknown.value);
          // Neither the header nor the callback URLs and scopes of the previous update moved.
          expect(orgAfter.ExternalClientApplication).to.deep.equal(orgBefore.ExternalClientApplication);
          expect(oauthOf(kind, orgAfter)).to.deep.equal(oauthOf(kind, orgBefore));
          const fileNow = parseSourceXml(await readFile(changedFile, 'utf8')).content;
          expect(fileNow).to.include({ singleLogoutUrl: 'https://ci.example.com/logout', [unknown.element]: unknown.value });
        });
      }

      it('rotate-certificate: the old key no longer logs in, the new one does', async () => {
        const run = await session.json<RotateResult>([topic, 'rotate-certificate', '--name', name, '-o', 'change'], { cwd: project.dir });
        expect(run.json.status, describeRun(run)).to.equal(0);
        const rotated = run.json.result!;
        expect(rotated.privateKeyPath).to.equal(created.privateKeyPath);
        expect(rotated.previousCertificate?.expires).to.be.a('string');
        expect(rotated.certificate.expires).to.be.a('string');

        const old = await loginWith(rotated.consumerKey, rotated.previousPrivateKeyPath);
        expect(old.json.status, describeRun(old)).to.not.equal(0);
        const fresh = await loginWith(rotated.consumerKey, rotated.privateKeyPath);
        expect(fresh.json.status, describeRun(fresh)).to.equal(0);
        // Rotation changes the certificate and nothing else.
        expect(orgComponents(kind, name)[changed][unknown.element]).to.equal(unknown.value);
      });

      // One kind is enough (two sf runs); the unit tests cover both.
      if (kind === 'ConnectedApp') {
        it('rotate-certificate --if-expiring-within: 30 is not due (no write, exit 0); 400 rotates', async () => {
          // The certificate the previous test made is valid for 365 days.
          emu.clearRequests();
          const keyBefore = await readFile(created.privateKeyPath!, 'utf8');
          const notDue = await session.json<NotDueResult>([topic, 'rotate-certificate', '--name', name, '-o', 'change', '--if-expiring-within', '30'], {
            cwd: project.dir,
          });
          expect(notDue.json.status, describeRun(notDue)).to.equal(0);
          expect(notDue.json.result).to.deep.include({ rotated: false, certificateDaysLeft: 364, ifExpiringWithin: 30 });
          expect(writesSent()).to.deep.equal([]);
          expect(await readFile(created.privateKeyPath!, 'utf8')).to.equal(keyBefore);

          const due = await session.json<RotateResult & { rotated: boolean }>(
            [topic, 'rotate-certificate', '--name', name, '-o', 'change', '--if-expiring-within', '400'],
            { cwd: project.dir }
          );
          expect(due.json.status, describeRun(due)).to.equal(0);
          expect(due.json.result!.rotated).to.equal(true);
          expect(writesSent()).to.have.length(1);
          expect(await readFile(created.privateKeyPath!, 'utf8')).to.not.equal(keyBefore);
        });
      }

      if (kind === 'ExternalClientApplication') {
        it('rotate-credentials: after stage the old and the new key log in; after revoke only the new one', async () => {
          // rotate-certificate left the consumer key as create made it.
          const oldKey = created.consumerKey;
          const secretFile = join(project.dir, 'rotated.secret');
          const staged = await session.json<CredentialsResult>(
            [topic, 'rotate-credentials', '--name', name, '-o', 'change', '--step', 'stage', '--secret-file', secretFile],
            { cwd: project.dir }
          );
          expect(staged.json.status, describeRun(staged)).to.equal(0);
          const newKey = staged.json.result!.consumerKey;
          expect(staged.json.result!.previousConsumerKey).to.equal(oldKey);
          expect(newKey).to.be.a('string').and.not.equal(oldKey);
          expect(staged.json.result).to.not.have.property('consumerSecret');
          expect(staged.stdout + staged.stderr).to.not.include((await readFile(secretFile, 'utf8')).trim());
          expect((await loginWith(oldKey, created.privateKeyPath!)).json.status, 'old key after stage').to.equal(0);
          expect((await loginWith(newKey, created.privateKeyPath!)).json.status, 'new key after stage').to.equal(0);

          const revoked = await session.json<CredentialsResult>([topic, 'rotate-credentials', '--name', name, '-o', 'change', '--step', 'revoke'], {
            cwd: project.dir,
          });
          expect(revoked.json.status, describeRun(revoked)).to.equal(0);
          expect(revoked.json.result!.revoked.map((c) => c.consumerKey)).to.deep.equal([oldKey]);
          const old = await loginWith(oldKey, created.privateKeyPath!);
          expect(old.json.status, 'old key after revoke').to.not.equal(0);
          expect(JSON.stringify(old.json), JSON.stringify(old.json)).to.match(/client identifier invalid|invalid_client_id/);
          expect((await loginWith(newKey, created.privateKeyPath!)).json.status, 'new key after revoke').to.equal(0);
        });
      }

      it('create --update-existing twice: the second run changes nothing, sends no deploy and exits 0', async () => {
        const app = `Again_${kind === 'ConnectedApp' ? 'Ca' : 'Eca'}`;
        const args = [topic, 'create', '--name', app, '-o', 'change', '--update-existing'];
        const first = await session.json<CreateResult>(args, { cwd: project.dir });
        expect(first.json.status, describeRun(first)).to.equal(0);
        expect(first.json.result!.update).to.equal(undefined);
        const files = await Promise.all(first.json.result!.metadataPaths.map((path) => readFile(path, 'utf8')));

        emu.clearRequests();
        const second = await session.json<CreateResult>(args, { cwd: project.dir });
        expect(second.json.status, describeRun(second)).to.equal(0);
        expect(second.json.result!.update).to.deep.include({ deployed: false, changes: [] });
        expect(second.json.result!.consumerKey).to.equal(first.json.result!.consumerKey);
        expect(writesSent()).to.deep.equal([]);
        expect(await Promise.all(first.json.result!.metadataPaths.map((path) => readFile(path, 'utf8')))).to.deep.equal(files);

        // A changed setting in a third run is applied, and only that.
        const third = await session.json<CreateResult>([...args, '--label', 'Again with a label'], { cwd: project.dir });
        expect(third.json.status, describeRun(third)).to.equal(0);
        expect(third.json.result!.update).to.deep.include({ deployed: true });
        expect(third.json.result!.update!.changes).to.deep.equal([
          { setting: 'label', before: app.replace(/_/g, ' '), after: 'Again with a label' },
        ]);
      });
    });
  }
});
