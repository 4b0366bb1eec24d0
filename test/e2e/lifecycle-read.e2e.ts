/*
 * An app's life after creation, with the real sf CLI against the emulator, for both kinds: create it, find it with
 * list, read it with display, delete it (org and source files), and see it gone.
 */
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { startEmulator } from '../emulator/server.js';
import { describeRun, sharedSession, type SfSession, type TestProject } from './harness.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type CreateResult = { name: string; consumerKey: string; metadataPaths: string[]; privateKeyPath?: string; certificatePath?: string };
type ListResult = { apps: Array<{ name: string; kind: string; oauthEnabled: boolean; jwtEnabled?: boolean; certificateExpires?: string }> };
type DisplayResult = { name: string; kind: string; consumerKey?: string; consumerSecret?: string; callbackUrls: string[]; scopes: string[] };
type DeleteResult = { deletedComponents: Array<{ type: string; fullName: string }>; deletedSourceFiles: string[] };

const KINDS = [
  { topic: 'connected-app', kind: 'ConnectedApp', components: 1 },
  { topic: 'external-client-app', kind: 'ExternalClientApplication', components: 5 },
] as const;

describe('Lifecycle with the real sf CLI: create, list, display, delete', function () {
  this.timeout(300_000);
  let session: SfSession;
  let emu: Emulator;

  before(async () => {
    session = await sharedSession();
    emu = await startEmulator({ port: 0, allowConnectedAppCreation: true });
    await session.loginToEmulator(emu, 'lifecycle');
  });

  after(async () => {
    await emu?.stop();
  });

  for (const { topic, kind, components } of KINDS) {
    describe(topic, () => {
      const name = `Life_${kind === 'ConnectedApp' ? 'Ca' : 'Eca'}`;
      let project: TestProject;
      let created: CreateResult;

      before(async () => {
        project = await session.makeProject(`life-${topic}`);
        const run = await session.json<CreateResult>([topic, 'create', '--name', name, '-o', 'lifecycle'], { cwd: project.dir });
        expect(run.json.status, describeRun(run)).to.equal(0);
        created = run.json.result!;
      });

      it('lists the new app with JWT enabled and its certificate expiry', async () => {
        const run = await session.json<ListResult>([topic, 'list', '-o', 'lifecycle'], { cwd: project.dir });
        expect(run.json.status, describeRun(run)).to.equal(0);
        const app = run.json.result!.apps.find((a) => a.name === name);
        expect(app, describeRun(run)).to.include({ kind, oauthEnabled: true, jwtEnabled: true });
        expect(Date.parse(app!.certificateExpires!)).to.be.greaterThan(Date.now());
      });

      it('displays the app as a definition with the consumer key create reported', async () => {
        const run = await session.json<DisplayResult>([topic, 'display', '--name', name, '-o', 'lifecycle'], { cwd: project.dir });
        expect(run.json.status, describeRun(run)).to.equal(0);
        const shown = run.json.result!;
        expect(shown).to.include({ name, kind, consumerKey: created.consumerKey });
        expect(shown.callbackUrls).to.include(`http://localhost:${project.oauthLocalPort}/OauthRedirect`);
        expect(shown.scopes).to.include.members(['api', 'web', 'refresh_token']);
        expect(shown).to.not.have.property('consumerSecret');
      });

      if (kind === 'ExternalClientApplication') {
        it('shows the External Client App consumer secret only with --show-secret', async () => {
          const run = await session.json<DisplayResult>([topic, 'display', '-n', name, '-o', 'lifecycle', '--show-secret'], {
            cwd: project.dir,
          });
          expect(run.json.status, describeRun(run)).to.equal(0);
          expect(run.json.result!.consumerSecret).to.be.a('string').and.have.length.greaterThan(7);
        });
      } else {
        it('refuses --show-secret for a connected app, saying where the secret is', async () => {
          const run = await session.json([topic, 'display', '-n', name, '-o', 'lifecycle', '--show-secret'], { cwd: project.dir });
          expect(run.exitCode, describeRun(run)).to.not.equal(0);
          expect(run.json.message).to.include('never returns a connected app');
        });
      }

      it('without --no-prompt in a shell that cannot answer: no question, an error naming --no-prompt, and a warning that the project would recreate the app', async () => {
        // The harness closes sf's stdin, as a pipeline does.
        const run = await session.json([topic, 'delete', '--name', name, '-o', 'lifecycle'], { cwd: project.dir });
        expect(run.exitCode, describeRun(run)).to.not.equal(0);
        expect(run.json.name).to.equal('CannotPromptError');
        expect(JSON.stringify(run.json.actions)).to.include('--no-prompt');
        expect(JSON.stringify(run.json.warnings)).to.include('sf project deploy start creates the app again');
        const list = await session.json<ListResult>([topic, 'list', '-o', 'lifecycle'], { cwd: project.dir });
        expect(list.json.result!.apps.map((a) => a.name)).to.include(name);
      });

      it('deletes the app from the org and its source files, keeping key and certificate', async () => {
        const run = await session.json<DeleteResult>(
          [topic, 'delete', '--name', name, '-o', 'lifecycle', '--no-prompt', '--delete-source-files'],
          { cwd: project.dir }
        );
        expect(run.json.status, describeRun(run)).to.equal(0);
        const result = run.json.result!;
        expect(result.deletedComponents).to.have.length(components);
        expect(result.deletedComponents.at(-1)?.fullName).to.equal(name);
        for (const file of created.metadataPaths) expect(existsSync(file), file).to.equal(false);
        for (const file of [created.privateKeyPath, created.certificatePath]) {
          if (file) expect(existsSync(file), file).to.equal(true);
        }
        const list = await session.json<ListResult>([topic, 'list', '-o', 'lifecycle'], { cwd: project.dir });
        expect(list.json.result!.apps.map((a) => a.name)).to.not.include(name);
      });

      it('fails with the list command as the action for an app that is not there', async () => {
        const run = await session.json([topic, 'delete', '--name', name, '-o', 'lifecycle', '--no-prompt'], { cwd: project.dir });
        expect(run.exitCode, describeRun(run)).to.not.equal(0);
        expect(run.json.message).to.include(`named ${name}`);
        expect(JSON.stringify(run.json.actions)).to.include(`sf ${topic} list`);
      });
    });
  }
});
