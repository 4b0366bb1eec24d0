/*
 * Wall time per e2e test and the plugin link time, printed once at the end of the mocha run so that CI logs show
 * where the time goes (the real CLI costs ~1-3 s per invocation).
 */
import type { Test } from 'mocha';
import { sharedSession } from './harness.js';

const timings: Array<{ title: string; ms: number; state?: string }> = [];

export function recordTiming(test: Test | undefined): void {
  if (test) timings.push({ title: test.fullTitle(), ms: test.duration ?? 0, state: test.state });
}

// Registered on mocha's root suite (this module is first imported while spec files load), so it runs after all files.
if (typeof after === 'function') {
  after(async () => {
    if (timings.length === 0) return;
    const session = await sharedSession();
    const lines = ['', 'e2e wall time per test:'];
    for (const t of timings) lines.push(`  ${String(t.ms).padStart(7)} ms  ${t.state ?? '?'}  ${t.title}`);
    lines.push(`  total ${timings.reduce((sum, t) => sum + t.ms, 0)} ms over ${timings.length} tests`);
    lines.push(`sf plugins link: ${session.linkDurationMs ?? '?'} ms`);
    // eslint-disable-next-line no-console
    console.log(lines.join('\n'));
  });
}
