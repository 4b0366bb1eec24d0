/*
 * One app's life in the target org, as a user's pipeline would live it with the real sf CLI and the plugin: create
 * with --login jwt, display, update, redeploy the source files, retrieve, rotate-certificate --login, delete. Each
 * step checks what the plugin promises (a broken promise fails the step, and the scenario stops there) and records
 * the Salesforce behaviours it shows in the assumption book (a refuted assumption does not stop the scenario).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseSourceXml, type XmlObject } from '../../src/metadata/xml.js';
import type { SfJsonRun, SfSession } from '../e2e/harness.js';
import {
  DEFAULT_CALLBACK,
  EXTRA_CALLBACK,
  PRODUCTION_LOGIN,
  SANDBOX_LOGIN,
  SESSION_TIMEOUT,
  appName,
  scenarioAssumptions,
  scenarioId,
  type AppTopic,
  type AssumptionBook,
} from './assumptions.js';
import type { CleanupRegistry } from './cleanup.js';
import { describeAnswer, requestJwtToken, type JwtRequest, type TokenAnswer } from './jwtBearer.js';
import type { OrgDetails } from './orgAccess.js';

export type StepRecord = {
  scenario: string;
  step: string;
  outcome: 'ok' | 'failed' | 'skipped';
  durationMs: number;
  commands: string[];
  detail?: string;
};

export type ScenarioContext = {
  topic: AppTopic;
  /** The lane's HOME, where the org is authorized: each HOME of the scenario starts as a copy of it. */
  template: SfSession;
  org: OrgDetails;
  runName: string;
  /** The run's temp dir: the scenario's project goes in it. */
  root: string;
  waitMinutes: number;
  book: AssumptionBook;
  registry: CleanupRegistry;
  steps: StepRecord[];
  /** Every session the scenario makes, so the lane can dispose of them. */
  sessions: SfSession[];
  log: (line: string) => void;
  interrupted: () => boolean;
};

type LoginResult = { method: string; username: string; attempts: number; waitedMs: number; alias?: string };
type CreateResult = {
  consumerKey: string;
  profiles: string[];
  privateKeyPath?: string;
  certificateExpires?: string;
  name: string;
  metadataPaths: string[];
  deploy: { method: string; id?: string };
  login?: LoginResult;
};
type DisplayResult = {
  consumerKey?: string;
  callbackUrls: string[];
  scopes: string[];
  permittedUsers: string;
  profiles: string[];
  /** In the definition file's words: 90d, inactive:7d, infinite, zero. */
  refreshTokenPolicy: string;
  sessionTimeoutMinutes?: number;
  certificateExpires?: string;
};
type UpdateResult = { deployed: boolean; changes: Array<{ setting: string }> };
type RotateResult = { consumerKey?: string; privateKeyPath?: string; previousPrivateKeyPath?: string; login?: LoginResult };
type DeleteResult = { deletedComponents: Array<{ type: string; fullName: string }>; deletedSourceFiles: string[] };
type DeployFile = { type: string; fullName: string; state: string; filePath?: string; error?: string };
type DeployResult = { success?: boolean; files?: DeployFile[] };
type RetrieveResult = DeployResult & { messages?: Array<{ fileName?: string; problem?: string }> | { fileName?: string; problem?: string } };

/** Thrown by a step whose promise is broken: the scenario stops. */
class StepFailed extends Error {}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const sameList = (a: readonly string[], b: readonly string[]): boolean => JSON.stringify(a) === JSON.stringify(b);
const sameSet = (a: readonly string[], b: readonly string[]): boolean => sameList([...a].sort(), [...b].sort());
/** The scopes as a retrieve spells them (the Metadata API enum) and as display shows them (the OAuth names). */
const SCOPES = ['Api', 'Web', 'RefreshToken'];
const SCOPE_WORDS = ['api', 'web', 'refresh_token'];
/** Answers that mean "not live on every server yet": the request is asked again before anything is concluded. */
const PROPAGATING = /invalid_client_id|client identifier invalid|not installed|hasn't approved|has not approved/i;

/** The deploy's refusals, one line each. */
function problems(run: SfJsonRun<DeployResult>): string {
  const failed = (run.json.result?.files ?? []).filter((file) => file.state === 'Failed');
  return failed.length > 0
    ? failed.map((file) => `${file.type} ${file.fullName}: ${file.error ?? 'failed'}`).join('; ')
    : run.json.message ?? `exit ${String(run.exitCode)}`;
}

