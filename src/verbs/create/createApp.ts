/*
 * Creating an OAuth app end to end, for either kind: check the org and the input, write the key, certificate and
 * source files, deploy, read the consumer key back, and optionally log in with the new app. The create commands are
 * thin wrappers around this.
 */
import { rm } from 'node:fs/promises';
import type { Connection } from '@salesforce/core';
import { Messages, SfError } from '@salesforce/core';
import type { AppKind, MetadataComponent, OAuthAppDefinition } from '../../model/appModel.js';
import { generateConsumerKey, generateConsumerSecret, writeSecretFile } from '../../files/credentials.js';
import { createWithCrud, deployZip, type DeployOutcome } from '../../org/deploy.js';
import { readComponent } from '../../org/metadataReads.js';
import { readConsumerKey } from '../../org/consumerCredentials.js';
import { assertClientCredentialsUserExists, findMissing, findUser, isPreAuthorized, type OrgUser } from '../../org/lookups.js';
import { LoginChainError, loginWithJwt, loginWithWeb, type LoginResult, type BrowserOpener } from '../../login/loginChain.js';
import { appKindInfo, isGlobalOauthAccessRefusal } from '../../metadata/appKinds.js';
import { updateToDefinition } from '../update/toDefinition.js';
import type { AppUpdateResult } from '../update/types.js';
import { resolveProjectContext, type ProjectContext } from '../../files/project.js';
import {
  buildAppDefinition,
  describeRefreshTokenPolicy,
  type AppDefinitionInput,
} from '../../model/appDefinition.js';
import { previewComponents, resolveLayers, type AppSettings, type ComponentPreview } from '../../model/definitionFile.js';
import type { PresetName } from '../../model/presets.js';
import { planSourceFiles, writeSourceFiles, type SourceFilePlan } from '../../files/sourceFiles.js';
import { planKeyFiles, readCertificateFile, writeKeyFiles, type CertificateFile, type KeyFilePlan } from '../../files/keyFiles.js';
import { certificateExpiry, generateKeyAndCertificate, type KeyAndCertificate } from '../../files/certificate.js';
import { toOAuthScopeNames } from '../../model/scopes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create-output');

export type CreateAppFlags = AppDefinitionInput & {
  certificateFile?: string;
  jwtKeyFile?: string;
  noCertificate?: boolean;
  certificateDays: number;
  outputDir?: string;
  secretFile?: string;
  showSecret?: boolean;
  overwrite?: boolean;
  login?: 'jwt' | 'web';
  username?: string;
  instanceUrl?: string;
  alias?: string;
  setDefault?: boolean;
  setDefaultDevHub?: boolean;
  waitMinutes: number;
  /** Layers under the flags: preset < definition file < flags (definitionFile.ts). */
  preset?: PresetName;
  definitionFile?: string;
  /** Settings the flags set explicitly (an unsupported one is an error, not a warning); filled by resolveLayers. */
  insistedSettings?: string[];
  /** Check everything, show the metadata, deploy and write nothing (except source files to outputDir). */
  dryRun?: boolean;
  /** When the app exists, change it to this definition (only what differs) instead of failing. */
  updateExisting?: boolean;
};

/** What createApp takes: the name may come from the definition file instead of the flags. */
export type CreateAppRequest = Omit<CreateAppFlags, keyof AppDefinitionInput | 'noCertificate'> & AppSettings;

export type CreateAppContext = {
  kind: AppKind;
  conn: Connection;
  /** Username of the target org. */
  orgUsername: string;
  orgInstanceUrl: string;
  apiVersion: string;
  cwd: string;
  /** The command's argv, to suggest the same command for the other app kind. */
  argv: string[];
  /** Backoff of the login chain's retries; tests shorten it (default: 2 s growing to 30 s). */
  loginRetry?: { firstDelayMs?: number; maxDelayMs?: number };
};

export type CreateProgress = {
  stage(name: 'prepare' | 'write' | 'deploy' | 'consumerKey' | 'login'): void;
  info(message: string): void;
  warn(message: string): void;
};

export type CreateAppResult = {
  kind: AppKind;
  name: string;
  label: string;
  consumerKey: string;
  /** Only with --show-secret. */
  consumerSecret?: string;
  secretFile?: string;
  callbackUrls: string[];
  scopes: string[];
  permittedUsers: string;
  profiles: string[];
  permissionSets: string[];
  refreshTokenPolicy: string;
  sessionTimeoutMinutes?: number;
  certificatePath?: string;
  privateKeyPath?: string;
  certificateExpires?: string;
  /** The main source file (the connected app, or the External Client App header); absent outside a project. */
  metadataPath?: string;
  metadataPaths: string[];
  deploy: { method: DeployOutcome['method']; id?: string; requests: number };
  /** Where logins with the app go: --instance-url, else sfdcLoginUrl, else the target org's instance URL. */
  loginUrl: string;
  /** The sf command that logs in with the app. */
  loginCommand: string;
  login?: LoginResult;
  warnings: string[];
  /** Only with --dry-run: the components that would be deployed (nothing was). */
  dryRun?: { components: ComponentPreview[] };
  /** create --update-existing on an app that exists: what changed (deployed is false when nothing differed). */
  update?: AppUpdateResult;
};

