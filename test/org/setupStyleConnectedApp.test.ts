/*
 * Connected apps the plugin did not make, against the in-process emulator org: one as a retrieve returns it (elements in
 * the v63 sequence order, elements the plugin does not model: description, ipRanges, startUrl, the flow switches,
 * oauthPolicy.isTokenExchangeFlowEnabled, sessionPolicy.policyAction), and one made without OAuth settings. display
 * shows what they hold, update and rotate-certificate keep every other element in its place, in the org and in the
 * project's file, and a missing oauthConfig is named instead of shown as empty settings.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { displayApp } from '../../src/verbs/displayApp.js';
import { planUpdate } from '../../src/verbs/update/plan.js';
import { executeUpdate } from '../../src/verbs/update/execute.js';
import type { UpdateContext } from '../../src/verbs/update/types.js';
import { rotateCertificate } from '../../src/verbs/rotateCertificate.js';
import { parseSourceXml } from '../../src/metadata/xml.js';
import { fixtureKeyPair, seedRetrieveOrderConnectedApp, sourceFiles } from '../emulator/setupStyleApps.js';
import { soapOperations, startEmulatorOrg, type EmulatorOrg } from '../shared/emulatorOrg.js';
import { rotatedResult } from '../shared/appFixtures.js';

type Loose = Record<string, unknown>;
const CA = 'ConnectedApp';

describe('Connected apps made in Setup', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  let project: string;
  const key = fixtureKeyPair('retrieve-order-unit');

  const context = (): UpdateContext => ({ conn: org.conn, kind: CA, apiVersion: org.conn.getApiVersion(), cwd: project });
  const orgContent = (name: string): Loose => {
    const { fullName, ...content } = org.emulator.store.read(CA, name)!;
    void fullName;
    return content;
  };

  /** Seeds the retrieve-order app and writes its source file (as `sf project retrieve start` would); returns the file. */
  async function retrievedApp(name: string): Promise<string> {
    const component = seedRetrieveOrderConnectedApp(org.emulator, {
      name,
      // As the org holds it after a deploy (the XML text trimmed); seeding keeps what it is given.
      certificatePem: key.certificatePem.trim(),
      consumerKey: `${name.replace(/_/g, '')}Key1234567890`,
      callbackUrls: ['https://setup.example.com/callback'],
    });
    const [[path, xml]] = Object.entries(sourceFiles([{ ...component, content: { ...component.content, oauthConfig: withoutKey(component.content.oauthConfig as Loose) } }]));
    const file = join(project, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, xml);
    return file;
  }
  const withoutKey = (oauth: Loose): Loose => Object.fromEntries(Object.entries(oauth).filter(([k]) => k !== 'consumerKey'));

  before(async () => {
    org = await startEmulatorOrg();
    project = await mkdtemp(join(tmpdir(), 'setup-style-ca-'));
    await writeFile(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }));
  });

  after(async () => {
    await org?.close();
    await rm(project, { recursive: true, force: true });
  });

  beforeEach(() => org.emulator.clearRequests());

  it('display shows what a retrieved connected app holds, with one readMetadata and no warning', async () => {
    await retrievedApp('Retrieved_Shown');
    org.emulator.clearRequests();
    const warnings: string[] = [];
    const shown = await displayApp(org.conn, CA, { name: 'Retrieved_Shown', showSecret: false, warn: (m) => warnings.push(m) });
    expect(shown).to.deep.include({
      description: 'Made in Setup; retrieved with every element Salesforce returns.',
      callbackUrls: ['https://setup.example.com/callback'],
      scopes: ['api', 'web', 'refresh_token'],
      permittedUsers: 'admin-approved',
      profiles: ['System Administrator'],
      refreshTokenPolicy: '90d',
      sessionTimeoutMinutes: 15,
      consumerKey: 'RetrievedShownKey1234567890',
    });
    expect(shown.flows).to.include({ requireSecretForRefreshToken: true, pkceRequired: false });
    expect(warnings).to.deep.equal([]);
    expect(soapOperations(org.emulator)).to.deep.equal(['readMetadata']);
  });

  it('update and rotate-certificate change only their elements; every other element stays, in its place, in org and file', async () => {
    const name = 'Retrieved_Changed';
    const file = await retrievedApp(name);
    const before = orgContent(name);
    const fileBefore = parseSourceXml(await readFile(file, 'utf8')).content;
    const result = await executeUpdate(
      await planUpdate(context(), name, { addCallbackUrls: ['https://ci.example.com/callback'], sessionTimeoutMinutes: 30 }),
      context()
    );
    expect(result.components).to.deep.equal([{ type: CA, fullName: name, elements: ['oauthConfig.callbackUrl', 'sessionPolicy.sessionTimeout'] }]);
    // The plan's read, the re-read just before writing (update/conflict.ts), the write.
    expect(soapOperations(org.emulator)).to.deep.equal(['readMetadata', 'readMetadata', 'updateMetadata']);

    const expected = structuredClone(before);
    (expected.oauthConfig as Loose).callbackUrl = 'https://setup.example.com/callback\nhttps://ci.example.com/callback';
    (expected.sessionPolicy as Loose).sessionTimeout = 30;
    const after = orgContent(name);
    expect(after).to.deep.equal(expected);
    expect(JSON.stringify(after)).to.equal(JSON.stringify(expected), 'element order');

    expect(result.sourceFiles).to.deep.equal([file]);
    const fileAfter = parseSourceXml(await readFile(file, 'utf8')).content;
    const fileExpected = structuredClone(fileBefore);
    (fileExpected.oauthConfig as Loose).callbackUrl = 'https://setup.example.com/callback\nhttps://ci.example.com/callback';
    (fileExpected.sessionPolicy as Loose).sessionTimeout = 30;
    expect(JSON.stringify(fileAfter)).to.equal(JSON.stringify(fileExpected));

    const rotated = rotatedResult(await rotateCertificate(
      { name, certificateDays: 30, waitMinutes: 1 },
      { ...context(), orgUsername: org.emulator.username, orgInstanceUrl: org.emulator.instanceUrl }
    ));
    expect(rotated.update.components).to.deep.equal([{ type: CA, fullName: name, elements: ['oauthConfig.certificate'] }]);
    const afterRotation = orgContent(name);
    expect((afterRotation.oauthConfig as Loose).certificate).to.not.equal((after.oauthConfig as Loose).certificate);
    (afterRotation.oauthConfig as Loose).certificate = (after.oauthConfig as Loose).certificate;
    expect(JSON.stringify(afterRotation)).to.equal(JSON.stringify(after));
    await rm(join(project, '.sf-oauth-apps'), { recursive: true, force: true });
  });

  it('without OAuth settings: display names the missing oauthConfig instead of showing none; an OAuth change fails, a label change works', async () => {
    const name = 'No_Oauth_Ca';
    org.emulator.store.seed(CA, name, { contactEmail: 'admin@example.com', label: 'No OAuth' }, { live: true });
    const warnings: string[] = [];
    const shown = await displayApp(org.conn, CA, { name, showSecret: false, warn: (m) => warnings.push(m) });
    for (const setting of ['callbackUrls', 'scopes', 'certificate', 'flows']) expect(shown, setting).to.not.have.property(setting);
    expect(shown.unknownSettings).to.include.members(['callbackUrls', 'scopes', 'certificate', 'flows']);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('oauthConfig').and.include(name);

    org.emulator.clearRequests();
    const error = await planUpdate(context(), name, { addCallbackUrls: ['https://ci.example.com/callback'] }).then(
      () => expect.fail('expected an error'),
      (e: Error) => e
    );
    expect(error.name).to.equal('ComponentMissingError');
    expect(error.message).to.include('oauthConfig').and.include('callbackUrls');
    expect(soapOperations(org.emulator)).to.deep.equal(['readMetadata']);

    const result = await executeUpdate(await planUpdate(context(), name, { label: 'Still no OAuth' }), context());
    expect(result.components).to.deep.equal([{ type: CA, fullName: name, elements: ['label'] }]);
    expect(orgContent(name)).to.deep.equal({ contactEmail: 'admin@example.com', label: 'Still no OAuth' });
  });
});
