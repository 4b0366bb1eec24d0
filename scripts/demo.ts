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

    // The main job: an External Client App for CI (the default kind for new apps), created from flags in an SFDX
    // project, deployed, and used straight away for a JWT login; the emulator makes it live only after a delay, as
    // real orgs do, so the command waits it out.
    await fetch(`${emu.instanceUrl}/_emulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ liveDelayMs: 3000 }),
    });
    const project = await session.makeProject('demo');
    type Created = {
      consumerKey: string;
      privateKeyPath: string;
      certificateExpires: string;
      metadataPaths: string[];
      loginCommand: string;
      login?: { username: string; alias?: string; attempts: number; waitedMs: number };
    };
    const created = check(
      'sf external-client-app create --name Demo_App --target-org emu --login jwt --alias demo-ci',
      await session.json<Created>(
        ['external-client-app', 'create', '--name', 'Demo_App', '--target-org', 'emu', '--login', 'jwt', '--alias', 'demo-ci'],
        { cwd: project.dir }
      )
    );
    say(`  consumer key ${created.consumerKey}`);
    say(`  private key ${created.privateKeyPath} (certificate valid until ${created.certificateExpires.slice(0, 10)})`);
    for (const file of created.metadataPaths) say(`  wrote ${file}`);
    say(
      `  logged in as ${created.login?.username ?? '?'} (alias ${created.login?.alias ?? '?'}) after ${
        created.login?.attempts ?? '?'
      } attempt(s), ${created.login?.waitedMs ?? '?'} ms waiting for the app to go live`
    );
    const ci = check(
      'sf org display --target-org demo-ci',
      await session.json<{ clientId: string; instanceUrl: string }>(['org', 'display', '--target-org', 'demo-ci'])
    );
    if (ci.clientId !== created.consumerKey) throw new Error(`demo-ci uses client ${ci.clientId}, not the new app`);
    say(`  demo-ci is authorized through the new app (client id ${ci.clientId.slice(0, 12)}...)`);
    const apps = check(
      'sf external-client-app list --target-org emu',
      await session.json<{ apps: Array<{ name: string }> }>(['external-client-app', 'list', '--target-org', 'emu'])
    );
    say(`  apps in the org: ${apps.apps.map((a) => a.name).join(', ')}`);

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
