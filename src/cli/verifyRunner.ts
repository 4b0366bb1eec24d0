/*
 * What the verify commands of both kinds print: the checks as a table, what fixes each failure or warning, and a
 * summary line. A failed check makes the exit code VERIFY_FAILED_EXIT_CODE (under --json too, as `status`);
 * warnings alone leave it 0.
 */
import { Messages } from '@salesforce/core';
import type { AppKind } from '../model/appModel.js';
import { verifyApp, type VerifyResult } from '../verbs/verify/verifyApp.js';
import type { CommandOutput } from './output.js';
import { printable } from './appWords.js';
import type { VerifyFlagValues } from './verifyFlags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.verify');

/** The exit code when at least one check failed (1 stays sf's "the command itself failed"). */
export const VERIFY_FAILED_EXIT_CODE = 3;

export type { VerifyResult };

export async function runVerify(command: CommandOutput, kind: AppKind, flags: VerifyFlagValues): Promise<VerifyResult> {
  const org = flags['target-org'];
  const conn = org.getConnection(flags['api-version']);
  const targetOrg = org.getUsername() ?? '';
  const instanceUrl = conn.instanceUrl.replace(/\/+$/, '');
  const result = await verifyApp(
    conn,
    kind,
    {
      name: flags.name,
      targetOrg,
      username: flags.username ?? targetOrg,
      loginUrl: flags['instance-url']?.href.replace(/\/+$/, '') ?? instanceUrl,
      jwtKeyFile: flags['jwt-key-file'],
      loginCheck: flags['login-check'] ?? false,
    },
    { cwd: process.cwd(), warn: (m) => command.warn(m) }
  );
  command.table({
    data: result.checks.map((c) => ({
      status: messages.getMessage(`status.${c.status}`),
      check: c.id,
      message: printable(c.message),
    })),
    columns: (['status', 'check', 'message'] as const).map((key) => ({ key, name: messages.getMessage(`column.${key}`) })),
  });
  const fixes = result.checks.filter((c) => c.fix);
  if (fixes.length > 0) {
    command.log(messages.getMessage('info.fixes'));
    for (const c of fixes) command.log(`  ${c.id}: ${c.fix!}`);
  }
  command.log(messages.getMessage('info.summary', [result.passed, result.warnings, result.failed]));
  if (result.failed > 0) process.exitCode = VERIFY_FAILED_EXIT_CODE;
  return result;
}
