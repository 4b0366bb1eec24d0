/*
 * Creating an OAuth app end to end, for either kind: check the org and the input, write the key, certificate and
 * source files, deploy, take the consumer key, and optionally log in with the new app. The create commands are thin
 * wrappers around this.
 */
import { access, rm } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import { appKindInfo, sourceComponents } from '../../metadata/appKinds.js';
import type { DeployOutcome } from '../../org/deploy.js';
import { readConsumerKey } from '../../org/consumerCredentials.js';
import type { BrowserOpener } from '../../login/loginChain.js';
import { writeKeyFiles, type KeyFilePlan } from '../../files/keyFiles.js';
import { writeSourceFiles } from '../../files/sourceFiles.js';
import { missingFolders, removeEmptyFolders } from '../../files/folders.js';
import type { KeyAndCertificate } from '../../model/certificate.js';
import { certificateExpiryOf } from '../../model/certificateExpiry.js';
import type { AppKind } from '../../model/appModel.js';
import type { AppRecord } from '../../org/inventory.js';
import { sameCertificate } from '../../util/pem.js';
import { updateToDefinition } from '../update/toDefinition.js';
import { withUpdateLock } from '../update/lock.js';
import { assertCreateInputs, resolveLayers } from './layers.js';
import { previewComponents } from './dryRun.js';
import { planCreation } from './plan.js';
import { appExistsError, deployOrExplain } from './deploy.js';
import { loginWithNewApp } from './login.js';
import { recordCreate } from './interruption.js';
import { rerunCommand } from './rerun.js';
import { describeResult } from './result.js';
import { openSecretFile, saveSecret, settleAfterFailure, settleOnInterruption, withUnsavedSecret } from './secret.js';
import type { CreateStage } from './interruption.js';
import type { CreateAppContext, CreateAppFlags, CreateAppRequest, CreateAppResult, CreateProgress, CreationPlan } from './types.js';

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
  recordCreate(progress, {
    appName: plan.definition.name,
    rerunCommand: rerunCommand(context, plan, flags.outputDir !== undefined || flags.jwtKeyFile !== undefined),
    loginUser: flags.login ? plan.loginUser.username : undefined,
    appInOrg: plan.existing ? 'yes' : 'no',
  });
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

  // 2. The secret file (made now: a secret that cannot be saved must stop the create before anything is sent), then
  // the key and certificate: on disk before the org holds the certificate, so the app never exists without its key.
  progress.stage('write');
  const pendingSecret = await openSecretFile(plan.definition.consumerSecret, flags.secretFile, plan.project.packageDirectories);
  if (pendingSecret) recordCreate(progress, { pendingSecret: { path: pendingSecret.file.path, settle: (appMayExist) => settleOnInterruption(pendingSecret, appMayExist) } });
  let deployStarted = false;
  let outcome: DeployOutcome;
  try {
    // Only a pair this run writes is taken away again (never one an earlier, failed run left for this rerun).
    const removeKeyFiles = plan.keyPlan && plan.generated ? await writeNewKeyFiles(plan.keyPlan, plan.generated) : undefined;
    if (plan.keyPlan) {
      plan.keyPlan.warnings.forEach(warn);
      recordCreate(progress, { keyFiles: [plan.keyPlan.privateKeyPath, plan.keyPlan.certificatePath] });
    }

    // 3. Deploy. A connected app that turns out to exist takes the new key and certificate away again.
    progress.stage('deploy');
    deployStarted = true;
    recordCreate(progress, { appInOrg: 'sent' });
    try {
      outcome = await deployOrExplain(plan, flags, context);
    } catch (error) {
      if (removeKeyFiles && error instanceof Error && error.name === 'AppExistsError') {
        await removeKeyFiles();
        recordCreate(progress, { keyFiles: [] });
      }
      throw error;
    }
    recordCreate(progress, { appInOrg: 'yes' });
  } catch (error) {
    throw await settleAfterFailure(pendingSecret, error, deployStarted);
  }
  const appChangedAt = Date.now();
  // The app exists: its secret reaches the user now, in the file or (if the file fails) in the result.
  recordCreate(progress, { pendingSecret: undefined });
  const unsavedSecret = await saveSecret(pendingSecret, warn);
  if (pendingSecret && !unsavedSecret) {
    recordCreate(progress, { secretFile: pendingSecret.file.path });
    progress.info(messages.getMessage('info.secretWritten', [pendingSecret.file.path]));
  }
  try {
    // The source files (never with a secret): written once the org has the app, so a refused create leaves the
    // project as it was.
    const writtenSource = await writeNewSourceFiles(plan, progress);
    return await finishCreate(plan, { ...flags, secretFile: unsavedSecret ? undefined : flags.secretFile }, context, {
      outcome,
      writtenSource,
      warnings,
      warn,
      progress,
      openBrowser,
      appChangedAt,
      unsavedSecret,
    });
  } catch (error) {
    throw withUnsavedSecret(error, unsavedSecret, flags.secretFile);
  }
}

/** Writes the planned source files, told to the interruption record first (new files only, never one replaced). */
async function writeNewSourceFiles(plan: CreationPlan, progress: CreateProgress): Promise<string[]> {
  if (!plan.sourcePlan) return [];
  const newFolders = await missingFolders(plan.sourcePlan.files.map((file) => file.path));
  recordCreate(progress, { sourceFiles: plan.sourcePlan.files.filter((file) => !file.replaces).map((file) => file.path), newFolders });
  return writeSourceFiles(plan.sourcePlan);
}

