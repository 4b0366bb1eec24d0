/*
 * Reading the emulator's request log in e2e tests: what create sends the org (issue 11).
 */
import { expect } from 'chai';
import type { RequestLogEntry } from '../emulator/types.js';

export const TOKEN_PATH = '/services/oauth2/token';

export const describeLog = (log: RequestLogEntry[]): string =>
  log.map((r) => `${r.time} ${r.method} ${r.path} ${r.operation ?? ''} ${r.status}`).join('\n');

/**
 * The floor of create + --login jwt: the look-ups (one composite request), the create's metadata calls, one token
 * request, and the three reads sf makes after any login; at most `most` requests in all.
 */
export function expectCreateRequests(log: RequestLogEntry[], most: number, metadataCalls: string[]): void {
  expect(log.length, describeLog(log)).to.be.at.most(most);
  expect(log.filter((r) => r.path.endsWith('/composite')), 'look-ups in one request').to.have.length(1);
  expect(log.flatMap((r) => (r.operation && r.path !== TOKEN_PATH ? [r.operation] : [])), 'metadata calls').to.deep.equal(metadataCalls);
  expect(log.filter((r) => r.path === TOKEN_PATH), 'token requests').to.have.length(1);
}
