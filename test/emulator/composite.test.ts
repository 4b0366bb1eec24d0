import { expect } from 'chai';
import { TestOrg, jwtLogin, startTestOrg } from './testSupport.js';

describe('emulator REST composite (docs/salesforce-facts.md#f-rest-composite)', () => {
  let org: TestOrg;
  let token: string;
  const query = (referenceId: string, soql: string): Record<string, string> => ({
    method: 'GET',
    url: `/services/data/v66.0/query?q=${encodeURIComponent(soql)}`,
    referenceId,
  });
  const post = async (body: unknown, version = '66.0'): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${org.url}/services/data/v${version}/composite`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  };

  beforeEach(async () => {
    org = await startTestOrg();
    token = (await jwtLogin(org)).json.access_token;
  });
  afterEach(async () => org.server.close());

  it('answers each query subrequest with its own status and body, in one request', async () => {
    org.server.clearRequests();
    const res = await post({
      allOrNone: false,
      compositeRequest: [
        query('users', `SELECT Username, Profile.Name FROM User WHERE Username = '${org.state.adminUser.username}'`),
        query('bad', 'SELECT Nope FROM User'),
        query('profiles', "SELECT Name FROM Profile WHERE Name IN ('System Administrator', 'Nobody')"),
      ],
    });
    expect(res.status).to.equal(200);
    const [users, bad, profiles] = res.json.compositeResponse;
    expect(users).to.include({ referenceId: 'users', httpStatusCode: 200 });
    expect(users.body.records[0].Profile.Name).to.equal('System Administrator');
    expect(bad).to.include({ referenceId: 'bad', httpStatusCode: 400 });
    expect(bad.body[0].errorCode).to.equal('INVALID_FIELD');
    expect(profiles.body.records.map((r: { Name: string }) => r.Name)).to.deep.equal(['System Administrator']);
    expect(org.server.requests().map((r) => r.path)).to.deep.equal(['/services/data/v66.0/composite']);
  });

  it('allOrNone: one failed subrequest halts the others', async () => {
    const res = await post({ allOrNone: true, compositeRequest: [query('a', 'SELECT Id FROM User'), query('b', 'SELECT Nope FROM User')] });
    expect(res.json.compositeResponse[0]).to.include({ httpStatusCode: 400 });
    expect(res.json.compositeResponse[0].body[0].errorCode).to.equal('PROCESSING_HALTED');
  });

  it('refuses more than 5 queries, more than 25 subrequests, duplicate or missing referenceIds, references and other resources', async () => {
    const six = Array.from({ length: 6 }, (_, i) => query(`q${i}`, 'SELECT Id FROM User'));
    const refusals = [
      { compositeRequest: six },
      { compositeRequest: Array.from({ length: 26 }, (_, i) => ({ method: 'GET', url: `/services/data/v66.0/sobjects/User/${i}`, referenceId: `r${i}` })) },
      { compositeRequest: [query('same', 'SELECT Id FROM User'), query('same', 'SELECT Id FROM Profile')] },
      { compositeRequest: [{ method: 'GET', url: '/services/data/v66.0/query?q=SELECT+Id+FROM+User' }] },
      { compositeRequest: [query('u', 'SELECT Id FROM User'), query('p', "SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '@{u.records[0].Id}'")] },
      { compositeRequest: [{ method: 'GET', url: '/services/data/v66.0/apps/oauth/usage', referenceId: 'apps' }] },
      { compositeRequest: [] },
    ];
    for (const body of refusals) {
      // eslint-disable-next-line no-await-in-loop
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).to.equal(400);
      expect(res.json[0].errorCode).to.equal('INVALID_INPUT');
    }
    expect((await post({ compositeRequest: six.slice(0, 5) })).status).to.equal(200);
  });

  it('is not there before API 34.0, and needs a session', async () => {
    expect((await post({ compositeRequest: [query('a', 'SELECT Id FROM User')] }, '33.0')).status).to.equal(404);
    token = 'bogus';
    expect((await post({ compositeRequest: [query('a', 'SELECT Id FROM User')] })).status).to.equal(401);
  });
});
