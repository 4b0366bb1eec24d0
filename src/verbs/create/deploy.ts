/*
 * Deploying a new app, and turning a refusal into an error that says what exists now and what to do.
 */
import { rm } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import { appKindInfo, isGlobalOauthAccessRefusal } from '../../metadata/appKinds.js';
import { createWithCrud, deployZip, type DeployOutcome } from '../../org/deploy.js';
import { removeEmptyFolders } from '../../files/folders.js';
import type { CreateAppContext, CreateAppFlags, CreationPlan } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create-output');

export async function deployOrExplain(
  plan: CreationPlan,
  flags: CreateAppFlags,
  context: CreateAppContext,
  writtenSource: string[],
  newFolders: string[] = []
): Promise<DeployOutcome> {
  const kept = plan.keyPlan
    ? `${plan.keyPlan.privateKeyPath}, ${plan.keyPlan.certificatePath}`
    : flags.certificateFile ?? '-';
  let outcome: DeployOutcome;
  try {
    outcome =
      appKindInfo(context.kind).deployMethod === 'createMetadata'
        ? await createWithCrud(context.conn, plan.components)
        : await deployZip(context.conn, plan.components, { apiVersion: context.apiVersion, waitMs: 10 * 60_000 });
  } catch (error) {
    await removeNewFiles(writtenSource, newFolders);
    throw error;
  }
  if (outcome.success) return outcome;
  await removeNewFiles(writtenSource, newFolders);
  if (appKindInfo(context.kind).creationMayBeBlocked && outcome.problems.some((p) => isCreationBlock(p.message))) {
    throw messages.createError(
      'error.ConnectedAppCreationBlocked',
      [outcome.problems[0].message],
      [suggestEcaCommand(context.argv, plan), kept]
    );
  }
  const refusal = outcome.problems.find(isGlobalOauthAccessRefusal);
  if (refusal) {
    // The org guards consumer keys and secrets in metadata (docs/salesforce-facts.md#f-eca-metadata-secret-access): say who can open it up.
    throw messages.createError('error.GlobalOauthAccessRefused', [refusal.fullName, refusal.message], [kept]);
  }
  const text = outcome.problems
    .map((p) => `${p.fileName ?? (p.type ? `${p.type} ${p.fullName}` : '')}: ${p.message}`)
    .join('\n');
  throw messages.createError('error.DeployFailed', [text], [kept]);
}

/** The source files a failed create wrote, and the folders it made for them. */
async function removeNewFiles(paths: string[], folders: string[]): Promise<void> {
  await Promise.all(paths.map((path) => rm(path, { force: true })));
  await removeEmptyFolders(folders);
}

/**
 * Whether a refused connected app create is the Spring '26 block. Salesforce has not published its wording
 * (docs/salesforce-facts.md#f-ca-creation-block), so it is recognised by meaning: the message is about connected apps
 * and either refuses creating one or points to Salesforce Support or External Client Apps.
 */
export function isCreationBlock(message: string): boolean {
  const aboutConnectedApps = /connected[\s-]*apps?/i.test(message);
  const aboutCreating = /\b(creat\w*|new)\b/i.test(message);
  const refused =
    /\b(can(?:not|['’]t)|not (?:be )?(?:allowed|permitted|available|enabled|supported)|no longer|restricted|blocked|disabled|prohibited|unavailable)\b/i.test(
      message
    );
  const pointsElsewhere = /\bsupport\b|external[\s-]*client[\s-]*app/i.test(message);
  return aboutConnectedApps && ((aboutCreating && refused) || pointsElsewhere);
}

/**
 * The same create as an External Client App, ready to run: with the key and certificate this run made (its default
 * key path is taken now, so without them the retry would stop at KeyFileExists), and without --set-default-dev-hub
 * (a Dev Hub authorized through an External Client App cannot create scratch orgs, C-1016).
 */
function suggestEcaCommand(argv: string[], plan: CreationPlan): string {
  const dropped = new Set(['--set-default-dev-hub', '-d', ...(plan.keyPlan ? ['--jwt-key-file', '--output-dir', '--certificate-days'] : [])]);
  const withValue = new Set(['--jwt-key-file', '--output-dir', '--certificate-days']);
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [name] = argv[i].split('=');
    if (!dropped.has(name)) kept.push(argv[i]);
    else if (withValue.has(name) && !argv[i].includes('=')) i++;
  }
  const reuse = plan.keyPlan ? ['--certificate-file', plan.keyPlan.certificatePath, '--jwt-key-file', plan.keyPlan.privateKeyPath] : [];
  return `sf external-client-app create ${[...kept, ...reuse].map(quote).join(' ')}`;
}

export function quote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}
