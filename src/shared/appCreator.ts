/*
 * Creating an OAuth app end to end, for either kind: check the org and the input, write the key, certificate and
 * source files, deploy, read the consumer key back, and optionally log in with the new app. The create commands are
 * thin wrappers around this.
 */
import { rm } from 'node:fs/promises';
import type { Connection } from '@salesforce/core';
import { Messages, SfError } from '@salesforce/core';
import type { AppKind, MetadataComponent, OAuthAppDefinition } from './appModel.js';
import { generateConsumerKey, generateConsumerSecret, writeSecretFile } from './credentials.js';
import { createWithCrud, deployZip, readComponent, type DeployOutcome } from './metadataDeploy.js';
import { findMissing, findUser, isPreAuthorized, type OrgUser } from './orgLookup.js';
import { LoginChainError, loginWithJwt, loginWithWeb, type LoginResult, type BrowserOpener } from './loginChain.js';
import { appKindInfo } from './appKinds.js';
import { resolveProjectContext } from './projectContext.js';
import { buildAppDefinition, type AppDefinitionInput } from './appDefinition.js';
import { planSourceFiles, writeSourceFiles } from './sourceFiles.js';
import { planKeyFiles, readCertificateFile, writeKeyFiles, type KeyFilePlan } from './keyFiles.js';
import { generateKeyAndCertificate } from './certificate.js';
import { toOAuthScopeNames } from './scopes.js';
import { describeRefreshTokenPolicy } from './appDefinition.js';

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
};

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
  /** The sf command that logs in with the app. */
  loginCommand: string;
  login?: LoginResult;
  warnings: string[];
};

const noProgress: CreateProgress = { stage: () => {}, info: () => {}, warn: () => {} };

