/*
 * The check modules as plain functions of the facts: no org, no files (except the key file reader's own test).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { AppKind, OAuthAppDefinition } from '../../../src/model/appModel.js';
import type { AppRecord } from '../../../src/org/inventory.js';
import { appKindInfo } from '../../../src/metadata/appKinds.js';
import { readPrivateKeyFile } from '../../../src/files/privateKeyFile.js';
import { generateKeyAndCertificate } from '../../../src/model/certificate.js';
import { accessChecks } from '../../../src/verbs/verify/accessChecks.js';
import { appChecks } from '../../../src/verbs/verify/appChecks.js';
import { certificateChecks } from '../../../src/verbs/verify/certificateChecks.js';
import { loginChecks, loginUrlCheck } from '../../../src/verbs/verify/loginChecks.js';
import { runChecks } from '../../../src/verbs/verify/verifyApp.js';
import type { VerifyFacts } from '../../../src/verbs/verify/types.js';
import { definition } from '../../shared/emulatorOrg.js';

const pair = generateKeyAndCertificate({ commonName: 'checks', days: 365, notBefore: new Date('2026-01-01T00:00:00Z') });
const NOW = new Date('2026-06-01T00:00:00Z');

function facts(kind: AppKind = 'ConnectedApp', overrides: Partial<OAuthAppDefinition> = {}, more: Partial<VerifyFacts> = {}): VerifyFacts {
  const def = definition('Checked', { certificate: pair.certificatePem, ...overrides });
  const record: AppRecord = { kind, name: 'Checked', components: appKindInfo(kind).build(def), definition: def, gaps: [], consumerKey: def.consumerKey };
  return {
    kind,
    now: NOW,
    options: {
      name: 'Checked',
      targetOrg: 'me@example.com',
      username: 'me@example.com',
      loginUrl: 'https://acme.my.salesforce.com',
      loginCheck: false,
    },
    record,
    consumerKey: def.consumerKey,
    user: { id: '005', username: 'me@example.com', profileName: 'System Administrator', permissionSets: [], isActive: true },
    org: { instanceUrl: 'https://acme.my.salesforce.com', isSandbox: false, isDevHub: false },
    oauthLocalPort: 1717,
    ...more,
  };
}

const find = (checks: ReturnType<typeof runChecks>, id: string): ReturnType<typeof runChecks>[number] | undefined =>
  checks.find((c) => c.id === id);

describe('verify checks', () => {
  it('a complete, healthy app passes everything', () => {
    const checks = runChecks(facts());
    expect(checks.filter((c) => c.status !== 'pass')).to.deep.equal([]);
    expect(checks.every((c) => c.fix === undefined)).to.equal(true);
  });

  it('app: without a record only the app check is made', () => {
    expect(runChecks(facts('ConnectedApp', {}, { record: undefined })).map((c) => c.id)).to.deep.equal(['app']);
  });

  it('components: a missing holder of settings is a failure, an unreadable one a warning that skips its checks', () => {
    const base = facts('ExternalClientApplication');
    const holder = { type: 'ExtlClntAppGlobalOauthSettings', path: [], settings: ['callbackUrls', 'certificate', 'flows', 'idToken'] as const, description: 'global OAuth settings' };
    const components = base.record!.components.filter((c) => c.type !== holder.type);
    const unreadable = { ...base, record: { ...base.record!, components, gaps: [{ ...holder, reason: 'unreadable' as const, detail: 'INSUFFICIENT_ACCESS' }] } };
    const checks = runChecks(unreadable);
    expect(find(checks, 'components')?.status).to.equal('warn');
    expect(find(checks, 'certificate')).to.include({ status: 'warn' });
    expect(find(checks, 'certificate')?.message).to.include('unreadable');
    expect(find(checks, 'callback-url')?.status).to.equal('warn');
    const missing = { ...base, record: { ...base.record!, components } };
    expect(appChecks(missing)[1]).to.include({ status: 'fail' });
    expect(appChecks(missing)[1].fix).to.include('sf external-client-app delete --name Checked');
  });

  it('components: an External Client App without plugin policies (as Setup makes many) is complete', () => {
    const base = facts('ExternalClientApplication');
    const components = base.record!.components.filter((c) => c.type !== 'ExtlClntAppConfigurablePolicies');
    expect(appChecks({ ...base, record: { ...base.record!, components } })[1].status).to.equal('pass');
  });

  it('certificate: the 30-day warning boundary', () => {
    const at = (iso: string): string => certificateChecks(facts('ConnectedApp', {}, { now: new Date(iso) }))[0].status;
    // Valid until 2027-01-01: 30 days left on 2026-12-02, 29 on 2026-12-03.
    expect(at('2026-12-02T00:00:00Z')).to.equal('pass');
    expect(at('2026-12-03T00:00:00Z')).to.equal('warn');
    expect(at('2027-01-01T00:00:01Z')).to.equal('fail');
    expect(at('2025-12-31T00:00:00Z')).to.equal('fail');
  });

  it('scopes: full covers api and web but not refresh_token', () => {
    expect(find(accessChecks(facts('ConnectedApp', { scopes: ['Full', 'RefreshToken'] })), 'scopes')?.status).to.equal('pass');
    const full = find(accessChecks(facts('ConnectedApp', { scopes: ['Full'] })), 'scopes');
    expect(full).to.include({ status: 'fail', fix: 'sf connected-app update --name Checked --target-org me@example.com --add-scopes refresh_token' });
  });

  it('pre-authorization: by an assigned permission set; without one, adding the profile is the fix when the app lists no permission set', () => {
    const withSet = facts('ConnectedApp', { profiles: [], permissionSets: ['CLI_Access'] });
    withSet.user = { ...withSet.user!, permissionSets: ['cli_access'] };
    expect(find(accessChecks(withSet), 'pre-authorization')?.status).to.equal('pass');
    const none = facts('ConnectedApp', { profiles: ['Integration'], permissionSets: [] });
    expect(find(accessChecks(none), 'pre-authorization')).to.include({
      status: 'fail',
      fix: "sf connected-app update --name Checked --target-org me@example.com --add-profile 'System Administrator'",
    });
  });

  describe('login URL and audience', () => {
    const url = (loginUrl: string, isSandbox: boolean | 'unknown' = false): { status: string; message: string } =>
      loginUrlCheck(
        facts('ConnectedApp', {}, {
          options: { ...facts().options, loginUrl },
          org: { instanceUrl: 'https://acme.my.salesforce.com', isSandbox: isSandbox === 'unknown' ? undefined : isSandbox, isDevHub: false },
        })
      );
    it('production: login.salesforce.com and the My Domain pass, test.salesforce.com fails', () => {
      expect(url('https://login.salesforce.com').status).to.equal('pass');
      expect(url('https://acme.my.salesforce.com').status).to.equal('pass');
      expect(url('https://test.salesforce.com').status).to.equal('fail');
    });
    it('sandbox: test.salesforce.com passes, login.salesforce.com fails; another host warns', () => {
      expect(url('https://test.salesforce.com', true).status).to.equal('pass');
      expect(url('https://login.salesforce.com', true).status).to.equal('fail');
      expect(url('https://other.my.salesforce.com', true).status).to.equal('warn');
    });
    it('an org that does not say whether it is a sandbox: only its My Domain passes', () => {
      expect(url('https://login.salesforce.com', 'unknown').status).to.equal('warn');
      expect(url('https://acme.my.salesforce.com', 'unknown').status).to.equal('pass');
    });
  });

  it('dev hub: C-1016 only for an External Client App in a Dev Hub', () => {
    const hub = { instanceUrl: 'https://acme.my.salesforce.com', isSandbox: false, isDevHub: true };
    expect(find(loginChecks(facts('ExternalClientApplication', {}, { org: hub })), 'dev-hub')?.status).to.equal('warn');
    expect(find(loginChecks(facts('ConnectedApp', {}, { org: hub })), 'dev-hub')?.status).to.equal('pass');
    expect(find(loginChecks(facts('ExternalClientApplication')), 'dev-hub')?.status).to.equal('pass');
  });

  it('login check: a transient answer warns, a permanent one fails with the fix of its cause', () => {
    const withLogin = (login: VerifyFacts['login']): VerifyFacts => {
      const f = facts('ExternalClientApplication', {}, { login });
      f.options = { ...f.options, loginCheck: true, jwtKeyFile: '/keys/server.key' };
      return f;
    };
    const young = find(loginChecks(withLogin({ ok: false, classified: { kind: 'transient', cause: 'ecaNotInstalledYet', message: 'External client app is not installed in this org' } })), 'login');
    expect(young?.status).to.equal('warn');
    expect(young?.message).to.include('15 minutes');
    const audience = find(loginChecks(withLogin({ ok: false, classified: { kind: 'permanent', cause: 'wrongAudience', message: 'audience is invalid (invalid_grant)' } })), 'login');
    expect(audience?.status).to.equal('fail');
    expect(audience?.fix).to.match(/^sf org login jwt --client-id \S+ --jwt-key-file \/keys\/server.key --username me@example.com --instance-url https:\/\/acme.my.salesforce.com$/);
    const scope = find(loginChecks(withLogin({ ok: false, classified: { kind: 'permanent', cause: 'missingRefreshTokenScope', message: 'refresh_token scope is required' } })), 'login');
    expect(scope?.fix).to.equal('sf external-client-app update --name Checked --target-org me@example.com --add-scopes refresh_token');
  });

  describe('private key files', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'verify-keys-'));
    });
    after(async () => rm(dir, { recursive: true, force: true }));

    it('reads PKCS#8 and PKCS#1 keys; refuses encrypted keys, certificates and other text', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const files = {
        pkcs8: pair.privateKeyPem,
        pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        encrypted: privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString(),
        certificate: pair.certificatePem,
        text: 'hello',
      };
      const states: Record<string, string> = {};
      for (const [name, text] of Object.entries(files)) {
        // eslint-disable-next-line no-await-in-loop
        await writeFile(join(dir, name), text);
        // eslint-disable-next-line no-await-in-loop
        states[name] = (await readPrivateKeyFile(join(dir, name))).state;
      }
      expect(states).to.deep.equal({ pkcs8: 'key', pkcs1: 'key', encrypted: 'notAKey', certificate: 'notAKey', text: 'notAKey' });
      expect((await readPrivateKeyFile(join(dir, 'absent'))).state).to.equal('missing');
    });
  });
});
