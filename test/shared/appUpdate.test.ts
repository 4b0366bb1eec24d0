import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  applyElementChanges,
  applyUpdateRequest,
  editList,
  executeUpdate,
  planUpdate,
  type UpdateContext,
} from '../../src/shared/appUpdate.js';
import { readApp } from '../../src/shared/appInventory.js';
import { buildConnectedApp } from '../../src/shared/connectedAppMetadata.js';
import { buildExternalClientApp } from '../../src/shared/externalClientAppMetadata.js';
import { parseSourceXml, toSourceXml } from '../../src/shared/metadataXml.js';
import { sourceFilePath, stripSecrets } from '../../src/shared/sourceFiles.js';
import type { AppKind, MetadataComponent } from '../../src/shared/appModel.js';
import { definition, deployComponents, soapOperations, startEmulatorOrg, type EmulatorOrg } from './emulatorOrg.js';

describe('appUpdate', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  let project: string;

  const context = (kind: AppKind): UpdateContext => ({
    conn: org.conn,
    kind,
    apiVersion: org.conn.getApiVersion(),
    cwd: project,
  });

  /** Writes the components' source files as create does, plus extra elements only the file has. */
  async function writeSources(components: MetadataComponent[], extra: Record<string, Record<string, unknown>> = {}): Promise<string[]> {
    const files: string[] = [];
    for (const component of components) {
      const path = sourceFilePath(component, join(project, 'force-app'));
      // eslint-disable-next-line no-await-in-loop
      await mkdir(join(path, '..'), { recursive: true });
      const content = { ...stripSecrets(component).content, ...(extra[component.type] ?? {}) };
      // eslint-disable-next-line no-await-in-loop
      await writeFile(path, toSourceXml({ type: component.type, content }));
      files.push(path);
    }
    return files;
  }

  before(async () => {
    org = await startEmulatorOrg();
    project = await mkdtemp(join(tmpdir(), 'app-update-project-'));
    await writeFile(
      join(project, 'sfdx-project.json'),
      JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '63.0' })
    );
  });

  after(async () => {
    await org?.close();
    await rm(project, { recursive: true, force: true });
  });

  beforeEach(() => org.emulator.clearRequests());

  describe('editList', () => {
    it('replaces, adds and removes, keeping order and skipping duplicates', () => {
      expect(editList(['a', 'b'], {})).to.equal(undefined);
      expect(editList(['a', 'b'], { add: ['c', 'a'] })).to.deep.equal(['a', 'b', 'c']);
      expect(editList(['a', 'b'], { remove: ['a'] })).to.deep.equal(['b']);
      expect(editList(['a', 'b'], { replace: ['x'], add: ['y'] })).to.deep.equal(['x', 'y']);
      const missing: string[] = [];
      expect(editList(['a'], { remove: ['z'] }, (item) => missing.push(item))).to.deep.equal(['a']);
      expect(missing).to.deep.equal(['z']);
    });
  });

  describe('applyUpdateRequest', () => {
    const current = definition('Req_App', { sessionTimeoutMinutes: undefined, description: 'kept' });

    it('changes only the named settings, with no create defaults', () => {
      const { definition: next } = applyUpdateRequest(current, { addScopes: ['openid'], label: 'New label' }, 'ConnectedApp');
      expect(next.scopes).to.deep.equal(['Api', 'Web', 'RefreshToken', 'OpenID']);
      expect(next.label).to.equal('New label');
      // create would default the session timeout to 15 minutes; an update leaves it unset
      expect(next.sessionTimeoutMinutes).to.equal(undefined);
      expect(next.description).to.equal('kept');
      expect(next.callbackUrls).to.deep.equal(current.callbackUrls);
    });

    it('validates what changes by the create rules', () => {
      expect(() => applyUpdateRequest(current, { addCallbackUrls: ['http://example.com/cb'] }, 'ConnectedApp')).to.throw(/https/i);
      expect(() => applyUpdateRequest(current, { removeScopes: ['api', 'web', 'refresh_token'] }, 'ConnectedApp')).to.throw(
        /without OAuth scopes/
      );
      expect(() => applyUpdateRequest(current, { refreshTokenPolicy: 'sometimes' }, 'ConnectedApp')).to.throw();
      expect(() => applyUpdateRequest(current, { addScopes: ['nonsense'] }, 'ConnectedApp')).to.throw(/nonsense/);
    });

    it('warns when asked to remove what the app does not have', () => {
      const { warnings } = applyUpdateRequest(current, { removeCallbackUrls: ['https://nowhere.example.com'] }, 'ConnectedApp');
      expect(warnings.join('\n')).to.include('https://nowhere.example.com');
    });
  });

  describe('applyElementChanges', () => {
    it('puts a new element where the reference order says and merges lists into the holder own items', () => {
      const content = { contactEmail: 'a@b.c', label: 'L', oauthConfig: { callbackUrl: 'x', scopes: ['Api', 'Custom'] }, startUrl: 's' };
      const reference = { contactEmail: 'a@b.c', description: 'D', label: 'L', oauthConfig: { callbackUrl: 'x', scopes: ['Web'] } };
      const result = applyElementChanges(
        content,
        [
          { type: 'ConnectedApp', path: ['description'], before: undefined, after: 'D' },
          { type: 'ConnectedApp', path: ['oauthConfig', 'scopes'], before: ['Api'], after: ['Web'] },
        ],
        reference
      );
      expect(Object.keys(result)).to.deep.equal(['contactEmail', 'description', 'label', 'oauthConfig', 'startUrl']);
      expect((result.oauthConfig as { scopes: string[] }).scopes).to.deep.equal(['Custom', 'Web']);
      expect(content).to.not.have.property('description');
    });
  });

  describe('connected app', () => {
    const name = 'Upd_Ca';
    let sourceFile: string;

    before(async () => {
      const component = buildConnectedApp(definition(name));
      // startUrl: an element Salesforce has and this plugin does not model.
      component.content.startUrl = 'https://example.com/start';
      const outcome = await org.conn.metadata.create('ConnectedApp', { fullName: name, ...component.content } as never);
      expect((outcome as unknown as { success: boolean }).success).to.equal(true);
      [sourceFile] = await writeSources([component], { ConnectedApp: { futureElement: 'from a newer release' } });
    });

    it('in a dry run reports the changes but sends nothing and writes no file', async () => {
      const fileBefore = await readFile(sourceFile, 'utf8');
      org.emulator.clearRequests();
      const plan = await planUpdate(context('ConnectedApp'), name, { addCallbackUrls: ['https://dry.example.com/cb'] });
      const result = await executeUpdate(plan, { ...context('ConnectedApp'), dryRun: true });
      expect(result.deployed).to.equal(false);
      expect(result.changes.map((c) => c.setting)).to.deep.equal(['callbackUrls']);
      expect(result.components.map((c) => c.elements)).to.deep.equal([['oauthConfig.callbackUrl']]);
      expect(soapOperations(org.emulator)).to.deep.equal(['readMetadata']);
      expect(await readFile(sourceFile, 'utf8')).to.equal(fileBefore);
    });

    it('adds a callback URL and removes a scope, keeping every other element in the org and in the file', async () => {
      const before = (await readApp(org.conn, 'ConnectedApp', name))!.components[0].content;
      const fileBefore = parseSourceXml(await readFile(sourceFile, 'utf8')).content;
      org.emulator.clearRequests();
      const plan = await planUpdate(context('ConnectedApp'), name, {
        addCallbackUrls: ['https://ci.example.com/callback'],
        removeScopes: ['web'],
      });
      const result = await executeUpdate(plan, context('ConnectedApp'));

      expect(soapOperations(org.emulator)).to.deep.equal(['readMetadata', 'updateMetadata']);
      expect(result.deployed).to.equal(true);
      expect(result.changes.map((c) => c.setting)).to.deep.equal(['callbackUrls', 'scopes']);
      expect(result.components).to.deep.equal([
        { type: 'ConnectedApp', fullName: name, elements: ['oauthConfig.callbackUrl', 'oauthConfig.scopes'] },
      ]);

      const after = (await readApp(org.conn, 'ConnectedApp', name))!.components[0].content;
      const oauth = after.oauthConfig as Record<string, unknown>;
      expect(oauth.callbackUrl).to.equal('http://localhost:1717/OauthRedirect\nhttps://ci.example.com/callback');
      expect(oauth.scopes).to.deep.equal(['Api', 'RefreshToken']);
      const unchanged = (content: Record<string, unknown>): Record<string, unknown> => {
        const copy = structuredClone(content);
        const inner = copy.oauthConfig as Record<string, unknown>;
        delete inner.callbackUrl;
        delete inner.scopes;
        return copy;
      };
      expect(unchanged(after)).to.deep.equal(unchanged(before));
      expect(after.startUrl).to.equal('https://example.com/start');

      expect(result.sourceFiles).to.deep.equal([sourceFile]);
      const fileAfter = parseSourceXml(await readFile(sourceFile, 'utf8')).content;
      expect((fileAfter.oauthConfig as Record<string, unknown>).scopes).to.deep.equal(['Api', 'RefreshToken']);
      expect(unchanged(fileAfter)).to.deep.equal(unchanged(fileBefore));
      expect(fileAfter.futureElement).to.equal('from a newer release');
    });

    it('sends nothing and writes nothing when the org already has what is asked', async () => {
      const fileBefore = await readFile(sourceFile, 'utf8');
      org.emulator.clearRequests();
      const plan = await planUpdate(context('ConnectedApp'), name, { addCallbackUrls: ['https://ci.example.com/callback'] });
      const result = await executeUpdate(plan, context('ConnectedApp'));
      expect(result).to.include({ deployed: false });
      expect(result.changes).to.deep.equal([]);
      expect(soapOperations(org.emulator)).to.deep.equal(['readMetadata']);
      expect(await readFile(sourceFile, 'utf8')).to.equal(fileBefore);
    });

    it('refuses consumer key rotation for a connected app before asking the org anything', async () => {
      let error: Error | undefined;
      try {
        await planUpdate(context('ConnectedApp'), name, {}, { rotateConsumerKey: true });
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.include('cannot be rotated');
      expect(soapOperations(org.emulator)).to.deep.equal([]);
    });

    it('fails for an app the org does not have, naming the list command', async () => {
      let error: (Error & { actions?: string[] }) | undefined;
      try {
        await planUpdate(context('ConnectedApp'), 'No_Such_App', { label: 'x' });
      } catch (e) {
        error = e as Error & { actions?: string[] };
      }
      expect(error?.message).to.include('No_Such_App');
      expect(error?.actions?.join(' ')).to.include('sf connected-app list');
    });
  });

  describe('External Client App', () => {
    const name = 'Upd_Eca';
    let files: string[];

    before(async () => {
      const components = buildExternalClientApp(definition(name, { consumerKey: 'UpdEcaKey12345678' }));
      // isFirstPartyAppEnabled: an element of the OAuth settings this plugin does not model.
      const oauth = components.find((c) => c.type === 'ExtlClntAppOauthSettings')!;
      const entries = Object.entries(oauth.content);
      // In its xsd:sequence place (before label): a deploy checks element order.
      entries.splice(entries.findIndex(([key]) => key === 'label'), 0, ['isFirstPartyAppEnabled', false]);
      oauth.content = Object.fromEntries(entries);
      await deployComponents(org.conn, components);
      files = await writeSources(components, { ExtlClntAppOauthSettings: { futureElement: 'kept' } });
    });

    it('deploys only the changed components, in one deploy, and merges the change into their files', async () => {
      const before = await readApp(org.conn, 'ExternalClientApplication', name);
      const plan = await planUpdate(context('ExternalClientApplication'), name, {
        addCallbackUrls: ['https://ci.example.com/callback'],
        removeScopes: ['Web'],
      });
      org.emulator.clearRequests();
      const result = await executeUpdate(plan, context('ExternalClientApplication'));
      expect(soapOperations(org.emulator).filter((op) => op !== 'checkDeployStatus')).to.deep.equal(['deploy']);
      expect(result.components.map((c) => c.type).sort()).to.deep.equal(['ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthSettings']);

      const after = await readApp(org.conn, 'ExternalClientApplication', name);
      const content = (type: string, record = after): Record<string, unknown> =>
        record!.components.find((c) => c.type === type)!.content;
      expect(content('ExtlClntAppGlobalOauthSettings').callbackUrl).to.equal(
        'http://localhost:1717/OauthRedirect\nhttps://ci.example.com/callback'
      );
      expect(content('ExtlClntAppOauthSettings').commaSeparatedOauthScopes).to.equal('Api, RefreshToken');
      expect(String(content('ExtlClntAppOauthSettings').isFirstPartyAppEnabled)).to.equal('false');
      for (const type of ['ExternalClientApplication', 'ExtlClntAppOauthConfigurablePolicies', 'ExtlClntAppConfigurablePolicies']) {
        expect(content(type), type).to.deep.equal(content(type, before));
      }
      expect(after!.consumerKey).to.equal('UpdEcaKey12345678');

      expect(result.sourceFiles.map((f) => f.split('/').pop()).sort()).to.deep.equal([
        `${name}_glbl.ecaGlblOauth-meta.xml`,
        `${name}_oauth.ecaOauth-meta.xml`,
      ]);
      const oauthFile = files.find((f) => f.endsWith('.ecaOauth-meta.xml'))!;
      const fileContent = parseSourceXml(await readFile(oauthFile, 'utf8')).content;
      expect(fileContent).to.include({ commaSeparatedOauthScopes: 'Api, RefreshToken', futureElement: 'kept', isFirstPartyAppEnabled: false });
    });

    it('rotates the consumer key with a deploy that ignores warnings; the old key stops working', async () => {
      const plan = await planUpdate(context('ExternalClientApplication'), name, {}, { rotateConsumerKey: true });
      const result = await executeUpdate(plan, context('ExternalClientApplication'));
      expect(result.components).to.deep.equal([
        { type: 'ExtlClntAppGlobalOauthSettings', fullName: `${name}_glbl`, elements: ['shouldRotateConsumerKey'] },
      ]);
      expect(result.consumerKey).to.be.a('string').and.not.equal('UpdEcaKey12345678');
      expect(org.emulator.store.lookupApp('UpdEcaKey12345678').state).to.equal('unknown');
      expect(org.emulator.store.lookupApp(result.consumerKey!).state).to.equal('live');
      // The rotation switch is not a setting: the files keep false.
      expect(result.sourceFiles).to.deep.equal([]);
    });
  });
});
