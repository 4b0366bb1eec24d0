/*
 * Creating an OAuth app end to end, for either kind: check the org and the input, write the key, certificate and
 * source files, deploy, take the consumer key, and optionally log in with the new app. The create commands are thin
 * wrappers around this.
 */
import { access, rm } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import { writeSecretFile } from '../../files/credentials.js';
import { appKindInfo, sourceComponents } from '../../metadata/appKinds.js';
import type { DeployOutcome } from '../../org/deploy.js';
import { readConsumerKey } from '../../org/consumerCredentials.js';
import type { BrowserOpener } from '../../login/loginChain.js';
import { writeKeyFiles, type KeyFilePlan } from '../../files/keyFiles.js';
import { writeSourceFiles } from '../../files/sourceFiles.js';
import { missingFolders, removeEmptyFolders } from '../../files/folders.js';
import { certificateExpiry, type KeyAndCertificate } from '../../model/certificate.js';
import type { AppKind } from '../../model/appModel.js';
import { updateToDefinition } from '../update/toDefinition.js';
import { assertCreateInputs, resolveLayers } from './layers.js';
import { previewComponents } from './dryRun.js';
import { planCreation } from './plan.js';
import { deployOrExplain } from './deploy.js';
import { loginWithNewApp } from './login.js';
import { describeResult } from './result.js';
import type { CreateAppContext, CreateAppFlags, CreateAppRequest, CreateAppResult, CreateProgress, CreateStage, CreationPlan } from './types.js';

export type { CreateAppContext, CreateAppFlags, CreateAppRequest, CreateAppResult, CreateProgress } from './types.js';
export { isCreationBlock } from './deploy.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create-output');

const noProgress: CreateProgress = { stage: () => {}, info: () => {}, warn: () => {} };

export async function createApp(
  request: CreateAppRequest,
  context: CreateAppContext,
  progress: CreateProgress = noProgress,
  openBrowser?: BrowserOpener
): Promise<CreateAppResult> {
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    progress.warn(message);
  };

  // 1. Everything that can be wrong is checked before anything is written or deployed.
  progress.stage('prepare');
  const flags: CreateAppFlags = await resolveLayers(request, warn);
  assertCreateInputs(flags);
  const plan = await planCreation(flags, context, warn);
  if (plan.existing) return updateExisting(plan, flags, context, { warn, warnings, progress, openBrowser });
  if (flags.dryRun) {
    const components = await previewComponents(plan.components, {
      outputDir: flags.outputDir,
      overwrite: flags.overwrite,
      sourceTypes: sourceComponents(context.kind, plan.components).map((component) => component.type),
    });
    const outcome: DeployOutcome = { method: appKindInfo(context.kind).deployMethod, success: true, requests: 0, problems: [] };
    const paths = components.flatMap((c) => (c.path ? [c.path] : []));
    // The secret was never sent, so it is not shown either.
    const { consumerSecret, ...result } = describeResult(plan, flags, context, { consumerKey: '', outcome, writtenSource: paths, warnings });
    void consumerSecret;
    return { ...result, dryRun: { components } };
  }

  // 2. Key and certificate: on disk before the org holds the certificate, so the app never exists without its key.
  progress.stage('write');
  const removeKeyFiles = plan.keyPlan && plan.generated ? await writeNewKeyFiles(plan.keyPlan, plan.generated) : undefined;
  plan.keyPlan?.warnings.forEach(warn);

  // 3. Deploy, then the source files (never with a secret): written once the org has the app, so a refused create
  // leaves the project as it was. A connected app that turns out to exist takes the new key and certificate away too.
  progress.stage('deploy');
  let outcome: DeployOutcome;
  try {
    outcome = await deployOrExplain(plan, flags, context);
  } catch (error) {
    if (error instanceof Error && error.name === 'AppExistsError') await removeKeyFiles?.();
    throw error;
  }
  const appChangedAt = Date.now();
  const writtenSource = plan.sourcePlan ? await writeSourceFiles(plan.sourcePlan) : [];

  // 4. Consumer key: the org takes the one create sends (a connected app's createMetadata fails otherwise). Where the
  // org might answer with its own (docs/salesforce-facts.md#f-eca-custom-key), it is read back; a login proves it.
  const readBack = appKindInfo(context.kind).orgMayChooseKey && !flags.login;
  if (readBack) progress.stage('consumerKey');
  const consumerKey =
    (readBack ? await readConsumerKey(context.conn, context.kind, plan.definition.name, warn) : undefined) ??
    plan.definition.consumerKey ??
    '';
  if (plan.definition.consumerSecret && flags.secretFile) {
    await writeSecretFile(flags.secretFile, plan.definition.consumerSecret);
    progress.info(messages.getMessage('info.secretWritten', [flags.secretFile]));
  }

  const result = describeResult(plan, flags, context, { consumerKey, outcome, writtenSource, warnings });

  // 5. Log in with the new app.
  if (flags.login) {
    progress.stage('login');
    if (!appKindInfo(context.kind).devHubLogin && flags.setDefaultDevHub) {
      warn(messages.getMessage('warning.DevHubNeedsConnectedApp'));
    }
    const verifyKey = appKindInfo(context.kind).orgMayChooseKey
      ? (): Promise<string | undefined> => readConsumerKey(context.conn, context.kind, plan.definition.name, warn)
      : undefined;
    result.login = await loginWithNewApp(plan, flags, result, progress, {
      openBrowser,
      retry: context.loginRetry,
      appChangedAt,
      verifyKey,
    });
  }
  return result;
}

