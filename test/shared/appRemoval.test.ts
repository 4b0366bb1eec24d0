import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { planAppRemoval, removeApp } from '../../src/verbs/removeApp.js';
import { runDelete } from '../../src/cli/deleteRunner.js';
import { readApp, RequestCounter } from '../../src/org/inventory.js';
import { createConnectedApp, createExternalClientApp, definition, soapOperations, startEmulatorOrg, type EmulatorOrg } from './emulatorOrg.js';

const ECA_TYPES_IN_DELETE_ORDER = [
  'ExtlClntAppOauthConfigurablePolicies',
  'ExtlClntAppConfigurablePolicies',
  'ExtlClntAppOauthSettings',
  'ExtlClntAppGlobalOauthSettings',
  'ExternalClientApplication',
];

/** An SFDX project in a temp dir; files are given relative to its root. */
async function makeProject(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'oauth-apps-removal-'));
  const all = {
    'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }, { path: 'extra' }] }),
    ...files,
  };
  for (const [path, content] of Object.entries(all)) {
    // eslint-disable-next-line no-await-in-loop
    await mkdir(dirname(join(root, path)), { recursive: true });
    // eslint-disable-next-line no-await-in-loop
    await writeFile(join(root, path), content);
  }
  return root;
}

type Recorded = { logs: string[]; warnings: string[]; prompts: string[] };

/** The part of SfCommand runDelete uses, recording what it is given. */
function recorder(answer: boolean): Recorded & Parameters<typeof runDelete>[0] {
  const rec: Recorded = { logs: [], warnings: [], prompts: [] };
  return Object.assign(rec, {
    log: (message?: string) => rec.logs.push(message ?? ''),
    warn: (message: unknown) => rec.warnings.push(String(message)),
    table: () => {},
    styledHeader: () => {},
    styledObject: () => {},
    confirm: ({ message }: { message: string }) => {
      rec.prompts.push(message);
      return Promise.resolve(answer);
    },
  }) as unknown as Recorded & Parameters<typeof runDelete>[0];
}

