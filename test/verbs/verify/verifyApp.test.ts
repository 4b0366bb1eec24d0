/*
 * verify against the emulator: each failing state is built in the org (real deploys and CRUD calls, org settings,
 * users), and the check that catches it is asserted with its fix. The org must see reads only.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { AppKind, OAuthAppDefinition } from '../../../src/model/appModel.js';
import { generateKeyAndCertificate } from '../../../src/model/certificate.js';
import { oauthPoliciesName, globalOauthSettingsName } from '../../../src/metadata/externalClientApp.js';
import { verifyApp, type VerifyOptions, type VerifyResult } from '../../../src/verbs/verify/verifyApp.js';
import {
  createConnectedApp,
  createExternalClientApp,
  definition,
  startEmulatorOrg,
  type EmulatorOrg,
} from '../../shared/emulatorOrg.js';

const KINDS: ReadonlyArray<{ kind: AppKind; topic: string; short: string }> = [
  { kind: 'ConnectedApp', topic: 'connected-app', short: 'Ca' },
  { kind: 'ExternalClientApplication', topic: 'external-client-app', short: 'Eca' },
];

/** Metadata writes and non-query REST calls: verify must send none. */
export const WRITE_OPERATIONS = /^(create|update|upsert|delete|rename|deploy|cancelDeploy)Metadata$|^deploy$|^cancelDeploy$/;