const noProgress: CreateProgress = { stage: () => {}, info: () => {}, warn: () => {} };

/** Everything decided before the first write: the app, its files, and who logs in. */
type CreationPlan = {
  definition: OAuthAppDefinition;
  components: MetadataComponent[];
  project: ProjectContext;
  loginUser: OrgUser;
  keyPlan?: KeyFilePlan;
  generated?: KeyAndCertificate;
  certificateFromUser?: CertificateFile;
  sourcePlan?: SourceFilePlan;
  /** --update-existing and the app exists: nothing else was planned. */
  existing?: boolean;
};

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
  const plan = await planCreation(flags, context, warn);
  if (plan.existing) return updateExisting(plan, flags, context, { warn, warnings, progress, openBrowser });
  if (flags.dryRun) {
    const components = await previewComponents(plan.components, { outputDir: flags.outputDir, overwrite: flags.overwrite });
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
  const writtenSource = plan.sourcePlan ? await writeSourceFiles(plan.sourcePlan) : [];

  // 3. Deploy; on failure the new source files go again, the key and certificate stay for a retry.
  progress.stage('deploy');
  const outcome = await deployOrExplain(plan, flags, context, writtenSource);

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
    if (context.kind === 'ExternalClientApplication' && flags.setDefaultDevHub) {
      warn(messages.getMessage('warning.DevHubNeedsConnectedApp'));
    }
    result.login = await loginWithNewApp(plan, flags, result, progress, openBrowser, context.loginRetry);
  }
  return result;
}

async function planCreation(
  flags: CreateAppFlags,
  context: CreateAppContext,
  warn: (message: string) => void
): Promise<CreationPlan> {
  const kindInfo = appKindInfo(context.kind);
  const project = await resolveProjectContext(context.cwd);
  project.warnings.forEach(warn);

  const targetUser = await requireUser(context.conn, context.orgUsername);
  const loginUsername = flags.username ?? context.orgUsername;
  const loginUser = loginUsername === context.orgUsername ? targetUser : await requireUser(context.conn, loginUsername);

  checkLoginFlags(flags);
  const certificateFromUser = flags.certificateFile ? await readCertificateFile(flags.certificateFile) : undefined;
  certificateFromUser?.warnings.forEach(warn);

  const built = buildAppDefinition(flags, {
    kind: context.kind,
    myDomainUrl: context.orgInstanceUrl,
    insistedSettings: flags.insistedSettings,
    defaultCallbackUrl: project.defaultCallbackUrl,
    defaultContactEmail: targetUser.email,
    defaultProfile: targetUser.profileName,
  });
  // The unsupported settings are among built.warnings already, in words.
  built.warnings.forEach(warn);
  const definition: OAuthAppDefinition = { ...built.definition, consumerKey: generateConsumerKey() };
  await assertOrgHas(context.conn, definition);
  definition.consumerSecret = secretFor(definition, flags);
  if (await readComponent(context.conn, kindInfo.headerType, definition.name)) {
    if (flags.updateExisting) return { definition, components: [], project, loginUser, certificateFromUser, existing: true };
    throw messages.createError('error.AppExists', [kindInfo.article, definition.name]);
  }

  const keyPlan =
    certificateFromUser ?? (flags.noCertificate === true || definition.certificate !== undefined)
      ? undefined
      : await planKeyFiles({
          appName: definition.name,
          outputDir: flags.outputDir,
          privateKeyPath: flags.jwtKeyFile,
          projectRoot: project.projectRoot,
          packageDirectories: project.packageDirectories,
          cwd: context.cwd,
        });
  if (flags.secretFile) await assertNewFile(flags.secretFile);

  // The certificate is made in memory: nothing is on disk until every check has passed.
  // A dry run generates nothing: its preview leaves the certificate out, as the key would not exist.
  const generated =
    keyPlan && !flags.dryRun
    ? generateKeyAndCertificate({ commonName: definition.name, days: flags.certificateDays })
    : undefined;
  // A certificate from the definition file (definition.certificate) is uploaded as is, like --certificate-file.
  definition.certificate = certificateFromUser?.pem ?? generated?.certificatePem ?? definition.certificate;

  const components = kindInfo.build(definition);
  const sourcePlan = project.defaultPackageDir
    ? await planSourceFiles(components, project.defaultPackageDir, { overwrite: flags.overwrite ?? false })
    : undefined;
  return { definition, components, project, loginUser, keyPlan, generated, certificateFromUser, sourcePlan };
}

