/* eslint-disable camelcase -- OAuth wire format (grant_type, access_token, ...) is snake_case */
import { expect } from 'chai';
import type { SoapHandler } from './httpServer.js';
import { StandInStore, TestOrg, getJson, jwtLogin, postForm, startTestOrg } from './testSupport.js';

/** A SOAP stand-in that checks the session the way soap.ts must: enough to see faults and session invalidation. */
const soap: SoapHandler<StandInStore> = (body, ctx) => {
  const op = /<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)/.exec(body)?.[1];
  const sid = /<sessionId>([^<]+)</.exec(body)?.[1] ?? '';
  if (!ctx.sessionUser(sid)) return Promise.resolve({ status: 500, body: '<faultcode>sf:INVALID_SESSION_ID</faultcode>', operation: op });
  return Promise.resolve({ status: 200, body: `<ok>${op ?? ''}</ok>`, operation: op });
};

function envelope(op: string, token: string): string {
  return (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><SessionHeader xmlns="http://soap.sforce.com/2006/04/metadata">' +
    `<sessionId>${token}</sessionId></SessionHeader></soapenv:Header><soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata"><${op}><x>1</x></${op}></soapenv:Body></soapenv:Envelope>`
  );
}

const json = async (res: Promise<Response>): Promise<any> => (await res).json();

