// Headless "browser" for `sf org login web`, run in the background by the BROWSER script (see harness.ts).
// Plain ESM JavaScript so it starts fast on any Node >= 18 (global fetch).
//
// Why the care: the CLI attaches its /OauthRedirect request handler only after xdg-open has exited, and a request that
// arrives before that hangs forever (nothing answers it, and it is never replayed). Sending the authorization code
// twice is not an option either (codes are single use). So we first probe the CLI's listener with a CORS
// private-network preflight (OPTIONS), which core's WebOAuthServer answers with 204 without touching the login, and
// only send the code once the handler answers.
//
// usage: node browserDriver.mjs <authorize-url>
// env:   E2E_BROWSER_DELAY_MS (initial delay, default 200), E2E_BROWSER_PROBE_MS (per-probe timeout, default 400),
//        E2E_BROWSER_READY_TIMEOUT_MS (how long to wait for the listener, default 30000)

const [, , authorizeUrl] = process.argv;
const delayMs = Number(process.env.E2E_BROWSER_DELAY_MS ?? 200);
const probeMs = Number(process.env.E2E_BROWSER_PROBE_MS ?? 400);
const readyTimeoutMs = Number(process.env.E2E_BROWSER_READY_TIMEOUT_MS ?? 30_000);

const log = (msg) => process.stdout.write(`[browser ${new Date().toISOString()}] ${msg}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForListener(target) {
  const deadline = Date.now() + readyTimeoutMs;
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    try {
      const res = await fetch(new URL('/OauthRedirect', target), {
        method: 'OPTIONS',
        headers: { 'access-control-request-private-network': 'true', 'access-control-request-method': 'GET' },
        signal: AbortSignal.timeout(probeMs),
      });
      log(`listener ready after ${attempt} probe(s) (status ${res.status})`);
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`the CLI's OAuth listener at ${target.origin} never answered`);
}

async function main() {
  if (!authorizeUrl) throw new Error('no URL given');
  log(`open ${authorizeUrl}`);
  await sleep(delayMs);
  // The org's authorize endpoint: an auto-approving org answers 302 to the redirect URI with code and state.
  const authorize = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = authorize.headers.get('location');
  if (authorize.status < 300 || authorize.status > 399 || !location) {
    const page = (await authorize.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
    throw new Error(`authorize answered ${authorize.status} without a redirect: ${page.slice(0, 300)}`);
  }
  const target = new URL(location, authorizeUrl);
  log(`authorize -> ${authorize.status} ${target.origin}${target.pathname}`);
  const isCliListener = ['localhost', '127.0.0.1', '[::1]'].includes(target.hostname);
  if (isCliListener) await waitForListener(target);
  // Follow the CLI's 303 to /OauthSuccess: the command only finishes once that page is fetched.
  const final = await fetch(target, { redirect: 'follow', signal: AbortSignal.timeout(180_000) });
  log(`redirect chain ended at ${final.url} with ${final.status}`);
}

/**
 * A person would be left looking at the org's error page while the CLI waits for minutes. Instead, hand the failure to
 * the CLI's listener the way an org reports a denied authorization (?error=&error_description=), so the command fails
 * at once with the org's message.
 */
async function reportToCli(message) {
  const redirectUri = new URL(authorizeUrl).searchParams.get('redirect_uri');
  if (!redirectUri) return;
  const target = new URL(redirectUri);
  target.searchParams.set('error', 'browser_driver_failed');
  target.searchParams.set('error_description', `headless browser: ${message}`);
  await waitForListener(target);
  const res = await fetch(target, { redirect: 'follow', signal: AbortSignal.timeout(30_000) });
  log(`reported the failure to the CLI (${res.status})`);
}

main().catch(async (error) => {
  const message = error instanceof Error ? error.message : String(error);
  log(`failed: ${message}`);
  process.exitCode = 1;
  await reportToCli(message).catch((reportError) => log(`could not report to the CLI: ${reportError.message}`));
});
