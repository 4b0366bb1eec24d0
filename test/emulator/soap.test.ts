import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import JSZip from 'jszip';
import { Connection } from '@jsforce/jsforce-node';
import { CONNECTED_APP_CREATION_BLOCKED, MetadataStore } from './metadataStore.js';
import { handleMetadataSoap, handleRestDeploy, type SoapContext } from './soap.js';
import type { EmulatedUser } from './types.js';
import { child, children, childText, parseXml, type XmlElement } from './xml.js';
import { directory, testCertificate } from './metadataStore.test.js';

const NS = 'http://soap.sforce.com/2006/04/metadata';
const TOKEN = '00D5g000000TEST!session';

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

/** An envelope the way jsforce writes it (docs/salesforce-facts.md#f-md-soap-shapes). */
function envelope(op: string, inner: string, session = TOKEN): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Header xmlns="${NS}"><SessionHeader><sessionId>${session}</sessionId></SessionHeader>` +
    '<CallOptions><client>sfdx toolbelt:</client></CallOptions></soapenv:Header>' +
    `<soapenv:Body xmlns="${NS}"><${op}>${inner}</${op}></soapenv:Body></soapenv:Envelope>`
  );
}

function results(body: string): XmlElement[] {
  const root = parseXml(body);
  const response = child(root, 'Body')?.children[0];
  return children(response, 'result');
}

const PACKAGE = (types: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Package xmlns="${NS}">${types}<version>64.0</version></Package>`;

