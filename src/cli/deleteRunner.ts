/*
 * What the delete commands of both kinds do with their flags: plan, confirm, delete, report.
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { SfCommand } from '@salesforce/sf-plugins-core';
import type { AppKind } from '../model/appModel.js';
import { appKindInfo } from '../metadata/appKinds.js';
import { RequestCounter } from '../org/inventory.js';
import { planAppRemoval, removeApp, type AppRemovalResult } from '../verbs/removeApp.js';
import type { CommandOutput } from './output.js';
import { explained } from './errors.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-inventory');

/** What `delete --json` returns. */
export type AppDeleteResult = AppRemovalResult;

export type DeleteFlags = {
  name: string;
  noPrompt: boolean;
  deleteSourceFiles: boolean;
  /** Username or alias of the org, for the prompt. */
  orgName: string;
};

/** Whether a question can be asked: a terminal, not a pipeline or a script with its input redirected. */
const canPrompt = (): boolean => process.stdin.isTTY === true;

async function runDeleteRaw(
  command: CommandOutput & Pick<SfCommand<unknown>, 'confirm'>,
  conn: Connection,
  kind: AppKind,
  flags: DeleteFlags,
  cwd: string = process.cwd(),
  interactive: () => boolean = canPrompt
): Promise<AppDeleteResult> {
  const counter = new RequestCounter();
  const plan = await planAppRemoval(conn, kind, flags.name, {
    deleteSourceFiles: flags.deleteSourceFiles,
    cwd,
    counter,
    warn: (m) => command.warn(m),
  });
  const article = appKindInfo(kind).article;
  const cancelled = { kind, name: flags.name, deletedComponents: [], deletedSourceFiles: [], requests: counter.count, cancelled: true };
  const kept = { keptSourceFiles: plan.keptSourceFiles, savedLogins: plan.savedLogins.map((login) => login.username) };
  if (plan.keptSourceFiles.length > 0) {
    command.warn(messages.getMessage('warning.SourceFilesRecreate', [plan.keptSourceFiles.join(', ')]));
  }
  if (plan.savedLogins.length > 0) {
    const logins = plan.savedLogins
      .map((login) => (login.aliases.length > 0 ? `${login.username} (${login.aliases.join(', ')})` : login.username))
      .join(', ');
    command.warn(messages.getMessage('warning.SavedLoginsUseApp', [logins, article, flags.name]));
    // Deleting the app the user's own login goes through locks them out: only an explicit --no-prompt does that.
    if (!flags.noPrompt) throw messages.createError('error.DeleteLocksOut', [article, flags.name, logins]);
  }
  if (!flags.noPrompt && !interactive()) throw messages.createError('error.CannotPrompt', [article, flags.name]);
  if (!flags.noPrompt) {
    const files = plan.sourceFiles.length > 0 ? messages.getMessage('prompt.andSourceFiles', [plan.sourceFiles.join(', ')]) : '';
    const components = plan.components.map((c) => `${c.type} ${c.fullName}`).join(', ');
    const confirmed = await command.confirm({
      message: messages.getMessage('prompt.confirmDelete', [article, flags.name, components, flags.orgName, files]),
    });
    if (!confirmed) {
      command.log(messages.getMessage('info.deleteCancelled'));
      return { ...cancelled, ...kept };
    }
  }
  const result = await removeApp(conn, plan, counter);
  command.log(messages.getMessage(result.requests === 1 ? 'info.deletedOne' : 'info.deleted', [article, flags.name, flags.orgName, result.requests]));
  if (result.deletedSourceFiles.length > 0) {
    command.log(messages.getMessage('info.deletedFiles'));
    result.deletedSourceFiles.forEach((file) => command.log(`  ${file}`));
  }
  return result;
}

/** runDelete, with raw file and network errors worded (cli/errors.ts). */
export const runDelete = (...args: Parameters<typeof runDeleteRaw>): ReturnType<typeof runDeleteRaw> => explained(() => runDeleteRaw(...args));
