/*
 * `verify`, for both kinds: everything that decides whether `sf org login jwt` / `sf org login web --client-id` works
 * with an app, as a list of checks, each passed, warned about or failed with the command that fixes it. It reads
 * only (gather.ts); the checks are plain functions of what was read, one module per group.
 */
import type { Connection } from '@salesforce/core';
import type { AppKind } from '../../model/appModel.js';
import { accessChecks } from './accessChecks.js';
import { appChecks } from './appChecks.js';
import { certificateChecks } from './certificateChecks.js';
import { gatherFacts, type GatherContext } from './gather.js';
import { loginChecks } from './loginChecks.js';
import type { VerifyCheck, VerifyFacts, VerifyOptions, VerifyResult } from './types.js';

export type { VerifyCheck, VerifyOptions, VerifyResult };

/** Every check of the facts; only whether the app exists when it does not. */
export function runChecks(facts: VerifyFacts): VerifyCheck[] {
  const app = appChecks(facts);
  if (!facts.record) return app;
  return [...app, ...certificateChecks(facts), ...accessChecks(facts), ...loginChecks(facts)];
}

export async function verifyApp(
  conn: Connection,
  kind: AppKind,
  options: VerifyOptions,
  context: GatherContext
): Promise<VerifyResult> {
  const checks = runChecks(await gatherFacts(conn, kind, options, context));
  const count = (status: VerifyCheck['status']): number => checks.filter((c) => c.status === status).length;
  return {
    kind,
    name: options.name,
    username: options.username,
    loginUrl: options.loginUrl,
    checks,
    passed: count('pass'),
    warnings: count('warn'),
    failed: count('fail'),
  };
}
