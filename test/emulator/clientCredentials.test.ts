/* eslint-disable camelcase -- OAuth wire format (grant_type, client_id, ...) is snake_case */
/*
 * The client credentials grant of the emulated token endpoint: key and secret as form fields or HTTP Basic buy a token
 * for the app's run-as user; wrong secret, a switched-off flow and a missing run-as user are refused.
 */
import { expect } from 'chai';
import type { EmulatedOAuthApp } from './types.js';
import { TestOrg, getJson, makeApp, startTestOrg } from './testSupport.js';

const KEY = '3MVG9ClientCredsKey';
const SECRET = 'CC_SECRET_0123456789';
const RUN_AS = 'integration@oauthapps.emulator.org';

type TokenReply = { status: number; json: Record<string, string> };

async function tokenRequest(org: TestOrg, form: Record<string, string>, authorization?: string): Promise<TokenReply> {
  const res = await fetch(`${org.url}/services/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, json: (await res.json()) as Record<string, string> };
}

const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('emulator OAuth: client credentials grant', () => {
  let org: TestOrg;

  /** An ECA with the flow on and a run-as user, like the integration preset deploys it. */
  function addApp(overrides: Partial<EmulatedOAuthApp> = {}, key = KEY): void {
    org.store.addApp(
      makeApp({
        kind: 'ExternalClientApplication',
        name: 'Cc_App',
        consumerKey: key,
        consumerSecret: SECRET,
        clientCredentialsEnabled: true,
        clientCredentialsUser: RUN_AS,
        ...overrides,
      }),
      { live: true }
    );
  }

  beforeEach(async () => {
    org = await startTestOrg();
  });
  afterEach(async () => org.server.close());

  it('key and secret as form fields give a token for the run-as user, without a refresh token', async () => {
    addApp();
    const res = await tokenRequest(org, { grant_type: 'client_credentials', client_id: KEY, client_secret: SECRET });
    expect(res.status, JSON.stringify(res.json)).to.equal(200);
    const runAs = org.state.findUserByUsername(RUN_AS)!;
    expect(res.json.id).to.equal(`${org.url}/id/${org.state.org.id}/${runAs.id}`);
    expect(res.json.refresh_token).to.equal(undefined);
    expect(res.json.scope.split(' ')).to.include('api').and.not.include('refresh_token');
    // The token is a working session of the run-as user, not of the admin.
    const me = await getJson(`${org.url}/services/data/v66.0/sobjects/User/${runAs.id}`, res.json.access_token);
    expect(me.status).to.equal(200);
    expect(org.state.sessionUser(res.json.access_token)?.username).to.equal(RUN_AS);
  });

  it('key and secret in an HTTP Basic header work the same', async () => {
    addApp();
    const res = await tokenRequest(org, { grant_type: 'client_credentials' }, basic(KEY, SECRET));
    expect(res.status, JSON.stringify(res.json)).to.equal(200);
    expect(org.state.sessionUser(res.json.access_token)?.username).to.equal(RUN_AS);
  });

  it('a wrong or missing secret is invalid client credentials, in the form and in Basic', async () => {
    addApp();
    const refused = { status: 400, json: { error: 'invalid_client', error_description: 'invalid client credentials' } };
    expect(await tokenRequest(org, { grant_type: 'client_credentials', client_id: KEY, client_secret: 'nope' })).to.deep.equal(refused);
    expect(await tokenRequest(org, { grant_type: 'client_credentials', client_id: KEY })).to.deep.equal(refused);
    expect(await tokenRequest(org, { grant_type: 'client_credentials' }, basic(KEY, `${SECRET}x`))).to.deep.equal(refused);
  });

  it('an app without a secret cannot use the flow even with some secret sent', async () => {
    addApp({ consumerSecret: undefined });
    const res = await tokenRequest(org, { grant_type: 'client_credentials', client_id: KEY, client_secret: SECRET });
    expect(res.json.error).to.equal('invalid_client');
  });

  it('an unknown key is refused as an invalid client id', async () => {
    addApp();
    const res = await tokenRequest(org, { grant_type: 'client_credentials', client_id: 'nope', client_secret: SECRET });
    expect(res).to.deep.equal({ status: 400, json: { error: 'invalid_client_id', error_description: 'client identifier invalid' } });
  });

  it('the flow switched off is refused even with the right secret', async () => {
    addApp({ clientCredentialsEnabled: false });
    const res = await tokenRequest(org, { grant_type: 'client_credentials', client_id: KEY, client_secret: SECRET });
    expect(res.status).to.equal(400);
    expect(res.json.error).to.equal('invalid_grant');
    expect(res.json.error_description).to.match(/client credentials flow is not enabled/);
  });

  it('no run-as user, an unknown one or an inactive one: no client credentials user enabled', async () => {
    const expected = { status: 400, json: { error: 'invalid_grant', error_description: 'no client credentials user enabled' } };
    addApp({ clientCredentialsUser: undefined }, 'K_none');
    addApp({ clientCredentialsUser: 'ghost@oauthapps.emulator.org' }, 'K_ghost');
    org.state.addUser({ username: 'gone@oauthapps.emulator.org', firstName: 'Gone', lastName: 'User', profileName: 'Standard User', permissionSets: [], isActive: false });
    addApp({ clientCredentialsUser: 'gone@oauthapps.emulator.org' }, 'K_inactive');
    for (const key of ['K_none', 'K_ghost', 'K_inactive']) {
      // eslint-disable-next-line no-await-in-loop
      expect(await tokenRequest(org, { grant_type: 'client_credentials', client_id: key, client_secret: SECRET }), key).to.deep.equal(expected);
    }
  });

  it('a deployed app that has not propagated yet answers as not installed', async () => {
    org.store.settings.liveDelayMs = 60_000;
    org.store.addApp(
      makeApp({ kind: 'ExternalClientApplication', name: 'Cc_App', consumerKey: KEY, consumerSecret: SECRET, clientCredentialsEnabled: true, clientCredentialsUser: RUN_AS })
    );
    const res = await tokenRequest(org, { grant_type: 'client_credentials', client_id: KEY, client_secret: SECRET });
    expect(res.json).to.deep.equal({ error: 'invalid_client', error_description: 'External client app is not installed in this org' });
    org.clock.now += 60_000;
    expect((await tokenRequest(org, { grant_type: 'client_credentials', client_id: KEY, client_secret: SECRET })).status).to.equal(200);
  });
});
