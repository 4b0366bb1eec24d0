import { expect } from 'chai';
import { PLAIN_LINE_INTERVAL_MS, plainLines } from '../../src/cli/createRunner.js';

describe('create progress when output is not a terminal', () => {
  it('prints the first wait line at once, then one line per 10 s at most, whatever the attempts\' pace', () => {
    let now = 0;
    const printed: Array<[number, string]> = [];
    const line = plainLines((text) => printed.push([now, text]), () => now);
    // An attempt every 2 s for 31 s.
    for (now = 0; now <= 31_000; now += 2000) line(`attempt at ${now}`);
    expect(printed).to.deep.equal([
      [0, 'attempt at 0'],
      [10_000, 'attempt at 10000'],
      [20_000, 'attempt at 20000'],
      [30_000, 'attempt at 30000'],
    ]);
    expect(PLAIN_LINE_INTERVAL_MS).to.equal(10_000);
  });

  it('an attempt pace that does not divide 10 s prints at the first attempt 10 s or more after the last line', () => {
    let now = 0;
    const at: number[] = [];
    const line = plainLines(() => at.push(now), () => now);
    for (now = 0; now <= 40_000; now += 3000) line('wait');
    expect(at).to.deep.equal([0, 12_000, 24_000, 36_000]);
  });
});