describe('verify against the emulator', function () {
  this.timeout(120_000);
  let org: EmulatorOrg;
  let dir: string;
  let goodKeyFile: string;
  let otherKeyFile: string;
  let certificateFile: string;
  const pair = generateKeyAndCertificate({ commonName: 'verify-test', days: 365 });
  const other = generateKeyAndCertificate({ commonName: 'verify-other', days: 365 });
  const expired = generateKeyAndCertificate({ commonName: 'verify-expired', days: 30, notBefore: new Date(Date.now() - 60 * 86_400_000) });
  const soon = generateKeyAndCertificate({ commonName: 'verify-soon', days: 10 });

  before(async () => {
    org = await startEmulatorOrg();
    // The emulator starts as a Dev Hub; the C-1016 test makes it one again.
    org.emulator.state.updateSettings({ isDevHub: false });
    dir = await mkdtemp(join(tmpdir(), 'verify-test-'));
    goodKeyFile = join(dir, 'good.key');
    otherKeyFile = join(dir, 'other.key');
    certificateFile = join(dir, 'server.crt');
    await writeFile(goodKeyFile, pair.privateKeyPem, { mode: 0o600 });
    await writeFile(otherKeyFile, other.privateKeyPem, { mode: 0o600 });
    await writeFile(certificateFile, pair.certificatePem);
    org.emulator.state.addUser({ username: 'gone@verify.test', firstName: 'Gone', lastName: 'User', profileName: 'System Administrator', permissionSets: [], isActive: false });
    org.emulator.state.addUser({ username: 'plain@verify.test', firstName: 'Plain', lastName: 'User', profileName: 'Standard User', permissionSets: [] });
  });
  after(async () => {
    await org?.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    org.emulator.state.setSandbox(false);
    org.emulator.state.updateSettings({ isDevHub: false });
    org.emulator.store.settings.liveDelayMs = 0;
  });

  const create = async (kind: AppKind, def: OAuthAppDefinition): Promise<void> =>
    kind === 'ConnectedApp' ? createConnectedApp(org.conn, def) : createExternalClientApp(org.conn, def);

  const verify = (kind: AppKind, name: string, options: Partial<VerifyOptions> = {}, cwd = dir): Promise<VerifyResult> =>
    verifyApp(
      org.conn,
      kind,
      {
        name,
        targetOrg: org.emulator.username,
        username: org.emulator.username,
        loginUrl: org.emulator.instanceUrl,
        loginCheck: false,
        ...options,
      },
      { cwd }
    );

  const byId = (result: VerifyResult, id: string): VerifyResult['checks'][number] => {
    const found = result.checks.find((c) => c.id === id);
    expect(found, `no check ${id} in ${JSON.stringify(result.checks, null, 1)}`).to.not.equal(undefined);
    return found!;
  };

  for (const { kind, topic, short } of KINDS) {
    describe(topic, () => {
      const healthy = `Ver_${short}_Ok`;
      before(async () => {
        await create(kind, definition(healthy, { certificate: pair.certificatePem, permissionSets: ['CLI_Access'] }));
      });

      it('passes every check of a healthy app, with --login-check, and sends no writes', async () => {
        org.emulator.clearRequests();
        const result = await verify(kind, healthy, { jwtKeyFile: goodKeyFile, loginCheck: true });
        expect(result.checks.filter((c) => c.status !== 'pass'), JSON.stringify(result.checks, null, 1)).to.deep.equal([]);
        expect(result.checks.map((c) => c.id)).to.include.members([
          'app', 'components', 'certificate', 'key-file', 'scopes', 'permitted-users', 'user', 'pre-authorization',
          'callback-url', 'login-url', 'dev-hub', 'jwt-access-tokens', 'login',
        ]);
        expect(result.failed).to.equal(0);
        const requests = org.emulator.requests();
        expect(requests.filter((r) => WRITE_OPERATIONS.test(r.operation ?? ''))).to.deep.equal([]);
        expect(requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/services/Soap/') && !r.path.endsWith('/oauth2/token'))).to.deep.equal([]);
        expect(requests.filter((r) => r.path.endsWith('/oauth2/token')).map((r) => r.operation)).to.deep.equal([
          'urn:ietf:params:oauth:grant-type:jwt-bearer',
        ]);
      });

      it('fails the app check for an app the org does not have, pointing at list', async () => {
        const result = await verify(kind, 'No_Such_App');
        expect(result.checks).to.have.length(1);
        expect(byId(result, 'app')).to.include({ status: 'fail', fix: `sf ${topic} list --target-org ${org.emulator.username}` });
      });

      it('fails the certificate check for an app without one (web only) and for an expired one; warns when it expires soon', async () => {
        await create(kind, definition(`Ver_${short}_NoCert`, { certificate: undefined }));
        await create(kind, definition(`Ver_${short}_Expired`, { certificate: expired.certificatePem }));
        await create(kind, definition(`Ver_${short}_Soon`, { certificate: soon.certificatePem }));
        const none = byId(await verify(kind, `Ver_${short}_NoCert`), 'certificate');
        expect(none).to.include({ status: 'fail', fix: `sf ${topic} rotate-certificate --name Ver_${short}_NoCert --target-org ${org.emulator.username}` });
        const old = byId(await verify(kind, `Ver_${short}_Expired`, { jwtKeyFile: goodKeyFile }), 'certificate');
        expect(old.status).to.equal('fail');
        expect(old.message).to.match(/expired on \d{4}-\d\d-\d\d \(30 days ago\)/);
        expect(old.fix).to.equal(`sf ${topic} rotate-certificate --name Ver_${short}_Expired --target-org ${org.emulator.username}`);
        const due = byId(await verify(kind, `Ver_${short}_Soon`), 'certificate');
        expect(due.status).to.equal('warn');
        expect(due.message).to.include('in 9 days');
      });

      it('fails the key-file check for a missing file, a certificate instead of a key, and a key of another certificate', async () => {
        const missing = byId(await verify(kind, healthy, { jwtKeyFile: join(dir, 'nope.key') }), 'key-file');
        expect(missing).to.include({ status: 'fail' });
        expect(missing.message).to.include('ENOENT');
        const notKey = byId(await verify(kind, healthy, { jwtKeyFile: certificateFile }), 'key-file');
        expect(notKey.status).to.equal('fail');
        expect(notKey.message).to.include('is not a private key sf can sign with (it is a certificate)');
        const wrong = byId(await verify(kind, healthy, { jwtKeyFile: otherKeyFile }), 'key-file');
        expect(wrong.status).to.equal('fail');
        expect(wrong.fix).to.equal(`sf ${topic} rotate-certificate --name ${healthy} --target-org ${org.emulator.username}`);
      });

      it('fails the scopes check without refresh_token and warns without web', async () => {
        await create(kind, definition(`Ver_${short}_Api`, { scopes: ['Api'] }));
        await create(kind, definition(`Ver_${short}_NoWeb`, { scopes: ['Api', 'RefreshToken'] }));
        const api = byId(await verify(kind, `Ver_${short}_Api`), 'scopes');
        expect(api).to.include({ status: 'fail', fix: `sf ${topic} update --name Ver_${short}_Api --target-org ${org.emulator.username} --add-scopes refresh_token,web` });
        const noWeb = byId(await verify(kind, `Ver_${short}_NoWeb`), 'scopes');
        expect(noWeb).to.include({ status: 'warn', fix: `sf ${topic} update --name Ver_${short}_NoWeb --target-org ${org.emulator.username} --add-scopes web` });
      });

      it('fails permitted users for a self-authorized app', async () => {
        await create(kind, definition(`Ver_${short}_Self`, { permittedUsers: 'AllSelfAuthorized', profiles: [], permissionSets: [] }));
        const result = await verify(kind, `Ver_${short}_Self`);
        expect(byId(result, 'permitted-users')).to.include({
          status: 'fail',
          fix: `sf ${topic} update --name Ver_${short}_Self --target-org ${org.emulator.username} --permitted-users admin-approved --add-profile 'System Administrator'`,
        });
      });

      it('fails the user check for an unknown or inactive user, and pre-authorization for a user the app does not admit', async () => {
        const unknown = await verify(kind, healthy, { username: 'nobody@verify.test' });
        expect(byId(unknown, 'user').status).to.equal('fail');
        expect(unknown.checks.some((c) => c.id === 'pre-authorization')).to.equal(false);
        const inactive = byId(await verify(kind, healthy, { username: 'gone@verify.test' }), 'user');
        const goneId = org.emulator.state.findUserByUsername('gone@verify.test')!.id;
        expect(inactive).to.include({
          status: 'fail',
          fix: `sf data update record --sobject User --record-id ${goneId} --values IsActive=true --target-org ${org.emulator.username}`,
        });
        const plain = await verify(kind, healthy, { username: 'plain@verify.test' });
        expect(byId(plain, 'user').status).to.equal('pass');
        expect(byId(plain, 'pre-authorization')).to.include({
          status: 'fail',
          fix: `sf org assign permset --name CLI_Access --on-behalf-of plain@verify.test --target-org ${org.emulator.username}`,
        });
      });

      it('warns when the callback URL lacks the project oauthLocalPort redirect', async () => {
        const project = await mkdtemp(join(tmpdir(), 'verify-project-'));
        await mkdir(join(project, 'force-app'));
        await writeFile(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], oauthLocalPort: 1919 }));
        try {
          const check = byId(await verify(kind, healthy, {}, project), 'callback-url');
          expect(check).to.include({
            status: 'warn',
            fix: `sf ${topic} update --name ${healthy} --target-org ${org.emulator.username} --add-callback-url http://localhost:1919/OauthRedirect`,
          });
        } finally {
          await rm(project, { recursive: true, force: true });
        }
      });

      it('fails the login URL of the other kind of org, and says which audience the org takes', async () => {
        const prod = byId(await verify(kind, healthy, { loginUrl: 'https://test.salesforce.com' }), 'login-url');
        expect(prod.status).to.equal('fail');
        expect(prod.message).to.include('https://login.salesforce.com');
        expect(prod.fix).to.include(`--instance-url ${org.emulator.instanceUrl}`);
        org.emulator.state.setSandbox(true);
        const sandbox = byId(await verify(kind, healthy, { loginUrl: 'https://login.salesforce.com' }), 'login-url');
        expect(sandbox.status).to.equal('fail');
        expect(sandbox.message).to.include('https://test.salesforce.com');
        expect(byId(await verify(kind, healthy, { loginUrl: 'https://test.salesforce.com' }), 'login-url').status).to.equal('pass');
        expect(byId(await verify(kind, healthy, { loginUrl: 'https://other.my.salesforce.com' }), 'login-url').status).to.equal('warn');
      });

      it('warns about JWT-based access tokens', async () => {
        const base = definition(`Ver_${short}_Jwt`);
        await create(kind, { ...base, flows: { ...base.flows, namedUserJwt: true } });
        expect(byId(await verify(kind, `Ver_${short}_Jwt`), 'jwt-access-tokens')).to.include({
          status: 'warn',
          fix: `sf ${topic} update --name Ver_${short}_Jwt --target-org ${org.emulator.username} --no-named-user-jwt`,
        });
      });

      it('classifies the login check: a wrong key fails, a user not pre-authorized fails, a new app is not live yet', async () => {
        const wrongKey = byId(await verify(kind, healthy, { jwtKeyFile: otherKeyFile, loginCheck: true }), 'login');
        expect(wrongKey.status).to.equal('fail');
        expect(wrongKey.message).to.include('invalid assertion');
        expect(wrongKey.fix).to.include('rotate-certificate');
        const plain = byId(await verify(kind, healthy, { jwtKeyFile: goodKeyFile, username: 'plain@verify.test', loginCheck: true }), 'login');
        expect(plain.status).to.equal('fail');
        expect(plain.message).to.include("user hasn't approved this consumer");
        org.emulator.store.settings.liveDelayMs = 600_000;
        await create(kind, definition(`Ver_${short}_New`, { certificate: pair.certificatePem }));
        const young = byId(await verify(kind, `Ver_${short}_New`, { jwtKeyFile: goodKeyFile, loginCheck: true }), 'login');
        expect(young.status).to.equal('warn');
        expect(young.message).to.match(/go live/);
      });
    });
  }

  it('warns about C-1016 for an External Client App in a Dev Hub, with sf\'s workaround; a connected app passes', async () => {
    await createExternalClientApp(org.conn, definition('Ver_Eca_Hub'));
    await createConnectedApp(org.conn, definition('Ver_Ca_Hub'));
    expect(byId(await verify('ExternalClientApplication', 'Ver_Eca_Hub'), 'dev-hub').status).to.equal('pass');
    org.emulator.state.updateSettings({ isDevHub: true });
    const eca = byId(await verify('ExternalClientApplication', 'Ver_Eca_Hub'), 'dev-hub');
    expect(eca).to.include({ status: 'warn', fix: 'export SF_SCRATCH_SIGNUP_CONNECTED_APP=PlatformCLI' });
    expect(eca.message).to.include('C-1016');
    expect(byId(await verify('ConnectedApp', 'Ver_Ca_Hub'), 'dev-hub').status).to.equal('pass');
  });

  it('fails the components check for an External Client App whose satellite was deleted', async () => {
    await createExternalClientApp(org.conn, definition('Ver_Eca_Hole'));
    await createExternalClientApp(org.conn, definition('Ver_Eca_NoGlobal'));
    await org.conn.metadata.delete('ExtlClntAppOauthConfigurablePolicies', [oauthPoliciesName('Ver_Eca_Hole')]);
    await org.conn.metadata.delete('ExtlClntAppGlobalOauthSettings', [globalOauthSettingsName('Ver_Eca_NoGlobal')]);
    const hole = byId(await verify('ExternalClientApplication', 'Ver_Eca_Hole'), 'components');
    expect(hole.status).to.equal('fail');
    expect(hole.message).to.include('ExtlClntAppOauthConfigurablePolicies');
    expect(hole.fix).to.equal(`sf project deploy start --metadata ExtlClntAppOauthConfigurablePolicies --target-org ${org.emulator.username}`);
    const noGlobal = byId(await verify('ExternalClientApplication', 'Ver_Eca_NoGlobal'), 'components');
    expect(noGlobal.status).to.equal('fail');
    expect(noGlobal.fix).to.include('sf external-client-app delete --name Ver_Eca_NoGlobal');
  });
});
