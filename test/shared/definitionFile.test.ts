/*
 * The definition file: the shipped schema (valid draft-07, and the command checks files with the same rules),
 * display's output read back as a definition, errors that name the file, the setting, the rule and the fix, the
 * layers preset < file < flags, every flag's way into both kinds' metadata, and the dry run against the emulator.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import {
  buildAppDefinition,
  type AppDefinitionContext,
  type AppDefinitionInput,
} from '../../src/model/appDefinition.js';
import { checkSchema, definitionSchema } from '../../src/model/definitionSchema.js';
import { parseDefinitionDocument } from '../../src/model/definitionDocument.js';
import { mergeSettings } from '../../src/model/appSettings.js';
import { loadDefinitionFile } from '../../src/files/definitionFile.js';
import { MASKED_SECRET } from '../../src/verbs/create/dryRun.js';
import { assertCreateInputs, resolveLayers } from '../../src/verbs/create/layers.js';
import { settingsFromFlags, type CreateFlagValues } from '../../src/cli/createFlags.js';

type ParsedSettingFlags = Partial<CreateFlagValues>;
import { buildConnectedApp } from '../../src/metadata/connectedApp.js';
import { buildExternalClientApp } from '../../src/metadata/externalClientApp.js';
import { toSourceXml } from '../../src/metadata/xml.js';
import type { AppKind, MetadataComponent, OAuthAppDefinition } from '../../src/model/appModel.js';
import { createApp, type CreateAppContext, type CreateAppRequest } from '../../src/verbs/create/createApp.js';
import { readComponent } from '../../src/org/metadataReads.js';
import { validateXmlDocument } from '../emulator/metadataSchema.js';
import { certificateBody } from '../../src/util/pem.js';
import { fullDefinition, PEM } from './appFixtures.js';
import { startEmulatorOrg, type EmulatorOrg, makeTestProject } from './emulatorOrg.js';

type ErrorWithActions = Error & { name: string; actions?: string[] };

const context = (kind: AppKind = 'ConnectedApp'): AppDefinitionContext => ({
  kind,
  defaultContactEmail: 'admin@example.com',
  defaultProfile: 'System Administrator',
  myDomainUrl: 'https://acme.my.salesforce.com',
});

function thrown(run: () => unknown): ErrorWithActions {
  try {
    run();
  } catch (error) {
    return error as ErrorWithActions;
  }
  throw new Error('expected an error');
}

async function rejected(promise: Promise<unknown>): Promise<ErrorWithActions> {
  return promise.then(
    () => expect.fail('expected an error'),
    (error: ErrorWithActions) => error
  );
}

/** What display --json returns for a definition: the definition plus kind and certificate expiry, no secret. */
function displayOutput(definition: OAuthAppDefinition, kind: AppKind): Record<string, unknown> {
  const { consumerSecret, ...shown } = definition;
  void consumerSecret;
  return { kind, ...shown, certificateExpires: '2030-01-01T00:00:00.000Z' };
}

/** An integration app like docs/salesforce-facts.md#f-integration-app-settings, written by hand the way a user would. */
const INTEGRATION_FILE = {
  $schema: './node_modules/sf-plugin-oauth-apps/schemas/app-definition.schema.json',
  name: 'Data_Sync',
  label: 'Data Sync',
  contactEmail: 'ops@example.com',
  scopes: ['full'],
  callbackUrlMyDomain: true,
  noCertificate: true,
  flows: {
    deviceFlow: true,
    clientCredentialsUser: 'integration@example.com',
    requireSecretForWebServer: true,
    requireSecretForRefreshToken: true,
    introspectAllTokens: true,
  },
  idToken: { validityMinutes: 10, audiences: ['https://sync.example.com'] },
  refreshTokenPolicy: 'inactive:7d',
  sessionTimeoutMinutes: 60,
  ipRelaxation: 'relax-refresh',
  permittedUsers: 'admin-approved',
  singleLogoutUrl: 'https://sync.example.com/logout',
};

