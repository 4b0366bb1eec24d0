/*
 * What a lane run reports: the table printed at the end, and the JSON written for people to carry the results into
 * docs/salesforce-facts.md (its `factsDoc` holds one ready-made line per checked assumption, grouped by fact).
 */
import type { Assumption } from './assumptions.js';
import type { CleanupReport } from './cleanup.js';
import type { OrgDetails } from './orgAccess.js';
import type { StepRecord } from './scenario.js';

export type LaneReport = {
  lane: {
    name: string;
    startedAt: string;
    finishedAt: string;
    durationMs: number;
    pluginVersion: string;
    /** The project's sf (@salesforce/cli), the binary the lane runs. */
    sfCliVersion: string;
    scenarios: string[];
    waitMinutes: number;
    resultsFile: string;
  };
  /** The org as the lane found it; absent when it could not read it. */
  target?: Omit<OrgDetails, 'targetOrg'> & { alias: string };
  /** True when every step passed (or was skipped for a reason), no assumption was refuted and everything was cleaned. */
  ok: boolean;
  /** Why the run could not start or finish, when it could not. */
  error?: string;
  summary: { confirmed: number; refuted: number; skipped: number; failedSteps: number; notCleaned: number };
  assumptions: Assumption[];
  steps: StepRecord[];
  cleanup: CleanupReport;
  factsDoc: Array<{ fact: string; link: string; lines: string[] }>;
};

export function summarize(
  assumptions: Assumption[],
  steps: StepRecord[],
  cleanup: CleanupReport
): LaneReport['summary'] {
  const count = (verdict: Assumption['verdict']): number => assumptions.filter((a) => a.verdict === verdict).length;
  return {
    confirmed: count('confirmed'),
    refuted: count('refuted'),
    skipped: count('skipped'),
    failedSteps: steps.filter((s) => s.outcome === 'failed').length,
    notCleaned: cleanup.notCleaned.length,
  };
}

/** One Markdown line per checked assumption, grouped by fact, to paste under the fact's "Real-org check". */
export function factsDocLines(report: Pick<LaneReport, 'lane' | 'target' | 'assumptions'>): LaneReport['factsDoc'] {
  const target = report.target;
  const date = report.lane.startedAt.slice(0, 10);
  const org = target
    ? `${target.edition ?? 'org'}, ${target.isSandbox ? 'sandbox' : target.isScratch ? 'scratch org' : 'production'}, API ${target.apiVersion ?? '?'}`
    : 'org unknown';
  const caveat = target?.local ? ' (a local org emulator, not Salesforce: do not paste)' : '';
  const groups = new Map<string, { fact: string; link: string; lines: string[] }>();
  for (const a of report.assumptions) {
    if (a.verdict === 'skipped') continue;
    const group = groups.get(a.fact) ?? { fact: a.fact, link: a.factLink, lines: [] };
    group.lines.push(
      `- **Real-org run ${date}** (${org}; \`npm run test:org\`, ${report.lane.name})${caveat}: ${a.verdict.toUpperCase()}: ${a.statement} Observed: ${a.observed}.`
    );
    groups.set(a.fact, group);
  }
  return [...groups.values()];
}

const pad = (text: string, width: number): string => text.padEnd(width);

/** The assumptions as a plain-text table: number, result, fact, scenario, statement, and what was observed. */
export function formatAssumptions(assumptions: Assumption[]): string {
  const factWidth = Math.max(4, ...assumptions.map((a) => a.fact.length));
  const indent = ' '.repeat(4 + 11 + factWidth + 1 + 5);
  const lines = [`${pad('  #', 4)}${pad('result', 11)}${pad('fact', factWidth + 1)}${pad('app', 5)}assumption`];
  assumptions.forEach((a, index) => {
    lines.push(`${String(index + 1).padStart(3)} ${pad(a.verdict, 11)}${pad(a.fact, factWidth + 1)}${pad(a.scenario, 5)}${a.statement}`);
    lines.push(`${indent}${a.verdict === 'skipped' ? 'reason' : 'observed'}: ${a.observed}`);
  });
  return lines.join('\n');
}

export function formatReport(report: LaneReport): string {
  const out: string[] = [''];
  const t = report.target;
  out.push(
    t
      ? `Org lane ${report.lane.name} against ${t.alias} (${t.username}, org ${t.orgId}, ${t.edition ?? 'edition unknown'}, ${
          t.isSandbox ? 'sandbox' : t.isScratch ? 'scratch org' : 'production'
        }, ${t.instanceUrl}${t.local ? ', local' : ''})`
      : `Org lane ${report.lane.name}`
  );
  if (report.assumptions.length > 0) {
    out.push('', 'Assumptions checked (docs/salesforce-facts.md):', formatAssumptions(report.assumptions));
  }
  const failed = report.steps.filter((s) => s.outcome === 'failed');
  if (failed.length > 0) {
    out.push('', 'Failed steps:');
    for (const s of failed) out.push(`  ${s.scenario}: ${s.step}: ${s.detail ?? ''}`);
  }
  const c = report.cleanup;
  out.push('', 'Cleanup:');
  out.push(`  deleted by the scenarios: ${c.deletedByScenario.join(', ') || '-'}`);
  out.push(`  deleted by the cleanup:   ${c.deletedByCleanup.join(', ') || '-'}`);
  out.push(`  never in the org:         ${c.notInOrg.join(', ') || '-'}`);
  out.push(`  logged out:               ${c.loggedOut.join(', ') || '-'}`);
  if (c.notCleaned.length > 0) {
    out.push('  NOT CLEANED:');
    for (const item of c.notCleaned) out.push(`    ${item.what}: ${item.reason}\n      fix: ${item.fix}`);
  } else {
    out.push('  nothing left behind');
  }
  if (report.error) out.push('', `Error: ${report.error}`);
  const s = report.summary;
  out.push(
    '',
    `${s.confirmed} confirmed, ${s.refuted} refuted, ${s.skipped} skipped; ${s.failedSteps} failed step(s); ${s.notCleaned} thing(s) not cleaned`,
    `Results (JSON, with lines for docs/salesforce-facts.md under "factsDoc"): ${report.lane.resultsFile}`,
    report.ok ? 'org lane: OK' : 'org lane: FAILED'
  );
  return out.join('\n');
}
