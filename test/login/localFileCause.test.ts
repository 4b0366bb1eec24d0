/*
 * A login attempt that fails on this computer (an unreadable key, a program that cannot start) is a local file
 * problem, said as one: before, it was classified "unknown" and shown as "see the message from Salesforce".
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { classifyAttempt, LoginChainError, withPropagationRetry } from '../../src/login/loginChain.js';
import { describeLoginCause } from '../../src/verbs/loginFailure.js';

describe('login attempts that fail on this computer', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fileskeys-login-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('a missing key file stops the chain at once as localFile, not as an unknown answer from Salesforce', async () => {
    const keyFile = join(dir, 'gone.key');
    let calls = 0;
    const error = await withPropagationRetry(
      async () => {
        calls++;
        await readFile(keyFile, 'utf8');
      },
      { waitMs: 60_000, preAuthorized: true, firstDelayMs: 10 }
    ).then(
      () => expect.fail('expected an error'),
      (e: LoginChainError) => e
    );
    expect(calls).to.equal(1);
    expect(error.classified.cause).to.equal('localFile');
    expect(error.classified.message).to.include(keyFile);
    const words = describeLoginCause('localFile', 'ExternalClientApplication');
    expect(words).to.include('Salesforce was never asked').and.not.include('see the message from Salesforce');
  });

  it('spawn ENOTDIR (a browser started in a file instead of a folder) is localFile', async () => {
    await writeFile(join(dir, 'plain'), 'x');
    // Node throws this one at once (or hands it to the callback, by version): either way it is the same error.
    const error = await new Promise<Error>((done, fail) => execFile('git', ['--version'], { cwd: join(dir, 'plain') }, (e) => (e ? done(e) : fail(new Error('ran')))))
      .catch((e: Error) => e);
    expect(error.message).to.include('ENOTDIR');
    expect(classifyAttempt(error, true).cause).to.equal('localFile');
  });

  it('an answer from Salesforce is still classified by its words', () => {
    expect(classifyAttempt(new Error('invalid assertion'), true).cause).to.equal('badSignature');
    expect(classifyAttempt(new Error('something new from the org'), true).cause).to.equal('unknown');
  });
});