/** Source file suffix -> metadata type, for the components the retrieve asks for. */
const RETRIEVED_TYPES: Record<string, string> = {
  '.ecaGlblOauth-meta.xml': 'ExtlClntAppGlobalOauthSettings',
  '.ecaOauth-meta.xml': 'ExtlClntAppOauthSettings',
  '.connectedApp-meta.xml': 'ConnectedApp',
};

function componentOf(path: string): { type: string; fullName: string } | undefined {
  const suffix = Object.keys(RETRIEVED_TYPES).find((end) => path.endsWith(end));
  return suffix ? { type: RETRIEVED_TYPES[suffix], fullName: basename(path, suffix) } : undefined;
}

async function newProject(root: string, name: string): Promise<string> {
  const dir = await mkdtemp(join(root, `${name}-`));
  await mkdir(join(dir, 'force-app', 'main', 'default'), { recursive: true });
  // As `sf project generate` writes it, without oauthLocalPort: the callback URL is the CLI's default, port 1717.
  await writeFile(
    join(dir, 'sfdx-project.json'),
    JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], name, namespace: '' }, null, 2)
  );
  return dir;
}

export async function runAppScenario(ctx: ScenarioContext): Promise<void> {
  const { topic, org, book, registry } = ctx;
  const sc = scenarioId(topic);
  const eca = topic === 'external-client-app';
  const name = appName(ctx.runName, topic);
  const jwtAlias = `${ctx.runName.toLowerCase()}-${sc}-jwt`;
  const target = org.targetOrg;
  const wait = String(ctx.waitMinutes);
  const loginTimeoutMs = (ctx.waitMinutes + 10) * 60_000;
  const id = (key: string): string => `${sc}.${key}`;
  book.declare(sc, scenarioAssumptions(topic, { instanceUrl: org.instanceUrl, isSandbox: org.isSandbox, waitMinutes: ctx.waitMinutes }));

  /** Runs `sf <args> --json` in a session and notes the command on the step. */
  type Sf = <T>(session: SfSession, args: string[], options?: { cwd?: string; timeoutMs?: number }) => Promise<SfJsonRun<T>>;
  /** Runs one step; its body may call `skip(why)` when the step had nothing to do. */
  const step = async <T>(label: string, body: (sf: Sf, skip: (why: string) => void) => Promise<T>): Promise<T> => {
    if (ctx.interrupted()) throw new StepFailed('interrupted');
    const record: StepRecord = { scenario: sc, step: label, outcome: 'ok', durationMs: 0, commands: [] };
    ctx.steps.push(record);
    const sf: Sf = (session, args, options = {}) => {
      record.commands.push(`sf ${args.join(' ')}`);
      return session.json(args, { timeoutMs: 600_000, ...options });
    };
    const skip = (why: string): void => {
      record.outcome = 'skipped';
      record.detail = why;
    };
    const started = Date.now();
    ctx.log(`${sc}: ${label} ...`);
    try {
      const value = await body(sf, skip);
      record.durationMs = Date.now() - started;
      ctx.log(`${sc}: ${label}: ${record.outcome}${record.detail ? ` (${record.detail})` : ''} in ${seconds(record.durationMs)}`);
      return value;
    } catch (error) {
      record.durationMs = Date.now() - started;
      record.outcome = 'failed';
      record.detail = error instanceof Error ? error.message : String(error);
      ctx.log(`${sc}: ${label}: FAILED in ${seconds(record.durationMs)}: ${record.detail}`);
      throw new StepFailed(label);
    }
  };
  const ok = <T>(run: SfJsonRun<T>): T => {
    if (run.json.status !== 0 || run.json.result === undefined) {
      throw new Error(`sf ${run.args.slice(0, 2).join(' ')} exited ${String(run.exitCode)}: ${run.json.name ?? ''} ${run.json.message ?? ''}`.trim());
    }
    return run.json.result;
  };
  const expect = (holds: boolean, what: string): void => {
    if (!holds) throw new Error(what);
  };
  const newHome = async (): Promise<SfSession> => {
    const session = await ctx.template.clone();
    ctx.sessions.push(session);
    return session;
  };

  try {
    const project = await newProject(ctx.root, `${sc}-project`);
    // Three HOMEs: one whose auth the create's login replaces, one for the rotation's login, one for everything else.
    const [createHome, admin, rotationHome] = await step('three throwaway HOMEs (copies of the lane\'s)', async () => {
      const homes = await Promise.allSettled([newHome(), newHome(), newHome()]);
      const failed = homes.find((home): home is PromiseRejectedResult => home.status === 'rejected');
      if (failed) throw failed.reason;
      return homes.map((home) => (home as PromiseFulfilledResult<SfSession>).value);
    });

    // create --login jwt: the new app, its key, its source files, and a login with it under the lane's own alias.
    registry.addApp(topic, name);
    const created = await step(`${topic} create --login jwt`, async (sf, skip) => {
      const run = await sf<CreateResult>(
        createHome,
        [topic, 'create', '--name', name, '--target-org', target, '--login', 'jwt', '--alias', jwtAlias, '--wait', wait],
        { cwd: project, timeoutMs: loginTimeoutMs }
      );
      if (!eca && run.json.name === 'ConnectedAppCreationBlockedError') {
        // The org refused the deploy itself: nothing was created (docs/salesforce-facts.md#f-ca-creation-block).
        book.confirm(id('creation-block'), `refused: ${run.json.message ?? ''}`);
        registry.markNotCreated(name);
        skip('org does not allow new connected apps');
        return undefined;
      }
      if (run.json.name === 'LoginTimedOutError') book.refute(id('live'), run.json.message ?? 'the login timed out');
      const result = ok(run);
      registry.addLogin(createHome, jwtAlias, `${jwtAlias} (${name}, create --login jwt)`);
      if (!eca) book.skip(id('creation-block'), 'this org allows new connected apps (creation is on for it)');
      expect(result.login?.method === 'jwt' && result.login.username === org.username, `no JWT login as ${org.username}: ${JSON.stringify(result.login)}`);
      // An External Client App's global OAuth settings are deployed, never written (docs/salesforce-facts.md#f-source-credentials).
      expect(result.metadataPaths.length === (eca ? 4 : 1), `wrote ${result.metadataPaths.length} source files`);
      expect(Boolean(result.privateKeyPath), 'no private key path');
      return result;
    });
    if (!created) {
      book.skipUnchecked(sc, 'org does not allow new connected apps');
      return;
    }
    const login = created.login!;
    const keyFile = created.privateKeyPath!;
    if (eca) {
      book.check(
        id('deploy-together'),
        created.deploy.method === 'deploy',
        `${created.metadataPaths.length} components in one ${created.deploy.method}${created.deploy.id ? ` (${created.deploy.id})` : ''}`
      );
    }
    book.confirm(id('live'), `logged in after ${login.attempts} attempt(s), ${seconds(login.waitedMs)} of waiting for the app to go live`);
    book.confirm(id('jwt-certificate'), `the generated key logged in as ${login.username}`);
    book.confirm(id('pre-authorized'), `${login.username} logged in, pre-authorized through profile ${created.profiles.join(', ')}`);

    let workingAudience = org.instanceUrl;
    // Two steps side by side: both end before the scenario goes on, or stops at the first that failed.
    const sideBySide = await Promise.allSettled([
      step('the login uses the new app', async (sf) => {
        const shown = ok(await sf<{ clientId?: string }>(createHome, ['org', 'display', '--target-org', jwtAlias]));
        expect(shown.clientId === created.consumerKey, `${jwtAlias} uses client id ${String(shown.clientId)}`);
      }),
      // Which audiences the org takes: asked directly, one per request (sf org login jwt tries several and hides which).
      step('JWT audiences', async () => {
        const working: string[] = [];
        const audiences: Array<[string, string, boolean]> = [
          ['aud-my-domain', org.instanceUrl, true],
          ['aud-login', PRODUCTION_LOGIN, !org.isSandbox],
          ['aud-test', SANDBOX_LOGIN, org.isSandbox],
        ];
        for (const [key, audience, accepted] of audiences) {
          // A login that worked a moment ago does not mean the next request reaches a server that knows the app yet.
          const { answer } = await askUntil(
            { instanceUrl: org.instanceUrl, clientId: created.consumerKey, username: org.username, audience, privateKeyFile: keyFile },
            (a) => a.accepted || !PROPAGATING.test(`${a.error} ${a.description}`),
            Math.min(ctx.waitMinutes, 5)
          );
          const holds = accepted ? answer.accepted : !answer.accepted && /audience/i.test(answer.description);
          book.check(id(key), holds, describeAnswer(answer));
          if (answer.accepted) working.push(audience);
        }
        // The previous key is tried later with an audience the org takes, so that only the key can be refused.
        workingAudience = working[0] ?? org.instanceUrl;
      }),
    ]);
    const failed = sideBySide.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;

    const display = async (sf: Sf): Promise<DisplayResult> =>
      ok(await sf<DisplayResult>(admin, [topic, 'display', '--name', name, '--target-org', target], { cwd: project }));

    await step(`${topic} display`, async (sf) => {
      const shown = await display(sf);
      expect(shown.consumerKey === created.consumerKey, `display shows consumer key ${String(shown.consumerKey)}`);
      book.check(id('callback-localhost'), sameList(shown.callbackUrls, [DEFAULT_CALLBACK]), `read back: ${shown.callbackUrls.join(', ')}`);
      const differences = settingsDifferences(shown, created);
      book.check(
        id('settings-read-back'),
        differences.length === 0,
        differences.length === 0
          ? `scopes ${shown.scopes.join(', ')}; ${shown.permittedUsers} (${shown.profiles.join(', ')}); refresh tokens 90 days; sessions 15 min; certificate expires ${day(shown.certificateExpires)}`
          : `differs: ${differences.join('; ')}`
      );
    });

    await step(`${topic} update --add-callback-url --session-timeout ${SESSION_TIMEOUT}`, async (sf) => {
      const updated = ok(
        await sf<UpdateResult>(
          admin,
          [topic, 'update', '--name', name, '--target-org', target, '--add-callback-url', EXTRA_CALLBACK, '--session-timeout', String(SESSION_TIMEOUT)],
          { cwd: project }
        )
      );
      const settings = updated.changes.map((change) => change.setting);
      expect(updated.deployed && sameSet(settings, ['callbackUrls', 'sessionTimeoutMinutes']), `changed ${settings.join(', ')}`);
    });

    await step(`${topic} display shows the update`, async (sf) => {
      const shown = await display(sf);
      book.check(
        id('callback-list'),
        sameList(shown.callbackUrls, [DEFAULT_CALLBACK, EXTRA_CALLBACK]),
        `read back: ${shown.callbackUrls.join(', ')}`
      );
      book.check(id('session-timeout'), shown.sessionTimeoutMinutes === SESSION_TIMEOUT, `read back: ${String(shown.sessionTimeoutMinutes)}`);
      book.check(
        id('update-keeps-key'),
        shown.consumerKey === created.consumerKey,
        shown.consumerKey === created.consumerKey ? 'the update was accepted; the key is unchanged' : 'the consumer key changed'
      );
    });

    const redeployed = await step('sf project deploy start (the source files as written)', async (sf) => {
      const run = await sf<DeployResult>(admin, ['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', target], {
        cwd: project,
      });
      const deployed = run.json.status === 0 && run.json.result?.success === true;
      const count = (run.json.result?.files ?? []).filter((file) => file.state !== 'Failed').length;
      book.check(id('source-redeploy'), deployed, deployed ? `deployed ${count} component(s)` : `refused: ${problems(run)}`);
      return deployed;
    });

    // What a retrieve returns: the key after the redeploy, the certificate's form, the scopes' spelling.
    const components = [
      ...created.metadataPaths.map(componentOf).filter((c): c is { type: string; fullName: string } => c !== undefined),
      // Not in the project (kept out of source control), so named here: the plugin gives it the app's name + _glbl.
      ...(eca ? [{ type: 'ExtlClntAppGlobalOauthSettings', fullName: `${created.name}_glbl` }] : []),
    ];
    const retrieved = await step('sf project retrieve start (key, certificate, scopes)', async (sf, skip) => {
      const run = await sf<RetrieveResult>(
        admin,
        [
          'project',
          'retrieve',
          'start',
          ...components.flatMap((c) => ['--metadata', `${c.type}:${c.fullName}`]),
          '--output-dir',
          'org-lane-retrieved',
          '--target-org',
          target,
        ],
        { cwd: project }
      );
      const result = ok(run);
      const files = result.files ?? [];
      const read = async (type: string): Promise<{ path: string; content: XmlObject } | undefined> => {
        const path = files.find((file) => file.type === type && file.state !== 'Failed')?.filePath;
        return path && existsSync(path) ? { path, content: parseSourceXml(await readFile(path, 'utf8')).content } : undefined;
      };
      const credentials = await read(eca ? 'ExtlClntAppGlobalOauthSettings' : 'ConnectedApp');
      if (!credentials) {
        // An org that guards consumer secrets leaves global OAuth settings out of a retrieve, with a message
        // (docs/salesforce-facts.md#f-eca-metadata-secret-access): nothing to check here, the scenario goes on.
        const messages = ([] as Array<{ fileName?: string; problem?: string }>).concat(result.messages ?? []);
        const why = `the retrieve returned no ${eca ? 'global OAuth settings' : 'connected app'} file${
          messages.length > 0 ? `: ${messages.map((m) => m.problem ?? m.fileName).join('; ')}` : ''
        }`;
        for (const key of ['source-redeploy-keeps-key', 'certificate-form', 'scope-spelling', 'retrieved-key-redeploy']) book.skip(id(key), why);
        skip(why);
        return undefined;
      }
      const oauth = eca ? (await read('ExtlClntAppOauthSettings'))?.content : (credentials.content.oauthConfig as XmlObject | undefined);
      const holder = (eca ? credentials.content : oauth) ?? {};
      const key = typeof holder.consumerKey === 'string' ? holder.consumerKey : undefined;
      if (!redeployed) book.skip(id('source-redeploy-keeps-key'), 'the redeploy was refused');
      else if (!key) book.skip(id('source-redeploy-keeps-key'), 'the retrieve returned no consumerKey');
      else book.check(id('source-redeploy-keeps-key'), key === created.consumerKey, key === created.consumerKey ? 'the retrieved key is the app\'s' : 'the consumer key changed');

      const certificate = typeof holder.certificate === 'string' ? holder.certificate.trim() : '';
      const pem = certificate.startsWith('-----BEGIN CERTIFICATE-----');
      book.check(
        id('certificate-form'),
        pem,
        certificate === '' ? 'no certificate element' : pem ? 'a full PEM block' : `the bare base64 body (starts "${certificate.slice(0, 12)}...")`
      );
      const scopes = eca
        ? String(oauth?.commaSeparatedOauthScopes ?? '')
            .split(',')
            .map((scope) => scope.trim())
            .filter(Boolean)
        : ([] as unknown[]).concat(oauth?.scopes ?? []).map(String);
      book.check(
        id('scope-spelling'),
        sameSet(scopes, SCOPES),
        eca ? `commaSeparatedOauthScopes "${String(oauth?.commaSeparatedOauthScopes ?? '')}"` : `scopes ${scopes.join(', ')}`
      );
      return { path: credentials.path, hasKey: key !== undefined };
    });

    await step('sf project deploy start (the retrieved file, with its consumer key)', async (sf, skip) => {
      if (!retrieved?.hasKey) {
        if (retrieved) book.skip(id('retrieved-key-redeploy'), 'the retrieve returned no consumerKey');
        skip(retrieved ? 'the retrieve returned no consumerKey' : 'nothing retrieved');
        return;
      }
      const run = await sf<DeployResult>(admin, ['project', 'deploy', 'start', '--source-dir', retrieved.path, '--target-org', target], {
        cwd: project,
      });
      expect(run.json.status === 0 || run.json.result !== undefined, `no deploy result: ${run.json.message ?? ''}`);
      const deployed = run.json.status === 0 && run.json.result?.success === true;
      const refusal = deployed ? 'deployed' : `refused: ${problems(run)}`;
      book.check(id('retrieved-key-redeploy'), eca ? deployed : !deployed && /consumer key/i.test(refusal), refusal);
    });

    // rotate-certificate --login: in a HOME of its own, since the login replaces that HOME's auth for the user.
    const rotated = await step(`${topic} rotate-certificate --login`, async (sf) => {
      const run = await sf<RotateResult>(
        rotationHome,
        [topic, 'rotate-certificate', '--name', name, '--target-org', target, '--login', '--wait', wait],
        { cwd: project, timeoutMs: loginTimeoutMs }
      );
      if (run.json.name === 'RotatedLoginFailedError') book.refute(id('rotated-live'), run.json.message ?? 'the new key did not log in');
      const result = ok(run);
      registry.addLogin(rotationHome, org.username, `${org.username} (${name}, rotate-certificate --login)`);
      expect(result.consumerKey === created.consumerKey, 'the consumer key changed');
      expect(Boolean(result.login && result.previousPrivateKeyPath), 'no login with the new key, or no previous key kept');
      book.confirm(
        id('rotated-live'),
        `logged in after ${result.login!.attempts} attempt(s), ${seconds(result.login!.waitedMs)} of waiting for the new certificate`
      );
      return result;
    });

    await step('the previous key', async () => {
      // A server that has not seen the new certificate yet may still take the old key: asked again for a while.
      const request = {
        instanceUrl: org.instanceUrl,
        clientId: created.consumerKey,
        username: org.username,
        audience: workingAudience,
        privateKeyFile: rotated.previousPrivateKeyPath!,
      };
      const { answer, waitedMs } = await askUntil(request, (a) => !a.accepted, Math.min(ctx.waitMinutes, 5));
      book.check(id('old-key-refused'), !answer.accepted, `${describeAnswer(answer)}${waitedMs > 0 ? ` after ${seconds(waitedMs)}` : ''}`);
    });

    await step(`${topic} delete --no-prompt --delete-source-files`, async (sf) => {
      const removed = ok(
        await sf<DeleteResult>(admin, [topic, 'delete', '--name', name, '--target-org', target, '--no-prompt', '--delete-source-files'], {
          cwd: project,
        })
      );
      registry.markDeleted(name);
      expect(removed.deletedComponents.length === (eca ? 5 : 1), `deleted ${removed.deletedComponents.length} components`);
      expect(sameSet(removed.deletedSourceFiles, created.metadataPaths), `deleted files ${removed.deletedSourceFiles.join(', ')}`);
      expect(!created.metadataPaths.some((path) => existsSync(path)), 'a source file is still there');
      expect(existsSync(rotated.privateKeyPath ?? keyFile), 'the key file was deleted too');
    });

    await step(`${topic} display after the delete`, async (sf) => {
      const run = await sf(admin, [topic, 'display', '--name', name, '--target-org', target], { cwd: project });
      const gone = run.json.status !== 0 && run.json.name === 'AppNotFoundError';
      if (eca) book.check(id('deleted'), gone, gone ? 'display: not found' : `display: ${run.json.name ?? `exit ${String(run.exitCode)}`}`);
      expect(gone, `the app is still there (${run.json.name ?? 'found'})`);
    });
  } catch (error) {
    if (!(error instanceof StepFailed)) {
      ctx.steps.push({ scenario: sc, step: 'scenario', outcome: 'failed', durationMs: 0, commands: [], detail: String(error) });
    }
    const reason = error instanceof StepFailed ? error.message : 'scenario';
    book.skipUnchecked(sc, reason === 'interrupted' ? 'not checked: the run was interrupted' : `not checked: step "${reason}" failed`);
  }
}

