/* eslint-disable camelcase -- OAuth wire format */
/*
 * The emulator's strict rules of issue 14 (items 3 and 6), one describe per rule, each naming the fact in
 * docs/salesforce-facts.md that supports it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import JSZip from 'jszip';
import { CONNECTED_APP_CREATION_BLOCKED, CONSUMER_KEY_ON_EXISTING_APP, MetadataStore, type ComponentChange } from './metadataStore.js';
import { handleMetadataSoap, type SoapContext } from './soap.js';
import type { EmulatedUser } from './types.js';
import { child, children, childText, parseXml } from './xml.js';
import { connectedApp, directory, ecaFiles } from './metadataStore.test.js';
import { startEmulator, type Emulator } from './server.js';
import { getJson, JWT_GRANT, postForm, signJwt } from './testSupport.js';
import {
  componentXml,
  deployMetadataFiles,
  deployRetrieveOrderConnectedApp,
  deploySetupStyleEca,
  fixtureKeyPair,
  jwtAccessToken,
  metadataApiFiles,
  readMetadataOverSoap,
  retrieveOrderConnectedApp,
  seedRetrieveOrderConnectedApp,
  setupStyleEca,
  setupStyleNames,
  sourceFiles,
} from './setupStyleApps.js';

const NS = 'http://soap.sforce.com/2006/04/metadata';
const TOKEN = '00D5g000000TEST!strict';
const user: EmulatedUser = {
  id: '0055g00000ADMINAAA',
  username: 'admin@example.com',
  email: 'admin@example.com',
  firstName: 'Ada',
  lastName: 'Admin',
  profileName: 'System Administrator',
  permissionSets: [],
  isActive: true,
};

function envelope(op: string, inner: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Header xmlns="${NS}"><SessionHeader><sessionId>${TOKEN}</sessionId></SessionHeader></soapenv:Header>` +
    `<soapenv:Body xmlns="${NS}"><${op}>${inner}</${op}></soapenv:Body></soapenv:Envelope>`
  );
}

/** A connected app CRUD item in sequence order; `oauthExtra` goes inside oauthConfig after callbackUrl. */
function caItem(name: string, oauthExtra = ''): string {
  return (
    `<metadata xsi:type="ConnectedApp"><fullName>${name}</fullName><contactEmail>a@b.c</contactEmail><label>${name}</label>` +
    `<oauthConfig><callbackUrl>http://localhost:1717/OauthRedirect</callbackUrl>${oauthExtra}<isAdminApproved>true</isAdminApproved>` +
    '<scopes>Api</scopes><scopes>RefreshToken</scopes></oauthConfig><profileName>System Administrator</profileName></metadata>'
  );
}