describe('definitionFile', () => {
  describe('the schema', () => {
    // ajv is in node_modules through the toolchain (not a dependency of the plugin): the test's independent judge.
    const require = createRequire(import.meta.url);
    // eslint-disable-next-line @typescript-eslint/naming-convention
    const Ajv = require('ajv') as new (options: object) => {
      compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] };
      validateSchema(schema: object): boolean;
    };
    const ajv = new Ajv({ strict: true, allErrors: true, strictTypes: false });
    const validate = ajv.compile(definitionSchema());

    it('is a draft-07 schema with $schema and $id for editors', async () => {
      const raw = JSON.parse(await readFile(new URL('../../schemas/app-definition.schema.json', import.meta.url), 'utf8'));
      expect(raw.$schema).to.equal('http://json-schema.org/draft-07/schema#');
      expect(raw.$id).to.match(/^https:\/\/.*app-definition\.schema\.json$/);
      expect(ajv.validateSchema(raw)).to.equal(true);
      // Every setting says what it takes: that text is the fix in error messages.
      const undocumented = Object.entries(raw.properties as Record<string, { description?: string }>)
        .filter(([, property]) => !property.description)
        .map(([key]) => key);
      expect(undocumented).to.deep.equal([]);
    });

    const examples: Array<[string, unknown]> = [
      ['the integration example', INTEGRATION_FILE],
      ['a minimal file', { name: 'CI_App' }],
      ['display output of a connected app with every setting', displayOutput(fullDefinition(), 'ConnectedApp')],
      ['display output of an ECA', displayOutput({ ...fullDefinition(), certificate: undefined }, 'ExternalClientApplication')],
      ['an object refresh token policy', { refreshTokenPolicy: { type: 'specificLifetime', value: 3, unit: 'hours' } }],
    ];
    for (const [what, document] of examples) {
      it(`accepts ${what}, as ajv does`, () => {
        const json = JSON.parse(JSON.stringify(document)) as unknown;
        expect(validate(json), JSON.stringify(validate.errors)).to.equal(true);
        expect(checkSchema(json, definitionSchema())).to.deep.equal([]);
      });
    }

    const bad: Array<[string, unknown, string]> = [
      ['an unknown key', { name: 'A', callbackUrl: 'https://x.example.com' }, 'callbackUrl'],
      ['an unknown flow', { flows: { deviceFlows: true } }, 'flows.deviceFlows'],
      ['an ID token validity over 720', { idToken: { validityMinutes: 721 } }, 'idToken.validityMinutes'],
      ['a session timeout Salesforce does not offer', { sessionTimeoutMinutes: 45 }, 'sessionTimeoutMinutes'],
      ['a boolean as text', { flows: { pkceRequired: 'yes' } }, 'flows.pkceRequired'],
      ['an asset token without its certificate', { assetToken: { validityMinutes: 5 } }, 'assetToken.signingCertificate'],
      ['single logout over http', { singleLogoutUrl: 'http://x.example.com/logout' }, 'singleLogoutUrl'],
      ['a scope list as one string', { scopes: 'api web' }, 'scopes'],
      ['a bad refresh token object', { refreshTokenPolicy: { type: 'specificLifetime', value: 0, unit: 'days' } }, 'refreshTokenPolicy.value'],
      ['a bad permitted users value', { permittedUsers: 'everyone' }, 'permittedUsers'],
    ];
    for (const [what, document, path] of bad) {
      it(`refuses ${what}, as ajv does, naming ${path}`, () => {
        expect(validate(document)).to.equal(false);
        const problems = checkSchema(document, definitionSchema());
        expect(problems.map((p) => p.path)).to.include(path);
      });
    }
  });

  describe('reading a file', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'definition-file-'));
    });
    after(async () => rm(dir, { recursive: true, force: true }));

    const write = async (name: string, content: string): Promise<string> => {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    };

    it('display output read back builds the same app, for both kinds', () => {
      for (const kind of ['ConnectedApp', 'ExternalClientApplication'] as const) {
        const original = fullDefinition();
        const { settings, warnings } = parseDefinitionDocument(displayOutput(original, kind), 'shown.json');
        // A new app gets a new key: the file's is ignored, and said so.
        expect(warnings.join('\n')).to.match(/shown\.json: consumerKey is ignored/);
        const rebuilt = buildAppDefinition({ ...(settings as AppDefinitionInput), consumerKey: original.consumerKey }, context(kind));
        const { consumerSecret, ...expected } = original;
        void consumerSecret;
        expect(rebuilt.definition).to.deep.equal(expected);
      }
    });

    it('takes the whole --json output of display (status, result, warnings)', async () => {
      const path = await write('envelope.json', JSON.stringify({ status: 0, result: displayOutput(fullDefinition(), 'ConnectedApp'), warnings: [] }));
      const { settings } = await loadDefinitionFile(path);
      expect(settings).to.include({ name: 'Full_App', refreshTokenPolicy: 'inactive:7h', ipRelaxation: 'BYPASS_2FACTOR' });
    });

    it('a display output without a certificate describes a web-only app; a hand-written file gets a generated one', () => {
      const shown = parseDefinitionDocument(displayOutput({ ...fullDefinition(), certificate: undefined }, 'ExternalClientApplication'), 'a.json');
      expect(shown.settings.noCertificate).to.equal(true);
      expect(parseDefinitionDocument({ name: 'CI_App' }, 'b.json').settings.noCertificate).to.equal(undefined);
      // display left the certificate out as unknown (its component missing or unreadable): not "no certificate".
      const { callbackUrls, ...unknown } = displayOutput({ ...fullDefinition(), certificate: undefined }, 'ExternalClientApplication');
      void callbackUrls;
      const partial = parseDefinitionDocument({ ...unknown, unknownSettings: ['callbackUrls', 'certificate', 'flows', 'idToken'] }, 'd.json');
      expect(partial.settings.noCertificate).to.equal(undefined);
      expect(partial.settings).to.not.have.property('callbackUrls');
      // A base64 body (as some orgs return it) becomes PEM.
      const base64 = certificateBody(PEM);
      const body = parseDefinitionDocument({ certificate: base64 }, 'c.json');
      expect(body.settings.certificatePem).to.match(/^-----BEGIN CERTIFICATE-----\n/);
      expect(certificateBody(body.settings.certificatePem!)).to.equal(base64);
      // Garbage is refused with the file and the setting named, before any request (issue 10 item 8).
      for (const garbage of ['MIIBfake', '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n', 'hello']) {
        expect(() => parseDefinitionDocument({ certificate: garbage }, 'c.json'), garbage).to.throw(/c\.json.*certificate/);
      }
    });

    it('refuses an unknown key, naming the file, the key and the valid settings', async () => {
      const path = await write('typo.json', JSON.stringify({ name: 'A', callbackURL: ['https://x.example.com'] }));
      const error = await rejected(loadDefinitionFile(path));
      expect(error.name).to.equal('InvalidDefinitionFileError');
      expect(error.message).to.include(path).and.include('callbackURL is not a setting');
      expect(error.actions!.join('\n')).to.include('callbackUrls').and.include('scopes').and.include('$schema');
    });

    it('lists every broken rule at once, each with its fix', () => {
      const error = thrown(() =>
        parseDefinitionDocument({ idToken: { validityMinutes: 900 }, sessionTimeoutMinutes: 45, flows: { pkceRequired: 'yes' } }, 'app.json')
      );
      expect(error.message).to.include('app.json');
      expect(error.message).to.include('idToken.validityMinutes must be at most 720 (got 900)');
      expect(error.message).to.include('sessionTimeoutMinutes must be one of 15, 30, 60');
      expect(error.message).to.include('flows.pkceRequired must be a boolean (got string "yes")');
      expect(error.actions).to.include('idToken.validityMinutes: ID token validity: 1 to 720 minutes (default 2).');
    });

    it('checks values the schema cannot judge, naming the file and the setting, with the fix', () => {
      const scope = thrown(() => parseDefinitionDocument({ scopes: ['api', 'everything'] }, 'app.json'));
      expect(scope.name).to.equal('InvalidSettingValueError');
      expect(scope.message).to.include('app.json').and.include('scopes').and.include('everything');
      expect(scope.actions!.join(' ')).to.include('refresh_token');

      const url = thrown(() => parseDefinitionDocument({ callbackUrls: ['https://ok.example.com', 'http://example.com/cb'] }, 'app.json'));
      expect(url.message).to.include('callbackUrls[1]').and.include('http://example.com/cb');
      expect(url.actions!.join(' ')).to.include('https://');

      const policy = thrown(() => parseDefinitionDocument({ refreshTokenPolicy: '90 fortnights' }, 'app.json'));
      expect(policy.message).to.include('refreshTokenPolicy');
      const noValue = thrown(() => parseDefinitionDocument({ refreshTokenPolicy: { type: 'specificInactivity' } }, 'app.json'));
      expect(noValue.message).to.include('needs a value and a unit');
      const name = thrown(() => parseDefinitionDocument({ name: 'Bad__Name' }, 'app.json'));
      expect(name.message).to.include('app.json').and.include('name');
    });

    it('says a secret in the file is ignored', () => {
      const { settings, warnings } = parseDefinitionDocument({ name: 'A', consumerSecret: 'abc12345' }, 'app.json');
      expect(warnings.join(' ')).to.include('consumerSecret is ignored');
      expect(settings).to.not.have.property('consumerSecret');
    });

    it('explains a file that is not JSON or not there; a BOM is fine', async () => {
      const broken = await write('broken.json', '{ "name": "A", }');
      expect((await rejected(loadDefinitionFile(broken))).name).to.equal('DefinitionFileNotJsonError');
      expect((await rejected(loadDefinitionFile(join(dir, 'missing.json')))).name).to.equal('DefinitionFileUnreadableError');
      const bom = await write('bom.json', '\uFEFF{ "name": "Bom_App" }');
      expect((await loadDefinitionFile(bom)).settings.name).to.equal('Bom_App');
      const array = await write('array.json', '[]');
      expect((await rejected(loadDefinitionFile(array))).message).to.include('(document) must be an object');
    });
  });

  describe('layers: preset < definition file < flags', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'definition-layers-'));
    });
    after(async () => rm(dir, { recursive: true, force: true }));

    it('merges later over earlier, token settings field by field, false switching them off', () => {
      const merged = mergeSettings(
        { scopes: ['full'], deviceFlow: true, idToken: { validityMinutes: 5, includeCustomAttributes: true } },
        { scopes: ['api'], idToken: { validityMinutes: 10 }, label: 'From file' },
        { label: undefined, idToken: { audiences: ['https://a.example.com'] }, deviceFlow: false }
      );
      expect(merged).to.deep.equal({
        scopes: ['api'],
        deviceFlow: false,
        label: 'From file',
        idToken: { validityMinutes: 10, includeCustomAttributes: true, audiences: ['https://a.example.com'] },
      });
      expect(mergeSettings({ assetToken: { signingCertificate: 'X' } }, { assetToken: false }).assetToken).to.equal(false);
    });

    it('the preset lies under the file, the file under the flags; the name may come from the file', async () => {
      const path = join(dir, 'app.json');
      await writeFile(path, JSON.stringify({ name: 'File_App', scopes: ['api', 'openid'], flows: { deviceFlow: false, clientCredentialsUser: 'file@example.com' } }));
      const resolved = await resolveLayers(
        { ...settingsFromFlags({ preset: 'integration', 'definition-file': path, 'client-credentials-user': 'flag@example.com', label: 'Flag Label' }) },
        () => {}
      );
      expect(resolved).to.include({
        name: 'File_App', // file
        label: 'Flag Label', // flag
        deviceFlow: false, // file over preset
        introspectAllTokens: true, // preset
        clientCredentialsUser: 'flag@example.com', // flag over file
        callbackUrlMyDomain: true, // preset
      });
      expect(resolved.scopes).to.deep.equal(['api', 'openid']);
      const byFlag = await resolveLayers({ ...settingsFromFlags({ 'definition-file': path, name: 'Flag_App' }) }, () => {});
      expect(byFlag.name).to.equal('Flag_App');
    });

    it('needs a name from somewhere', async () => {
      const resolved = await resolveLayers({ ...settingsFromFlags({ preset: 'jwt' }) }, () => {});
      const error = await rejected(Promise.resolve().then(() => assertCreateInputs(resolved)));
      expect(error.name).to.equal('MissingInputsError');
      expect(error.actions!.join(' ')).to.include('--name');
    });

    it('a certificate on the command line replaces the file\'s, and --no-certificate drops it', async () => {
      const path = join(dir, 'cert.json');
      await writeFile(path, JSON.stringify({ name: 'Cert_App', certificate: PEM }));
      const withFile = await resolveLayers({ definitionFile: path, certificateFile: 'mine.crt' }, () => {});
      expect(withFile.certificatePem).to.equal(undefined);
      const off = await resolveLayers({ definitionFile: path, noCertificate: true }, () => {});
      expect(off.certificatePem).to.equal(undefined);
      const kept = await resolveLayers({ definitionFile: path }, () => {});
      expect(kept.certificatePem).to.equal(PEM);
      const web = await resolveLayers({ name: 'W', preset: 'web', jwtKeyFile: 'key.pem' }, () => {});
      expect(web.noCertificate).to.equal(false);
    });

    it('a setting the kind lacks: a warning from a file or preset, an error from a flag', async () => {
      const fromPreset = await resolveLayers({ name: 'Dev_App', preset: 'integration', clientCredentialsUser: 'u@example.com' }, () => {});
      const built = buildAppDefinition(fromPreset, { ...context(), insistedSettings: fromPreset.insistedSettings });
      expect(built.warnings.join(' ')).to.include('flows.deviceFlow cannot be set');
      const fromFlag = await resolveLayers({ ...settingsFromFlags({ name: 'Dev_App', 'device-flow': true }) }, () => {});
      const error = thrown(() => buildAppDefinition(fromFlag, { ...context(), insistedSettings: fromFlag.insistedSettings }));
      expect(error.name).to.equal('UnsupportedSettingError');
      expect(error.actions!.join(' ')).to.include('sf external-client-app create');
      // The External Client App takes it either way.
      expect(buildAppDefinition(fromFlag, { ...context('ExternalClientApplication'), insistedSettings: fromFlag.insistedSettings }).definition.flows.deviceFlow).to.equal(true);
    });
  });

  describe('every flag reaches the right metadata element of both kinds', () => {
    type Case = {
      flags: ParsedSettingFlags;
      /** Path in the ConnectedApp content (undefined: a connected app cannot carry it). */
      ca?: [string, unknown];
      /** ECA component type and the path in its content. */
      eca: [string, string, unknown];
    };
    const glbl = 'ExtlClntAppGlobalOauthSettings';
    const oauth = 'ExtlClntAppOauthSettings';
    const plcy = 'ExtlClntAppOauthConfigurablePolicies';
    const header = 'ExternalClientApplication';
    const cases: Case[] = [
      { flags: { 'contact-phone': '+1 415 555 0100' }, ca: ['contactPhone', '+1 415 555 0100'], eca: [header, 'contactPhone', '+1 415 555 0100'] },
      { flags: { 'permitted-users': 'all-users' }, ca: ['oauthConfig.isAdminApproved', false], eca: [plcy, 'permittedUsersPolicyType', 'AllSelfAuthorized'] },
      { flags: { 'ip-relaxation': 'bypass-2fa' }, ca: ['oauthPolicy.ipRelaxation', 'BYPASS_2FACTOR'], eca: [plcy, 'ipRelaxationPolicyType', 'Bypass_2factor'] },
      { flags: { 'device-flow': true }, eca: [glbl, 'isDeviceFlowEnabled', true] },
      { flags: { 'client-credentials-user': 'run@example.com' }, ca: ['oauthConfig.oauthClientCredentialUser', 'run@example.com'], eca: [plcy, 'clientCredentialsFlowUser', 'run@example.com'] },
      { flags: { 'client-credentials-user': 'run@example.com' }, ca: ['oauthConfig.isClientCredentialEnabled', true], eca: [glbl, 'isClientCredentialsFlowEnabled', true] },
      { flags: { 'client-credentials-user': 'run@example.com' }, ca: ['oauthConfig.isClientCredentialEnabled', true], eca: [plcy, 'isClientCredentialsFlowEnabled', true] },
      { flags: { 'code-credential': true }, ca: ['oauthConfig.isCodeCredentialEnabled', true], eca: [glbl, 'isCodeCredFlowEnabled', true] },
      { flags: { 'code-credential': true, 'code-credential-post-only': true }, ca: ['oauthConfig.isCodeCredentialPostOnly', true], eca: [glbl, 'isCodeCredPostOnly', true] },
      { flags: { 'require-secret-for-web-server': true }, ca: ['oauthConfig.isConsumerSecretOptional', false], eca: [glbl, 'isConsumerSecretOptional', false] },
      { flags: { 'require-secret-for-refresh-token': true }, ca: ['oauthConfig.isSecretRequiredForRefreshToken', true], eca: [glbl, 'isSecretRequiredForRefreshToken', true] },
      { flags: { 'token-exchange': true, 'require-secret-for-token-exchange': true }, ca: ['oauthConfig.isSecretRequiredForTokenExchange', true], eca: [glbl, 'isSecretRequiredForTokenExchange', true] },
      { flags: { 'pkce-required': true }, ca: ['oauthConfig.isPkceRequired', true], eca: [glbl, 'isPkceRequired', true] },
      { flags: { 'pkce-required': false }, ca: ['oauthConfig.isPkceRequired', false], eca: [glbl, 'isPkceRequired', false] },
      { flags: { 'refresh-token-rotation': true }, ca: ['oauthConfig.isRefreshTokenRotationEnabled', true], eca: [glbl, 'isRefreshTokenRotationEnabled', true] },
      { flags: { 'token-exchange': true }, ca: ['oauthConfig.isTokenExchangeEnabled', true], eca: [plcy, 'isTokenExchangeFlowEnabled', true] },
      { flags: { 'introspect-all-tokens': true }, ca: ['oauthConfig.isIntrospectAllTokens', true], eca: [glbl, 'isIntrospectAllTokens', true] },
      { flags: { 'named-user-jwt': true }, ca: ['oauthConfig.isNamedUserJwtEnabled', true], eca: [glbl, 'isNamedUserJwtEnabled', true] },
      { flags: { 'id-token-validity': 30 }, ca: ['oauthConfig.idTokenConfig.idTokenValidity', 30], eca: [glbl, 'idTokenConfig.idTokenValidityInMinutes', 30] },
      { flags: { 'id-token': true }, ca: ['oauthConfig.idTokenConfig.idTokenValidity', 2], eca: [glbl, 'idTokenConfig.idTokenValidityInMinutes', 2] },
      { flags: { 'id-token-audience': ['https://a.example.com', 'https://b.example.com'] }, ca: ['oauthConfig.idTokenConfig.idTokenAudience', 'https://a.example.com\nhttps://b.example.com'], eca: [glbl, 'idTokenConfig.idTokenAudience', 'https://a.example.com\nhttps://b.example.com'] },
      { flags: { 'id-token-standard-claims': false }, ca: ['oauthConfig.idTokenConfig.idTokenIncludeStandardClaims', false], eca: [glbl, 'idTokenConfig.idTokenIncludeStandardClaims', false] },
      { flags: { 'id-token-custom-attributes': true }, ca: ['oauthConfig.idTokenConfig.idTokenIncludeAttributes', true], eca: [glbl, 'idTokenConfig.idTokenIncludeAttributes', true] },
      { flags: { 'id-token-custom-permissions': true }, ca: ['oauthConfig.idTokenConfig.idTokenIncludeCustomPerms', true], eca: [glbl, 'idTokenConfig.idTokenIncludeCustomPermissions', true] },
      { flags: { 'id-token': true }, ca: ['oauthConfig.scopes', ['Api', 'Web', 'RefreshToken', 'OpenID']], eca: [oauth, 'commaSeparatedOauthScopes', 'Api, Web, RefreshToken, OpenID'] },
      ...assetCases(),
      { flags: { 'single-logout-url': 'https://sso.example.com/logout' }, ca: ['oauthConfig.singleLogoutUrl', 'https://sso.example.com/logout'], eca: [oauth, 'singleLogoutUrl', 'https://sso.example.com/logout'] },
      { flags: { 'callback-url-my-domain': true }, ca: ['oauthConfig.callbackUrl', 'https://acme.my.salesforce.com'], eca: [glbl, 'callbackUrl', 'https://acme.my.salesforce.com'] },
      { flags: { 'callback-url-my-domain': true, 'callback-url': ['myapp://cb'] }, ca: ['oauthConfig.callbackUrl', 'myapp://cb\nhttps://acme.my.salesforce.com'], eca: [glbl, 'callbackUrl', 'myapp://cb\nhttps://acme.my.salesforce.com'] },
      { flags: { scopes: ['full', 'chatter_api'] }, ca: ['oauthConfig.scopes', ['Full', 'Chatter']], eca: [oauth, 'commaSeparatedOauthScopes', 'Full, Chatter'] },
      { flags: { 'refresh-token-policy': 'inactive:7d' }, ca: ['oauthPolicy.refreshTokenPolicy', 'specific_inactivity:7:DAYS'], eca: [plcy, 'refreshTokenPolicyType', 'SpecificInactivity'] },
      { flags: { 'session-timeout': 60 }, ca: ['sessionPolicy.sessionTimeout', 60], eca: [plcy, 'sessionTimeoutInMinutes', 60] },
    ];

    function assetCases(): Case[] {
      const base: ParsedSettingFlags = { scopes: ['api', 'openid'], 'asset-token-signing-certificate': 'Asset_Signer' };
      const at = 'oauthConfig.assetTokenConfig';
      return [
        { flags: base, ca: [`${at}.assetSigningCertId`, 'Asset_Signer'], eca: [oauth, 'assetTokenSigningCertificate', 'Asset_Signer'] },
        { flags: { ...base, 'asset-token-validity': 15 }, ca: [`${at}.assetValidityPeriod`, 15], eca: [oauth, 'assetTokenValidity', 15] },
        { flags: { ...base, 'asset-token-audience': ['https://dev.example.com'] }, ca: [`${at}.assetAudiences`, 'https://dev.example.com'], eca: [oauth, 'assetTokenAudiences', 'https://dev.example.com'] },
        { flags: { ...base, 'asset-token-custom-attributes': true }, ca: [`${at}.assetIncludeAttributes`, true], eca: [oauth, 'areAttributesIncludedInAssetToken', true] },
        { flags: { ...base, 'asset-token-custom-permissions': true }, ca: [`${at}.assetIncludeCustomPerms`, true], eca: [oauth, 'areCustomPermsIncludedInAssetToken', true] },
      ];
    }

    const pick = (content: Record<string, unknown>, path: string): unknown =>
      path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], content);

    async function components(flags: ParsedSettingFlags, kind: AppKind): Promise<MetadataComponent[]> {
      const input = await resolveLayers({ name: 'Flag_App', ...settingsFromFlags(flags) }, () => {});
      const { definition } = buildAppDefinition(input, { ...context(kind), insistedSettings: [] });
      return kind === 'ConnectedApp' ? [buildConnectedApp(definition)] : buildExternalClientApp(definition);
    }

    for (const { flags, ca, eca } of cases) {
      const label = Object.entries(flags)
        .map(([flag, value]) => `--${flag}${value === true ? '' : `=${JSON.stringify(value)}`}`)
        .join(' ');
      it(`${label} -> ${ca ? ca[0] : '(not in a connected app)'} / ${eca[0]}.${eca[1]}`, async () => {
        const [app] = await components(flags, 'ConnectedApp');
        if (ca) expect(pick(app.content, ca[0])).to.deep.equal(ca[1]);
        const ecaComponents = await components(flags, 'ExternalClientApplication');
        const target = ecaComponents.find((c) => c.type === eca[0])!;
        expect(pick(target.content, eca[1])).to.deep.equal(eca[2]);
        // What is written validates against the Metadata API's definitions (the emulator's v63 schema).
        for (const component of [app, ...ecaComponents]) {
          expect(validateXmlDocument(toSourceXml(component)).problems, `${component.type}`).to.deep.equal([]);
        }
      });
    }

    it('flags not given stay out of the layer, so the file and preset show through', () => {
      expect(settingsFromFlags({})).to.deep.equal({});
      expect(settingsFromFlags({ 'id-token': false, 'asset-token': false })).to.deep.equal({ idToken: false, assetToken: false });
    });
  });

  describe('dry run against the emulator', function () {
    this.timeout(60_000);
    let org: EmulatorOrg;
    let project: string;

    before(async () => {
      org = await startEmulatorOrg();
      project = await makeTestProject(org.home, 'dry-');
    });
    after(async () => org?.close());

    const ctx = (kind: AppKind): CreateAppContext => ({
      kind,
      conn: org.conn,
      orgUsername: org.emulator.username,
      orgInstanceUrl: org.emulator.instanceUrl,
      apiVersion: org.conn.getApiVersion(),
      cwd: project,
      argv: [],
    });
    const request = (more: Partial<CreateAppRequest>): CreateAppRequest => ({ certificateDays: 30, waitMinutes: 1, ...more });
    const files = async (dir: string): Promise<string[]> =>
      (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
    const changing = (): string[] =>
      org.emulator
        .requests()
        .map((entry) => entry.operation ?? '')
        .filter((operation) => /deploy|create|update|upsert|delete|rename/i.test(operation));

    it('shows every component with the secret masked, deploys and writes nothing', async () => {
      const before = changing().length;
      const result = await createApp(
        request({ name: 'Dry_Eca', preset: 'integration', clientCredentialsUser: 'integration@oauthapps.emulator.org', showSecret: true, dryRun: true }),
        ctx('ExternalClientApplication')
      );
      expect(changing().length).to.equal(before);
      expect(await files(project)).to.deep.equal(['sfdx-project.json']);
      expect(result.dryRun!.components.map((c) => c.type)).to.deep.equal([
        'ExternalClientApplication',
        'ExtlClntAppGlobalOauthSettings',
        'ExtlClntAppOauthSettings',
        'ExtlClntAppOauthConfigurablePolicies',
        'ExtlClntAppConfigurablePolicies',
      ]);
      const global = result.dryRun!.components[1].xml;
      expect(global).to.include(`<consumerSecret>${MASKED_SECRET}</consumerSecret>`);
      expect(global).to.include(`<callbackUrl>${org.emulator.instanceUrl}</callbackUrl>`);
      expect(global).to.include('<isDeviceFlowEnabled>true</isDeviceFlowEnabled>');
      expect(result).to.not.have.property('consumerSecret');
      expect(result.deploy.requests).to.equal(0);
      for (const component of result.dryRun!.components) expect(validateXmlDocument(component.xml).problems).to.deep.equal([]);
      // The app does not exist afterwards.
      expect(await readComponent(org.conn, 'ExternalClientApplication', 'Dry_Eca')).to.equal(undefined);
    });

    it('with --output-dir writes the source files there, without the secret, and nothing else', async () => {
      const out = join(org.home, 'dry-out');
      const result = await createApp(
        request({ name: 'Dry_Ca', scopes: ['api'], requireSecretForWebServer: true, secretFile: join(org.home, 'never.txt'), outputDir: out, dryRun: true }),
        ctx('ConnectedApp')
      );
      expect(await files(out)).to.deep.equal(['main/default/connectedApps/Dry_Ca.connectedApp-meta.xml']);
      const xml = await readFile(join(out, 'main/default/connectedApps/Dry_Ca.connectedApp-meta.xml'), 'utf8');
      expect(xml).to.not.include('consumerSecret');
      // No key was generated, so no certificate is shown or written.
      expect(xml).to.not.include('<certificate>');
      expect(result.metadataPaths).to.deep.equal([join(out, 'main/default/connectedApps/Dry_Ca.connectedApp-meta.xml')]);
      expect(await files(project)).to.deep.equal(['sfdx-project.json']);
      expect(existsSync(join(org.home, 'never.txt'))).to.equal(false);
    });

    it('still refuses what a real creation would, before anything else', async () => {
      const noUser = await rejected(createApp(request({ name: 'Dry_Cc', clientCredentialsUser: 'nobody@example.com', showSecret: true, dryRun: true }), ctx('ExternalClientApplication')));
      expect(noUser.name).to.equal('UnknownClientCredentialsUserError');
      expect(noUser.message).to.include('nobody@example.com');
      const noSecret = await rejected(createApp(request({ name: 'Dry_Cc', preset: 'integration', clientCredentialsUser: 'integration@oauthapps.emulator.org', dryRun: true }), ctx('ExternalClientApplication')));
      expect(noSecret.name).to.equal('MissingInputsError');
      expect(noSecret.message).to.include('--secret-file').and.not.include('--client-credentials-user');
      const noRunAs = await rejected(createApp(request({ name: 'Dry_Cc', preset: 'integration', showSecret: true, dryRun: true }), ctx('ExternalClientApplication')));
      expect(noRunAs.name).to.equal('MissingInputsError');
      expect(noRunAs.message).to.include('--client-credentials-user').and.not.include('--secret-file');
    });

    it('names every missing input in one error, before asking the org anything', async () => {
      org.emulator.clearRequests();
      const error = await rejected(createApp(request({ preset: 'integration' }), ctx('ExternalClientApplication')));
      expect(error.name).to.equal('MissingInputsError');
      // The name, the run-as user and where the secret goes, each with the flag that gives it.
      expect(error.message).to.include('--name').and.include('--client-credentials-user').and.include('--secret-file');
      expect(error.actions).to.deep.equal(['Run the command again with: --name <name> --client-credentials-user <username> --secret-file <path>']);
      expect(org.emulator.requests()).to.deep.equal([]);
    });
  });
});