/** After the deploy: the consumer key, the result, and the login. */
async function finishCreate(
  plan: CreationPlan,
  flags: CreateAppFlags,
  context: CreateAppContext,
  run: {
    outcome: DeployOutcome;
    writtenSource: string[];
    warnings: string[];
    warn: (m: string) => void;
    progress: CreateProgress;
    openBrowser?: BrowserOpener;
    appChangedAt: number;
    unsavedSecret?: string;
  }
): Promise<CreateAppResult> {
  const { outcome, writtenSource, warnings, warn, progress, openBrowser, appChangedAt } = run;
  // 4. Consumer key: the org takes the one create sends (a connected app's createMetadata fails otherwise). Where the
  // org might answer with its own (docs/salesforce-facts.md#f-eca-custom-key), it is read back; a login proves it.
  const readBack = appKindInfo(context.kind).orgMayChooseKey && !flags.login;
  if (readBack) progress.stage('consumerKey');
  const consumerKey =
    (readBack ? await readConsumerKey(context.conn, context.kind, plan.definition.name, warn) : undefined) ??
    plan.definition.consumerKey ??
    '';
  const result = describeResult(plan, flags, context, { consumerKey, outcome, writtenSource, warnings });
  if (run.unsavedSecret) result.consumerSecret = run.unsavedSecret;

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

/**
 * Writes the new key and certificate; returns what takes them (and the folders and .gitignore made for them) away, or
 * nothing when the plan reuses an earlier run's pair (written by that run, so never this run's to remove).
 */
async function writeNewKeyFiles(keyPlan: KeyFilePlan, material: KeyAndCertificate): Promise<(() => Promise<void>) | undefined> {
  if (keyPlan.reuse) return undefined;
  const folders = await missingFolders([keyPlan.privateKeyPath, keyPlan.certificatePath]);
  const gitignore = keyPlan.gitignorePath && !(await access(keyPlan.gitignorePath).then(() => true, () => false)) ? [keyPlan.gitignorePath] : [];
  await writeKeyFiles(keyPlan, material);
  return async () => {
    await Promise.all([keyPlan.privateKeyPath, keyPlan.certificatePath, ...gitignore].map((path) => rm(path, { force: true })));
    await removeEmptyFolders(folders);
  };
}

/**
 * create --update-existing on an app that exists, or a rerun of a create that failed after the org took the app: the
 * update path (toDefinition.ts), the source files the project lacks, then the same result and login.
 */
async function updateExisting(
  plan: CreationPlan,
  flags: CreateAppFlags,
  context: CreateAppContext,
  run: { warn: (m: string) => void; warnings: string[]; progress: CreateProgress; openBrowser?: BrowserOpener }
): Promise<CreateAppResult> {
  run.progress.stage('deploy');
  const update = await withUpdateLock(context, plan.definition.name, () => updateToDefinition(
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
      certificate: plan.certificateFromUser !== undefined || plan.resume === true ? 'fromDefinition' : flags.noCertificate ? 'none' : 'keepOrg',
      keyFolderBase: plan.project.projectRoot ?? context.cwd,
      outputDir: flags.outputDir,
      jwtKeyFile: flags.jwtKeyFile,
      checkRecord: plan.resume ? (record): void => assertHoldsCertificate(record, plan, context) : undefined,
      writeMissingSourceFiles: true,
    }
  ));
  update.warnings.forEach(run.warn);
  // The secret sent by the run that failed was never saved (it would have been written after the deploy).
  if (plan.resume && (flags.secretFile ?? flags.showSecret)) run.warn(messages.getMessage('warning.SecretNotResumed', [plan.definition.name]));
  const appChangedAt = update.deployed ? Date.now() : undefined;
  const outcome: DeployOutcome = { method: appKindInfo(context.kind).deployMethod, success: true, requests: update.deploy?.requests ?? 0, problems: [] };
  const { certificate, keyFiles, ...updateResult } = update;
  // The secret made for this run was never sent (an update leaves credentials alone): neither shown nor claimed saved.
  const { consumerSecret, ...sent } = plan.definition;
  void consumerSecret;
  const withKey: CreationPlan = { ...plan, definition: { ...sent, certificate } };
  const reported = { ...flags, secretFile: undefined, jwtKeyFile: keyFiles.privateKeyPath ?? flags.jwtKeyFile };
  const result: CreateAppResult = {
    ...describeResult(withKey, reported, context, {
      consumerKey: update.consumerKey ?? '',
      outcome,
      writtenSource: update.sourceFiles,
      warnings: run.warnings,
    }),
    certificatePath: flags.certificateFile ?? keyFiles.certificatePath,
    certificateExpires: certificateExpiryOf(certificate)?.notAfter,
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

/** A rerun completes only the app its key pair was made for; any other app of that name is the user's: refused. */
function assertHoldsCertificate(record: AppRecord, plan: CreationPlan, context: CreateAppContext): void {
  if (sameCertificate(record.definition.certificate, plan.generated?.certificatePem)) return;
  throw appExistsError(context.kind, plan.definition.name);
}
