/*
 * Deploying a new app, and turning a refusal into an error that says what exists now and what to do (the source files
 * are written only after a successful deploy, so a refusal leaves none behind).
 */
import { Messages, type SfError } from '@salesforce/core';
import { appKindInfo, isGlobalOauthAccessRefusal } from '../../metadata/appKinds.js';
import { createWithCrud, deployZip, type DeployOutcome } from '../../org/deploy.js';
import { readComponent } from '../../org/metadataReads.js';
import type { CreateAppContext, CreateAppFlags, CreationPlan } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create-output');

export async function deployOrExplain(plan: CreationPlan, flags: CreateAppFlags, context: CreateAppContext): Promise<DeployOutcome> {
  const kept = plan.keyPlan
    ? `${plan.keyPlan.privateKeyPath}, ${plan.keyPlan.certificatePath}`
    : flags.certificateFile ?? '-';
  const info = appKindInfo(context.kind);
  const outcome =
    info.deployMethod === 'createMetadata'
      ? await createWithCrud(context.conn, plan.components)
      : await deployZip(context.conn, plan.components, { apiVersion: context.apiVersion, waitMs: 10 * 60_000 });
  if (outcome.success) return outcome;
  // createMetadata never replaces a component (docs/salesforce-facts.md#f-md-create-new-only): when it was left to
  // tell whether the app exists, a refusal is read once to tell "exists" from the other refusals.
  if (plan.existenceLeftToCreate && (await readComponent(context.conn, info.headerType, plan.definition.name).catch(() => undefined))) {
    throw appExistsError(context.kind, plan.definition.name);
  }
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

/** The app exists: the update path, or another name, as the actions. */
export function appExistsError(kind: CreateAppContext['kind'], name: string): SfError {
  const kindInfo = appKindInfo(kind);
  return messages.createError('error.AppExists', [kindInfo.article, name], [kindInfo.topic, name, kindInfo.topic, name]);
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