function checkLoginFlags(flags: CreateAppFlags): void {
  if (flags.login === 'jwt' && flags.noCertificate) throw messages.createError('error.NoCertificateForJwt');
  if (flags.login === 'jwt' && (flags.certificateFile ?? flags.certificatePem) && !flags.jwtKeyFile) {
    throw messages.createError('error.NoKeyForLogin');
  }
}

/**
 * A connected app's secret is never readable after creation, so when the app needs one (or the user asks), the plugin
 * makes it and sends it at creation; the user must say where it goes.
 */
function secretFor(definition: OAuthAppDefinition, flags: CreateAppFlags): string | undefined {
  const wanted = Boolean(flags.secretFile) || Boolean(flags.showSecret);
  if (!needsSecret(definition) && !wanted) return undefined;
  if (!wanted) throw messages.createError('error.SecretNotRequested');
  return generateConsumerSecret();
}

/** Profiles and permission sets to pre-authorize must exist, or the deploy would fail later with a vaguer message. */
async function assertOrgHas(conn: Connection, definition: OAuthAppDefinition): Promise<void> {
  await assertClientCredentialsUserExists(conn, definition);
  const missingProfiles = await findMissing(conn, 'Profile', definition.profiles);
  if (missingProfiles.length > 0) throw messages.createError('error.UnknownProfiles', [missingProfiles.join(', ')]);
  const missingPermissionSets = await findMissing(conn, 'PermissionSet', definition.permissionSets);
  if (missingPermissionSets.length > 0) {
    throw messages.createError('error.UnknownPermissionSets', [missingPermissionSets.join(', ')]);
  }
}

async function deployOrExplain(
  plan: CreationPlan,
  flags: CreateAppFlags,
  context: CreateAppContext,
  writtenSource: string[]
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
    await removeNewFiles(writtenSource);
    throw error;
  }
  if (outcome.success) return outcome;
  await removeNewFiles(writtenSource);
  if (context.kind === 'ConnectedApp' && outcome.problems.some((p) => isCreationBlock(p.message))) {
    throw messages.createError(
      'error.ConnectedAppCreationBlocked',
      [outcome.problems[0].message],
      [suggestEcaCommand(context.argv), kept]
    );
  }
  const refusal = outcome.problems.find(isGlobalOauthAccessRefusal);
  if (refusal) {
    // The org guards consumer keys and secrets in metadata (metadata-semantics §2.3): say who can open it up.
    throw messages.createError('error.GlobalOauthAccessRefused', [refusal.fullName, refusal.message], [kept]);
  }
  const text = outcome.problems
    .map((p) => `${p.fileName ?? (p.type ? `${p.type} ${p.fullName}` : '')}: ${p.message}`)
    .join('\n');
  throw messages.createError('error.DeployFailed', [text], [kept]);
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
    result.login = await loginWithNewApp(withKey, flags, result, run.progress, run.openBrowser, context.loginRetry);
  }
  return result;
}

function describeResult(
  plan: CreationPlan,
  flags: CreateAppFlags,
  context: CreateAppContext,
  done: { consumerKey: string; outcome: DeployOutcome; writtenSource: string[]; warnings: string[] }
): CreateAppResult {
  const { definition } = plan;
  const loginUrl = flags.instanceUrl ?? plan.project.sfdcLoginUrl ?? context.orgInstanceUrl;
  const privateKeyPath = plan.keyPlan?.privateKeyPath ?? flags.jwtKeyFile;
  // A dry run has no consumer key yet.
  const clientId = done.consumerKey || '<consumer key>';
  const loginCommand =
    definition.certificate && privateKeyPath
      ? `sf org login jwt --client-id ${clientId} --jwt-key-file ${quote(privateKeyPath)} --username ${
          plan.loginUser.username
        } --instance-url ${loginUrl}`
      : `sf org login web --client-id ${clientId} --instance-url ${loginUrl}`;
  return {
    kind: context.kind,
    name: definition.name,
    label: definition.label,
    consumerKey: done.consumerKey,
    ...(flags.showSecret && definition.consumerSecret ? { consumerSecret: definition.consumerSecret } : {}),
    ...(flags.secretFile ? { secretFile: flags.secretFile } : {}),
    callbackUrls: definition.callbackUrls,
    scopes: toOAuthScopeNames(definition.scopes),
    permittedUsers: definition.permittedUsers,
    profiles: definition.profiles,
    permissionSets: definition.permissionSets,
    refreshTokenPolicy: describeRefreshTokenPolicy(definition.refreshTokenPolicy),
    sessionTimeoutMinutes: definition.sessionTimeoutMinutes,
    certificatePath: plan.keyPlan?.certificatePath ?? flags.certificateFile,
    privateKeyPath,
    certificateExpires: (plan.generated?.notAfter ?? plan.certificateFromUser?.info.notAfter)?.toISOString(),
    metadataPath: done.writtenSource[0],
    metadataPaths: done.writtenSource,
    deploy: { method: done.outcome.method, id: done.outcome.id, requests: done.outcome.requests },
    loginUrl,
    loginCommand,
    warnings: done.warnings,
  };
}