export async function createApp(
  flags: CreateAppFlags,
  context: CreateAppContext,
  progress: CreateProgress = noProgress,
  openBrowser?: BrowserOpener
): Promise<CreateAppResult> {
  const kindInfo = appKindInfo(context.kind);
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    progress.warn(message);
  };

  // 1. Everything that can be wrong is checked before anything is written or deployed.
  progress.stage('prepare');
  const project = await resolveProjectContext(context.cwd);
  project.warnings.forEach(warn);

  const targetUser = await requireUser(context.conn, context.orgUsername);
  const loginUsername = flags.username ?? context.orgUsername;
  const loginUser = loginUsername === context.orgUsername ? targetUser : await requireUser(context.conn, loginUsername);

  const profiles =
    flags.profiles && flags.profiles.length > 0
      ? flags.profiles
      : flags.permissionSets && flags.permissionSets.length > 0
      ? []
      : targetUser.profileName
      ? [targetUser.profileName]
      : [];
  const missingProfiles = await findMissing(context.conn, 'Profile', profiles);
  if (missingProfiles.length > 0) throw messages.createError('error.UnknownProfiles', [missingProfiles.join(', ')]);
  const missingPermissionSets = await findMissing(context.conn, 'PermissionSet', flags.permissionSets ?? []);
  if (missingPermissionSets.length > 0) {
    throw messages.createError('error.UnknownPermissionSets', [missingPermissionSets.join(', ')]);
  }

  if (flags.login === 'jwt' && flags.noCertificate) throw messages.createError('error.NoCertificateForJwt');
  if (flags.login === 'jwt' && flags.certificateFile && !flags.jwtKeyFile) {
    throw messages.createError('error.NoKeyForLogin');
  }
  const certificateFromUser = flags.certificateFile ? await readCertificateFile(flags.certificateFile) : undefined;

  const built = buildAppDefinition(
    { ...flags, profiles },
    {
      kind: context.kind,
      defaultCallbackUrl: project.defaultCallbackUrl,
      defaultContactEmail: targetUser.email,
    }
  );
  built.warnings.forEach(warn);
  const definition: OAuthAppDefinition = { ...built.definition, consumerKey: generateConsumerKey() };
  const secretNeeded = needsSecret(definition);
  if (secretNeeded || flags.secretFile || flags.showSecret) {
    if (!flags.secretFile && !flags.showSecret) throw messages.createError('error.SecretNotRequested');
    definition.consumerSecret = generateConsumerSecret();
  }

  if (await readComponent(context.conn, kindInfo.headerType, definition.name)) {
    throw messages.createError('error.AppExists', [kindInfo.article, definition.name]);
  }

  const keyPlan: KeyFilePlan | undefined = certificateFromUser
    ? undefined
    : flags.noCertificate
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

  // Certificate in memory first: nothing is on disk until every check has passed.
  const generated = keyPlan
    ? generateKeyAndCertificate({ commonName: definition.name, days: flags.certificateDays })
    : undefined;
  if (certificateFromUser) definition.certificate = certificateFromUser.pem;
  if (generated) definition.certificate = generated.certificatePem;

  const components: MetadataComponent[] = kindInfo.build(definition);
  const sourcePlan = project.defaultPackageDir
    ? await planSourceFiles(components, project.defaultPackageDir, { overwrite: flags.overwrite ?? false })
    : undefined;

  // 2. Write: key and certificate, then the source files (without any secret).
  progress.stage('write');
  if (keyPlan && generated) {
    await writeKeyFiles(keyPlan, generated);
    keyPlan.warnings.forEach(warn);
  }
  const writtenSource = sourcePlan ? await writeSourceFiles(sourcePlan) : [];

  // 3. Deploy.
  progress.stage('deploy');
  const deployComponents = components;
  let outcome: DeployOutcome;
  try {
    outcome =
      kindInfo.deployMethod === 'createMetadata'
        ? await createWithCrud(context.conn, deployComponents)
        : await deployZip(context.conn, deployComponents, {
            apiVersion: context.apiVersion,
            waitMs: 10 * 60_000,
          });
  } catch (error) {
    await removeNewFiles(writtenSource);
    throw error;
  }
  if (!outcome.success) {
    await removeNewFiles(writtenSource);
    const kept = keyPlan ? `${keyPlan.privateKeyPath}, ${keyPlan.certificatePath}` : flags.certificateFile ?? '-';
    const text = outcome.problems
      .map((p) => `${p.fileName ?? (p.type ? `${p.type} ${p.fullName}` : '')}: ${p.message}`)
      .join('\n');
    if (context.kind === 'ConnectedApp' && outcome.problems.some((p) => isCreationBlock(p.message))) {
      throw messages.createError('error.ConnectedAppCreationBlocked', [outcome.problems[0].message], [
        suggestEcaCommand(context.argv),
        kept,
      ]);
    }
    throw messages.createError('error.DeployFailed', [text], [kept]);
  }

  // 4. Consumer key: we set it, and read it back to be sure the org took it.
  progress.stage('consumerKey');
  const consumerKey = await kindInfo.readConsumerKey(context.conn, definition, warn) ?? definition.consumerKey!;

  if (definition.consumerSecret && flags.secretFile) {
    await writeSecretFile(flags.secretFile, definition.consumerSecret);
    progress.info(messages.getMessage('info.secretWritten', [flags.secretFile]));
  }

  const loginUrl = flags.instanceUrl ?? project.sfdcLoginUrl ?? context.orgInstanceUrl;
  const privateKeyPath = keyPlan?.privateKeyPath ?? flags.jwtKeyFile;
  const loginCommand =
    definition.certificate && privateKeyPath
      ? `sf org login jwt --client-id ${consumerKey} --jwt-key-file ${quote(privateKeyPath)} --username ${loginUsername} --instance-url ${loginUrl}`
      : `sf org login web --client-id ${consumerKey} --instance-url ${loginUrl}`;

  const result: CreateAppResult = {
    kind: context.kind,
    name: definition.name,
    label: definition.label,
    consumerKey,
    ...(flags.showSecret && definition.consumerSecret ? { consumerSecret: definition.consumerSecret } : {}),
    ...(flags.secretFile ? { secretFile: flags.secretFile } : {}),
    callbackUrls: definition.callbackUrls,
    scopes: toOAuthScopeNames(definition.scopes),
    permittedUsers: definition.permittedUsers,
    profiles: definition.profiles,
    permissionSets: definition.permissionSets,
    refreshTokenPolicy: describeRefreshTokenPolicy(definition.refreshTokenPolicy),
    sessionTimeoutMinutes: definition.sessionTimeoutMinutes,
    certificatePath: keyPlan?.certificatePath ?? flags.certificateFile,
    privateKeyPath,
    certificateExpires: (generated?.notAfter ?? certificateFromUser?.info.notAfter)?.toISOString(),
    metadataPath: writtenSource[0],
    metadataPaths: writtenSource,
    deploy: { method: outcome.method, id: outcome.id, requests: outcome.requests },
    loginCommand,
    warnings,
  };

  // 5. Log in with the new app.
  if (flags.login) {
    progress.stage('login');
    if (context.kind === 'ExternalClientApplication' && flags.setDefaultDevHub) {
      warn(messages.getMessage('warning.DevHubNeedsConnectedApp'));
    }
    const preAuthorized =
      definition.permittedUsers === 'AdminApprovedPreAuthorized' &&
      isPreAuthorized(loginUser, definition.profiles, definition.permissionSets);
    if (flags.login === 'jwt' && !preAuthorized) {
      throw notPreAuthorizedError(loginUser, definition);
    }
    const waitMs = flags.waitMinutes * 60_000;
    const loginOptions = {
      clientId: consumerKey,
      username: loginUsername,
      loginUrl,
      alias: flags.alias,
      setDefault: flags.setDefault,
      setDefaultDevHub: flags.setDefaultDevHub,
      waitMs,
      preAuthorized,
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
      result.login =
        flags.login === 'jwt'
          ? await loginWithJwt({ ...loginOptions, privateKeyFile: privateKeyPath! })
          : await loginWithWeb({
              ...loginOptions,
              clientSecret: definition.consumerSecret,
              redirectUri: definition.callbackUrls[0],
              openBrowser: openBrowser ?? defaultOpenBrowser,
            });
    } catch (error) {
      if (error instanceof LoginChainError) {
        const cause = messages.getMessage(`cause.${error.classified.cause}`);
        if (error.classified.kind === 'transient') {
          throw messages.createError('error.LoginTimedOut', [flags.waitMinutes, cause], [loginCommand]);
        }
        throw messages.createError('error.LoginFailed', [error.classified.message], [cause, loginCommand]);
      }
      throw error;
    }
  }
  return result;
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
  throw new SfError(`${path} already exists; it is never overwritten.`, 'FileExists', ['Choose a new file name.']);
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
    child.on('exit', (code) => (code && code > 0 ? reject(new Error(`Could not open a browser (exit ${code}).`)) : resolve()));
    child.on('error', reject);
  });
};
