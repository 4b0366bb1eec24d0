/*
 * Creating an OAuth app end to end, for either kind: check the org and the input, write the key, certificate and
 * source files, deploy, take the consumer key, and optionally log in with the new app. The create commands are thin
 * wrappers around this.
 */
import { Messages } from '@salesforce/core';
import { writeSecretFile } from '../../files/credentials.js';
import { appKindInfo, sourceComponents } from '../../metadata/appKinds.js';
import type { DeployOutcome } from '../../org/deploy.js';
import { readConsumerKey } from '../../org/consumerCredentials.js';
import type { BrowserOpener } from '../../login/loginChain.js';
import { writeKeyFiles } from '../../files/keyFiles.js';
import { writeSourceFiles } from '../../files/sourceFiles.js';
import { missingFolders } from '../../files/folders.js';
import { summarizeCertificate } from '../../model/certificate.js';
import { updateToDefinition } from '../update/toDefinition.js';
import { assertCreateInputs, resolveLayers } from './layers.js';
import { previewComponents } from './dryRun.js';
import { planCreation } from './plan.js';
import { deployOrExplain } from './deploy.js';
import { loginWithNewApp } from './login.js';
import { describeResult } from './result.js';
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

  // 2. Key and certificate, then the source files (never with a secret).
  progress.stage('write');
  if (plan.keyPlan && plan.generated) {
    await writeKeyFiles(plan.keyPlan, plan.generated);
    plan.keyPlan.warnings.forEach(warn);
  }
  const newFolders = await missingFolders(plan.sourcePlan?.files.map((file) => file.path) ?? []);
  const writtenSource = plan.sourcePlan ? await writeSourceFiles(plan.sourcePlan) : [];

  // 3. Deploy; on failure the new source files (and folders made for them) go again, the key and certificate stay.
  progress.stage('deploy');
  const outcome = await deployOrExplain(plan, flags, context, writtenSource, newFolders);
  const appChangedAt = Date.now();

  // 4. Consumer key: we set it, and read it back to be sure the org took it.
  progress.stage('consumerKey');
  const consumerKey =
    (await readConsumerKey(context.conn, context.kind, plan.definition.name, warn)) ??
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
    result.login = await loginWithNewApp(plan, flags, result, progress, { openBrowser, retry: context.loginRetry, appChangedAt });
  }
  return result;
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
    certificateExpires: summarizeCertificate(certificate)?.expires,
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
