/*
 * Deleting an OAuth app of either kind: its components from the org (satellites first, the header last, one
 * deleteMetadata call per type, the fewest the API allows since a call takes one type), and, only when asked, the
 * project's source files for them. Key and certificate files are never touched: they are not metadata and may be
 * shared with other apps.
 */
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { SfCommand } from '@salesforce/sf-plugins-core';
import type { AppKind, MetadataComponent } from '../model/appModel.js';
import { appKindInfo } from '../metadata/appKinds.js';
import { appNotFoundError, readApp, RequestCounter, type AppRecord, type CommandOutput } from '../org/inventory.js';
import { metadataTypeInfo } from '../files/sourceFiles.js';
import { resolveProjectContext } from '../files/project.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-inventory');

/** deleteMetadata accepts at most 10 full names per call. */
const DELETE_BATCH_SIZE = 10;

export type ComponentRef = { type: string; fullName: string };

export type AppRemovalPlan = {
  kind: AppKind;
  name: string;
  record: AppRecord;
  /** Components to delete, in deletion order. */
  components: ComponentRef[];
  /** Source files to delete (absolute paths); empty unless source deletion was asked for. */
  sourceFiles: string[];
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
};

type SaveError = { message?: string; statusCode?: string };
type SaveResult = { fullName?: string; success?: boolean | string; errors?: SaveError | SaveError[] };

const asArray = <T>(value: T | T[] | undefined | null): T[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

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
  const record = await readApp(conn, kind, name, { counter: options.counter, warn: options.warn });
  if (!record) throw appNotFoundError(kind, name);
  const order = (component: MetadataComponent): number => info.componentTypes.indexOf(component.type);
  const components = [...record.components]
    .sort((a, b) => order(a) - order(b))
    .map(({ type, fullName }) => ({ type, fullName }));
  const sourceFiles = options.deleteSourceFiles ? await findSourceFiles(components, options.cwd, kind, name) : [];
  return { kind, name, record, components, sourceFiles };
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
    const results = asArray(response as unknown as SaveResult | SaveResult[]);
    const failures = results.filter((result) => !(result.success === true || result.success === 'true'));
    deleted.push(...group.filter((c) => !failures.some((f) => f.fullName === c.fullName)));
    if (failures.length > 0) {
      const text = failures
        .map((f) => `${group[0].type} ${f.fullName ?? ''}: ${asArray(f.errors).map((e) => e.message ?? e.statusCode).join('; ') || 'unknown error'}`)
        .join('\n');
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
  };
}

/**
 * The project's source files for the components: `<folder>/<fullName>.<suffix>-meta.xml` anywhere in a package
 * directory (SDR puts new files under main/default, but projects arrange folders as they like). Also the files of the
 * names this plugin would have written, so a component already gone from the org does not leave its file behind.
 */
export async function findSourceFiles(
  components: ComponentRef[],
  cwd: string,
  kind: AppKind,
  appName: string
): Promise<string[]> {
  const project = await resolveProjectContext(cwd);
  if (!project.projectRoot) throw messages.createError('error.NotInProject');
  const info = appKindInfo(kind);
  const wanted = new Map<string, string>();
  const add = (type: string, fullName: string): void => {
    const typeInfo = metadataTypeInfo(type);
    wanted.set(`${typeInfo.directoryName}/${fullName}.${typeInfo.suffix}-meta.xml`, type);
  };
  components.forEach((c) => add(c.type, c.fullName));
  for (const type of info.componentTypes) {
    if (type === info.headerType) add(type, appName);
    else info.satelliteNames(appName, type).slice(0, 1).forEach((fullName) => add(type, fullName));
  }
  const found: string[] = [];
  for (const packageDir of project.packageDirectories) {
    // eslint-disable-next-line no-await-in-loop
    const entries = await readdir(packageDir, { recursive: true }).catch(() => [] as string[]);
    for (const entry of entries) {
      const relative = String(entry);
      if (relative.split(/[\\/]/).includes('node_modules')) continue;
      const key = `${basename(dirname(relative))}/${basename(relative)}`;
      if (wanted.has(key)) found.push(join(packageDir, relative));
    }
  }
  return [...new Set(found)].sort();
}


// ---------------------------------------------------------------------------------------------------------------
// What the delete commands of both kinds do with their flags.

/** What `delete --json` returns. */
export type AppDeleteResult = AppRemovalResult;

export type DeleteFlags = {
  name: string;
  noPrompt: boolean;
  deleteSourceFiles: boolean;
  /** Username or alias of the org, for the prompt. */
  orgName: string;
};

export async function runDelete(
  command: CommandOutput & Pick<SfCommand<unknown>, 'confirm'>,
  conn: Connection,
  kind: AppKind,
  flags: DeleteFlags,
  cwd: string = process.cwd()
): Promise<AppDeleteResult> {
  const counter = new RequestCounter();
  const plan = await planAppRemoval(conn, kind, flags.name, {
    deleteSourceFiles: flags.deleteSourceFiles,
    cwd,
    counter,
    warn: (m) => command.warn(m),
  });
  const article = appKindInfo(kind).article;
  if (!flags.noPrompt) {
    const files = plan.sourceFiles.length > 0 ? messages.getMessage('prompt.andSourceFiles', [plan.sourceFiles.join(', ')]) : '';
    const components = plan.components.map((c) => `${c.type} ${c.fullName}`).join(', ');
    const confirmed = await command.confirm({
      message: messages.getMessage('prompt.confirmDelete', [article, flags.name, components, flags.orgName, files]),
    });
    if (!confirmed) {
      command.log(messages.getMessage('info.deleteCancelled'));
      return { kind, name: flags.name, deletedComponents: [], deletedSourceFiles: [], requests: counter.count, cancelled: true };
    }
  }
  const result = await removeApp(conn, plan, counter);
  command.log(messages.getMessage('info.deleted', [article, flags.name, flags.orgName, result.requests]));
  if (result.deletedSourceFiles.length > 0) {
    command.log(messages.getMessage('info.deletedFiles'));
    result.deletedSourceFiles.forEach((file) => command.log(`  ${file}`));
  }
  return result;
}
