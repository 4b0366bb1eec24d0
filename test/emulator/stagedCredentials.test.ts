/* eslint-disable camelcase -- OAuth wire format (grant_type, client_id, ...) is snake_case */
/*
 * External Client Apps' staged OAuth credentials in the emulator (docs/salesforce-facts.md#f-eca-staged-credentials):
 * the Connect REST resources, and what the token endpoint accepts at each step. Staging makes a key that does not log
 * in yet (strictest reading); rotating makes it primary while the previous key and secret keep working (JWT bearer
 * and client credentials); deleting ends the previous ones. Driven over HTTP, as clients see it.
 */
import { createSign } from 'node:crypto';
import { expect } from 'chai';
import { generateKeyAndCertificate } from '../../src/model/certificate.js';
import { createExternalClientApp, definition, startEmulatorOrg, type EmulatorOrg } from '../shared/emulatorOrg.js';
import { StagedCredentials, STAGED_VALIDITY_MS, type StagedHost } from './stagedCredentials.js';

const RUN_AS = 'integration@oauthapps.emulator.org';
const ADMIN = 'admin@oauthapps.emulator.org';

type Reply = { status: number; json: unknown };
type Staged = { id?: string; key?: string; secret?: string; state?: string; expirationDate?: string };

describe('emulator: staged OAuth credentials of External Client Apps', function () {
  this.timeout(30_000);
  let org: EmulatorOrg;
  const keys = generateKeyAndCertificate({ commonName: 'staged', days: 30 });
  const name = 'Staged_Eca';
  const originalKey = 'StagedEcaOriginalKey1';
  const originalSecret = 'StagedEcaOriginalSecret1';
  let appId: string;
  let consumerId: string;

  async function rest(method: string, path: string, body?: string, version = '66.0'): Promise<Reply> {
    const res = await fetch(`${org.emulator.instanceUrl}/services/data/v${version}/apps/oauth/credentials/${path}`, {
      method,
      headers: { authorization: `Bearer ${org.conn.accessToken!}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body,
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  }

  const stagedPath = (): string => `${appId}/${consumerId}/staged`;
  const slot = async (): Promise<Staged[]> => {
    const reply = await rest('GET', stagedPath());
    return reply.status === 404 ? [] : (reply.json as { stagedCredentials: Staged[] }).stagedCredentials;
  };

  async function token(form: Record<string, string>): Promise<string> {
    const res = await fetch(`${org.emulator.instanceUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    const json = (await res.json()) as { error?: string; error_description?: string };
    return res.ok ? 'ok' : `${json.error ?? ''}: ${json.error_description ?? ''}`;
  }

  function jwt(clientId: string): Promise<string> {
    const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'RS256' })}.${encode({
      iss: clientId,
      sub: ADMIN,
      aud: org.emulator.instanceUrl,
      exp: Math.floor(Date.now() / 1000) + 300,
    })}`;
    const signature = createSign('RSA-SHA256').update(unsigned).sign(keys.privateKeyPem, 'base64url');
    return token({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: `${unsigned}.${signature}` });
  }

  const clientCredentials = (clientId: string, secret: string): Promise<string> =>
    token({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });

  before(async () => {
    org = await startEmulatorOrg();
    const def = definition(name, { certificate: keys.certificatePem, consumerKey: originalKey, consumerSecret: originalSecret });
    await createExternalClientApp(org.conn, { ...def, flows: { ...def.flows, clientCredentialsUser: RUN_AS } });
    appId = (await org.conn.query<{ Id: string }>(`SELECT Id FROM ExternalClientApplication WHERE DeveloperName = '${name}'`)).records[0].Id;
    consumerId = ((await rest('GET', appId)).json as { consumers: Array<{ id: string }> }).consumers[0].id;
  });
  after(async () => org?.close());

  it('stages, rotates and revokes: old and new keys both log in between rotate and revoke, only the new one after', async () => {
    expect(await rest('GET', stagedPath())).to.include({ status: 404 });
    expect(await jwt(originalKey)).to.equal('ok');

    // Stage: the answer carries the new key and secret but no id; the slot names the id and never the secret.
    const posted = await rest('POST', stagedPath(), '{}');
    expect(posted.status).to.equal(201);
    const made = (posted.json as { stagedCredentials: Staged[] }).stagedCredentials[0];
    expect(made).to.include({ state: 'Active' }).and.not.have.property('id');
    expect(made.key).to.match(/^3MVG9/);
    expect(made.secret).to.be.a('string');
    const [listed] = await slot();
    expect(listed).to.include({ key: made.key, state: 'Active' }).and.not.have.property('secret');
    expect(Date.parse(listed.expirationDate!) - Date.now()).to.be.closeTo(STAGED_VALIDITY_MS, 60_000);
    // Staged, not yet primary: the new key does not log in (strictest reading); the old one still does.
    expect(await jwt(made.key!)).to.match(/^invalid_client_id/);
    expect(await clientCredentials(made.key!, made.secret!)).to.match(/^invalid_client_id/);
    expect(await jwt(originalKey)).to.equal('ok');

    // Rotate: the new key is primary; the previous key and secret sit in the slot as Rotated, with a new id.
    expect(await rest('PATCH', `${stagedPath()}/${listed.id!}`, JSON.stringify({ command: 'rotate' }))).to.include({ status: 200 });
    const consumers = (await rest('GET', appId)).json as { consumers: Array<{ key: string }> };
    expect(consumers.consumers[0].key).to.equal(made.key);
    const [previous] = await slot();
    expect(previous).to.include({ key: originalKey, state: 'Rotated' });
    expect(previous.id).to.not.equal(listed.id);
    expect(await jwt(made.key!)).to.equal('ok');
    expect(await jwt(originalKey)).to.equal('ok');
    expect(await clientCredentials(made.key!, made.secret!)).to.equal('ok');
    expect(await clientCredentials(originalKey, originalSecret)).to.equal('ok');
    // Each key goes with its own secret.
    expect(await clientCredentials(made.key!, originalSecret)).to.match(/^invalid_client/);
    expect(await clientCredentials(originalKey, made.secret!)).to.match(/^invalid_client/);

    // Revoke: the previous key and secret stop working; the new ones keep working.
    expect(await rest('DELETE', `${stagedPath()}/${previous.id!}`)).to.include({ status: 204 });
    expect(await slot()).to.deep.equal([]);
    expect(await jwt(originalKey)).to.match(/^invalid_client_id/);
    expect(await clientCredentials(originalKey, originalSecret)).to.match(/^invalid_client_id/);
    expect(await jwt(made.key!)).to.equal('ok');
    expect(await clientCredentials(made.key!, made.secret!)).to.equal('ok');
    // A revoked key is never free again (docs/salesforce-facts.md#f-consumer-key-unique).
    const reuse = await createExternalClientApp(org.conn, definition('Staged_Reuse', { consumerKey: originalKey })).then(
      () => 'created',
      (error: Error) => error.message
    );
    expect(reuse).to.match(/already taken/);
  });

  it('keeps one staged credential per consumer, takes only {"command":"rotate"}, and refuses what the user may not do', async () => {
    expect((await rest('POST', stagedPath(), '{}')).status).to.equal(201);
    const second = await rest('POST', stagedPath(), '{}');
    expect(second.status).to.equal(400);
    expect(JSON.stringify(second.json)).to.include('already has staged credentials');
    const [staged] = await slot();
    expect((await rest('PATCH', `${stagedPath()}/${staged.id!}`, JSON.stringify({ command: 'promote' }))).status).to.equal(400);
    expect((await rest('PATCH', `${stagedPath()}/${staged.id!}`, 'not json')).status).to.equal(400);
    expect((await rest('POST', stagedPath(), JSON.stringify({ name: 'x' }))).status).to.equal(400);
    expect((await rest('PATCH', `${stagedPath()}/0ScNoSuchId`, JSON.stringify({ command: 'rotate' }))).status).to.equal(404);
    // Before API 65.0 the resource does not exist.
    expect((await rest('GET', stagedPath(), undefined, '64.0')).status).to.equal(404);
    // The primary credentials resource stays read-only.
    expect((await rest('DELETE', `${appId}/${consumerId}`)).status).to.equal(405);
    // Staging, rotating and deleting need View Client Secret (Salesforce Help); the REST switch guards all of it.
    await fetch(`${org.emulator.instanceUrl}/_emulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userPermissions: { [ADMIN]: { ViewClientSecret: false } } }),
    });
    expect((await rest('GET', stagedPath())).status).to.equal(403);
    await fetch(`${org.emulator.instanceUrl}/_emulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userPermissions: { [ADMIN]: { ViewClientSecret: null } }, ecaSecretRestAccess: false }),
    });
    expect((await rest('GET', stagedPath())).status).to.equal(403);
    await fetch(`${org.emulator.instanceUrl}/_emulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ecaSecretRestAccess: true }),
    });
    expect((await rest('DELETE', `${stagedPath()}/${staged.id!}`)).status).to.equal(204);
  });

  describe('StagedCredentials (the slots alone)', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const primary = new Map<string, { key: string; secret?: string }>([['App', { key: 'OLD_KEY', secret: 'OLD_SECRET' }]]);
    const retired = new Set<string>();
    let counter = 0;
    const host: StagedHost = {
      primaryCredentials: (app) => primary.get(app),
      replacePrimaryCredentials: (app, key, secret) => primary.set(app, { key, secret }),
      keyTaken: (key) => retired.has(key),
      retireKey: (key) => retired.add(key),
      newKey: () => `NEW_KEY_${++counter}`,
      newSecret: () => `NEW_SECRET_${counter}`,
      now: () => now,
    };

    it('previous credentials log in until 30 days after the rotation, then expire', () => {
      const slots = new StagedCredentials(host);
      const staged = slots.stage('App', 'user');
      if (!('record' in staged)) throw new Error(staged.error);
      expect(slots.previousFor(staged.record.key), 'a staged key is not a previous one').to.equal(undefined);
      const rotated = slots.rotate('App', staged.record.id, 'user');
      if (!('record' in rotated)) throw new Error(rotated.error);
      expect(primary.get('App')).to.deep.equal({ key: staged.record.key, secret: staged.record.secret });
      expect(slots.previousFor('OLD_KEY')).to.deep.equal({ app: 'App', key: 'OLD_KEY', secret: 'OLD_SECRET' });
      now += STAGED_VALIDITY_MS - 1000;
      expect(slots.previousFor('OLD_KEY')).to.not.equal(undefined);
      now += 1000;
      expect(slots.stateOf(rotated.record)).to.equal('Expired');
      expect(slots.previousFor('OLD_KEY')).to.equal(undefined);
      // An expired credential still fills the slot until deleted; its key stays taken afterwards.
      expect(slots.stage('App', 'user')).to.have.property('status', 400);
      expect(slots.delete('App', rotated.record.id)).to.equal(true);
      expect(retired.has('OLD_KEY')).to.equal(true);
    });

    it('an expired staged credential cannot be rotated in', () => {
      const slots = new StagedCredentials(host);
      const staged = slots.stage('App', 'user');
      if (!('record' in staged)) throw new Error(staged.error);
      now += STAGED_VALIDITY_MS;
      expect(slots.rotate('App', staged.record.id, 'user')).to.have.property('status', 400);
    });
  });
});
