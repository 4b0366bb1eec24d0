/*
 * Deploying a new app, and turning a refusal or a fault into an error that says what exists now and what to do (the
 * source files are written only after a successful deploy, so neither leaves any behind).
 * A transient fault (5xx, request limit, dropped connection) may hide a success: the org is asked whether it holds the
 * app before anything else happens. A connected app's single createMetadata call is sent again once when it does not;
 * an External Client App's deploy is not (it may still be running in the org): the error gives the rerun command.
 */
import { Messages, SfError } from '@salesforce/core';
import { sleep } from '@salesforce/kit';
import type { MetadataComponent } from '../../model/appModel.js';
import { appKindInfo, isGlobalOauthAccessRefusal } from '../../metadata/appKinds.js';
import { createWithCrud, deployZip, type DeployOutcome } from '../../org/deploy.js';
import { readComponent, readComponents, RequestCounter } from '../../org/metadataReads.js';
import { describeFault, isTransientFault, READ_RETRY_DELAYS_MS, writeCheckedInOrg } from '../../org/retry.js';
import { quote, rerunCommand, withoutFlags } from './rerun.js';
import type { CreateAppContext, CreateAppFlags, CreationPlan } from './types.js';

export { quote } from './rerun.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create-output');

/** How much of the app the org holds after a fault, and what could not be found (or why it could not be asked). */
type AppPresence = { state: 'whole' | 'none' | 'part' | 'unknown'; missing: string[]; detail?: string };

/** A transient fault the create could not get past, with what the org holds after it. */
type Fault = { fault: unknown; presence: AppPresence };

