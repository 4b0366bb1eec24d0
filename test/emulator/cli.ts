/*
 * `npm run emulator -- --port <n> [--latency <ms>] [--live-delay <ms>] [--state-file <path>] [--data-dir <dir>]
 * [--allow-connected-app-creation] [--sandbox]`: runs the org emulator in the foreground. Prints one JSON line when ready
 * (what `sf org login jwt` needs), logs nothing else to stdout, and saves the state file on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startEmulator } from './server.js';

function nonNegative(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      latency: { type: 'string' },
      'live-delay': { type: 'string' },
      'state-file': { type: 'string' },
      'data-dir': { type: 'string' },
      'allow-connected-app-creation': { type: 'boolean' },
      sandbox: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'Usage: npm run emulator -- --port <n> [--latency <ms>] [--live-delay <ms>] [--state-file <path>] [--data-dir <dir>] [--allow-connected-app-creation] [--sandbox]\n' +
        '  --sandbox  the org is a sandbox: JWT audience https://test.salesforce.com (or the instance URL), IsSandbox true\n'
    );
    return;
  }
  const emulator = await startEmulator({
    port: nonNegative('port', values.port),
    latencyMs: nonNegative('latency', values.latency),
    liveDelayMs: nonNegative('live-delay', values['live-delay']),
    stateFile: values['state-file'],
    dataDir: values['data-dir'],
    allowConnectedAppCreation: values['allow-connected-app-creation'],
    sandbox: values.sandbox,
  });
  const { instanceUrl, username, clientId, jwtKeyFile, orgId } = emulator;
  process.stdout.write(`${JSON.stringify({ instanceUrl, username, clientId, jwtKeyFile, orgId })}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    emulator
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        process.stderr.write(`emulator: failed to stop cleanly on ${signal}: ${String(error)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
