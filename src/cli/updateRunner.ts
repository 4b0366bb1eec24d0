/*
 * What the update commands of both kinds do with their flags, and how an update (or create --update-existing) is
 * shown: the settings that changed, before and after, and what was sent.
 */
import { Messages } from '@salesforce/core';
import type { AppKind } from '../model/appModel.js';
import { appKindInfo } from '../metadata/appKinds.js';
import { resolveUpdateInput } from '../verbs/update/request.js';
import { planUpdate } from '../verbs/update/plan.js';
import { executeUpdate } from '../verbs/update/execute.js';
import { withUpdateLock } from '../verbs/update/lock.js';
import { quote } from '../util/shell.js';
import type { AppUpdateResult, UpdateContext } from '../verbs/update/types.js';
import type { CommandOutput } from './output.js';
import { describeChange, printableRow, settingLabel } from './appWords.js';
import { updateInputFromFlags, type UpdateFlagValues } from './updateFlags.js';
import { explained } from './errors.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');

/** What `update --json` returns. */
export type AppUpdateCommandResult = AppUpdateResult;

export type UpdateCommandOutput = Pick<CommandOutput, 'log' | 'warn' | 'table' | 'styledHeader'> & {
  /** The command's arguments as typed, to say how to run it again. */
  argv?: string[];
};

async function runUpdateRaw(command: UpdateCommandOutput, kind: AppKind, flags: UpdateFlagValues): Promise<AppUpdateResult> {
  const { name, request } = await resolveUpdateInput(updateInputFromFlags(flags), (m) => command.warn(m));
  if (Object.keys(request).filter((key) => key !== 'insistedSettings').length === 0) throw messages.createError('error.NothingAsked');
  const conn = flags['target-org'].getConnection(flags['api-version']);
  const context: UpdateContext = {
    conn,
    kind,
    apiVersion: conn.getApiVersion(),
    cwd: process.cwd(),
    warn: (m) => command.warn(m),
    dryRun: flags['dry-run'],
    rerunCommand: `sf ${appKindInfo(kind).topic} update ${(command.argv ?? ['--name', name]).filter((arg) => arg !== '--json').map(quote).join(' ')}`,
  };
  // One update of an app at a time from this project; the plan is made inside the lock, from the org as it is then.
  const result = await withUpdateLock(context, name, async () => {
    const plan = await planUpdate(context, name, request);
    plan.warnings.forEach((warning) => command.warn(warning));
    return executeUpdate(plan, context);
  });
  printUpdate(command, result);
  return result;
}

export function printUpdate(command: UpdateCommandOutput, result: AppUpdateResult): void {
  const article = appKindInfo(result.kind).article;
  if (!result.deployed && !(result.dryRun && result.changes.length > 0)) {
    command.log(messages.getMessage('info.nothingChanged', [article, result.name]));
    return;
  }
  command.styledHeader(messages.getMessage(result.dryRun ? 'info.dryRun' : 'info.updated', [article, result.name]));
  // A list as the items added and removed, every value in words: the whole change stays readable in a narrow terminal.
  command.table({
    data: result.changes.map((change) => printableRow({ setting: settingLabel(change.setting), change: describeChange(change) })),
    columns: [
      { key: 'setting', name: messages.getMessage('column.setting') },
      { key: 'change', name: messages.getMessage('column.change') },
    ],
    overflow: 'wrap',
  });
  const sent = result.components.map((c) => `${c.type} ${c.fullName}`).join(', ');
  if (result.dryRun) {
    command.log(messages.getMessage('info.wouldSend', [sent]));
    return;
  }
  command.log(messages.getMessage('info.sent', [sent, result.deploy?.method ?? '-']));
  if (result.sourceFiles.length > 0) {
    command.log(messages.getMessage('info.filesWritten'));
    result.sourceFiles.forEach((file) => command.log(`  ${file}`));
  }
}

/** runUpdate, with raw file and network errors worded (cli/errors.ts). */
export const runUpdate = (...args: Parameters<typeof runUpdateRaw>): ReturnType<typeof runUpdateRaw> => explained(() => runUpdateRaw(...args));
