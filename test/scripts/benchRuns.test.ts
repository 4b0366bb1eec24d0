/*
 * The arithmetic `npm run bench` reports with: medians, and requests that waited for one another (what latency
 * multiplies), from emulator request log entries.
 */
import { expect } from 'chai';
import { median, serialRoundTrips } from '../../scripts/benchRuns.js';
import type { RequestLogEntry } from '../emulator/types.js';

const at = (ms: number, durationMs: number): RequestLogEntry => ({
  method: 'GET',
  path: '/services/data/v66.0/query',
  status: 200,
  time: new Date(Date.UTC(2026, 0, 1) + ms).toISOString(),
  durationMs,
});

describe('bench arithmetic', () => {
  it('median of odd and even counts', () => {
    expect(median([5, 1, 3])).to.equal(3);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
  });

  it('counts requests sent one after another as serial round trips, overlapping ones once', () => {
    expect(serialRoundTrips([])).to.equal(0);
    // three in a row
    expect(serialRoundTrips([at(0, 30), at(40, 30), at(80, 30)])).to.equal(3);
    // two sent together, then one after both answered; log order does not matter
    expect(serialRoundTrips([at(100, 30), at(0, 30), at(5, 40)])).to.equal(2);
    // one sent while a long one is still open joins its group
    expect(serialRoundTrips([at(0, 100), at(50, 10), at(120, 10)])).to.equal(2);
  });
});
