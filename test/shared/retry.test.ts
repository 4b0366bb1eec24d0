/*
 * Transient faults: reads retried with backoff (bounded), writes checked in the org before they are sent again. The
 * last part drives real jsforce calls against the emulator's injected faults, so the error shapes are the real ones.
 */
import { expect } from 'chai';
import { describeFault, isTransientFault, withReadRetry, writeCheckedInOrg } from '../../src/org/retry.js';
import { readComponent } from '../../src/org/metadataReads.js';
import { startEmulatorOrg, type EmulatorOrg } from './emulatorOrg.js';

const fault = (name: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(name), { name, ...extra });
const NO_WAIT = [0, 0, 0];

describe('retry of transient faults', function () {
  this.timeout(60_000);

  it('knows the transient faults by name, code and cause, and nothing else', () => {
    for (const error of [
      fault('ERROR_HTTP_503'),
      fault('sf:UNKNOWN_EXCEPTION'),
      fault('sf:REQUEST_LIMIT_EXCEEDED'),
      fault('REQUEST_LIMIT_EXCEEDED'),
      fault('Error', { code: 'ECONNRESET' }),
      fault('TypeError', { cause: fault('Error', { code: 'ECONNRESET' }) }),
    ]) {
      expect(isTransientFault(error), error.name).to.equal(true);
    }
    for (const error of [fault('sf:INVALID_SESSION_ID'), fault('sf:INVALID_TYPE'), fault('ERROR_HTTP_404'), fault('Error', { code: 'ENOENT' }), 'text', undefined]) {
      expect(isTransientFault(error), String(error)).to.equal(false);
    }
  });

  it('puts a fault in words: the code without its SOAP prefix, the message without HTML or the code again', () => {
    expect(describeFault(fault('sf:UNKNOWN_EXCEPTION', { message: 'UNKNOWN_EXCEPTION: An unexpected error occurred.' }))).to.deep.equal({
      code: 'UNKNOWN_EXCEPTION',
      message: 'An unexpected error occurred.',
    });
    expect(describeFault(Object.assign(new Error('<html><body>Service temporarily unavailable.</body></html>'), { name: 'ERROR_HTTP_503' }))).to.deep.equal({
      code: 'ERROR_HTTP_503',
      message: 'Service temporarily unavailable.',
    });
  });

  it('retries a read after transient faults, waiting the given delays, and returns its answer', async () => {
    let calls = 0;
    const waits: number[] = [];
    const value = await withReadRetry(
      () => {
        calls++;
        return calls < 3 ? Promise.reject(fault('ERROR_HTTP_503')) : Promise.resolve('read');
      },
      { delaysMs: [1, 2, 3], onRetry: (_error, _attempt, delay) => waits.push(delay) }
    );
    expect(value).to.equal('read');
    expect(calls).to.equal(3);
    expect(waits).to.deep.equal([1, 2]);
  });

  it('gives up after the last delay with the last error, and never retries other errors', async () => {
    let calls = 0;
    const failing = (): Promise<never> => {
      calls++;
      return Promise.reject(fault('sf:REQUEST_LIMIT_EXCEEDED'));
    };
    const error = await withReadRetry(failing, { delaysMs: NO_WAIT }).catch((e: Error) => e);
    expect((error).name).to.equal('sf:REQUEST_LIMIT_EXCEEDED');
    expect(calls).to.equal(4);

    calls = 0;
    const bad = (): Promise<never> => {
      calls++;
      return Promise.reject(fault('sf:INVALID_TYPE'));
    };
    await withReadRetry(bad, { delaysMs: NO_WAIT }).catch(() => undefined);
    expect(calls).to.equal(1);
  });

  describe('a write whose outcome is unknown', () => {
    it('is not sent again when the org holds its result', async () => {
      let writes = 0;
      const outcome = await writeCheckedInOrg(
        () => {
          writes++;
          return Promise.reject(fault('ERROR_HTTP_503'));
        },
        () => Promise.resolve(true),
        { delaysMs: NO_WAIT }
      );
      expect(outcome.state).to.equal('inOrg');
      expect(writes).to.equal(1);
    });

    it('is sent once more when the org does not hold it, and reports the last failure', async () => {
      let writes = 0;
      let checks = 0;
      const outcome = await writeCheckedInOrg(
        () => {
          writes++;
          return Promise.reject(fault('sf:UNKNOWN_EXCEPTION'));
        },
        () => {
          checks++;
          return Promise.resolve(false);
        },
        { delaysMs: NO_WAIT }
      );
      expect(outcome.state).to.equal('failed');
      expect([writes, checks]).to.deep.equal([2, 2]);
    });

    it('succeeds on the second send, and a refusal that is not transient is thrown at once', async () => {
      let writes = 0;
      const outcome = await writeCheckedInOrg(
        () => (++writes === 1 ? Promise.reject(fault('ERROR_HTTP_500')) : Promise.resolve('made')),
        () => Promise.resolve(false),
        { delaysMs: NO_WAIT }
      );
      expect(outcome).to.deep.equal({ state: 'written', value: 'made' });
      const refused = await writeCheckedInOrg(
        () => Promise.reject(fault('sf:DUPLICATE_VALUE')),
        () => Promise.resolve(true),
        { delaysMs: NO_WAIT }
      ).catch((e: Error) => e);
      expect((refused as Error).name).to.equal('sf:DUPLICATE_VALUE');
    });
  });

  describe('against the emulator (real jsforce errors)', () => {
    let org: EmulatorOrg;
    before(async () => {
      org = await startEmulatorOrg();
    });
    after(async () => {
      await org?.close();
    });

    for (const kind of ['http500', 'http503', 'REQUEST_LIMIT_EXCEEDED'] as const) {
      it(`readMetadata answered ${kind} is retried and succeeds`, async () => {
        org.emulator.faults.add({ kind, operation: 'readMetadata', times: 1 });
        org.emulator.clearRequests();
        const record = await readComponent(org.conn, 'ConnectedApp', 'Emulator_Bootstrap');
        expect(record?.fullName).to.equal('Emulator_Bootstrap');
        expect(org.emulator.requests().filter((r) => r.operation === 'readMetadata').map((r) => r.status)).to.deep.equal([kind === 'http503' ? 503 : 500, 200]);
      });
    }
  });
});
