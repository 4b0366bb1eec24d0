/*
 * Wall time per e2e test and the plugin link time, printed once at the end of the mocha run so that CI logs show
 * where the time goes (the real CLI costs ~1-3 s per invocation).
 */
import type { Test } from 'mocha';
import type { SfSession } from './harness.js';

const timings: Array<{ title: string; ms: number; state?: string }> = [];

function recordTiming(test: Test | undefined): void {
  if (test) timings.push({ title: test.fullTitle(), ms: test.duration ?? 0, state: test.state });
}

/**
 * Registers root hooks (harness.ts calls this while the first spec file loads, so they cover every e2e file).
 * Outside mocha (scripts/demo.ts imports the harness) there is nothing to register.
 */
export function registerTimingHooks(
  usesSf: () => boolean,
  linkedSession: () => Promise<SfSession> | undefined
): void {
  if (typeof after !== 'function' || typeof afterEach !== 'function') return;
  afterEach(function () {
    // Only runs that drive the real sf CLI (a unit test may import the harness for its helpers).
    if (usesSf()) recordTiming(this.currentTest);
  });
  after(async () => {
    if (timings.length === 0) return;
    // Never link just to report: a run that did not need the shared session has no link time.
    const session = await linkedSession();
    const lines = ['', 'e2e wall time per test:'];
    for (const t of timings) lines.push(`  ${String(t.ms).padStart(7)} ms  ${t.state ?? '?'}  ${t.title}`);
    lines.push(`  total ${timings.reduce((sum, t) => sum + t.ms, 0)} ms over ${timings.length} tests`);
    if (session?.linkDurationMs !== undefined) lines.push(`sf plugins link: ${session.linkDurationMs} ms`);
    // eslint-disable-next-line no-console
    console.log(lines.join('\n'));
  });
}
