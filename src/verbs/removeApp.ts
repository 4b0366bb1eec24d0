/*
 * Deleting an OAuth app of either kind: its components from the org (satellites first, the header last, one
 * deleteMetadata call per type, the fewest the API allows since a call takes one type), and, only when asked, the
 * project's source files for them. Key and certificate files are never touched: they are not metadata and may be
 * shared with other apps.
 */
import { rm } from 'node:fs/promises';
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { AppKind, MetadataComponent } from '../model/appModel.js';
import { appKindInfo } from '../metadata/appKinds.js';
import { appNotFoundError, readApp, RequestCounter, type AppRecord } from '../org/inventory.js';
import { saveProblems, type SaveResult } from '../org/deploy.js';
import { readConsumerKey } from '../org/consumerCredentials.js';
import { savedLoginsUsing, type SavedLogin } from '../org/savedLogins.js';
import { findSourceFiles, type ComponentRef } from '../files/sourceFiles.js';
import { asList } from '../util/records.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-inventory');

/** deleteMetadata accepts at most 10 full names per call. */
const DELETE_BATCH_SIZE = 10;

export type { ComponentRef };

export type AppRemovalPlan = {
  kind: AppKind;
  name: string;
  record: AppRecord;
  /** Components to delete, in deletion order. */
  components: ComponentRef[];
  /** Source files to delete (absolute paths); empty unless source deletion was asked for. */
  sourceFiles: string[];
  /** The app's source files the project keeps (source deletion not asked for): a deploy would recreate the app. */
  keptSourceFiles: string[];
  /** sf logins saved on this computer that go through the app: they stop working when it is deleted. */
  savedLogins: SavedLogin[];
};

export type AppRemovalResult = {
  kind: AppKind;
  name: string;
  deletedComponents: ComponentRef[];
  deletedSourceFiles: string[];
  /** Metadata API requests sent (finding the app and deleting it). */
  requests: number;
  /** True when the prompt was answered no: nothing was deleted. */
  cancelled?: boolean;
  /** Source files left in the project: the next `sf project deploy start` recreates the app from them. */
  keptSourceFiles: string[];
  /** Usernames of saved sf logins that went through the app (they no longer work). */
  savedLogins: string[];
};

/**
 * Finds what a delete would remove, and fails (before anything is removed or a prompt is shown) when the org has no
 * such app.
 */
export async function planAppRemoval(
  conn: Connection,
  kind: AppKind,
  name: string,
  options: { deleteSourceFiles: boolean; cwd: string; counter?: RequestCounter; warn?: (message: string) => void }
): Promise<AppRemovalPlan> {
  const info = appKindInfo(kind);
  // Every satellite that references the app, whatever its name (an app made in Setup names them its own way).
  const record = await readApp(conn, kind, name, { counter: options.counter, warn: options.warn, every: true });
  if (!record) throw appNotFoundError(kind, name);
  const order = (component: MetadataComponent): number => info.componentTypes.indexOf(component.type);
  const components = [...record.components]
    .sort((a, b) => order(a) - order(b))
    .map(({ type, fullName }) => ({ type, fullName }));
  const sourceFiles = options.deleteSourceFiles ? await findSourceFiles(components, options.cwd, kind, name) : [];
  // Outside a project there are no files to keep.
  const keptSourceFiles = options.deleteSourceFiles ? [] : await findSourceFiles(components, options.cwd, kind, name).catch(() => []);
  // The component holding the key was read (or refused, with a warning) already: only REST is left to ask.
  const refusal = record.gaps.find((gap) => gap.type === info.consumerKey.type && gap.reason === 'unreadable')?.detail;
  const consumerKey =
    record.consumerKey ??
    (await readConsumerKey(conn, kind, name, options.warn ?? ((): void => {}), refusal === undefined ? {} : { alreadyRead: { refusal } }).catch(
      () => undefined
    ));
  const savedLogins = await savedLoginsUsing(conn, consumerKey);
  return { kind, name, record, components, sourceFiles, keptSourceFiles, savedLogins };
}

/** Deletes the planned components from the org, then the planned source files. */
export async function removeApp(
  conn: Connection,
  plan: AppRemovalPlan,
  counter: RequestCounter = new RequestCounter()
): Promise<AppRemovalResult> {
  const deleted: ComponentRef[] = [];
  // Consecutive components of one type go in one call (at most 10 names): types in order, so satellites go first.
  const groups: ComponentRef[][] = [];
  for (const component of plan.components) {
    const last = groups[groups.length - 1];
    if (last && last[0].type === component.type && last.length < DELETE_BATCH_SIZE) last.push(component);
    else groups.push([component]);
  }
  for (const group of groups) {
    counter.add();
    // Sequential on purpose: satellites must be gone before their header is deleted.
    // eslint-disable-next-line no-await-in-loop
    const response = await conn.metadata.delete(
      group[0].type,
      group.map((c) => c.fullName)
    );
    const results = asList(response as unknown as SaveResult | SaveResult[]);
    const failures = results.flatMap((result) => saveProblems(result, { type: group[0].type, fullName: result.fullName ?? '' }));
    deleted.push(...group.filter((c) => !failures.some((f) => f.fullName === c.fullName)));
    if (failures.length > 0) {
      const text = failures.map((f) => `${f.type} ${f.fullName}: ${f.message}`).join('\n');
      throw messages.createError(
        'error.DeleteFailed',
        [text],
        [deleted.length > 0 ? deleted.map((c) => `${c.type} ${c.fullName}`).join(', ') : '-']
      );
    }
  }
  await Promise.all(plan.sourceFiles.map((file) => rm(file, { force: true })));
  return {
    kind: plan.kind,
    name: plan.name,
    deletedComponents: deleted,
    deletedSourceFiles: plan.sourceFiles,
    requests: counter.count,
    keptSourceFiles: plan.keptSourceFiles,
    savedLogins: plan.savedLogins.map((login) => login.username),
  };
}