const CA_FILE = (name: string, extra = ''): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<ConnectedApp xmlns="${NS}"><contactEmail>ci@example.com</contactEmail><label>${name}</label>` +
  '<oauthConfig><callbackUrl>http://localhost:1717/OauthRedirect</callbackUrl>' +
  `<consumerKey>${name}Key123</consumerKey><consumerSecret>${name}Secret1</consumerSecret><isAdminApproved>true</isAdminApproved>` +
  `<scopes>Api</scopes><scopes>RefreshToken</scopes></oauthConfig>${extra}<profileName>System Administrator</profileName></ConnectedApp>`;

async function zipOf(files: Record<string, string>): Promise<string> {
  const zip = new JSZip();
  for (const [path, text] of Object.entries(files)) zip.file(path, text);
  return zip.generateAsync({ type: 'base64' });
}

const DEPLOY_OPTIONS =
  '<DeployOptions><rollbackOnError>true</rollbackOnError><ignoreWarnings>false</ignoreWarnings><checkOnly>false</checkOnly>' +
  '<singlePackage>true</singlePackage><purgeOnDelete>false</purgeOnDelete></DeployOptions>';

describe('Metadata SOAP', () => {
  let store: MetadataStore;
  let ctx: SoapContext;
  let clock: number;

  beforeEach(() => {
    clock = 1_700_000_000_000;
    store = new MetadataStore(directory, { liveDelayMs: 0, allowConnectedAppCreation: true }, () => clock);
    ctx = {
      store,
      sessionUser: (id: string): EmulatedUser | undefined => (id === TOKEN ? user : undefined),
      instanceUrl: 'http://127.0.0.1:1',
      apiVersion: '64.0',
      jobDurationMs: 0,
    };
  });

  async function call(op: string, inner: string): Promise<{ status: number; body: string; results: XmlElement[] }> {
    const response = await handleMetadataSoap(envelope(op, inner), ctx);
    return { status: response.status, body: response.body, results: response.status === 200 ? results(response.body) : [] };
  }

  async function deploy(files: Record<string, string>, options = DEPLOY_OPTIONS): Promise<XmlElement> {
    const started = await call('deploy', `<ZipFile>${await zipOf(files)}</ZipFile>${options}`);
    expect(childText(started.results[0], 'state')).to.equal('Queued');
    const id = childText(started.results[0], 'id') as string;
    expect(id).to.match(/^0Af/);
    const status = await call('checkDeployStatus', `<asyncProcessId>${id}</asyncProcessId><includeDetails>true</includeDetails>`);
    return status.results[0];
  }

  it('faults with sf:INVALID_SESSION_ID exactly as jsforce needs to refresh', async () => {
    const response = await handleMetadataSoap(envelope('describeMetadata', '<asOfVersion>64.0</asOfVersion>', 'bad'), ctx);
    expect(response.status).to.equal(500);
    expect(response.body).to.match(/<faultcode>[a-zA-Z]+:INVALID_SESSION_ID<\/faultcode>/);
    expect(response.body).to.include('<faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session</faultstring>');
    expect(response.body).to.include('xmlns:sf=');
  });

  it('answers with a prefixed envelope and a text/xml content type', async () => {
    const response = await handleMetadataSoap(envelope('describeMetadata', '<asOfVersion>64.0</asOfVersion>'), ctx);
    expect(response.contentType).to.match(/^text\/xml(;|$)/);
    expect(response.body).to.match(/<soapenv:Envelope[^>]*><soapenv:Body><describeMetadataResponse><result>/);
    const objects = children(results(response.body)[0], 'metadataObjects');
    const eca = objects.find((o) => childText(o, 'xmlName') === 'ExtlClntAppGlobalOauthSettings');
    expect(childText(eca, 'directoryName')).to.equal('extlClntAppGlobalOauthSets');
    expect(childText(eca, 'suffix')).to.equal('ecaGlblOauth');
  });

  it('reads a missing name as an empty nil record', async () => {
    const { body } = await call('readMetadata', '<type>ConnectedApp</type><fullNames>Nope</fullNames>');
    expect(body).to.include('<result><records xsi:nil="true"/></result>');
  });

  it('faults readMetadata of more than 10 names and listMetadata of more than 3 queries (docs/salesforce-facts.md#f-md-call-limits)', async () => {
    const names = (n: number): string => Array.from({ length: n }, (_, i) => `<fullNames>App_${i}</fullNames>`).join('');
    expect((await call('readMetadata', `<type>ConnectedApp</type>${names(10)}`)).status).to.equal(200);
    const read = await call('readMetadata', `<type>ConnectedApp</type>${names(11)}`);
    expect(read.status).to.equal(500);
    expect(read.body).to.match(/<faultcode>sf:LIMIT_EXCEEDED<\/faultcode>/).and.include('at most 10 full names');
    const queries = (n: number): string =>
      ['ConnectedApp', 'ExternalClientApplication', 'ExtlClntAppOauthSettings', 'ExtlClntAppGlobalOauthSettings']
        .slice(0, n)
        .map((type) => `<queries><type>${type}</type></queries>`)
        .join('');
    expect((await call('listMetadata', `${queries(3)}<asOfVersion>64.0</asOfVersion>`)).status).to.equal(200);
    const listed = await call('listMetadata', `${queries(4)}<asOfVersion>64.0</asOfVersion>`);
    expect(listed.status).to.equal(500);
    expect(listed.body).to.include('at most 3 queries');
  });

  it('creates, reads (with xsi:type, without secret), upserts, lists and deletes', async () => {
    const created = await call(
      'createMetadata',
      '<metadata xsi:type="ConnectedApp"><fullName>Crud_App</fullName><contactEmail>a@b.c</contactEmail><label>Crud</label>' +
        '<oauthConfig><callbackUrl>http://cb</callbackUrl><consumerSecret>superSecret1</consumerSecret><scopes>Api</scopes></oauthConfig></metadata>'
    );
    expect(childText(created.results[0], 'success')).to.equal('true');
    const read = await call('readMetadata', '<type>ConnectedApp</type><fullNames>Crud_App</fullNames>');
    expect(read.body).to.include('<records xsi:type="ConnectedApp"><fullName>Crud_App</fullName><contactEmail>a@b.c</contactEmail>');
    expect(read.body).to.not.include('superSecret1');
    expect(read.body).to.not.include('consumerSecret');
    const upserted = await call(
      'upsertMetadata',
      '<metadata xsi:type="ConnectedApp"><fullName>Crud_App</fullName><contactEmail>a@b.c</contactEmail><label>Crud 2</label></metadata>' +
        '<metadata xsi:type="ConnectedApp"><fullName>Crud_Two</fullName><contactEmail>a@b.c</contactEmail><label>Two</label></metadata>'
    );
    expect(upserted.results.map((r) => [childText(r, 'fullName'), childText(r, 'created'), childText(r, 'success')])).to.deep.equal([
      ['Crud_App', 'false', 'false'],
      ['Crud_Two', 'true', 'true'],
    ]);
    // removing OAuth from an existing app is refused per item, not as a fault
    expect(childText(child(upserted.results[0], 'errors'), 'statusCode')).to.equal('FIELD_INTEGRITY_EXCEPTION');
    const listed = await call('listMetadata', '<queries><type>ConnectedApp</type></queries><asOfVersion>64.0</asOfVersion>');
    expect(listed.results.map((r) => [childText(r, 'fullName'), childText(r, 'fileName'), childText(r, 'createdByName')])).to.deep.equal([
      ['Crud_App', 'connectedApps/Crud_App.connectedApp', 'Ada Admin'],
      ['Crud_Two', 'connectedApps/Crud_Two.connectedApp', 'Ada Admin'],
    ]);
    expect(childText(listed.results[0], 'id')).to.match(/^0H4/);
    const deleted = await call('deleteMetadata', '<type>ConnectedApp</type><fullNames>Crud_Two</fullNames><fullNames>Ghost</fullNames>');
    expect(deleted.results.map((r) => childText(r, 'success'))).to.deep.equal(['true', 'false']);
    expect(childText(child(deleted.results[1], 'errors'), 'message')).to.equal('In field: fullName - no ConnectedApp named Ghost found');
  });

  it('returns per-item errors for semantic failures and required fields', async () => {
    const { status, results: items } = await call(
      'createMetadata',
      '<metadata xsi:type="ConnectedApp"><fullName>No_Email</fullName><label>X</label></metadata>' +
        '<metadata xsi:type="ConnectedApp"><fullName>Bad_Profile</fullName><contactEmail>a@b.c</contactEmail><label>X</label>' +
        '<oauthConfig><callbackUrl>http://cb</callbackUrl><isAdminApproved>true</isAdminApproved></oauthConfig><profileName>Ghost</profileName></metadata>'
    );
    expect(status).to.equal(200);
    expect(items.map((r) => [childText(child(r, 'errors'), 'statusCode'), childText(child(r, 'errors'), 'message')])).to.deep.equal([
      ['REQUIRED_FIELD_MISSING', 'Required field is missing: contactEmail'],
      ['INVALID_CROSS_REFERENCE_KEY', 'In field: profileName - no Profile named Ghost found'],
    ]);
  });

  it('faults the whole CRUD request on an xsd-level error (bad enum), as Salesforce does', async () => {
    const response = await handleMetadataSoap(
      envelope('createMetadata', '<metadata xsi:type="ConnectedApp"><fullName>E</fullName><contactEmail>a</contactEmail><label>X</label><oauthConfig><callbackUrl>u</callbackUrl><scopes>api</scopes></oauthConfig></metadata>'),
      ctx
    );
    expect(response.status).to.equal(500);
    expect(response.body).to.include('<faultcode>soapenv:Client</faultcode>');
    expect(response.body).to.include("'api' is not a valid value for the enum 'ConnectedAppOauthAccessScope'");
    expect(store.read('ConnectedApp', 'E')).to.equal(undefined);
  });

  it('blocks connected app creation through createMetadata with the agreed message', async () => {
    store.settings.allowConnectedAppCreation = false;
    const { results: items } = await call('createMetadata', '<metadata xsi:type="ConnectedApp"><fullName>Blocked</fullName><contactEmail>a</contactEmail><label>X</label></metadata>');
    expect(childText(child(items[0], 'errors'), 'message')).to.equal(CONNECTED_APP_CREATION_BLOCKED);
    expect(childText(child(items[0], 'errors'), 'statusCode')).to.equal('FIELD_INTEGRITY_EXCEPTION');
  });

  describe('deploy', () => {
    it('deploys a real zip and reports Salesforce-shaped details', async () => {
      const result = await deploy({
        'package.xml': PACKAGE('<types><members>Zip_App</members><name>ConnectedApp</name></types>'),
        'connectedApps/Zip_App.connectedApp': CA_FILE('Zip_App'),
      });
      expect(childText(result, 'done')).to.equal('true');
      expect(childText(result, 'status')).to.equal('Succeeded');
      expect(childText(result, 'success')).to.equal('true');
      expect(childText(result, 'numberComponentsTotal')).to.equal('1');
      expect(childText(result, 'numberComponentsDeployed')).to.equal('1');
      expect(childText(result, 'numberComponentErrors')).to.equal('0');
      expect(childText(result, 'createdByName')).to.equal('Ada Admin');
      const successes = children(child(result, 'details'), 'componentSuccesses');
      expect(successes.map((s) => [childText(s, 'fileName'), childText(s, 'componentType'), childText(s, 'created')])).to.deep.equal([
        ['package.xml', '', 'false'],
        ['connectedApps/Zip_App.connectedApp', 'ConnectedApp', 'true'],
      ]);
      expect(store.lookupApp('Zip_AppKey123').state).to.equal('live');
      // redeploy unchanged but without the key and secret (a connected app that exists takes no consumer key):
      // neither created nor changed
      const withoutCredentials = CA_FILE('Zip_App').replace(/<consumerKey>[^<]*<\/consumerKey><consumerSecret>[^<]*<\/consumerSecret>/, '');
      const again = await deploy({
        'package.xml': PACKAGE('<types><members>Zip_App</members><name>ConnectedApp</name></types>'),
        'connectedApps/Zip_App.connectedApp': withoutCredentials,
      });
      const second = children(child(again, 'details'), 'componentSuccesses')[1];
      expect([childText(second, 'created'), childText(second, 'changed')]).to.deep.equal(['false', 'false']);
    });

    it('refuses a redeploy of an existing connected app that carries its own consumer key (docs/salesforce-facts.md#f-ca-consumer-key-on-update)', async () => {
      const files = {
        'package.xml': PACKAGE('<types><members>Again_App</members><name>ConnectedApp</name></types>'),
        'connectedApps/Again_App.connectedApp': CA_FILE('Again_App'),
      };
      expect(childText(await deploy(files), 'status')).to.equal('Succeeded');
      const again = await deploy(files);
      expect(childText(again, 'status')).to.equal('Failed');
      const failure = child(child(again, 'details'), 'componentFailures');
      expect([childText(failure, 'fileName'), childText(failure, 'problem')]).to.deep.equal([
        'connectedApps/Again_App.connectedApp',
        'You cannot provide a Consumer Key',
      ]);
    });

    it('accepts elements in any order in a zip deploy (docs/salesforce-facts.md#f-md-element-order)', async () => {
      const misordered = CA_FILE('Loose_App')
        .replace('<contactEmail>ci@example.com</contactEmail><label>Loose_App</label>', '<label>Loose_App</label><contactEmail>ci@example.com</contactEmail>')
        .replace('<isAdminApproved>true</isAdminApproved><scopes>Api</scopes><scopes>RefreshToken</scopes>', '<scopes>Api</scopes><scopes>RefreshToken</scopes><isAdminApproved>true</isAdminApproved>');
      const result = await deploy({
        'package.xml': PACKAGE('<types><members>Loose_App</members><name>ConnectedApp</name></types>'),
        'connectedApps/Loose_App.connectedApp': misordered,
      });
      expect(childText(result, 'status')).to.equal('Succeeded');
      const lookup = store.lookupApp('Loose_AppKey123');
      expect(lookup.state === 'live' && lookup.app.permittedUsers).to.equal('AdminApprovedPreAuthorized');
    });

    it('refuses elements out of sequence order in createMetadata, updateMetadata and upsertMetadata (docs/salesforce-facts.md#f-md-element-order)', async () => {
      for (const op of ['createMetadata', 'updateMetadata', 'upsertMetadata']) {
        const response = await handleMetadataSoap(
          envelope(op, '<metadata xsi:type="ConnectedApp"><fullName>Order_App</fullName><label>X</label><contactEmail>a@b.c</contactEmail></metadata>'),
          ctx
        );
        expect(response.status, op).to.equal(500);
        expect(response.body, op).to.include('<faultcode>soapenv:Client</faultcode>');
        expect(response.body, op).to.include(`Element {${NS}}contactEmail invalid at this location in type ConnectedApp`);
      }
      const nested = await handleMetadataSoap(
        envelope(
          'createMetadata',
          '<metadata xsi:type="ConnectedApp"><fullName>Order_App</fullName><contactEmail>a@b.c</contactEmail><label>X</label>' +
            '<oauthConfig><callbackUrl>http://cb</callbackUrl><scopes>Api</scopes><isAdminApproved>true</isAdminApproved></oauthConfig></metadata>'
        ),
        ctx
      );
      expect(nested.body).to.include(`Element {${NS}}isAdminApproved invalid at this location in type ConnectedAppOauthConfig`);
      expect(store.read('ConnectedApp', 'Order_App')).to.equal(undefined);
    });

    it('fails a file with an unknown element with a componentFailure and rolls back the rest', async () => {
      const bad = CA_FILE('Bad_App').replace('<label>Bad_App</label>', '<label>Bad_App</label><bogus>1</bogus>');
      const result = await deploy({
        'package.xml': PACKAGE('<types><members>Good_App</members><members>Bad_App</members><name>ConnectedApp</name></types>'),
        'connectedApps/Good_App.connectedApp': CA_FILE('Good_App'),
        'connectedApps/Bad_App.connectedApp': bad,
      });
      expect(childText(result, 'status')).to.equal('Failed');
      expect(childText(result, 'success')).to.equal('false');
      expect(childText(result, 'numberComponentErrors')).to.equal('1');
      const failure = child(child(result, 'details'), 'componentFailures');
      expect(childText(failure, 'fileName')).to.equal('connectedApps/Bad_App.connectedApp');
      expect(childText(failure, 'fullName')).to.equal('Bad_App');
      expect(childText(failure, 'problemType')).to.equal('Error');
      expect(childText(failure, 'problem')).to.equal(`Element {${NS}}bogus invalid at this location in type ConnectedApp`);
      expect(store.read('ConnectedApp', 'Good_App')).to.equal(undefined);
    });

    it('applies the valid part when rollbackOnError is false', async () => {
      const result = await deploy(
        {
          'package.xml': PACKAGE('<types><members>Good_App</members><members>Ghost_App</members><name>ConnectedApp</name></types>'),
          'connectedApps/Good_App.connectedApp': CA_FILE('Good_App'),
        },
        DEPLOY_OPTIONS.replace('<rollbackOnError>true', '<rollbackOnError>false')
      );
      expect(childText(result, 'status')).to.equal('SucceededPartial');
      expect(childText(child(child(result, 'details'), 'componentFailures'), 'problem')).to.equal(
        "An object 'Ghost_App' of type ConnectedApp was named in package.xml, but was not found in zipped directory"
      );
      expect(store.read('ConnectedApp', 'Good_App')).to.not.equal(undefined);
    });

    it('honours checkOnly', async () => {
      const result = await deploy(
        { 'package.xml': PACKAGE('<types><members>Check_App</members><name>ConnectedApp</name></types>'), 'connectedApps/Check_App.connectedApp': CA_FILE('Check_App') },
        DEPLOY_OPTIONS.replace('<checkOnly>false', '<checkOnly>true')
      );
      expect(childText(result, 'status')).to.equal('Succeeded');
      expect(childText(result, 'checkOnly')).to.equal('true');
      expect(store.read('ConnectedApp', 'Check_App')).to.equal(undefined);
    });

    it('blocks new connected apps in a deploy', async () => {
      store.settings.allowConnectedAppCreation = false;
      const result = await deploy({ 'package.xml': PACKAGE('<types><members>Nope_App</members><name>ConnectedApp</name></types>'), 'connectedApps/Nope_App.connectedApp': CA_FILE('Nope_App') });
      expect(childText(result, 'status')).to.equal('Failed');
      expect(childText(child(child(result, 'details'), 'componentFailures'), 'problem')).to.equal(CONNECTED_APP_CREATION_BLOCKED);
    });

    it('deploys an ECA file set from a zip with a top folder (singlePackage=false)', async () => {
      const result = await deploy({
        'unpackaged/package.xml': PACKAGE(
          '<types><members>Zip_Eca</members><name>ExternalClientApplication</name></types>' +
            '<types><members>Zip_Eca_glbl</members><name>ExtlClntAppGlobalOauthSettings</name></types>' +
            '<types><members>Zip_Eca_oauth</members><name>ExtlClntAppOauthSettings</name></types>'
        ),
        'unpackaged/externalClientApps/Zip_Eca.eca': `<ExternalClientApplication xmlns="${NS}"><contactEmail>a@b.c</contactEmail><distributionState>Local</distributionState><label>Zip</label></ExternalClientApplication>`,
        'unpackaged/extlClntAppGlobalOauthSets/Zip_Eca_glbl.ecaGlblOauth': `<ExtlClntAppGlobalOauthSettings xmlns="${NS}"><callbackUrl>http://localhost:1717/OauthRedirect</callbackUrl><certificate>${testCertificate()}</certificate><consumerKey>zipEcaKey123</consumerKey><externalClientApplication>Zip_Eca</externalClientApplication><label>g</label></ExtlClntAppGlobalOauthSettings>`,
        'unpackaged/extlClntAppOauthSettings/Zip_Eca_oauth.ecaOauth': `<ExtlClntAppOauthSettings xmlns="${NS}"><commaSeparatedOauthScopes>Api, RefreshToken</commaSeparatedOauthScopes><externalClientApplication>Zip_Eca</externalClientApplication><label>o</label></ExtlClntAppOauthSettings>`,
      }, DEPLOY_OPTIONS.replace('<singlePackage>true', '<singlePackage>false'));
      expect(childText(result, 'status')).to.equal('Succeeded');
      const lookup = store.lookupApp('zipEcaKey123');
      expect(lookup.state === 'live' && lookup.app.scopes).to.deep.equal(['Api', 'RefreshToken']);
    });

    it('goes Pending/InProgress before it is done, and can be canceled while queued', async () => {
      ctx.jobDurationMs = 1000;
      ctx.now = (): number => clock;
      const zip = await zipOf({ 'package.xml': PACKAGE('<types><members>Slow_App</members><name>ConnectedApp</name></types>'), 'connectedApps/Slow_App.connectedApp': CA_FILE('Slow_App') });
      const id = childText((await call('deploy', `<ZipFile>${zip}</ZipFile>${DEPLOY_OPTIONS}`)).results[0], 'id') as string;
      const poll = async (): Promise<XmlElement> => (await call('checkDeployStatus', `<asyncProcessId>${id}</asyncProcessId><includeDetails>true</includeDetails>`)).results[0];
      expect([childText(await poll(), 'status'), childText(await poll(), 'done')]).to.deep.equal(['Pending', 'false']);
      clock += 600;
      expect(childText(await poll(), 'status')).to.equal('InProgress');
      clock += 400;
      expect(childText(await poll(), 'status')).to.equal('Succeeded');

      const id2 = childText((await call('deploy', `<ZipFile>${zip}</ZipFile>${DEPLOY_OPTIONS}`)).results[0], 'id') as string;
      const canceled = await call('cancelDeploy', `<id>${id2}</id>`);
      expect(childText(canceled.results[0], 'done')).to.equal('true');
      const after = (await call('checkDeployStatus', `<asyncProcessId>${id2}</asyncProcessId><includeDetails>true</includeDetails>`)).results[0];
      expect(childText(after, 'status')).to.equal('Canceled');
    });
  });

  it('retrieves a real zip in Metadata API format without consumer secrets', async () => {
    await deploy({ 'package.xml': PACKAGE('<types><members>Ret_App</members><name>ConnectedApp</name></types>'), 'connectedApps/Ret_App.connectedApp': CA_FILE('Ret_App') });
    const started = await call(
      'retrieve',
      '<request><apiVersion>64.0</apiVersion><singlePackage>true</singlePackage><unpackaged><types><members>Ret_App</members><members>Ghost</members><name>ConnectedApp</name></types><version>64.0</version></unpackaged></request>'
    );
    const id = childText(started.results[0], 'id') as string;
    const result = (await call('checkRetrieveStatus', `<asyncProcessId>${id}</asyncProcessId>`)).results[0];
    expect(childText(result, 'status')).to.equal('Succeeded');
    expect(childText(child(result, 'messages'), 'problem')).to.equal("Entity of type 'ConnectedApp' named 'Ghost' cannot be found");
    const zip = await JSZip.loadAsync(Buffer.from(childText(result, 'zipFile') as string, 'base64'));
    expect(Object.keys(zip.files).filter((name) => !zip.files[name].dir).sort()).to.deep.equal(['connectedApps/Ret_App.connectedApp', 'package.xml']);
    const file = await zip.files['connectedApps/Ret_App.connectedApp'].async('string');
    expect(file).to.include('<consumerKey>Ret_AppKey123</consumerKey>');
    expect(file).to.not.include('consumerSecret');
    expect(await zip.files['package.xml'].async('string')).to.include('<members>Ret_App</members>');
  });

  it('serves the REST deploy resource from a multipart upload', async () => {
    const zip = Buffer.from(
      await zipOf({ 'package.xml': PACKAGE('<types><members>Rest_App</members><name>ConnectedApp</name></types>'), 'connectedApps/Rest_App.connectedApp': CA_FILE('Rest_App') }),
      'base64'
    );
    const boundary = 'xyzBOUNDARY';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="entity_content"\r\nContent-Type: application/json\r\n\r\n`),
      Buffer.from(JSON.stringify({ deployOptions: { rollbackOnError: true, checkOnly: false, singlePackage: true } })),
      Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="package.xml"\r\nContent-Type: application/zip\r\n\r\n`),
      zip,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const created = await handleRestDeploy(
      { method: 'POST', path: '/metadata/deployRequest', contentType: `multipart/form-data; boundary=${boundary}`, body, query: new URLSearchParams() },
      ctx,
      user
    );
    expect(created.status).to.equal(201);
    const { id } = JSON.parse(created.body) as { id: string };
    const polled = await handleRestDeploy(
      { method: 'GET', path: `/metadata/deployRequest/${id}`, contentType: '', body: Buffer.alloc(0), query: new URLSearchParams('includeDetails=true') },
      ctx,
      user
    );
    const { deployResult } = JSON.parse(polled.body) as { deployResult: { status: string; done: boolean; details: { componentSuccesses: Array<{ fileName: string }> } } };
    expect(deployResult.status).to.equal('Succeeded');
    expect(deployResult.done).to.equal(true);
    expect(deployResult.details.componentSuccesses.map((s) => s.fileName)).to.include('connectedApps/Rest_App.connectedApp');
    expect(store.read('ConnectedApp', 'Rest_App')).to.not.equal(undefined);
  });

  describe('through jsforce over HTTP', () => {
    let server: Server;
    let conn: Connection;

    beforeEach(async () => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          void handleMetadataSoap(Buffer.concat(chunks).toString('utf8'), ctx).then((r) => {
            res.writeHead(r.status, { 'Content-Type': r.contentType });
            res.end(r.body);
          });
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      conn = new Connection({ instanceUrl: url, accessToken: TOKEN, version: '64.0' });
    });

    afterEach(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('creates, reads and lists with the shapes jsforce expects', async () => {
      // jsforce writes elements in the object's key order: keys in sequence order, as the WSDL binds them.
      const saved = await conn.metadata.create('ConnectedApp', {
        fullName: 'Js_App',
        contactEmail: 'a@b.c',
        label: 'Js',
        oauthConfig: { callbackUrl: 'http://cb', consumerKey: 'jsforceKey1', isAdminApproved: true, scopes: ['Api', 'Web'] } as never,
        profileName: ['System Administrator'],
      } as never);
      expect(saved).to.deep.include({ fullName: 'Js_App', success: true });
      const read = (await conn.metadata.read('ConnectedApp', 'Js_App')) as unknown as { fullName: string; oauthConfig: { consumerKey: string; scopes: string[] } };
      expect(read.fullName).to.equal('Js_App');
      expect(read.oauthConfig.consumerKey).to.equal('jsforceKey1');
      const missing = (await conn.metadata.read('ConnectedApp', 'Missing_App')) as unknown as { fullName?: string };
      expect(missing.fullName).to.equal(undefined);
      const list = await conn.metadata.list([{ type: 'ConnectedApp' }], '64.0');
      expect((Array.isArray(list) ? list : [list]).map((p) => p.fullName)).to.deep.equal(['Js_App']);
      const failed = await conn.metadata.create('ConnectedApp', { fullName: 'Js_App', contactEmail: 'a', label: 'x' } as never);
      expect(failed).to.deep.include({ success: false });
    });

    it('surfaces faults with the prefixed error code', async () => {
      const bad = new Connection({ instanceUrl: conn.instanceUrl, accessToken: 'nope', version: '64.0' });
      try {
        await bad.metadata.describe('64.0');
        expect.fail('should have thrown');
      } catch (error) {
        expect((error as { errorCode?: string }).errorCode).to.equal('sf:INVALID_SESSION_ID');
      }
    });

    it('deploys a zip and polls it to completion', async () => {
      const zip = Buffer.from(
        await zipOf({ 'package.xml': PACKAGE('<types><members>Jsd_App</members><name>ConnectedApp</name></types>'), 'connectedApps/Jsd_App.connectedApp': CA_FILE('Jsd_App', '') }),
        'base64'
      );
      const started = await conn.metadata.deploy(zip, { rollbackOnError: true, singlePackage: true });
      const result = await conn.metadata.checkDeployStatus(started.id, true);
      expect(result.status).to.equal('Succeeded');
      expect(result.numberComponentsDeployed).to.equal(1);
    });
  });
});
