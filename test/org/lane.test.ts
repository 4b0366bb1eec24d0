/*
 * The org lane's parts that need no org: run names, the assumption catalogue (every fact it cites exists in
 * docs/salesforce-facts.md), the assumption book, the JWT it signs, the report table and the facts-doc lines.
 */
import { generateKeyPairSync, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { validateAppName } from '../../src/model/valueRules.js';
import { repoRoot, type SfJsonOutput, type SfSession } from '../e2e/harness.js';
import { AssumptionBook, scenarioAssumptions, type Assumption } from './assumptions.js';
import { CleanupRegistry } from './cleanup.js';
import { jwtAssertion } from './jwtBearer.js';
import { runName } from './lane.js';
import { needsProductionConsent, type OrgDetails } from './orgAccess.js';
import { factsDocLines, formatAssumptions, type LaneReport } from './report.js';

const production = { instanceUrl: 'https://acme.my.salesforce.com', isSandbox: false, waitMinutes: 15 };
const org = (details: Partial<OrgDetails>): OrgDetails => ({
  targetOrg: 'my-dev',
  username: 'admin@acme.com',
  orgId: '00D000000000001',
  instanceUrl: production.instanceUrl,
  isSandbox: false,
  isScratch: false,
  local: false,
  ...details,
});

describe('org lane', () => {
  it('names runs OrgLane_<yyyymmddHHMMSS>_<random>, valid app names for both kinds with their suffixes', () => {
    const name = runName(new Date('2026-03-04T05:06:07.890Z'), 'a1b2c3');
    expect(name).to.equal('OrgLane_20260304050607_a1b2c3');
    expect(runName()).to.match(/^OrgLane_\d{14}_[0-9a-f]{6}$/);
    expect(runName()).to.not.equal(runName());
    expect(() => validateAppName(`${name}_Eca`, 'ExternalClientApplication')).to.not.throw();
    expect(() => validateAppName(`${name}_Ca`, 'ConnectedApp')).to.not.throw();
  });

  it('cites only facts that docs/salesforce-facts.md has, and names every assumption once', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'salesforce-facts.md'), 'utf8');
    for (const topic of ['external-client-app', 'connected-app'] as const) {
      for (const sandbox of [false, true]) {
        const definitions = scenarioAssumptions(topic, { ...production, isSandbox: sandbox });
        expect(new Set(definitions.map((d) => d.key)).size, topic).to.equal(definitions.length);
        for (const { fact } of definitions) {
          expect(doc, fact).to.include(`<a id="${fact.toLowerCase()}"></a>`);
          expect(doc, fact).to.include(`### ${fact}:`);
        }
      }
    }
  });

  it('expects the audiences a production org or a sandbox takes', () => {
    const statement = (isSandbox: boolean, key: string): string =>
      scenarioAssumptions('external-client-app', { ...production, isSandbox }).find((d) => d.key === key)!.statement;
    expect(statement(false, 'aud-login')).to.match(/login\.salesforce\.com is accepted by a production org/);
    expect(statement(false, 'aud-test')).to.match(/test\.salesforce\.com is refused .* by a production org/);
    expect(statement(true, 'aud-login')).to.match(/login\.salesforce\.com is refused .* by a sandbox/);
    expect(statement(true, 'aud-test')).to.match(/test\.salesforce\.com is accepted by a sandbox/);
    expect(statement(false, 'aud-my-domain')).to.include(production.instanceUrl);
  });

  it('books every declared assumption: unchecked ones end skipped with the reason', () => {
    const book = new AssumptionBook();
    book.declare('eca', scenarioAssumptions('external-client-app', production));
    book.confirm('eca.live', 'after 3 s');
    book.check('eca.aud-test', false, 'accepted (HTTP 200)');
    book.skip('eca.retrieved-key-redeploy', 'the retrieve returned no consumerKey');
    book.skipUnchecked('eca', 'not checked: step "x" failed');
    const byId = Object.fromEntries(book.all().map((a) => [a.id, a]));
    expect(byId['eca.live']).to.include({ verdict: 'confirmed', observed: 'after 3 s', fact: 'F-PROPAGATION-DELAY' });
    expect(byId['eca.live'].factLink).to.equal('docs/salesforce-facts.md#f-propagation-delay');
    expect(byId['eca.aud-test']).to.include({ verdict: 'refuted', observed: 'accepted (HTTP 200)' });
    expect(byId['eca.retrieved-key-redeploy']).to.include({ verdict: 'skipped', observed: 'the retrieve returned no consumerKey' });
    expect(byId['eca.deleted']).to.include({ verdict: 'skipped', observed: 'not checked: step "x" failed' });
    expect(() => book.confirm('eca.nope', '')).to.throw('unknown assumption eca.nope');
  });

  it('signs the JWT bearer assertion with RS256, exp in seconds', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = Date.UTC(2026, 0, 1);
    const jwt = jwtAssertion(
      { iss: 'key', sub: 'admin@acme.com', aud: 'https://login.salesforce.com' },
      privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      now
    );
    const [header, payload, signature] = jwt.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).to.deep.equal({ alg: 'RS256' });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).to.deep.equal({
      iss: 'key',
      sub: 'admin@acme.com',
      aud: 'https://login.salesforce.com',
      exp: now / 1000 + 180,
    });
    expect(verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))).to.equal(true);
  });

  it('asks for --allow-production only in production orgs that are not Developer Editions', () => {
    expect(needsProductionConsent(org({ edition: 'Developer Edition' }))).to.equal(false);
    expect(needsProductionConsent(org({ edition: 'Enterprise Edition', isSandbox: true }))).to.equal(false);
    expect(needsProductionConsent(org({ edition: 'Enterprise Edition', isScratch: true }))).to.equal(false);
    expect(needsProductionConsent(org({ edition: 'Enterprise Edition' }))).to.equal(true);
    expect(needsProductionConsent(org({}))).to.equal(true);
  });

  describe('cleanup', () => {
    /** A session whose sf answers from a table (by the command's first words), or throws. */
    const fakeSession = (answers: Record<string, SfJsonOutput | Error>, calls: string[]): SfSession =>
      ({
        json: async (args: string[]) => {
          calls.push(args.join(' '));
          const answer = Object.entries(answers).find(([prefix]) => args.join(' ').startsWith(prefix))?.[1];
          if (!answer || answer instanceof Error) throw answer ?? new Error(`unexpected sf ${args.join(' ')}`);
          return { args, exitCode: answer.status, json: answer };
        },
      }) as unknown as SfSession;

    it('deletes what the scenarios left, counts what they deleted or never created, and says what it could not clean', async () => {
      const calls: string[] = [];
      const admin = fakeSession(
        {
          'external-client-app delete --name Left': { status: 0, result: {} },
          'external-client-app delete --name Missing': { status: 1, name: 'AppNotFoundError', message: 'not found' },
          'connected-app delete --name Stuck': { status: 1, name: 'DeleteFailedError', message: 'INSUFFICIENT_ACCESS\nmore' },
          'connected-app delete --name Crash': new Error('sf timed out'),
        },
        calls
      );
      const login = fakeSession({ 'org logout --target-org lane-jwt': { status: 0, result: {} } }, calls);
      const badLogin = fakeSession({ 'org logout': { status: 1, message: 'no such org' } }, calls);
      const registry = new CleanupRegistry();
      for (const name of ['Done', 'Left', 'Missing', 'Blocked']) registry.addApp('external-client-app', name);
      for (const name of ['Stuck', 'Crash']) registry.addApp('connected-app', name);
      registry.markDeleted('Done');
      registry.markNotCreated('Blocked');
      registry.addLogin(login, 'lane-jwt', 'lane-jwt (Left)');
      registry.addLogin(badLogin, 'admin@acme.com', 'admin@acme.com (Left, rotation)');

      const report = await registry.cleanUp(admin, 'my-dev', '/tmp');
      expect(report).to.deep.include({
        deletedByScenario: ['Done'],
        deletedByCleanup: ['Left'],
        notInOrg: ['Missing', 'Blocked'],
        loggedOut: ['lane-jwt (Left)'],
      });
      expect(report.notCleaned.map((n) => [n.what, n.reason, n.fix])).to.deep.equal([
        ['login admin@acme.com (Left, rotation)', 'sf org logout failed: no such org', report.notCleaned[0].fix],
        ['connected-app Stuck', 'DeleteFailedError: INSUFFICIENT_ACCESS', 'sf connected-app delete --name Stuck --target-org my-dev --no-prompt'],
        ['connected-app Crash', 'sf timed out', 'sf connected-app delete --name Crash --target-org my-dev --no-prompt'],
      ]);
      // Apps the scenarios deleted, or the org never created, cost no sf run.
      expect(calls.filter((c) => c.includes('--name Done') || c.includes('--name Blocked'))).to.deep.equal([]);
      expect(calls).to.include('external-client-app delete --name Left --target-org my-dev --no-prompt');
    });

    it('without an authorized session, lists every app left with the command that deletes it', async () => {
      const registry = new CleanupRegistry();
      registry.addApp('external-client-app', 'Left');
      const report = await registry.cleanUp(undefined, 'my-dev', '/tmp');
      expect(report.notCleaned).to.deep.equal([
        {
          what: 'external-client-app Left',
          reason: 'no authorized session to delete it with',
          fix: 'sf external-client-app delete --name Left --target-org my-dev --no-prompt',
        },
      ]);
    });
  });

  describe('report', () => {
    const assumptions: Assumption[] = [
      {
        id: 'eca.live',
        scenario: 'eca',
        fact: 'F-PROPAGATION-DELAY',
        factLink: 'docs/salesforce-facts.md#f-propagation-delay',
        statement: 'A new app works within the wait.',
        verdict: 'confirmed',
        observed: 'after 83.0 s',
      },
      {
        id: 'ca.live',
        scenario: 'ca',
        fact: 'F-PROPAGATION-DELAY',
        factLink: 'docs/salesforce-facts.md#f-propagation-delay',
        statement: 'A new connected app works within the wait.',
        verdict: 'skipped',
        observed: 'org does not allow new connected apps',
      },
      {
        id: 'eca.aud-test',
        scenario: 'eca',
        fact: 'F-JWT-AUDIENCE',
        factLink: 'docs/salesforce-facts.md#f-jwt-audience',
        statement: 'test is refused.',
        verdict: 'refuted',
        observed: 'accepted (HTTP 200)',
      },
    ];
    const lane = { name: 'OrgLane_20260304050607_a1b2c3', startedAt: '2026-03-04T05:06:07.890Z' } as LaneReport['lane'];

    it('prints one row per assumption with its verdict, fact and scenario, and what was observed', () => {
      expect(formatAssumptions(assumptions).split('\n')).to.deep.equal([
        '  # result     fact                app  assumption',
        '  1 confirmed  F-PROPAGATION-DELAY eca  A new app works within the wait.',
        '                                        observed: after 83.0 s',
        '  2 skipped    F-PROPAGATION-DELAY ca   A new connected app works within the wait.',
        '                                        reason: org does not allow new connected apps',
        '  3 refuted    F-JWT-AUDIENCE      eca  test is refused.',
        '                                        observed: accepted (HTTP 200)',
      ]);
    });

    it('gives each checked assumption a line for its fact in docs/salesforce-facts.md; a local org gets a warning', () => {
      const target = { ...org({ edition: 'Developer Edition', apiVersion: '64.0' }), alias: 'my-dev' };
      const lines = factsDocLines({ lane, target, assumptions });
      expect(lines).to.deep.equal([
        {
          fact: 'F-PROPAGATION-DELAY',
          link: 'docs/salesforce-facts.md#f-propagation-delay',
          lines: [
            '- **Real-org run 2026-03-04** (Developer Edition, production, API 64.0; `npm run test:org`, OrgLane_20260304050607_a1b2c3): CONFIRMED: A new app works within the wait. Observed: after 83.0 s.',
          ],
        },
        {
          fact: 'F-JWT-AUDIENCE',
          link: 'docs/salesforce-facts.md#f-jwt-audience',
          lines: [
            '- **Real-org run 2026-03-04** (Developer Edition, production, API 64.0; `npm run test:org`, OrgLane_20260304050607_a1b2c3): REFUTED: test is refused. Observed: accepted (HTTP 200).',
          ],
        },
      ]);
      const local = factsDocLines({ lane, target: { ...target, local: true }, assumptions });
      expect(local[0].lines[0]).to.include('(a local org emulator, not Salesforce: do not paste)');
    });
  });
});