const day = (iso?: string): string => (iso ? new Date(iso).toISOString().slice(0, 10) : 'none');

/** How the settings display shows differ from the Salesforce DX settings create deployed; empty when they do not. */
function settingsDifferences(shown: DisplayResult, created: CreateResult): string[] {
  const differences: string[] = [];
  if (!sameSet(shown.scopes, SCOPE_WORDS)) differences.push(`scopes ${shown.scopes.join(', ')}`);
  if (shown.permittedUsers !== 'admin-approved') differences.push(`permitted users ${shown.permittedUsers}`);
  if (!created.profiles.every((profile) => shown.profiles.includes(profile))) differences.push(`profiles ${shown.profiles.join(', ')}`);
  if (shown.refreshTokenPolicy !== '90d') differences.push(`refresh token policy ${shown.refreshTokenPolicy}`);
  if (shown.sessionTimeoutMinutes !== 15) differences.push(`session timeout ${String(shown.sessionTimeoutMinutes)}`);
  if (day(shown.certificateExpires) !== day(created.certificateExpires)) {
    differences.push(`certificate expires ${day(shown.certificateExpires)}, created ${day(created.certificateExpires)}`);
  }
  return differences;
}

/** Asks the token endpoint until `settled` holds or `maxMinutes` pass; how long it waited, 0 when the first answer did. */
async function askUntil(
  request: JwtRequest,
  settled: (answer: TokenAnswer) => boolean,
  maxMinutes: number
): Promise<{ answer: TokenAnswer; waitedMs: number }> {
  const started = Date.now();
  const deadline = started + maxMinutes * 60_000;
  for (let delay = 2000, asked = 0; ; delay = Math.min(30_000, delay * 2), asked++) {
    const answer = await requestJwtToken(request);
    if (settled(answer) || Date.now() + delay > deadline) return { answer, waitedMs: asked === 0 ? 0 : Date.now() - started };
    await new Promise((done) => setTimeout(done, delay));
  }
}
