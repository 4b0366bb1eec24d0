/*
 * Carrying out an update plan: one updateMetadata (connected app) or one deploy of the changed components (External
 * Client App), then the project's source files, which get the same element changes merged into their own content.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Messages } from '@salesforce/core';
import type { MetadataComponent } from '../../model/appModel.js';
import { appKindInfo } from '../../metadata/appKinds.js';
import { metadataTypeInfo } from '../../metadata/registry.js';
import { parseSourceXml, toSourceXml } from '../../metadata/xml.js';
import { deployZip, updateWithCrud, type DeployOutcome } from '../../org/deploy.js';
import { readConsumerKey } from '../../org/consumerCredentials.js';
import { findSourceFiles } from '../../files/sourceFiles.js';
import { errorMessage } from '../../util/records.js';
import { describeFault, writeCheckedInOrg } from '../../org/retry.js';
import { applyElementChanges } from './merge.js';
import { changeInOrg, replanOnFreshState } from './conflict.js';
import type { AppUpdateResult, SourceFileWrite, UpdateContext, UpdatePlan } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');

async function sendToOrg(plan: UpdatePlan, context: UpdateContext): Promise<DeployOutcome> {
  const components: MetadataComponent[] = plan.components.map((c) => ({ type: c.type, fullName: c.fullName, content: c.content }));
  // updateMetadata replaces the whole component: the org's full content goes back, changed elements only differ.
  if (appKindInfo(plan.kind).deployMethod === 'createMetadata') return updateWithCrud(context.conn, components);
  return deployZip(context.conn, components, {
    apiVersion: context.apiVersion,
    waitMs: context.deployWaitMs ?? 10 * 60_000,
    ignoreWarnings: plan.rotating,
  });
}

/**
 * Sends the plan; after a transient fault the org is asked whether it took the change. A connected app's
 * updateMetadata is sent once more when it did not; an External Client App's deploy is not (it may still be running):
 * the error says to run the update again, which plans from what the org then holds.
 */
async function sendChecked(plan: UpdatePlan, context: UpdateContext): Promise<DeployOutcome> {
  const method = appKindInfo(plan.kind).deployMethod;
  const outcome = await writeCheckedInOrg(
    () => sendToOrg(plan, context),
    () => changeInOrg(plan, context),
    { writeRetries: method === 'createMetadata' ? 1 : 0 }
  );
  if (outcome.state === 'written') return outcome.value;
  if (outcome.state === 'inOrg') return { method, success: true, requests: plan.components.length, problems: [] };
  const fault = describeFault(outcome.error);
  throw messages.createError(
    'error.UpdateFault',
    [appKindInfo(plan.kind).article, plan.name, fault.code, fault.message],
    [context.rerunCommand ?? `sf ${appKindInfo(plan.kind).topic} update --name ${plan.name}`]
  );
}

/** Sends the planned components (one updateMetadata, or one deploy of the changed components) and writes the files. */
export async function executeUpdate(plan: UpdatePlan, context: UpdateContext): Promise<AppUpdateResult> {
  const base = { kind: plan.kind, name: plan.name, changes: plan.settings, warnings: plan.warnings };
  const components = plan.components.map(({ type, fullName, elements }) => ({ type, fullName, elements }));
  if (plan.components.length === 0) {
    return { ...base, components: [], deployed: false, sourceFiles: [], consumerKey: plan.record.consumerKey };
  }
  if (context.dryRun) {
    return { ...base, components, deployed: false, dryRun: true, sourceFiles: [], consumerKey: plan.record.consumerKey };
  }
  const sourceWrites = await prepareSourceFileWrites(plan, context.cwd);
  // What the plan read may have changed since (another update, Setup): checked now, just before writing.
  const outcome = await sendChecked(await replanOnFreshState(plan, context), context);
  for (let i = 0; i < outcome.requests; i++) context.counter?.add();
  if (!outcome.success) {
    const text = outcome.problems.map((p) => `${p.type ? `${p.type} ${p.fullName}: ` : ''}${p.message}`).join('\n');
    throw messages.createError('error.UpdateFailed', [text]);
  }
  const sourceFiles = await writeBackSourceFiles(sourceWrites);
  // A project that holds a component Salesforce says must stay out of source control: kept in step, and said so.
  const keptOut = appKindInfo(plan.kind).keptOutOfSource;
  const fileWarnings = sourceWrites
    .filter((write) => keptOut.includes(write.type))
    .map((write) => messages.getMessage('warning.SourceFileNotForSourceControl', [write.file]));
  fileWarnings.forEach((warning) => context.warn?.(warning));
  // Read back from the component as the org names it (an app made in Setup names it its own way).
  const keyHolder = plan.record.components.find((c) => c.type === appKindInfo(plan.kind).consumerKey.type);
  const consumerKey = plan.rotating
    ? await readConsumerKey(context.conn, plan.kind, plan.after.name, context.warn ?? ((): void => {}), { fullName: keyHolder?.fullName })
    : plan.record.consumerKey;
  return {
    ...base,
    components,
    deployed: true,
    deploy: { method: outcome.method === 'createMetadata' ? 'updateMetadata' : 'deploy', id: outcome.id, requests: outcome.requests },
    sourceFiles,
    consumerKey,
    warnings: [...plan.warnings, ...fileWarnings],
  };
}

/**
 * The project's files for the changed components, each with the same element changes merged into its own content
 * (never the org's: the file may hold what the org does not, and must keep it). Files that would not change are not
 * written. Outside a project there are none.
 */
export async function prepareSourceFileWrites(plan: UpdatePlan, cwd: string): Promise<SourceFileWrite[]> {
  const changed = plan.components.filter((c) => c.changes.length > 0);
  if (changed.length === 0) return [];
  let files: string[];
  try {
    files = await findSourceFiles(
      plan.record.components.map((c) => ({ type: c.type, fullName: c.fullName })),
      cwd,
      plan.kind,
      plan.name
    );
  } catch {
    return [];
  }
  const reference = new Map(appKindInfo(plan.kind).build(plan.after).map((c) => [c.type, c.content]));
  const writes: SourceFileWrite[] = [];
  for (const file of files) {
    const component = changed.find((c) => fileIsOfType(file, c.type));
    if (!component) continue;
    // eslint-disable-next-line no-await-in-loop
    const text = await readFile(file, 'utf8');
    let parsed: ReturnType<typeof parseSourceXml>;
    try {
      parsed = parseSourceXml(text);
    } catch (error) {
      // Found before anything is sent: the org and the file must not end up disagreeing.
      throw messages.createError('error.SourceFileUnreadable', [file, errorMessage(error)]);
    }
    if (parsed.type !== component.type) continue;
    const content = applyElementChanges(parsed.content, component.changes, reference.get(component.type) ?? {});
    const xml = toSourceXml({ type: component.type, content });
    if (xml !== text) writes.push({ file, xml, type: component.type });
  }
  return writes;
}

/** Writes what prepareSourceFileWrites worked out, once the org has taken the change. */
export async function writeBackSourceFiles(writes: SourceFileWrite[]): Promise<string[]> {
  for (const { file, xml } of writes) {
    // eslint-disable-next-line no-await-in-loop
    await writeFile(file, xml);
  }
  return writes.map((w) => w.file);
}

function fileIsOfType(file: string, type: string): boolean {
  const info = metadataTypeInfo(type);
  return basename(dirname(file)) === info.directoryName && basename(file).endsWith(`.${info.suffix}-meta.xml`);
}
