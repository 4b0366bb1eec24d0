/*
 * `npm run test:org -- --target-org <alias>` (after `npm run build`, which the npm script runs): the real-org lane of
 * test/org/lane.ts against an org you have authorized with sf. Prints progress, then a table of every assumption
 * checked, and writes the results as JSON. Exit code 0 when every step passed, nothing was refuted and everything the
 * run made was cleaned up; 1 otherwise; 2 for a usage error.
 */
import { parseArgs } from 'node:util';
import { ALL_SCENARIOS, runLane } from '../test/org/lane.js';
import { formatReport } from '../test/org/report.js';
import type { AppTopic } from '../test/org/assumptions.js';

const USAGE = `Usage: npm run test:org -- --target-org <alias> [options]

Runs the plugin's scenarios (create --login jwt, display, update, redeploy, retrieve, rotate-certificate --login,
delete) against an org you authorized with sf, and reports which Salesforce behaviours in docs/salesforce-facts.md
the org confirms or refutes. Every app it creates is named OrgLane_<time>_<random>_Eca|_Ca and deleted at the end.

Options:
  -o, --target-org <alias>   the org (an alias or username your sf knows); required
  --scenarios <list>         external-client-app,connected-app (the default: both; eca and ca work too)
  --wait <minutes>           how long logins with a new or changed app may wait for it to go live (default 15)
  --results-file <path>      where the JSON goes (default org-lane-results/<run name>.json)
  --allow-production         run in a production org that is not a Developer Edition
  -h, --help                 this text`;

const SCENARIO_NAMES: Record<string, AppTopic> = {
  'external-client-app': 'external-client-app',
  eca: 'external-client-app',
  'connected-app': 'connected-app',
  ca: 'connected-app',
};

function usageError(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parse(): Parameters<typeof runLane>[0] {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'target-org': { type: 'string', short: 'o' },
        scenarios: { type: 'string' },
        wait: { type: 'string' },
        'results-file': { type: 'string' },
        'allow-production': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    usageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (!values['target-org']) usageError('--target-org is required: the lane never falls back to a default org.');
  const scenarios = (values.scenarios ?? ALL_SCENARIOS.join(','))
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name) => SCENARIO_NAMES[name] ?? usageError(`unknown scenario "${name}"`));
  const wait = values.wait === undefined ? 15 : Number(values.wait);
  if (!Number.isInteger(wait) || wait < 0) usageError('--wait takes whole minutes');
  return {
    targetOrg: values['target-org'],
    userEnv: process.env,
    scenarios: [...new Set(scenarios)],
    waitMinutes: wait,
    resultsFile: values['results-file'],
    allowProduction: values['allow-production'] ?? false,
  };
}

const options = parse();
const started = Date.now();
const say = (line: string): void => {
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
};

// Ctrl-C once: stop after the current step and clean up. Twice: quit now (the apps may stay: their names are printed).
let interrupts = 0;
let apps: string[] = [];
process.on('SIGINT', () => {
  interrupts++;
  if (interrupts === 1) {
    say('interrupted: stopping after the current step, then cleaning up (Ctrl-C again quits without cleaning up)');
    return;
  }
  process.stderr.write(
    `quit without cleanup; delete these apps if they exist (sf external-client-app|connected-app delete --name <app> --target-org ${
      options.targetOrg
    }): ${apps.join(', ') || 'none yet'}\n`
  );
  process.exit(130);
});

runLane({
  ...options,
  log: say,
  onAppNames: (names) => {
    apps = names;
  },
  interrupted: () => interrupts > 0,
})
  .then((report) => {
    process.stdout.write(`${formatReport(report)}\n`);
    process.exitCode = report.ok ? 0 : 1;
  })
  .catch((error: unknown) => {
    say(`org lane crashed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => {
    // Everything is stopped by now; a stray handle must not hold the terminal or CI.
    setTimeout(() => process.exit(), 2000).unref();
  });
