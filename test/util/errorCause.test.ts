/*
 * The error classifier on real errors, caused here: a missing file, a spawn in a file instead of a folder, a fetch to
 * a port nobody listens on; and the words the CLI layer makes of them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { SfError } from '@salesforce/core';
import { causeChain, classifyError, networkTarget } from '../../src/util/errorCause.js';
import { explainError } from '../../src/cli/errors.js';

const caught = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
};

/** A port that was free a moment ago: nothing listens on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe('errorCause', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fileskeys-errors-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('a missing file is a file error naming the path', async () => {
    const path = join(dir, 'missing.key');
    const cause = classifyError(await caught(readFile(path)));
    expect(cause).to.include({ kind: 'file', code: 'ENOENT', path });
  });

  it('spawn ENOTDIR (a working folder that is a file) is a local error, not Salesforce', async () => {
    const file = join(dir, 'plain');
    await writeFile(file, 'x');
    const error = await caught(
      new Promise((done, fail) => execFile('git', ['--version'], { cwd: file }, (e) => (e ? fail(e) : done(undefined))))
    );
    const cause = classifyError(error);
    expect(cause.kind).to.equal('file');
    expect((cause as { code: string }).code).to.equal('ENOTDIR');
    const shown = explainError(error) as SfError;
    expect(shown.name).to.equal('LocalFileError');
    expect(shown.message).to.not.include('from Salesforce:').and.include('not an answer from Salesforce');
    expect(shown.actions?.join('\n')).to.include('regular file');
  });

  it('"fetch failed" with ECONNREFUSED under it is a network error naming the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/services/Soap/m/62.0`;
    const error = await caught(fetch(url));
    expect(error.message).to.equal('fetch failed');
    const cause = classifyError(error);
    expect(cause).to.include({ kind: 'network', code: 'ECONNREFUSED' });
    const shown = explainError(Object.assign(new Error(`request to ${url} failed`), { cause: error })) as SfError;
    expect(shown.name).to.equal('NetworkError');
    expect(shown.message).to.include(new URL(url).origin).and.include('ECONNREFUSED');
    expect(shown.actions?.join('\n')).to.include('--instance-url').and.include('HTTPS_PROXY');
  });

  it('reads words when a wrapper dropped the cause, and names the host', () => {
    const cause = classifyError(new Error('getaddrinfo ENOTFOUND my-org.my.salesforce.com'));
    expect(cause).to.include({ kind: 'network', code: 'ENOTFOUND', host: 'my-org.my.salesforce.com' });
    expect(networkTarget(cause as Extract<typeof cause, { kind: 'network' }>)).to.equal('my-org.my.salesforce.com');
  });

  it('TLS codes are network errors; an EACCES from connect is not a file error', () => {
    expect(classifyError(Object.assign(new Error('x'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })).kind).to.equal('network');
    expect(classifyError(Object.assign(new Error('connect EACCES'), { code: 'EACCES', syscall: 'connect' })).kind).to.equal('other');
  });

  it('answers from Salesforce and worded errors pass unchanged', () => {
    const fault = Object.assign(new Error('INVALID_CROSS_REFERENCE_KEY: no such profile'), { name: 'sf:INVALID_CROSS_REFERENCE_KEY' });
    expect(classifyError(fault).kind).to.equal('other');
    expect(explainError(fault)).to.equal(fault);
    const worded = new SfError('The key is missing', 'KeyFileMissingError', ['Give the key']);
    worded.cause = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    expect(explainError(worded)).to.equal(worded);
  });

  it('walks cause chains and aggregate errors without looping', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 9 });
    const outer = new Error('fetch failed', { cause: new AggregateError([inner], 'all failed') });
    expect(classifyError(outer)).to.include({ kind: 'network', host: '127.0.0.1:9' });
    const loop = new Error('a') as Error & { cause?: unknown };
    loop.cause = loop;
    expect(causeChain(loop)).to.have.length(1);
  });
});
