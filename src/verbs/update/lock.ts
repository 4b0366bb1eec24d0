/*
 * Updates of one app from one project, one at a time (files/appLock.ts): a second update waits for the first and then
 * plans from what the first left in the org, instead of both writing what they read before the other's change.
 */
import { Global, Messages } from '@salesforce/core';
import { AppLockedError, appLockPath, withAppLock } from '../../files/appLock.js';
import { resolveProjectContext } from '../../files/project.js';
import { appKindInfo } from '../../metadata/appKinds.js';
import { quote } from '../../util/shell.js';
import type { UpdateContext } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');

/** Runs an update of the app (plan and write) holding its lock; a dry run writes nothing and takes none. */
export async function withUpdateLock<T>(
  context: Pick<UpdateContext, 'cwd' | 'kind' | 'dryRun'> & { lockWaitMs?: number },
  name: string,
  work: () => Promise<T>
): Promise<T> {
  if (context.dryRun) return work();
  const project = await resolveProjectContext(context.cwd);
  // Outside a project, the user's sf folder (~/.sf) keeps it.
  const path = appLockPath(project.projectRoot ?? Global.SF_DIR, context.kind, name);
  try {
    return await withAppLock(path, work, { waitMs: context.lockWaitMs });
  } catch (error) {
    if (!(error instanceof AppLockedError)) throw error;
    const { holder } = error;
    throw messages.createError(
      'error.UpdateLocked',
      [appKindInfo(context.kind).article, name, String(holder.pid), holder.host, holder.command, holder.startedAt, path, String(Math.round(error.waitedMs / 1000))],
      [`rm ${quote(path)}`]
    );
  }
}
