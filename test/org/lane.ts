/*
 * The real-org lane: the portable e2e scenarios (one app of each kind, from create to delete) against any org the
 * user has authorized, with the project's real sf binary and the compiled plugin linked, as a user's pipeline would
 * run them. scripts/org-lane.ts is its command line (`npm run test:org -- --target-org <alias>`); the e2e suite runs
 * the same entry point against the org emulator (test/e2e/org-lane.e2e.ts).
 *
 * A run: read the org from the user's sf setup (orgAccess.ts), run the scenarios side by side (scenario.ts; each in
 * its own throwaway HOMEs and temp SFDX project, names unique to the run), then clean up whatever happened (logins
 * with the new apps logged out, every app the run registered deleted, temp dirs removed), and report every
 * assumption checked with its verdict, as a table and as JSON.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { repoRoot, type SfSession } from '../e2e/harness.js';
import { AssumptionBook, appName, type AppTopic } from './assumptions.js';
import { CleanupRegistry, type CleanupReport } from './cleanup.js';
import { needsProductionConsent, OrgAccess, type OrgDetails } from './orgAccess.js';
import { factsDocLines, summarize, type LaneReport } from './report.js';
import { runAppScenario, type StepRecord } from './scenario.js';

export const ALL_SCENARIOS: readonly AppTopic[] = ['external-client-app', 'connected-app'];

export type LaneOptions = {
  targetOrg: string;
  /** The user's environment: its HOME holds the auth of the target org. */
  userEnv: NodeJS.ProcessEnv;
  scenarios?: readonly AppTopic[];
  /** How long logins with a new or changed app may wait for it to go live (create and rotate-certificate --wait). */
  waitMinutes?: number;
  /** Where the JSON goes; default org-lane-results/<run name>.json in the current directory. */
  resultsFile?: string;
  /** Run in a production org other than a Developer Edition. */
  allowProduction?: boolean;
  log?: (line: string) => void;
  /** Asked before each step: true stops the scenarios (the cleanup still runs). */
  interrupted?: () => boolean;
  now?: Date;
  /** Told the names of the apps the run may create, before anything is created. */
  onAppNames?: (names: string[]) => void;
};

/** `OrgLane_<yyyymmddHHMMSS>_<random>`: a valid API name (letters, digits, single underscores), unique per run. */
export function runName(now = new Date(), random = randomBytes(3).toString('hex')): string {
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
  return `OrgLane_${stamp}_${random}`;
}

async function versionOf(packageDir: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

const asTarget = ({ targetOrg, ...details }: OrgDetails): NonNullable<LaneReport['target']> => ({ alias: targetOrg, ...details });

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export async function runLane(options: LaneOptions): Promise<LaneReport> {
  const started = options.now ?? new Date();
  const name = runName(started);
  const scenarios = options.scenarios ?? ALL_SCENARIOS;
  options.onAppNames?.(scenarios.map((topic) => appName(name, topic)));
  const waitMinutes = options.waitMinutes ?? 15;
  const resultsFile = resolve(options.resultsFile ?? join('org-lane-results', `${name}.json`));
  const log = options.log ?? ((): void => {});
  const interrupted = options.interrupted ?? ((): boolean => false);
  const book = new AssumptionBook();
  const registry = new CleanupRegistry();
  const steps: StepRecord[] = [];
  const sessions: SfSession[] = [];
  let org: OrgDetails | undefined;
  let error: string | undefined;
  let cleanup: CleanupReport = { deletedByScenario: [], deletedByCleanup: [], notInOrg: [], loggedOut: [], notCleaned: [] };

  const root = await mkdtemp(join(tmpdir(), `org-lane-${name}-`));
  let laneSession: SfSession | undefined;
  try {
    log(`run ${name}: reading ${options.targetOrg} from your sf setup (sf org display, sf org auth show-access-token)`);
    const access = await OrgAccess.read(options.targetOrg, options.userEnv, root);
    const probe = await access.authorize();
    laneSession = probe.session;
    sessions.push(laneSession);
    org = probe.details;
    log(
      `org ${org.orgId} (${org.username}) at ${org.instanceUrl}: ${org.edition ?? 'edition unknown'}, ${
        org.isSandbox ? 'sandbox' : org.isScratch ? 'scratch org' : 'production'
      }, API ${org.apiVersion ?? '?'}`
    );
    if (needsProductionConsent(org) && !options.allowProduction) {
      throw new Error(
        `${options.targetOrg} is a production org (${org.edition ?? 'edition unknown'}): the lane creates and deletes apps in it. ` +
          'Use a Developer Edition org, a sandbox or a scratch org, or pass --allow-production.'
      );
    }
    const apps = scenarios.map((topic) => appName(name, topic)).join(', ');
    log(`scenarios: ${scenarios.join(', ')}; app(s) ${apps}; logins may wait ${waitMinutes} min`);
    const details = org;
    await Promise.all(
      scenarios.map((topic) =>
        runAppScenario({ topic, template: probe.session, org: details, runName: name, root, waitMinutes, book, registry, steps, sessions, log, interrupted })
      )
    );
  } catch (caught) {
    error = errorText(caught);
    log(`stopped: ${error}`);
  } finally {
    // The after hook: whatever happened above, take away what the run made. cleanUp never throws.
    log(`cleanup: ${registry.appNames().length} app(s) registered`);
    cleanup = await registry.cleanUp(laneSession, options.targetOrg, root);
    // The lane's own HOME holds the linked plugin's staging dir: it goes last.
    await Promise.all(sessions.filter((session) => session !== laneSession).map((session) => session.dispose().catch(() => {})));
    await laneSession?.dispose().catch(() => {});
    await rm(root, { recursive: true, force: true }).catch(() => {});
  }

  if (!error && interrupted()) error = 'interrupted: the scenarios stopped early (the cleanup ran)';
  const assumptions = book.all();
  const finished = new Date();
  const summary = summarize(assumptions, steps, cleanup);
  const report: LaneReport = {
    lane: {
      name,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      pluginVersion: await versionOf(repoRoot),
      sfCliVersion: await versionOf(join(repoRoot, 'node_modules', '@salesforce', 'cli')),
      scenarios: [...scenarios],
      waitMinutes,
      resultsFile,
    },
    target: org ? asTarget(org) : undefined,
    ok: !error && summary.refuted === 0 && summary.failedSteps === 0 && summary.notCleaned === 0,
    error,
    summary,
    assumptions,
    steps,
    cleanup,
    factsDoc: [],
  };
  report.factsDoc = factsDocLines(report);
  await mkdir(dirname(resultsFile), { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