async function loginWithNewApp(
  plan: CreationPlan,
  flags: CreateAppFlags,
  result: CreateAppResult,
  progress: CreateProgress,
  openBrowser?: BrowserOpener,
  retry?: CreateAppContext['loginRetry']
): Promise<LoginResult> {
  const { definition, loginUser } = plan;
  const preAuthorized =
    definition.permittedUsers === 'AdminApprovedPreAuthorized' &&
    isPreAuthorized(loginUser, definition.profiles, definition.permissionSets);
  // JWT has no approval step: a user who is not pre-authorized will never get in, so say so before waiting.
  if (flags.login === 'jwt' && !preAuthorized) throw notPreAuthorizedError(loginUser, definition);
  const loginOptions = {
    clientId: result.consumerKey,
    username: loginUser.username,
    loginUrl: result.loginUrl,
    alias: flags.alias,
    setDefault: flags.setDefault,
    setDefaultDevHub: flags.setDefaultDevHub,
    waitMs: flags.waitMinutes * 60_000,
    preAuthorized,
    ...retry,
    onWait: (info: { cause: string; retryInMs: number; elapsedMs: number }): void =>
      progress.info(
        messages.getMessage('info.waiting', [
          messages.getMessage(`cause.${info.cause}`),
          Math.round(info.retryInMs / 1000),
          (info.elapsedMs / 60_000).toFixed(1),
          flags.waitMinutes,
        ])
      ),
  };
  try {
    return flags.login === 'jwt'
      ? await loginWithJwt({ ...loginOptions, privateKeyFile: result.privateKeyPath ?? '' })
      : await loginWithWeb({
          ...loginOptions,
          clientSecret: definition.consumerSecret,
          redirectUri: definition.callbackUrls[0],
          openBrowser: openBrowser ?? defaultOpenBrowser,
        });
  } catch (error) {
    if (!(error instanceof LoginChainError)) throw error;
    const cause = messages.getMessage(`cause.${error.classified.cause}`);
    if (error.classified.kind === 'transient') {
      throw messages.createError('error.LoginTimedOut', [flags.waitMinutes, cause], [result.loginCommand]);
    }
    throw messages.createError('error.LoginFailed', [error.classified.message], [cause, result.loginCommand]);
  }
}

async function requireUser(conn: Connection, username: string): Promise<OrgUser> {
  const user = await findUser(conn, username);
  if (!user) throw messages.createError('error.UnknownUser', [username]);
  return user;
}

function needsSecret(definition: OAuthAppDefinition): boolean {
  return (
    definition.flows.requireSecretForWebServer ||
    definition.flows.clientCredentialsUser !== undefined ||
    definition.flows.requireSecretForRefreshToken
  );
}

async function assertNewFile(path: string): Promise<void> {
  const { access } = await import('node:fs/promises');
  try {
    await access(path);
  } catch {
    return;
  }
  throw messages.createError('error.SecretFileExists', [path]);
}

async function removeNewFiles(paths: string[]): Promise<void> {
  await Promise.all(paths.map((path) => rm(path, { force: true })));
}

/** The block's wording (Spring '26) is matched loosely: its exact text is not published. */
export function isCreationBlock(message: string): boolean {
  return /can(no|')t create a connected app|connected apps? creation is (restricted|blocked|disabled)/i.test(message);
}

function suggestEcaCommand(argv: string[]): string {
  return `sf external-client-app create ${argv.map(quote).join(' ')}`;
}

function quote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

function notPreAuthorizedError(user: OrgUser, definition: OAuthAppDefinition): SfError {
  return messages.createError(
    'error.UserNotPreAuthorized',
    [
      user.username,
      user.profileName ?? '-',
      user.permissionSets.join(', ') || '-',
      definition.profiles.join(', ') || '-',
      definition.permissionSets.join(', ') || '-',
    ],
    [user.profileName ?? '']
  );
}

const defaultOpenBrowser: BrowserOpener = async (url) => {
  const { default: open } = await import('open');
  const child = await open(url, { wait: false });
  await new Promise<void>((resolve, reject) => {
    child.on('exit', (code) =>
      code && code > 0 ? reject(messages.createError('error.CannotOpenBrowser', [String(code)])) : resolve()
    );
    child.on('error', reject);
  });
};