describe('emulator strict rules', () => {
  let store: MetadataStore;
  let ctx: SoapContext;

  beforeEach(() => {
    store = new MetadataStore(directory, { liveDelayMs: 0, allowConnectedAppCreation: true }, () => 1_700_000_000_000);
    ctx = { store, sessionUser: (id): EmulatedUser | undefined => (id === TOKEN ? user : undefined), instanceUrl: 'http://127.0.0.1:1', apiVersion: '63.0', jobDurationMs: 0 };
  });

  async function crud(op: string, items: string): Promise<Array<{ success: string | undefined; message: string | undefined; created: string | undefined }>> {
    const response = await handleMetadataSoap(envelope(op, items), ctx);
    expect(response.status, response.body).to.equal(200);
    return children(child(parseXml(response.body), 'Body')?.children[0], 'result').map((r) => ({
      success: childText(r, 'success'),
      message: childText(child(r, 'errors'), 'message'),
      created: childText(r, 'created'),
    }));
  }

  describe('a connected app that exists takes no consumer key (docs/salesforce-facts.md#f-ca-consumer-key-on-update)', () => {
    it('createMetadata of a new app with a consumer key is allowed, and so is an upsert that creates one', async () => {
      expect((await crud('createMetadata', caItem('New_App', '<consumerKey>newAppKey123</consumerKey>')))[0].success).to.equal('true');
      expect(store.lookupApp('newAppKey123').state).to.equal('live');
      const upserted = await crud('upsertMetadata', caItem('Upsert_New', '<consumerKey>upsertNewKey1</consumerKey>'));
      expect(upserted[0]).to.deep.include({ success: 'true', created: 'true' });
    });

    it('updateMetadata and upsertMetadata of an existing app refuse any consumer key, its own value included', async () => {
      await crud('createMetadata', caItem('Existing_App', '<consumerKey>existingKey12</consumerKey>'));
      for (const op of ['updateMetadata', 'upsertMetadata']) {
        for (const key of ['existingKey12', 'anotherKey123']) {
          const [result] = await crud(op, caItem('Existing_App', `<consumerKey>${key}</consumerKey>`));
          expect(result, `${op} ${key}`).to.deep.include({ success: 'false', message: CONSUMER_KEY_ON_EXISTING_APP });
        }
        expect((await crud(op, caItem('Existing_App')))[0].success, `${op} without a key`).to.equal('true');
      }
      expect(store.lookupApp('existingKey12').state).to.equal('live');
    });

    it('the refusal names the consumerKey field, and seeding (an app that was always there) is exempt', () => {
      store.save([{ type: 'ConnectedApp', fullName: 'Seeded', content: connectedApp({}, { consumerKey: 'seededKey123' }) }], { mode: 'create', allOrNothing: true });
      const [result] = store.save([{ type: 'ConnectedApp', fullName: 'Seeded', content: connectedApp({}, { consumerKey: 'seededKey123' }) }], { mode: 'deploy', allOrNothing: true });
      expect(result.errors).to.deep.equal([{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: CONSUMER_KEY_ON_EXISTING_APP, fields: ['consumerKey'] }]);
      expect(() => store.seed('ConnectedApp', 'Seeded', connectedApp({ description: 'again' }, { consumerKey: 'seededKey123' }))).to.not.throw();
    });
  });

  describe('a consumer key once used stays taken (docs/salesforce-facts.md#f-consumer-key-unique)', () => {
    it('deleting a connected app frees nothing: a new app cannot take its key', () => {
      store.save([{ type: 'ConnectedApp', fullName: 'Gone', content: connectedApp({}, { consumerKey: 'goneKey12345' }) }], { mode: 'create', allOrNothing: true });
      expect(store.delete('ConnectedApp', ['Gone'])[0].success).to.equal(true);
      expect(store.lookupApp('goneKey12345').state).to.equal('unknown');
      for (const name of ['Gone', 'Other']) {
        const [result] = store.save([{ type: 'ConnectedApp', fullName: name, content: connectedApp({}, { consumerKey: 'goneKey12345' }) }], { mode: 'create', allOrNothing: true });
        expect(result.errors.map((e) => [e.statusCode, e.message]), name).to.deep.equal([['DUPLICATE_VALUE', 'The consumer key is already taken.']]);
      }
      const [eca] = store.save(ecaFiles('Eca_Taker', { consumerKey: 'goneKey12345' }), { mode: 'deploy', allOrNothing: true }).filter((r) => !r.success);
      expect(eca.errors[0].message).to.equal('The consumer key is already taken.');
    });

    it('deleting an External Client App, or rotating its key, leaves the old key taken, across a restart too', () => {
      const deploy = (changes: ComponentChange[], ignoreWarnings = false): boolean =>
        store.save(changes, { mode: 'deploy', allOrNothing: true, ignoreWarnings }).every((r) => r.success);
      expect(deploy(ecaFiles('Rot', { consumerKey: 'rotatedKey12' }))).to.equal(true);
      const [, global] = ecaFiles('Rot');
      expect(deploy([{ ...global, content: { ...global.content, shouldRotateConsumerKey: true } }], true)).to.equal(true);
      expect(deploy(ecaFiles('Reuse_Rotated', { consumerKey: 'rotatedKey12' }))).to.equal(false);

      expect(deploy(ecaFiles('Del', { consumerKey: 'deletedKey12' }))).to.equal(true);
      store.delete('ExternalClientApplication', ['Del']);
      expect(deploy(ecaFiles('Del', { consumerKey: 'deletedKey12' }))).to.equal(false);

      const restored = MetadataStore.fromJSON(JSON.parse(JSON.stringify(store.toJSON())), directory, store.settings);
      const [result] = restored.save([{ type: 'ConnectedApp', fullName: 'After', content: connectedApp({}, { consumerKey: 'deletedKey12' }) }], { mode: 'create', allOrNothing: true });
      expect(result.errors[0]?.message).to.equal('The consumer key is already taken.');
    });
  });

  describe('External Client App scopes only in the documented spelling (docs/salesforce-facts.md#f-eca-scopes)', () => {
    const oauthSettings = (scopes: string): string =>
      `<metadata xsi:type="ExtlClntAppOauthSettings"><fullName>Sc_oauth</fullName><commaSeparatedOauthScopes>${scopes}</commaSeparatedOauthScopes>` +
      '<externalClientApplication>Sc</externalClientApplication><label>o</label></metadata>';

    beforeEach(() => {
      store.save([ecaFiles('Sc')[0]], { mode: 'create', allOrNothing: true });
    });

    it('accepts the names the ExtlClntAppOauthSettings reference lists, SFApiPlatform, MCP and SCRT included', async () => {
      const [result] = await crud('upsertMetadata', oauthSettings('Api, Web, RefreshToken, SFApiPlatform, MCP, SCRT, EinsteinGPT, OpenID'));
      expect(result.success, result.message).to.equal('true');
    });

    it('refuses the connected app enum spelling SFAP and names only third parties report (CDP, DataCloudUserClaims)', async () => {
      for (const scope of ['SFAP', 'CDP', 'DataCloudUserClaims', 'api', 'sfap_api']) {
        const [result] = await crud('upsertMetadata', oauthSettings(`Api, ${scope}`));
        expect(result.success, scope).to.equal('false');
        expect(result.message, scope).to.equal(
          `'Api, ${scope}' is not a valid value for the field commaSeparatedOauthScopes (not a documented scope name: '${scope}')`
        );
      }
    });

    it('refuses them in a zip deploy too, while a connected app keeps its own enum (SFAP, CDP)', async () => {
      const outcome = store.save(
        [{ type: 'ExtlClntAppOauthSettings', fullName: 'Sc_oauth', content: { commaSeparatedOauthScopes: 'Api, SFAP', externalClientApplication: 'Sc', label: 'o' } }],
        { mode: 'deploy', allOrNothing: true }
      );
      expect(outcome[0].success).to.equal(false);
      const ca = store.save([{ type: 'ConnectedApp', fullName: 'Ca_Scopes', content: connectedApp({}, { scopes: ['Api', 'RefreshToken', 'SFAP', 'CDP'] }) }], {
        mode: 'create',
        allOrNothing: true,
      });
      expect(ca[0].success).to.equal(true);
    });
  });

  describe('in a running emulator', () => {
    let dir: string;
    let emu: Emulator | undefined;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'emu-strict-'));
    });
    afterEach(async () => {
      await emu?.stop();
      emu = undefined;
      await rm(dir, { recursive: true, force: true });
    });

    /** A Metadata SOAP call over HTTP as the bootstrap admin; the results of the response. */
    async function soapOverHttp(op: string, inner: string): Promise<ReturnType<typeof children>> {
      const token = await jwtAccessToken(emu!.instanceUrl, emu!.clientId, emu!.username, await readFile(emu!.jwtKeyFile, 'utf8'));
      const body = envelope(op, inner).replace(TOKEN, token);
      const res = await fetch(`${emu!.instanceUrl}/services/Soap/m/63.0`, { method: 'POST', headers: { 'content-type': 'text/xml', soapaction: '""' }, body });
      return children(child(parseXml(await res.text()), 'Body')?.children[0], 'result');
    }

    async function postSettings(body: unknown): Promise<{ status: number; json: any }> {
      const res = await fetch(`${emu!.instanceUrl}/_emulator/settings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, json: await res.json() };
    }

    describe('the connected app creation refusal has a configurable wording (docs/salesforce-facts.md#f-ca-creation-block)', () => {
      const WORDINGS = [
        'Connected app creation is restricted. Create an external client app instead.',
        'You can no longer create connected apps in this org. Contact Salesforce Support.',
        'CANNOT_CREATE_CONNECTED_APP: new connected apps are blocked since Spring 26',
      ];

      it('createMetadata and a zip deploy answer with each wording set through POST /_emulator/settings', async () => {
        emu = await startEmulator({ port: 0, dataDir: dir });
        let n = 0;
        for (const wording of WORDINGS) {
          expect((await postSettings({ connectedAppBlockMessage: wording })).json.connectedAppBlockMessage).to.equal(wording);
          n += 1;
          const outcome = await deployMetadataFiles(emu, metadataApiFiles([retrieveOrderConnectedApp({ name: `Blocked_${n}` })]));
          expect(outcome.status).to.equal('Failed');
          expect(outcome.problems.map((p) => p.problem)).to.deep.equal([wording]);
          const [created] = await soapOverHttp('createMetadata', caItem(`Crud_${n}`));
          expect([childText(created, 'success'), childText(child(created, 'errors'), 'message')]).to.deep.equal(['false', wording]);
        }
        expect((await postSettings({ connectedAppBlockMessage: null })).json.connectedAppBlockMessage).to.equal(null);
        const outcome = await deployMetadataFiles(emu, metadataApiFiles([retrieveOrderConnectedApp({ name: 'Blocked_Default' })]));
        expect(outcome.problems.map((p) => p.problem)).to.deep.equal([CONNECTED_APP_CREATION_BLOCKED]);
      });

      it('refuses an empty or non-string wording and changes nothing; startEmulator takes it as an option', async () => {
        emu = await startEmulator({ port: 0, dataDir: dir, connectedAppBlockMessage: WORDINGS[0] });
        expect(emu.store.settings.connectedAppBlockMessage).to.equal(WORDINGS[0]);
        for (const bad of ['', '   ', 42, true]) {
          expect((await postSettings({ connectedAppBlockMessage: bad })).status, String(bad)).to.equal(400);
        }
        expect((await getJson(`${emu.instanceUrl}/_emulator/settings`)).json.connectedAppBlockMessage).to.equal(WORDINGS[0]);
      });
    });

    describe('sandbox orgs (docs/salesforce-facts.md#f-jwt-audience)', () => {
      async function jwt(target: Emulator, aud: string): Promise<{ status: number; json: any }> {
        const key = await readFile(target.jwtKeyFile, 'utf8');
        const assertion = signJwt(key, { iss: target.clientId, sub: target.username, aud, exp: Date.now() + 300 });
        return postForm(`${target.instanceUrl}/services/oauth2/token`, { grant_type: JWT_GRANT, assertion });
      }

      it('startEmulator({ sandbox: true }) accepts test.salesforce.com and the instance URL, refuses login.salesforce.com', async () => {
        emu = await startEmulator({ port: 0, dataDir: dir, sandbox: true });
        expect(emu.state.org.isSandbox).to.equal(true);
        expect((await jwt(emu, 'https://test.salesforce.com')).status).to.equal(200);
        expect((await jwt(emu, `${emu.instanceUrl}/`)).status).to.equal(200);
        expect((await jwt(emu, 'https://login.salesforce.com')).json.error_description).to.equal('audience is invalid');
        expect((await getJson(`${emu.instanceUrl}/_emulator/settings`)).json.isSandbox).to.equal(true);
      });

      it('npm run emulator -- --sandbox starts a sandbox org', async function () {
        this.timeout(30_000);
        const repo = fileURLToPath(new URL('../..', import.meta.url));
        const proc = spawn(process.execPath, ['--import', 'tsx', 'test/emulator/cli.ts', '--port', '0', '--data-dir', dir, '--sandbox'], {
          cwd: repo,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
        const ready = await new Promise<any>((resolve, reject) => {
          proc.stdout.on('data', (c: Buffer) => {
            out += c.toString();
            if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
          });
          proc.on('exit', (code) => reject(new Error(`exited ${String(code)}: ${err}`)));
        });
        try {
          expect((await getJson(`${ready.instanceUrl}/_emulator/settings`)).json.isSandbox).to.equal(true);
          const target = { ...ready, state: undefined } as unknown as Emulator;
          expect((await jwt(target, 'https://login.salesforce.com')).status).to.equal(400);
          expect((await jwt(target, 'https://test.salesforce.com')).status).to.equal(200);
        } finally {
          const exited = new Promise((resolve) => proc.on('exit', resolve));
          proc.kill('SIGTERM');
          await exited;
        }
      });
    });

    describe('Setup-style apps (docs/salesforce-facts.md#f-eca-setup-names)', () => {
      it('deploys, lists, reads and retrieves a Setup-style External Client App, and its certificate logs in with JWT', async function () {
        this.timeout(20_000);
        emu = await startEmulator({ port: 0, dataDir: dir });
        const key = fixtureKeyPair();
        const { consumerKey, names } = await deploySetupStyleEca(emu, { name: 'Setup_Made', certificatePem: key.certificatePem });
        expect(names).to.deep.equal({
          header: 'Setup_Made',
          globalOauth: 'Setup_MadeGlblOAuth',
          oauthSettings: 'Setup_MadeSettings',
          oauthPolicies: 'Setup_MadeSettings_defaultPolicy',
        });
        expect(consumerKey).to.match(/^3MVG9/);

        // list: exactly Setup's names, no app policies component and no policies made by the org
        const soap = soapOverHttp;
        const list = (types: string[]): Promise<ReturnType<typeof children>> =>
          soap('listMetadata', types.map((t) => `<queries><type>${t}</type></queries>`).join('') + '<asOfVersion>63.0</asOfVersion>');
        // Three queries per call at most (docs/salesforce-facts.md#f-md-call-limits).
        const listed = [
          ...(await list(['ExternalClientApplication', 'ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthSettings'])),
          ...(await list(['ExtlClntAppOauthConfigurablePolicies', 'ExtlClntAppConfigurablePolicies'])),
        ];
        expect(listed.map((r) => `${childText(r, 'type') ?? ''}:${childText(r, 'fullName') ?? ''}`).filter((s) => !s.includes('Emulator_Bootstrap'))).to.deep.equal([
          'ExternalClientApplication:Setup_Made',
          'ExtlClntAppGlobalOauthSettings:Setup_MadeGlblOAuth',
          'ExtlClntAppOauthSettings:Setup_MadeSettings',
          'ExtlClntAppOauthConfigurablePolicies:Setup_MadeSettings_defaultPolicy',
        ]);

        // read: the extra elements come back where the WSDL puts them
        const settings = await readMetadataOverSoap(emu, 'ExtlClntAppOauthSettings', 'Setup_MadeSettings');
        expect(childText(settings, 'isFirstPartyAppEnabled')).to.equal('false');
        expect(childText(settings, 'oauthLink')).to.equal(`${emu.orgId}:Setup_Made`);
        const policies = await readMetadataOverSoap(emu, 'ExtlClntAppOauthConfigurablePolicies', 'Setup_MadeSettings_defaultPolicy');
        expect([childText(policies, 'isGuestCodeCredFlowEnabled'), childText(policies, 'requiredSessionLevel')]).to.deep.equal(['false', 'STANDARD']);
        const global = await readMetadataOverSoap(emu, 'ExtlClntAppGlobalOauthSettings', 'Setup_MadeGlblOAuth');
        expect(childText(global, 'certificate')).to.include('BEGIN CERTIFICATE');
        expect(childText(global, 'consumerSecret')).to.equal(undefined);

        // retrieve: the same four files under Setup's names, in sequence order
        const [started] = await soap(
          'retrieve',
          '<request><apiVersion>63.0</apiVersion><singlePackage>true</singlePackage><unpackaged>' +
            '<types><members>*</members><name>ExternalClientApplication</name></types>' +
            '<types><members>*</members><name>ExtlClntAppGlobalOauthSettings</name></types>' +
            '<types><members>*</members><name>ExtlClntAppOauthSettings</name></types>' +
            '<types><members>*</members><name>ExtlClntAppOauthConfigurablePolicies</name></types>' +
            '<types><members>*</members><name>ExtlClntAppConfigurablePolicies</name></types><version>63.0</version></unpackaged></request>'
        );
        let retrieved: ReturnType<typeof children>[number] | undefined;
        for (let i = 0; i < 50 && !retrieved; i++) {
          // eslint-disable-next-line no-await-in-loop
          const [status] = await soap('checkRetrieveStatus', `<asyncProcessId>${childText(started, 'id') ?? ''}</asyncProcessId>`);
          if (childText(status, 'done') === 'true') retrieved = status;
          // eslint-disable-next-line no-await-in-loop
          else await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const zip = await JSZip.loadAsync(Buffer.from(childText(retrieved, 'zipFile') ?? '', 'base64'));
        expect(Object.keys(zip.files).filter((f) => !zip.files[f].dir).sort()).to.deep.equal([
          'externalClientApps/Setup_Made.eca',
          'extlClntAppGlobalOauthSets/Setup_MadeGlblOAuth.ecaGlblOauth',
          'extlClntAppOauthPolicies/Setup_MadeSettings_defaultPolicy.ecaOauthPlcy',
          'extlClntAppOauthSettings/Setup_MadeSettings.ecaOauth',
          'package.xml',
        ]);
        const policyFile = await zip.files['extlClntAppOauthPolicies/Setup_MadeSettings_defaultPolicy.ecaOauthPlcy'].async('string');
        expect(policyFile.indexOf('<isGuestCodeCredFlowEnabled>')).to.be.lessThan(policyFile.indexOf('<requiredSessionLevel>'));

        // JWT bearer with the global settings' certificate, for a pre-authorized profile
        const ecaToken = await jwtAccessToken(emu.instanceUrl, consumerKey, emu.username, key.privateKeyPem);
        expect(ecaToken).to.match(/^00D/);
      });

      it('its files are valid in retrieve order, and in source format under Setup names', () => {
        const components = setupStyleEca({ name: 'Files_App', certificatePem: 'x' });
        expect(components.map((c) => c.type)).to.deep.equal([
          'ExternalClientApplication',
          'ExtlClntAppGlobalOauthSettings',
          'ExtlClntAppOauthSettings',
          'ExtlClntAppOauthConfigurablePolicies',
        ]);
        expect(Object.keys(sourceFiles(components))).to.deep.equal([
          'force-app/main/default/externalClientApps/Files_App.eca-meta.xml',
          'force-app/main/default/extlClntAppGlobalOauthSets/Files_AppGlblOAuth.ecaGlblOauth-meta.xml',
          'force-app/main/default/extlClntAppOauthSettings/Files_AppSettings.ecaOauth-meta.xml',
          'force-app/main/default/extlClntAppOauthPolicies/Files_AppSettings_defaultPolicy.ecaOauthPlcy-meta.xml',
        ]);
        expect(setupStyleNames('X').oauthPolicies).to.equal('XSettings_defaultPolicy');
        expect(componentXml(components[2])).to.include('<isFirstPartyAppEnabled>false</isFirstPartyAppEnabled>');
      });

      it('a self-authorized Setup-style app deploys but refuses JWT bearer, as a real org does', async function () {
        this.timeout(20_000);
        emu = await startEmulator({ port: 0, dataDir: dir });
        const key = fixtureKeyPair();
        const { consumerKey } = await deploySetupStyleEca(emu, { name: 'Self_Auth', certificatePem: key.certificatePem, selfAuthorized: true });
        try {
          await jwtAccessToken(emu.instanceUrl, consumerKey, emu.username, key.privateKeyPem);
          expect.fail('JWT bearer should be refused');
        } catch (error) {
          expect((error as Error).message).to.include("user hasn't approved this consumer");
        }
      });

      it('a connected app in retrieve order with extra elements: seeded in a blocking org, deployed where creation is allowed; both log in', async function () {
        this.timeout(20_000);
        emu = await startEmulator({ port: 0, dataDir: dir });
        const key = fixtureKeyPair();
        const seeded = seedRetrieveOrderConnectedApp(emu, { name: 'Old_Ca', certificatePem: key.certificatePem, consumerKey: 'oldCaKey12345' });
        expect(Object.keys(seeded.content)).to.deep.equal(['contactEmail', 'description', 'ipRanges', 'label', 'oauthConfig', 'oauthPolicy', 'profileName', 'sessionPolicy', 'startUrl']);
        const read = await readMetadataOverSoap(emu, 'ConnectedApp', 'Old_Ca');
        expect(childText(child(read, 'sessionPolicy'), 'policyAction')).to.equal('Block');
        expect(childText(child(read, 'oauthConfig'), 'consumerKey')).to.equal('oldCaKey12345');
        expect(await jwtAccessToken(emu.instanceUrl, 'oldCaKey12345', emu.username, key.privateKeyPem)).to.match(/^00D/);

        expect((await deployRetrieveOrderConnectedApp(emu, { name: 'New_Ca', certificatePem: key.certificatePem })).status).to.equal('Failed');
        emu.state.updateSettings({ allowConnectedAppCreation: true });
        const outcome = await deployRetrieveOrderConnectedApp(emu, { name: 'New_Ca', certificatePem: key.certificatePem, consumerKey: 'newCaKey12345' });
        expect(outcome, JSON.stringify(outcome.problems)).to.deep.include({ status: 'Succeeded', success: true });
        expect(await jwtAccessToken(emu.instanceUrl, 'newCaKey12345', emu.username, key.privateKeyPem)).to.match(/^00D/);
        // the same file again: the app exists now, so its consumer key is refused
        const again = await deployRetrieveOrderConnectedApp(emu, { name: 'New_Ca', certificatePem: key.certificatePem, consumerKey: 'newCaKey12345' });
        expect(again.problems.map((p) => p.problem)).to.deep.equal([CONSUMER_KEY_ON_EXISTING_APP]);
      });
    });
  });
});