/** Stages a create goes through, in order (the progress display lists them up front). */
export function createStages(kind: AppKind, login: boolean): CreateStage[] {
  const readBack = appKindInfo(kind).orgMayChooseKey && !login;
  return ['prepare', 'write', 'deploy', ...(readBack ? (['consumerKey'] as const) : []), ...(login ? (['login'] as const) : [])];
}

/** Writes the new key and certificate; returns what takes them (and the folders and .gitignore made for them) away. */
async function writeNewKeyFiles(keyPlan: KeyFilePlan, material: KeyAndCertificate): Promise<() => Promise<void>> {
  const folders = await missingFolders([keyPlan.privateKeyPath, keyPlan.certificatePath]);
  const gitignore = keyPlan.gitignorePath && !(await access(keyPlan.gitignorePath).then(() => true, () => false)) ? [keyPlan.gitignorePath] : [];
  await writeKeyFiles(keyPlan, material);
  return async () => {
    await Promise.all([keyPlan.privateKeyPath, keyPlan.certificatePath, ...gitignore].map((path) => rm(path, { force: true })));
    await removeEmptyFolders(folders);
  };
}

/** create --update-existing on an app that exists: the update path (appUpdate.ts), then the same result and login. */
async function updateExisting(
  plan: CreationPlan,
  flags: CreateAppFlags,
  context: CreateAppContext,
  run: { warn: (m: string) => void; warnings: string[]; progress: CreateProgress; openBrowser?: BrowserOpener }
): Promise<CreateAppResult> {
  run.progress.stage('deploy');
  const update = await updateToDefinition(
    {
      conn: context.conn,
      kind: context.kind,
      apiVersion: context.apiVersion,
      cwd: context.cwd,
      warn: run.warn,
      dryRun: flags.dryRun,
    },
    plan.definition,
    {
      certificate: plan.certificateFromUser ? 'fromDefinition' : flags.noCertificate ? 'none' : 'keepOrg',
      keyFolderBase: plan.project.projectRoot ?? context.cwd,
      outputDir: flags.outputDir,
      jwtKeyFile: flags.jwtKeyFile,
    }
  );
  update.warnings.forEach(run.warn);
  const appChangedAt = update.deployed ? Date.now() : undefined;
  const outcome: DeployOutcome = { method: appKindInfo(context.kind).deployMethod, success: true, requests: update.deploy?.requests ?? 0, problems: [] };
  const { certificate, keyFiles, ...updateResult } = update;
  const withKey: CreationPlan = { ...plan, definition: { ...plan.definition, certificate } };
  const result: CreateAppResult = {
    ...describeResult(withKey, { ...flags, jwtKeyFile: keyFiles.privateKeyPath ?? flags.jwtKeyFile }, context, {
      consumerKey: update.consumerKey ?? '',
      outcome,
      writtenSource: update.sourceFiles,
      warnings: run.warnings,
    }),
    certificatePath: flags.certificateFile ?? keyFiles.certificatePath,
    certificateExpires: certificateExpiry(certificate),
    update: updateResult,
  };
  if (flags.login && !flags.dryRun) {
    run.progress.stage('login');
    result.login = await loginWithNewApp(withKey, flags, result, run.progress, {
      openBrowser: run.openBrowser,
      retry: context.loginRetry,
      appChangedAt,
    });
  }
  return result;
}
