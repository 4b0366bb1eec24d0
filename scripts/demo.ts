/*
 * `npm run demo` (after `npm run build`): the main job, end to end, against the bundled org emulator.
 * Starts the emulator in this process, logs the real sf CLI in with `sf org login jwt` (isolated HOME in a temp dir,
 * plugin linked from lib/), and prints what happened. Exits non-zero on any failure and leaves no process behind.
 */
import { startEmulator, type Emulator } from '../test/emulator/server.js';
import { describeRun, SfSession, type SfJsonRun } from '../test/e2e/harness.js';

const started = Date.now();
const say = (line: string): void => {
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);
};

function check<T>(step: string, run: SfJsonRun<T>): T {
  if (run.exitCode !== 0 || run.json.status !== 0) throw new Error(`${step} failed\n${describeRun(run)}`);
  say(`${step}: ok (${run.durationMs} ms)`);
  return run.json.result as T;
}

async function main(): Promise<void> {
  let emu: Emulator | undefined;
  let session: SfSession | undefined;
  try {
    emu = await startEmulator({ port: 0 });
    say(`org emulator listening at ${emu.instanceUrl} (org ${emu.orgId}, user ${emu.username})`);

    session = await SfSession.create({ linkPlugin: true });
    say(`sf plugins link: the compiled plugin is linked into an isolated HOME ${session.home} (${session.linkDurationMs ?? '?'} ms)`);

    const login = check(
      'sf org login jwt',
      await session.loginJwt({
        instanceUrl: emu.instanceUrl,
        username: emu.username,
        clientId: emu.clientId,
        keyFile: emu.jwtKeyFile,
        alias: 'emu',
      })
    );
    say(`  logged in as ${String((login as { username?: string }).username)} (alias emu)`);

    const org = check(
      'sf org display',
      await session.json<{ id: string; instanceUrl: string; username: string; apiVersion: string }>(['org', 'display', '--target-org', 'emu'])
    );
    say(`  org ${org.id} at ${org.instanceUrl}, API ${org.apiVersion}`);

    // ---------------------------------------------------------------------------------------------------------
    // CREATE COMMANDS GO HERE. Chain the plugin's commands against the logged-in emulator org, for example:
    //   check('sf external-client-app create', await session.json(
    //     ['external-client-app', 'create', '--name', 'Demo_App', '--target-org', 'emu', '--login', 'jwt']));
    // and print the consumer key, the files written and the new alias from the result.
    // ---------------------------------------------------------------------------------------------------------

    const seen = emu.requests();
    say(`the emulator served ${seen.length} requests:`);
    for (const r of seen) say(`  ${r.method} ${r.path}${r.operation ? ` (${r.operation})` : ''} -> ${r.status}`);
    say('demo finished: all steps succeeded');
  } finally {
    await emu?.stop();
    await session?.dispose();
  }
}

main()
  .catch((error: unknown) => {
    say(`demo FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => {
    // Everything is stopped by now; if a stray handle still holds the event loop, do not hang the terminal or CI.
    setTimeout(() => process.exit(), 2000).unref();
  });