describe('emulator faults, latency, request log and control endpoints', () => {
  let org: TestOrg;
  let token: string;
  const queryUrl = (): string => `${org.url}/services/data/v66.0/query?q=SELECT+Id+FROM+Organization`;
  const soapCall = async (op: string, t = token): Promise<{ status: number; body: string; type: string | null }> => {
    const res = await fetch(`${org.url}/services/Soap/m/66.0`, { method: 'POST', headers: { 'content-type': 'text/xml', soapaction: '""' }, body: envelope(op, t) });
    return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
  };
  const control = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${org.url}/_emulator/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  beforeEach(async () => {
    org = await startTestOrg(soap);
    token = (await jwtLogin(org)).json.access_token;
  });
  afterEach(async () => {
    await org.server.close();
  });

  it('http500 answers a REST error array, only as many times as asked', async () => {
    org.server.faults.add({ kind: 'http500', path: '/services/data/', times: 1 });
    const first = await getJson(queryUrl(), token);
    expect(first.status).to.equal(500);
    expect(first.contentType).to.match(/^application\/json/);
    expect(first.json[0].errorCode).to.equal('UNKNOWN_EXCEPTION');
    expect((await getJson(queryUrl(), token)).status).to.equal(200);
  });

  it('armedBy: a fault sleeps until its operation was requested after it was added', async () => {
    await soapCall('deploy');
    org.server.faults.add({ kind: 'http500', operation: 'readMetadata', armedBy: 'deploy' });
    expect((await soapCall('readMetadata')).status).to.equal(200);
    await soapCall('deploy');
    expect((await soapCall('readMetadata')).status).to.equal(500);
    expect((await soapCall('readMetadata')).status).to.equal(500);
  });

  it('afterHandling: the request is handled, then its answer replaced by the fault', async () => {
    const handled: string[] = [];
    await org.server.close();
    org = await startTestOrg((body, ctx) => {
      handled.push(/<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)/.exec(body)?.[1] ?? '?');
      return soap(body, ctx);
    });
    token = (await jwtLogin(org)).json.access_token;
    org.server.faults.add({ kind: 'http503', operation: 'createMetadata', afterHandling: true, times: 1 });
    org.server.faults.add({ kind: 'http503', operation: 'updateMetadata', times: 1 });
    expect((await soapCall('createMetadata')).status).to.equal(503);
    expect((await soapCall('updateMetadata')).status).to.equal(503);
    expect(handled).to.deep.equal(['createMetadata']);
  });

  it('http503 answers 503 on REST and on SOAP', async () => {
    org.server.faults.add({ kind: 'http503' });
    expect((await getJson(queryUrl(), token)).status).to.equal(503);
    expect((await soapCall('deploy')).status).to.equal(503);
    org.server.faults.clear();
    expect((await getJson(queryUrl(), token)).status).to.equal(200);
  });

  it('REQUEST_LIMIT_EXCEEDED: REST 403 JSON, SOAP 500 fault, matched by SOAP operation', async () => {
    org.server.faults.add({ kind: 'REQUEST_LIMIT_EXCEEDED', operation: 'checkDeployStatus' });
    org.server.faults.add({ kind: 'REQUEST_LIMIT_EXCEEDED', pathRegex: '/query$' });
    const rest = await getJson(queryUrl(), token);
    expect(rest.status).to.equal(403);
    expect(rest.json).to.deep.equal([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    expect((await soapCall('deploy')).status, 'another operation is untouched').to.equal(200);
    const fault = await soapCall('checkDeployStatus');
    expect(fault.status).to.equal(500);
    expect(fault.type).to.equal('text/xml;charset=UTF-8');
    expect(fault.body).to.include('<faultcode>sf:REQUEST_LIMIT_EXCEEDED</faultcode><faultstring>REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.</faultstring>');
  });

  it('INVALID_SESSION_ID on REST answers 401 and really ends the session', async () => {
    org.server.faults.add({ kind: 'INVALID_SESSION_ID', path: '/services/data', times: 1 });
    const res = await getJson(queryUrl(), token);
    expect(res.status).to.equal(401);
    expect(res.json).to.deep.equal([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    expect((await getJson(queryUrl(), token)).status, 'the old token stays dead').to.equal(401);
    const fresh = (await jwtLogin(org)).json.access_token;
    expect((await getJson(queryUrl(), fresh)).status).to.equal(200);
  });

  it('INVALID_SESSION_ID on SOAP answers the fault jsforce refreshes on, and ends the session', async () => {
    org.server.faults.add({ kind: 'INVALID_SESSION_ID', operation: 'deploy', times: 1 });
    const res = await soapCall('deploy');
    expect(res.status).to.equal(500);
    expect(res.body).to.match(/<faultcode>[a-zA-Z]+:INVALID_SESSION_ID<\/faultcode>/);
    expect(res.body).to.include('INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session');
    expect(res.body).to.match(/<soapenv:Envelope[^>]*xmlns:sf=/);
    expect((await soapCall('deploy')).body, 'the handler now sees no session').to.include('INVALID_SESSION_ID');
    expect(org.state.sessionUser(token)).to.equal(undefined);
  });

  it('matches a fault by grant type on the token endpoint', async () => {
    org.server.faults.add({ kind: 'http500', grantType: 'jwt-bearer', times: 1 });
    const refused = await jwtLogin(org);
    expect(refused).to.deep.equal({ status: 500, json: { error: 'unknown_error', error_description: 'retry your request' } });
    const other = await postForm(`${org.url}/services/oauth2/token`, { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'PlatformCLI' });
    expect(other.status, 'refresh grant not faulted').to.equal(400);
    expect((await jwtLogin(org)).status).to.equal(200);
  });

  it('delays matching responses and adds fixed latency to all', async () => {
    org.server.faults.add({ kind: 'delay', delayMs: 150, path: '/services/data', times: 1 });
    let started = Date.now();
    expect((await getJson(queryUrl(), token)).status).to.equal(200);
    expect(Date.now() - started).to.be.at.least(145);
    started = Date.now();
    await getJson(queryUrl(), token);
    expect(Date.now() - started).to.be.below(140);
    await control('POST', 'settings', { latencyMs: 80 });
    started = Date.now();
    await getJson(queryUrl(), token);
    expect(Date.now() - started).to.be.at.least(75);
    const log = org.server.requests();
    expect(log.at(-1)!.durationMs).to.be.at.least(75);
  });

  it('configures faults over HTTP, and rejects a bad spec', async () => {
    const added = await control('POST', 'faults', [{ kind: 'http500', path: '/services/data' }, { kind: 'delay', delayMs: 1 }]);
    expect(added.status).to.equal(201);
    expect((await json(Promise.resolve(added))).map((f: { id: number }) => typeof f.id)).to.deep.equal(['number', 'number']);
    expect((await getJson(queryUrl(), token)).status).to.equal(500);
    expect((await control('DELETE', 'faults')).status).to.equal(204);
    expect((await getJson(queryUrl(), token)).status).to.equal(200);
    const bad = await control('POST', 'faults', { kind: 'meteor' });
    expect(bad.status).to.equal(400);
    expect((await json(Promise.resolve(bad))).error).to.match(/kind/);
    expect((await control('POST', 'faults', { kind: 'delay' })).status, 'delay without delayMs').to.equal(400);
  });

  it('changes settings over HTTP and reports state', async () => {
    const res = await control('POST', 'settings', { liveDelayMs: 5000, allowConnectedAppCreation: true, ecaSecretRestAccess: false, isDevHub: false });
    expect(await json(Promise.resolve(res))).to.include({ liveDelayMs: 5000, allowConnectedAppCreation: true, ecaSecretRestAccess: false, isDevHub: false });
    expect(org.store.settings).to.deep.equal({ liveDelayMs: 5000, allowConnectedAppCreation: true });
    expect((await getJson(`${org.url}/services/data/v66.0/query?q=SELECT+Id+FROM+ScratchOrgInfo`, token)).status).to.equal(400);
    expect((await control('POST', 'settings', { isDevHub: 'yes' })).status).to.equal(400);
    const state = await json(control('GET', 'state'));
    expect(state.users.map((u: { profileName: string }) => u.profileName)).to.include('Standard User');
    expect(state.apps).to.deep.include({ id: state.apps[0].id, kind: 'ConnectedApp', name: 'Test_App', consumerKey: '3MVG9TestKey', live: true, createdDate: state.apps[0].createdDate });
  });

  it('logs every request with operation and status, but not its own control requests', async () => {
    org.server.clearRequests();
    await getJson(queryUrl(), token);
    await soapCall('readMetadata');
    await jwtLogin(org, { aud: 'https://nope.example.com' });
    await fetch(`${org.url}//services/data`); // doubled slash is collapsed
    await control('GET', 'state');
    const log = await json(control('GET', 'requests'));
    expect(log.map((e: { method: string; path: string; operation?: string; status: number }) => [e.method, e.path, e.operation, e.status])).to.deep.equal([
      ['GET', '/services/data/v66.0/query', undefined, 200],
      ['POST', '/services/Soap/m/66.0', 'readMetadata', 200],
      ['POST', '/services/oauth2/token', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 400],
      ['GET', '/services/data', undefined, 200],
    ]);
    expect(new Date(log[0].time).getTime()).to.be.closeTo(Date.now(), 5000);
    expect((await control('DELETE', 'requests')).status).to.equal(204);
    expect(await json(control('GET', 'requests'))).to.deep.equal([]);
  });
});