export async function deployOrExplain(plan: CreationPlan, flags: CreateAppFlags, context: CreateAppContext): Promise<DeployOutcome> {
  const kept = plan.keyPlan
    ? `${plan.keyPlan.privateKeyPath}, ${plan.keyPlan.certificatePath}`
    : flags.certificateFile ?? '-';
  const info = appKindInfo(context.kind);
  const outcome = await send(plan, context);
  if ('fault' in outcome) throw faultError(outcome, plan, flags, context, kept);
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

/** Sends the app; a transient fault ends as a success when the org holds the whole app, else as a Fault. */
async function send(plan: CreationPlan, context: CreateAppContext): Promise<DeployOutcome | Fault> {
  const method = appKindInfo(context.kind).deployMethod;
  const confirmed = (requests: number): DeployOutcome => ({ method, success: true, requests, problems: [] });
  if (method === 'createMetadata') {
    let presence: AppPresence = { state: 'unknown', missing: [] };
    let resent = false;
    const checked = await writeCheckedInOrg(
      () => createWithCrud(context.conn, plan.components),
      async () => {
        presence = await appPresence(context, plan.components);
        return presence.state === 'whole';
      },
      { onRetry: () => (resent = true) }
    );
    if (checked.state === 'written') return resent && !checked.value.success ? refusedResend(checked.value, plan, context) : checked.value;
    if (checked.state === 'inOrg') {
      // Nothing read the app before this create: an app the org already had under the name is not the one sent.
      if (plan.existenceLeftToCreate && !(await holdsSentKey(plan, context))) throw appExistsError(context.kind, plan.definition.name);
      return confirmed(plan.components.length);
    }
    return { fault: checked.error, presence };
  }
  try {
    return await deployZip(context.conn, plan.components, { apiVersion: context.apiVersion, waitMs: 10 * 60_000 });
  } catch (error) {
    if (!isTransientFault(error)) throw error;
    const presence = await settledPresence(context, plan.components);
    return presence.state === 'whole' ? confirmed(plan.components.length) : { fault: error, presence };
  }
}

/**
 * The create sent again after a fault was refused: the first send may have made the app after all (its answer lost),
 * and the refusal be the org's "it exists" for this very app. The org is asked again: this app (whole, with the key
 * sent) is a success; none of it, or another app of that name, is the refusal it says; anything else is a fault whose
 * outcome is unknown, so the key pair and the secret stay (a refusal would take them away).
 */
async function refusedResend(refusal: DeployOutcome, plan: CreationPlan, context: CreateAppContext): Promise<DeployOutcome | Fault> {
  const presence = await appPresence(context, plan.components);
  if (presence.state === 'none') return refusal;
  if (presence.state === 'whole') return (await holdsSentKey(plan, context)) ? { ...refusal, success: true, problems: [] } : refusal;
  const text = refusal.problems.map((p) => p.message).join('\n');
  return { fault: new SfError(text, 'RefusedAfterResend'), presence };
}

/**
 * Whether the connected app found after a fault is the one this create sent: it carries the consumer key create set
 * (the org takes it at creation: docs/salesforce-facts.md#f-ca-consumer-key-on-update). A key the read does not show
 * (or a failed read) leaves it taken as sent, as before.
 */
async function holdsSentKey(plan: CreationPlan, context: CreateAppContext): Promise<boolean> {
  const header = await readComponent(context.conn, appKindInfo(context.kind).headerType, plan.definition.name).catch(() => undefined);
  const key = (header?.oauthConfig as { consumerKey?: unknown } | undefined)?.consumerKey;
  return typeof key !== 'string' || key === plan.definition.consumerKey;
}

/**
 * A deploy whose answer was lost may still be running in the org (it saves nothing until it is done): looked for
 * again after each read wait before it is called missing.
 */
async function settledPresence(context: CreateAppContext, components: readonly MetadataComponent[]): Promise<AppPresence> {
  let presence = await appPresence(context, components);
  for (const delay of READ_RETRY_DELAYS_MS) {
    if (presence.state === 'whole' || presence.state === 'unknown') break;
    // eslint-disable-next-line no-await-in-loop
    await sleep(delay);
    // eslint-disable-next-line no-await-in-loop
    presence = await appPresence(context, components);
  }
  return presence;
}

/** Reads each planned component (reads retry on their own); never throws: a failed look-up is `unknown`. */
async function appPresence(context: CreateAppContext, components: readonly MetadataComponent[]): Promise<AppPresence> {
  const types = [...new Set(components.map((c) => c.type))];
  try {
    const counter = new RequestCounter();
    const found = (
      await Promise.all(
        types.map((type) => readComponents(context.conn, type, components.filter((c) => c.type === type).map((c) => c.fullName), counter))
      )
    ).flat();
    const missing = components.filter((c) => !found.some((f) => f.type === c.type && f.fullName === c.fullName)).map((c) => `${c.type} ${c.fullName}`);
    const state = missing.length === 0 ? 'whole' : missing.length === components.length ? 'none' : 'part';
    return { state, missing };
  } catch (error) {
    const { code, message } = describeFault(error);
    return { state: 'unknown', missing: [], detail: `${code}: ${message}` };
  }
}

function faultError(outcome: Fault, plan: CreationPlan, flags: CreateAppFlags, context: CreateAppContext, kept: string): Error {
  const info = appKindInfo(context.kind);
  const { fault, presence } = outcome;
  const { code, message } = describeFault(fault);
  const inOrg =
    presence.state === 'none'
      ? messages.getMessage('info.faultNothingInOrg', [info.article, plan.definition.name])
      : presence.state === 'part'
      ? messages.getMessage('info.faultPartInOrg', [info.article, plan.definition.name, presence.missing.join(', ')])
      : messages.getMessage('info.faultOrgUnknown', [info.article, plan.definition.name, presence.detail ?? '']);
  const userPlacedKey = flags.outputDir !== undefined || flags.jwtKeyFile !== undefined;
  const rerun = rerunCommand(context, plan, userPlacedKey);
  const error = messages.createError('error.DeployFault', [code, message, inOrg, kept], [rerun]);
  if (presence.state === 'part') error.actions = [...(error.actions ?? []), messages.getMessage('info.faultPartDelete', [info.topic, plan.definition.name])];
  // For scripts: what the org holds, and the command that finishes the job.
  error.setData({ appInOrg: presence.state, rerunCommand: rerun });
  return error;
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
  const keyFlags = plan.keyPlan ? ['--jwt-key-file', '--output-dir', '--certificate-days'] : [];
  const kept = withoutFlags(argv, ['--set-default-dev-hub', '-d', ...keyFlags], keyFlags);
  const reuse = plan.keyPlan ? ['--certificate-file', plan.keyPlan.certificatePath, '--jwt-key-file', plan.keyPlan.privateKeyPath] : [];
  return `sf external-client-app create ${[...kept, ...reuse].map(quote).join(' ')}`;
}