describe('appRemoval', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  const projects: string[] = [];

  before(async () => {
    org = await startEmulatorOrg();
  });

  after(async () => {
    await org?.close();
    await Promise.all(projects.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  beforeEach(() => org.emulator.clearRequests());

  it('deletes a connected app with one deleteMetadata call', async () => {
    await createConnectedApp(org.conn, definition('Ca_Gone'));
    org.emulator.clearRequests();
    const counter = new RequestCounter();
    const plan = await planAppRemoval(org.conn, 'ConnectedApp', 'Ca_Gone', { deleteSourceFiles: false, cwd: tmpdir(), counter });
    const result = await removeApp(org.conn, plan, counter);
    expect(result.deletedComponents).to.deep.equal([{ type: 'ConnectedApp', fullName: 'Ca_Gone' }]);
    expect(result.requests).to.equal(2);
    expect(soapOperations(org.emulator)).to.deep.equal(['readMetadata', 'deleteMetadata']);
    expect(org.emulator.store.read('ConnectedApp', 'Ca_Gone')).to.equal(undefined);
  });

  it('deletes an External Client App satellites first and the header last, one call per type', async () => {
    await createExternalClientApp(org.conn, definition('Eca_Gone'));
    org.emulator.clearRequests();
    const plan = await planAppRemoval(org.conn, 'ExternalClientApplication', 'Eca_Gone', { deleteSourceFiles: false, cwd: tmpdir() });
    expect(plan.components.map((c) => c.type)).to.deep.equal(ECA_TYPES_IN_DELETE_ORDER);
    org.emulator.clearRequests();
    const result = await removeApp(org.conn, plan);
    expect(result.deletedComponents.map((c) => c.type)).to.deep.equal(ECA_TYPES_IN_DELETE_ORDER);
    expect(soapOperations(org.emulator)).to.deep.equal(Array(5).fill('deleteMetadata'));
    for (const { type, fullName } of plan.components) {
      expect(org.emulator.store.read(type, fullName), `${type} ${fullName}`).to.equal(undefined);
    }
    expect(await readApp(org.conn, 'ExternalClientApplication', 'Eca_Gone')).to.equal(undefined);
  });

  it('refuses an unknown app before deleting anything, pointing at list', async () => {
    const error = await planAppRemoval(org.conn, 'ExternalClientApplication', 'Never_Was', { deleteSourceFiles: false, cwd: tmpdir() }).then(
      () => undefined,
      (e: Error & { actions?: string[] }) => e
    );
    expect(error?.message).to.equal('The org has no External Client App named Never_Was.');
    expect(error?.actions?.[0]).to.include('sf external-client-app list');
    expect(soapOperations(org.emulator)).to.not.include('deleteMetadata');
  });

  it('deletes the app source files only, wherever they sit in the package directories, and keeps key files', async () => {
    await createExternalClientApp(org.conn, definition('Eca_Files'));
    const root = await makeProject({
      'force-app/main/default/externalClientApps/Eca_Files.eca-meta.xml': '<x/>',
      'force-app/main/default/extlClntAppGlobalOauthSets/Eca_Files_glbl.ecaGlblOauth-meta.xml': '<x/>',
      'extra/apps/extlClntAppOauthPolicies/Eca_Files_oauthPlcy.ecaOauthPlcy-meta.xml': '<x/>',
      'force-app/main/default/externalClientApps/Other_App.eca-meta.xml': '<x/>',
      'force-app/main/default/connectedApps/Eca_Files.connectedApp-meta.xml': '<x/>',
      '.sf-oauth-apps/Eca_Files/server.key': 'KEY',
      '.sf-oauth-apps/Eca_Files/server.crt': 'CRT',
    });
    projects.push(root);
    const plan = await planAppRemoval(org.conn, 'ExternalClientApplication', 'Eca_Files', { deleteSourceFiles: true, cwd: root });
    const result = await removeApp(org.conn, plan);
    expect(result.deletedSourceFiles.map((file) => file.slice(root.length + 1)).sort()).to.deep.equal([
      'extra/apps/extlClntAppOauthPolicies/Eca_Files_oauthPlcy.ecaOauthPlcy-meta.xml',
      'force-app/main/default/externalClientApps/Eca_Files.eca-meta.xml',
      'force-app/main/default/extlClntAppGlobalOauthSets/Eca_Files_glbl.ecaGlblOauth-meta.xml',
    ]);
    for (const file of result.deletedSourceFiles) expect(existsSync(file), file).to.equal(false);
    for (const kept of [
      'force-app/main/default/externalClientApps/Other_App.eca-meta.xml',
      'force-app/main/default/connectedApps/Eca_Files.connectedApp-meta.xml',
      '.sf-oauth-apps/Eca_Files/server.key',
      '.sf-oauth-apps/Eca_Files/server.crt',
    ]) {
      expect(existsSync(join(root, kept)), kept).to.equal(true);
    }
  });

  it('leaves the project alone without --delete-source-files', async () => {
    await createConnectedApp(org.conn, definition('Ca_Keep_File'));
    const root = await makeProject({ 'force-app/main/default/connectedApps/Ca_Keep_File.connectedApp-meta.xml': '<x/>' });
    projects.push(root);
    const plan = await planAppRemoval(org.conn, 'ConnectedApp', 'Ca_Keep_File', { deleteSourceFiles: false, cwd: root });
    const result = await removeApp(org.conn, plan);
    expect(result.deletedSourceFiles).to.deep.equal([]);
    expect(existsSync(join(root, 'force-app/main/default/connectedApps/Ca_Keep_File.connectedApp-meta.xml'))).to.equal(true);
  });

  it('asks for --delete-source-files outside a project before deleting anything', async () => {
    await createConnectedApp(org.conn, definition('Ca_No_Project'));
    const outside = await mkdtemp(join(tmpdir(), 'oauth-apps-noproject-'));
    projects.push(outside);
    org.emulator.clearRequests();
    const error = await planAppRemoval(org.conn, 'ConnectedApp', 'Ca_No_Project', { deleteSourceFiles: true, cwd: outside }).then(
      () => undefined,
      (e: Error) => e
    );
    expect(error?.message).to.include('needs an SFDX project');
    expect(soapOperations(org.emulator)).to.not.include('deleteMetadata');
    expect(org.emulator.store.read('ConnectedApp', 'Ca_No_Project')).to.not.equal(undefined);
  });

  describe('runDelete', () => {
    const interactive = (): boolean => true;
    const notInteractive = (): boolean => false;

    it('in a shell that cannot answer, never prompts: fails naming --no-prompt, deletes nothing', async () => {
      await createConnectedApp(org.conn, definition('Ca_Piped'));
      const command = recorder(true);
      const error = await runDelete(
        command,
        org.conn,
        'ConnectedApp',
        { name: 'Ca_Piped', noPrompt: false, deleteSourceFiles: false, orgName: 'me' },
        tmpdir(),
        notInteractive
      ).then(
        () => undefined,
        (e: Error & { actions?: string[] }) => e
      );
      expect(error?.name).to.equal('CannotPromptError');
      expect(error?.actions?.join(' ')).to.include('--no-prompt');
      expect(command.prompts).to.deep.equal([]);
      expect(org.emulator.store.read('ConnectedApp', 'Ca_Piped')).to.not.equal(undefined);
    });

    it('warns that source files left in the project recreate the app on the next deploy', async () => {
      await createConnectedApp(org.conn, definition('Ca_Comes_Back'));
      const file = 'force-app/main/default/connectedApps/Ca_Comes_Back.connectedApp-meta.xml';
      const root = await makeProject({ [file]: '<x/>', 'extra/.keep': '' });
      projects.push(root);
      const command = recorder(true);
      const result = await runDelete(command, org.conn, 'ConnectedApp', { name: 'Ca_Comes_Back', noPrompt: true, deleteSourceFiles: false, orgName: 'me' }, root);
      expect(result.keptSourceFiles).to.deep.equal([join(root, file)]);
      expect(command.warnings.join('\n')).to.include(join(root, file)).and.include('sf project deploy start creates the app again');
      expect(command.warnings.join('\n')).to.include('--delete-source-files');
    });

    it('refuses to delete the app a saved sf login goes through unless --no-prompt says so, and warns', async () => {
      const def = definition('Ca_My_Login');
      await createConnectedApp(org.conn, def);
      // A login saved on this computer, to this org, through the app.
      const { StateAggregator } = await import('@salesforce/core');
      const state = await StateAggregator.getInstance();
      state.orgs.set('ci@example.com', { username: 'ci@example.com', orgId: org.emulator.orgId, clientId: def.consumerKey, instanceUrl: org.emulator.instanceUrl });
      await state.orgs.write('ci@example.com');
      await state.aliases.setAndSave('my-ci', 'ci@example.com');
      try {
        const asked = recorder(true);
        const error = await runDelete(asked, org.conn, 'ConnectedApp', { name: 'Ca_My_Login', noPrompt: false, deleteSourceFiles: false, orgName: 'me' }, tmpdir(), interactive).then(
          () => undefined,
          (e: Error & { actions?: string[] }) => e
        );
        expect(error?.name).to.equal('DeleteLocksOutError');
        expect(error?.message).to.include('ci@example.com (my-ci)');
        expect(error?.actions?.join(' ')).to.include('sf org login web').and.include('--no-prompt');
        expect(asked.prompts).to.deep.equal([]);
        expect(org.emulator.store.read('ConnectedApp', 'Ca_My_Login')).to.not.equal(undefined);

        const scripted = recorder(false);
        const result = await runDelete(scripted, org.conn, 'ConnectedApp', { name: 'Ca_My_Login', noPrompt: true, deleteSourceFiles: false, orgName: 'me' }, tmpdir());
        expect(result.savedLogins).to.deep.equal(['ci@example.com']);
        expect(scripted.warnings.join('\n')).to.include('ci@example.com (my-ci)').and.include('no longer works');
        expect(org.emulator.store.read('ConnectedApp', 'Ca_My_Login')).to.equal(undefined);
      } finally {
        await state.orgs.remove('ci@example.com');
        await state.aliases.unsetAndSave('my-ci');
      }
    });

    it('deletes nothing when the prompt is answered no', async () => {
      await createConnectedApp(org.conn, definition('Ca_Declined'));
      const command = recorder(false);
      const result = await runDelete(
        command,
        org.conn,
        'ConnectedApp',
        { name: 'Ca_Declined', noPrompt: false, deleteSourceFiles: false, orgName: 'me@example.com' },
        tmpdir(),
        interactive
      );
      expect(result).to.include({ cancelled: true, name: 'Ca_Declined' });
      expect(result.deletedComponents).to.deep.equal([]);
      expect(command.prompts[0]).to.include('Delete the connected app Ca_Declined (ConnectedApp Ca_Declined) from me@example.com?');
      expect(org.emulator.store.read('ConnectedApp', 'Ca_Declined')).to.not.equal(undefined);
    });

    it('deletes after a yes, and without a question under --no-prompt', async () => {
      await createConnectedApp(org.conn, definition('Ca_Yes'));
      await createConnectedApp(org.conn, definition('Ca_No_Prompt'));
      const yes = recorder(true);
      const first = await runDelete(yes, org.conn, 'ConnectedApp', { name: 'Ca_Yes', noPrompt: false, deleteSourceFiles: false, orgName: 'me' }, tmpdir(), interactive);
      expect(first.deletedComponents).to.have.length(1);
      expect(yes.prompts).to.have.length(1);
      const scripted = recorder(false);
      const second = await runDelete(scripted, org.conn, 'ConnectedApp', {
        name: 'Ca_No_Prompt',
        noPrompt: true,
        deleteSourceFiles: false,
        orgName: 'me',
      });
      expect(scripted.prompts).to.have.length(0);
      expect(second.deletedComponents).to.deep.equal([{ type: 'ConnectedApp', fullName: 'Ca_No_Prompt' }]);
      expect(org.emulator.store.read('ConnectedApp', 'Ca_Yes')).to.equal(undefined);
      expect(org.emulator.store.read('ConnectedApp', 'Ca_No_Prompt')).to.equal(undefined);
    });
  });
});
