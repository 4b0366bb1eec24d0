/* eslint-disable camelcase -- OAuth wire format (grant_type, access_token, ...) is snake_case */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { JWT_GRANT, TestOrg, getJson, jwtLogin, makeApp, postForm, signJwt, startTestOrg } from './testSupport.js';

const otherKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(96).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('emulator OAuth', () => {
  let org: TestOrg;
  beforeEach(async () => {
    org = await startTestOrg();
  });
  afterEach(async () => {
    await org.server.close();
  });

  describe('JWT bearer', () => {
    it('issues an opaque token with the fields core reads, and the token works on REST', async () => {
      const res = await jwtLogin(org);
      expect(res.status).to.equal(200);
      const admin = org.state.adminUser;
      expect(res.json.access_token).to.match(/^00D\w{12}!AQ[\w.]+$/);
      expect(res.json.access_token.split('.')).to.not.have.length(3);
      expect(res.json.instance_url).to.equal(org.url);
      expect(res.json.id).to.equal(`${org.url}/id/${org.state.org.id}/${admin.id}`);
      expect(res.json).to.include({ token_type: 'Bearer' });
      expect(res.json.scope.split(' ')).to.include.members(['api', 'web', 'refresh_token']);
      expect(res.json.issued_at).to.match(/^\d{13}$/);
      expect(res.json.signature).to.be.a('string');
      expect(res.json.refresh_token).to.equal(undefined);
      const me = await getJson(`${org.url}/services/data/v66.0/sobjects/User/${admin.id}`, res.json.access_token);
      expect(me.json.Username).to.equal(admin.username);
    });

    describe('audience by org type (docs/salesforce-facts.md#f-jwt-audience)', () => {
      const refused = { status: 400, json: { error: 'invalid_grant', error_description: 'audience is invalid' } };
      const own = (): string[] => [org.url, `${org.url}/`, org.url.replace('127.0.0.1', 'localhost'), `${org.url.replace('127.0.0.1', 'localhost')}/`];

      it('a production org accepts https://login.salesforce.com and its own My Domain (instance) URL, not the sandbox host', async () => {
        expect(org.state.org.isSandbox).to.equal(false);
        for (const aud of [...own(), 'https://login.salesforce.com', 'https://login.salesforce.com/']) {
          expect((await jwtLogin(org, { aud })).status, aud).to.equal(200);
        }
        for (const aud of ['https://test.salesforce.com', 'https://test.salesforce.com/', 'http://login.salesforce.com', 'https://site.force.com/customers']) {
          expect(await jwtLogin(org, { aud }), aud).to.deep.equal(refused);
        }
      });

      it('a sandbox accepts https://test.salesforce.com and its own URL, not the production host', async () => {
        org.state.setSandbox(true);
        for (const aud of [...own(), 'https://test.salesforce.com', 'https://test.salesforce.com/']) {
          expect((await jwtLogin(org, { aud })).status, aud).to.equal(200);
        }
        for (const aud of ['https://login.salesforce.com', 'https://login.salesforce.com/']) {
          expect(await jwtLogin(org, { aud }), aud).to.deep.equal(refused);
        }
      });

      it('POST /_emulator/settings isSandbox switches the org type, and the Organization row says so', async () => {
        const post = async (body: unknown): Promise<{ status: number; json: any }> => {
          const res = await fetch(`${org.url}/_emulator/settings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          return { status: res.status, json: await res.json() };
        };
        expect((await post({ isSandbox: 'yes' })).status).to.equal(400);
        expect((await post({ isSandbox: true })).json.isSandbox).to.equal(true);
        expect((await jwtLogin(org, { aud: 'https://login.salesforce.com' })).status).to.equal(400);
        const token = (await jwtLogin(org, { aud: 'https://test.salesforce.com' })).json.access_token;
        const row = await getJson(`${org.url}/services/data/v66.0/query?q=${encodeURIComponent('SELECT IsSandbox FROM Organization')}`, token);
        expect(row.json.records[0].IsSandbox).to.equal(true);
        expect((await post({ isSandbox: false })).json.isSandbox).to.equal(false);
        expect((await jwtLogin(org, { aud: 'https://login.salesforce.com' })).status).to.equal(200);
      });

      it("the sf CLI's first (login URL, audience) pair succeeds at once in both org types", async () => {
        // core's getLoginAudienceCombos tries (instance URL, aud = instance URL with a trailing slash) first.
        for (const sandbox of [false, true]) {
          org.state.setSandbox(sandbox);
          expect((await jwtLogin(org, { aud: `${org.url}/` })).status, `sandbox=${String(sandbox)}`).to.equal(200);
        }
      });
    });

    it('refuses a wrong audience', async () => {
      const res = await jwtLogin(org, { aud: 'https://evil.example.com' });
      expect(res).to.deep.equal({ status: 400, json: { error: 'invalid_grant', error_description: 'audience is invalid' } });
    });

    it('refuses a bad signature and a malformed assertion as invalid assertion', async () => {
      const bad = await jwtLogin(org, {}, otherKey);
      expect(bad).to.deep.equal({ status: 400, json: { error: 'invalid_grant', error_description: 'invalid assertion' } });
      const malformed = await postForm(`${org.url}/services/oauth2/token`, { grant_type: JWT_GRANT, assertion: 'a.b' });
      expect(malformed.json.error_description).to.equal('invalid assertion');
      const hs256 = signJwt(org.key.privateKeyPem, { iss: org.app.consumerKey }, { alg: 'HS256' });
      expect((await postForm(`${org.url}/services/oauth2/token`, { grant_type: JWT_GRANT, assertion: hs256 })).json.error).to.equal('invalid_grant');
    });

    it('refuses an unknown consumer key', async () => {
      const res = await jwtLogin(org, { iss: '3MVG9Nope' });
      expect(res).to.deep.equal({ status: 400, json: { error: 'invalid_client_id', error_description: 'client identifier invalid' } });
    });

    it('refuses a connected app until its live delay passed, then accepts it', async () => {
      org.store.settings.liveDelayMs = 120_000;
      const app = makeApp({ name: 'Late_App', consumerKey: '3MVG9Late', certificatePem: org.key.certificatePem });
      org.store.addApp(app);
      const early = await jwtLogin(org, { iss: app.consumerKey });
      expect(early.json).to.deep.equal({ error: 'invalid_client_id', error_description: 'client identifier invalid' });
      org.clock.now += 120_001;
      const late = await jwtLogin(org, { iss: app.consumerKey });
      expect(late.status).to.equal(200);
    });

    it('answers a pending External Client App with "not installed in this org"', async () => {
      org.store.settings.liveDelayMs = 60_000;
      const eca = makeApp({ kind: 'ExternalClientApplication', name: 'Eca', consumerKey: '3MVG9Eca', certificatePem: org.key.certificatePem });
      org.store.addApp(eca);
      const res = await jwtLogin(org, { iss: eca.consumerKey });
      expect(res.json).to.deep.equal({ error: 'invalid_client', error_description: 'External client app is not installed in this org' });
      org.clock.now += 60_000;
      expect((await jwtLogin(org, { iss: eca.consumerKey })).status).to.equal(200);
    });

    it('refuses an app without a certificate', async () => {
      org.store.addApp(makeApp({ name: 'No_Cert', consumerKey: '3MVG9NoCert' }), { live: true });
      const res = await jwtLogin(org, { iss: '3MVG9NoCert' });
      expect(res.json).to.deep.equal({ error: 'invalid_client', error_description: 'invalid client credentials' });
    });

    it('refuses a user who is not pre-authorized, an unknown user, and every user of a self-authorized app', async () => {
      const standard = org.state.findUserByUsername('standard@oauthapps.emulator.org')!;
      const notApproved = { error: 'invalid_grant', error_description: "user hasn't approved this consumer" };
      expect((await jwtLogin(org, { sub: standard.username })).json).to.deep.equal(notApproved);
      expect((await jwtLogin(org, { sub: 'nobody@nowhere.org' })).json).to.deep.equal(notApproved);
      org.store.addApp(makeApp({ name: 'Self', consumerKey: '3MVG9Self', certificatePem: org.key.certificatePem, permittedUsers: 'AllSelfAuthorized' }), { live: true });
      expect((await jwtLogin(org, { iss: '3MVG9Self' })).json).to.deep.equal(notApproved);
    });

    it('admits a user through a pre-authorized permission set', async () => {
      const integration = org.state.users.find((u) => u.permissionSets.includes('CLI_Access'))!;
      expect((await jwtLogin(org, { sub: integration.username })).status).to.equal(400);
      org.store.addApp(
        makeApp({ name: 'PS', consumerKey: '3MVG9PS', certificatePem: org.key.certificatePem, profiles: [], permissionSets: ['cli_access'] }),
        { live: true }
      );
      expect((await jwtLogin(org, { iss: '3MVG9PS', sub: integration.username })).status).to.equal(200);
    });

    it('requires the RefreshToken scope', async () => {
      org.store.addApp(makeApp({ name: 'NoRt', consumerKey: '3MVG9NoRt', certificatePem: org.key.certificatePem, scopes: ['Api', 'Web'] }), { live: true });
      const res = await jwtLogin(org, { iss: '3MVG9NoRt' });
      expect(res.json).to.deep.equal({
        error: 'invalid_request',
        error_description: 'refresh_token scope is required and the connected app should be installed and preauthorized',
      });
    });

    it('accepts exp in milliseconds but refuses an exp in the past', async () => {
      expect((await jwtLogin(org, { exp: Date.now() * 1000 })).status).to.equal(200);
      const res = await jwtLogin(org, { exp: Math.floor(Date.now() / 1000) - 60 });
      expect(res.json).to.deep.equal({ error: 'invalid_grant', error_description: 'expired authorization code' });
    });

    it('refuses an unsupported grant type', async () => {
      const res = await postForm(`${org.url}/services/oauth2/token`, { grant_type: 'password', username: 'x', password: 'y' });
      expect(res.json).to.deep.equal({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
    });
  });

  describe('authorization code with PKCE, and refresh token', () => {
    const redirectUri = 'http://localhost:1717/OauthRedirect';

    async function authorize(params: Record<string, string>): Promise<{ status: number; location: string | null; body: string }> {
      const url = `${org.url}/services/oauth2/authorize?${new URLSearchParams(params).toString()}`;
      const res = await fetch(url, { redirect: 'manual' });
      return { status: res.status, location: res.headers.get('location'), body: await res.text() };
    }

    async function codeFor(clientId: string, challenge: string, extra: Record<string, string> = {}): Promise<string> {
      const res = await authorize({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, state: 'abc123', code_challenge: challenge, scope: 'refresh_token api web', ...extra });
      expect(res.status, res.body).to.equal(302);
      const loc = new URL(res.location!);
      expect(loc.origin + loc.pathname).to.equal(extra.redirect_uri ?? redirectUri);
      expect(loc.searchParams.get('state')).to.equal('abc123');
      return loc.searchParams.get('code')!;
    }

    it('runs the web flow of the PlatformCLI client: code, token with refresh token, userinfo, refresh', async () => {
      const { verifier, challenge } = pkce();
      const code = await codeFor('PlatformCLI', challenge, { redirect_uri: 'http://localhost:1919/OauthRedirect' });
      expect(code.length).to.be.greaterThan(4);
      const token = await postForm(`${org.url}/services/oauth2/token`, {
        grant_type: 'authorization_code', code, client_id: 'PlatformCLI', redirect_uri: 'http://localhost:1919/OauthRedirect', code_verifier: verifier,
      });
      expect(token.status, JSON.stringify(token.json)).to.equal(200);
      expect(token.json.refresh_token).to.be.a('string');
      const info = await getJson(`${org.url}/services/oauth2/userinfo`, token.json.access_token);
      expect(info.json).to.include({ user_id: org.state.adminUser.id, organization_id: org.state.org.id, preferred_username: org.state.adminUser.username });
      const identity = await getJson(token.json.id, token.json.access_token);
      expect(identity.json.username).to.equal(org.state.adminUser.username);

      // The code is single-use.
      const again = await postForm(`${org.url}/services/oauth2/token`, {
        grant_type: 'authorization_code', code, client_id: 'PlatformCLI', redirect_uri: 'http://localhost:1919/OauthRedirect', code_verifier: verifier,
      });
      expect(again.json.error).to.equal('invalid_grant');

      const refreshed = await postForm(`${org.url}/services/oauth2/token`, { grant_type: 'refresh_token', refresh_token: token.json.refresh_token, client_id: 'PlatformCLI' });
      expect(refreshed.status).to.equal(200);
      expect(refreshed.json.access_token).to.not.equal(token.json.access_token);
      const bogus = await postForm(`${org.url}/services/oauth2/token`, { grant_type: 'refresh_token', refresh_token: 'nope', client_id: 'PlatformCLI' });
      expect(bogus.json).to.deep.equal({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
    });

    it('refuses a PKCE verifier that does not match the challenge', async () => {
      const { challenge } = pkce();
      const code = await codeFor(org.app.consumerKey, challenge);
      const res = await postForm(`${org.url}/services/oauth2/token`, {
        grant_type: 'authorization_code', code, client_id: org.app.consumerKey, client_secret: 'SECRET1', redirect_uri: redirectUri, code_verifier: pkce().verifier,
      });
      expect(res.json).to.deep.equal({ error: 'invalid_grant', error_description: 'invalid code verifier' });
    });

    it('checks the client secret when the app requires one, for code and refresh grants', async () => {
      const { verifier, challenge } = pkce();
      const form = { grant_type: 'authorization_code', client_id: org.app.consumerKey, redirect_uri: redirectUri, code_verifier: verifier };
      const wrong = await postForm(`${org.url}/services/oauth2/token`, { ...form, code: await codeFor(org.app.consumerKey, challenge), client_secret: 'WRONG' });
      expect(wrong.json).to.deep.equal({ error: 'invalid_client', error_description: 'invalid client credentials' });
      const missing = await postForm(`${org.url}/services/oauth2/token`, { ...form, code: await codeFor(org.app.consumerKey, challenge) });
      expect(missing.json.error).to.equal('invalid_client');
      const ok = await postForm(`${org.url}/services/oauth2/token`, { ...form, code: await codeFor(org.app.consumerKey, challenge), client_secret: 'SECRET1' });
      expect(ok.status).to.equal(200);
      const refresh = { grant_type: 'refresh_token', refresh_token: ok.json.refresh_token, client_id: org.app.consumerKey };
      expect((await postForm(`${org.url}/services/oauth2/token`, refresh)).json.error).to.equal('invalid_client');
      expect((await postForm(`${org.url}/services/oauth2/token`, { ...refresh, client_secret: 'SECRET1' })).status).to.equal(200);
    });

    it('refuses a redirect_uri that is not a callback URL, and an unknown client, with an error page', async () => {
      const { challenge } = pkce();
      const wrongUri = await authorize({ response_type: 'code', client_id: org.app.consumerKey, redirect_uri: 'http://localhost:9999/OauthRedirect', code_challenge: challenge });
      expect(wrongUri.status).to.equal(400);
      expect(wrongUri.body).to.include('redirect_uri_mismatch');
      const unknown = await authorize({ response_type: 'code', client_id: 'nope', redirect_uri: redirectUri });
      expect(unknown.status).to.equal(400);
      expect(unknown.body).to.include('invalid_client_id');
      const platformElsewhere = await authorize({ response_type: 'code', client_id: 'PlatformCLI', redirect_uri: 'https://evil.example.com/OauthRedirect' });
      expect(platformElsewhere.status).to.equal(400);
    });

    it('redirects with an error when the web login user is not pre-authorized', async () => {
      org.state.webLoginUsername = 'standard@oauthapps.emulator.org';
      const res = await authorize({ response_type: 'code', client_id: org.app.consumerKey, redirect_uri: redirectUri, state: 's1' });
      expect(res.status).to.equal(302);
      const loc = new URL(res.location!);
      expect(loc.searchParams.get('error')).to.equal('invalid_app_access');
      expect(loc.searchParams.get('state')).to.equal('s1');
      expect(loc.searchParams.get('code')).to.equal(null);
    });

    it('answers userinfo and identity with 403 for a bad token', async () => {
      const info = await getJson(`${org.url}/services/oauth2/userinfo`, 'bogus');
      expect(info.status).to.equal(403);
      expect(info.json).to.equal('Bad_OAuth_Token');
    });
  });
});
