import { expect } from 'chai';
import { settleTerminalSize } from '../../src/cli/terminalSize.js';

describe('settleTerminalSize', () => {
  it('gives a 0x0 terminal a size through COLUMNS and LINES, so nothing opens /dev/tty per frame', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(settleTerminalSize({ isTTY: true, columns: 0, rows: 0 }, env)).to.equal(true);
    expect(env).to.deep.equal({ COLUMNS: '80', LINES: '24' });
  });

  it('keeps the half of the size the terminal reports, and what the user set', () => {
    const env: NodeJS.ProcessEnv = { LINES: '50' };
    expect(settleTerminalSize({ isTTY: true, columns: 132, rows: 0 }, env)).to.equal(true);
    expect(env).to.deep.equal({ COLUMNS: '132', LINES: '50' });
  });

  it('leaves a sized terminal, piped output and a user-set size alone', () => {
    for (const [stream, env] of [
      [{ isTTY: true, columns: 120, rows: 40 }, {}],
      [{ isTTY: false }, {}],
      [{ isTTY: true, columns: 0, rows: 0 }, { COLUMNS: '100', LINES: '30' }],
    ] as const) {
      const copy: NodeJS.ProcessEnv = { ...env };
      expect(settleTerminalSize(stream, copy)).to.equal(false);
      expect(copy).to.deep.equal(env);
    }
  });
});
