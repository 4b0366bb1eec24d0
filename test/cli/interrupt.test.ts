import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { watchInterrupts } from '../../src/cli/interrupt.js';

/** A stand-in for process with SfCommand's listener on each signal (the one that throws ExitError: EEXIT 130). */
function fakeProcess(): EventEmitter & { exits: number } {
  const proc = Object.assign(new EventEmitter(), { exits: 0 });
  const command = {
    exit(code: number): never {
      proc.exits++;
      throw new Error(`EEXIT: ${code}`);
    },
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    proc.on(signal, () => {
      command.exit(130);
    });
  }
  return proc;
}

describe('watchInterrupts', () => {
  it('takes the place of SfCommand\'s throwing listener and settles with the first signal', async () => {
    const proc = fakeProcess();
    const watch = watchInterrupts(proc as unknown as NodeJS.Process);
    expect(() => proc.emit('SIGINT', 'SIGINT')).to.not.throw();
    proc.emit('SIGTERM', 'SIGTERM');
    expect(await watch.received).to.equal('SIGINT');
    expect(watch.signal).to.equal('SIGINT');
    expect(proc.exits).to.equal(0);
    watch.dispose();
    expect(proc.listenerCount('SIGINT')).to.equal(0);
  });

  it('leaves other listeners alone', () => {
    const proc = fakeProcess();
    let other = 0;
    proc.on('SIGINT', () => other++);
    const watch = watchInterrupts(proc as unknown as NodeJS.Process);
    proc.emit('SIGINT', 'SIGINT');
    expect(other).to.equal(1);
    watch.dispose();
    expect(proc.listenerCount('SIGINT')).to.equal(1);
  });
});
