/*
 * Everything create decides and checks before the first write: the definition (from the flags, the project and the
 * org), the login user, the key and source file paths, and the consumer secret.
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { OAuthAppDefinition } from '../../model/appModel.js';
import { buildAppDefinition } from '../../model/appDefinition.js';
import { checkSecretFilePlace, generateConsumerKey, generateConsumerSecret } from '../../files/credentials.js';
import { appKindInfo, sourceComponents } from '../../metadata/appKinds.js';
import { readComponent } from '../../org/metadataReads.js';
import { assertClientCredentialsUserExists, findMissing, lookUpOrg, type OrgLookups, type OrgUser } from '../../org/lookups.js';
import { resolveProjectContext } from '../../files/project.js';
import { planSourceFiles } from '../../files/sourceFiles.js';
import { checkCertificateText, planKeyFiles, readCertificateFile, type CertificateFile } from '../../files/keyFiles.js';
import { checkKeyMatchesCertificate } from '../../files/privateKeyFile.js';
import { generateKeyAndCertificateAsync } from '../../model/certificate.js';
import { resumableKeyPair, type ResumedKeyPair } from './resume.js';
import { webLoginWorks } from './nextStep.js';
import { appExistsError } from './deploy.js';
import type { CreateAppContext, CreateAppFlags, CreationPlan } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create-output');

export async function planCreation(
  flags: CreateAppFlags,
  context: CreateAppContext,
  warn: (message: string) => void
): Promise<CreationPlan> {
  const kindInfo = appKindInfo(context.kind);
  checkLoginFlags(flags);
  // The key pair is made on the thread pool while the org answers; nothing reaches the disk before every check passed.
  const keyMaterial = wantsNewKey(flags) ? generateKeyAndCertificateAsync({ commonName: flags.name, days: flags.certificateDays }) : undefined;
  keyMaterial?.catch(() => undefined);
  const loginUsername = flags.username ?? context.orgUsername;
  const lookups = startLookUps(flags, context, loginUsername);
  const project = await resolveProjectContext(context.cwd);
  project.warnings.forEach(warn);
  const certificateFromUser = await checkUserCertificate(flags, warn);
  if (flags.secretFile) (await checkSecretFilePlace(flags.secretFile, project.packageDirectories)).forEach(warn);

  const org = await lookups;
  const targetUser = requireUser(org, context.orgUsername);
  const loginUser = requireUser(org, loginUsername);
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
  if (flags.login === 'web' && !webLoginWorks(definition, project)) {
    throw messages.createError('error.NoCallbackForWebLogin', [project.defaultCallbackUrl], [project.defaultCallbackUrl]);
  }
  await assertOrgHas(context.conn, definition, org, targetUser);
  definition.consumerSecret = secretFor(definition, flags);
  // A create that failed after the org took the app left its key pair in the plugin's folder (resume.ts): then the app
  // is read before anything is written, so that the rerun completes it instead of being refused.
  const resumed = await resumableKeyPair(flags, definition.name, project, context.cwd);
  const existsAlready = await appExists(flags, context, definition.name, org, resumed !== undefined);
  if (existsAlready) {
    if (flags.updateExisting) return { definition, components: [], project, loginUser, certificateFromUser, existing: true };
    // A create that failed after the org took the app: finished when the app holds the key pair that run made.
    if (resumed) return resumedPlan(definition, project, loginUser, resumed);
    throw appExistsError(context.kind, definition.name);
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
  // The certificate is made in memory: nothing is on disk until every check has passed.
  // A dry run generates nothing: its preview leaves the certificate out, as the key would not exist.
  // A rerun after a failure reuses the pair the failed run made for this app (keyFiles.ts reusableKeyPair).
  const generated =
    keyPlan?.reuse ??
    (keyPlan && !flags.dryRun
      ? await (keyMaterial ?? generateKeyAndCertificateAsync({ commonName: definition.name, days: flags.certificateDays }))
      : undefined);
  // A certificate from the definition file (definition.certificate) is uploaded as is, like --certificate-file.
  definition.certificate = certificateFromUser?.pem ?? generated?.certificatePem ?? definition.certificate;

  const components = kindInfo.build(definition);
  const sourcePlan = project.defaultPackageDir
    ? await planSourceFiles(sourceComponents(context.kind, components), project.defaultPackageDir, {
        overwrite: flags.overwrite ?? false,
      })
    : undefined;
  return {
    definition,
    components,
    project,
    loginUser,
    keyPlan,
    generated,
    certificateFromUser,
    sourcePlan,
    existenceLeftToCreate: existsAlready === undefined,
  };
}

/** Everything create asks the org before writing, in one request (lookups.ts); awaited once the local checks ran. */
function startLookUps(flags: CreateAppFlags, context: CreateAppContext, loginUsername: string): Promise<OrgLookups> {
  const lookups = lookUpOrg(context.conn, {
    usernames: [context.orgUsername, loginUsername, ...(flags.clientCredentialsUser ? [flags.clientCredentialsUser] : [])],
    profiles: flags.profiles ?? [],
    permissionSets: flags.permissionSets ?? [],
    externalClientApp: context.kind === 'ExternalClientApplication' ? flags.name : undefined,
  });
  lookups.catch(() => undefined);
  return lookups;
}

/**
 * Whether the app exists. An External Client App's header is an sObject row, so the look-ups told (or, when the org
 * refused that query, its metadata is read); a connected app's createMetadata refuses a name the org has, so create
 * lets that call tell (undefined), and reads the app only on the update path and for a dry run.
 */
async function appExists(
  flags: CreateAppFlags,
  context: CreateAppContext,
  name: string,
  org: OrgLookups,
  rerun: boolean
): Promise<boolean | undefined> {
  if (org.externalClientAppExists !== undefined && flags.name === name) return org.externalClientAppExists;
  const read = flags.updateExisting === true || flags.dryRun === true || rerun || context.kind === 'ExternalClientApplication';
  return read ? Boolean(await readComponent(context.conn, appKindInfo(context.kind).headerType, name)) : undefined;
}

function resumedPlan(
  definition: OAuthAppDefinition,
  project: CreationPlan['project'],
  loginUser: OrgUser,
  resumed: ResumedKeyPair
): CreationPlan {
  const withPair = { ...definition, certificate: resumed.generated.certificatePem };
  return { definition: withPair, components: [], project, loginUser, existing: true, ...resumed };
}

/** Whether create will make a key pair (no certificate of the user's, none declined, not a dry run). */
function wantsNewKey(flags: CreateAppFlags): boolean {
  return !flags.dryRun && !flags.certificateFile && flags.noCertificate !== true && !flags.certificatePem?.trim();
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

/**
 * Profiles and permission sets to pre-authorize, and the client credentials run-as user, must exist, or the deploy
 * would fail later with a vaguer message. The look-ups asked for every name the flags gave; the target user's own
 * profile (the default) exists; a name the look-ups did not ask for is asked now.
 */
async function assertOrgHas(conn: Connection, definition: OAuthAppDefinition, org: OrgLookups, targetUser: OrgUser): Promise<void> {
  const runAs = definition.flows.clientCredentialsUser;
  if (runAs !== undefined && !org.users.has(runAs.toLowerCase())) await assertClientCredentialsUserExists(conn, definition);
  const missing = async (object: 'Profile' | 'PermissionSet', names: string[]): Promise<string[]> => {
    const { found, asked } = object === 'Profile' ? org.profiles : org.permissionSets;
    const own = (name: string): boolean => object === 'Profile' && name.toLowerCase() === targetUser.profileName?.toLowerCase();
    const notFound = names.filter((name) => !found.has(name.toLowerCase()) && !own(name));
    const unasked = notFound.filter((name) => !asked.has(name.toLowerCase()));
    const stillMissing = unasked.length > 0 ? await findMissing(conn, object, unasked) : [];
    return notFound.filter((name) => asked.has(name.toLowerCase()) || stillMissing.includes(name));
  };
  const missingProfiles = await missing('Profile', definition.profiles);
  if (missingProfiles.length > 0) throw messages.createError('error.UnknownProfiles', [missingProfiles.join(', ')]);
  const missingPermissionSets = await missing('PermissionSet', definition.permissionSets);
  if (missingPermissionSets.length > 0) {
    throw messages.createError('error.UnknownPermissionSets', [missingPermissionSets.join(', ')]);
  }
}

function requireUser(org: OrgLookups, username: string): OrgUser {
  const user = org.users.get(username.toLowerCase());
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

const definitionFileLabel = (flags: CreateAppFlags): string =>
  messages.getMessage('label.definitionFileCertificate', [flags.definitionFile ?? '-']);

/**
 * The user's certificate (--certificate-file; one from the definition file is checked the same way, PEM and valid
 * now, but stays in the definition), and a key given with it, which must be that certificate's key.
 */
async function checkUserCertificate(flags: CreateAppFlags, warn: (message: string) => void): Promise<CertificateFile | undefined> {
  const certificateFromUser = flags.certificateFile ? await readCertificateFile(flags.certificateFile) : undefined;
  const fromDefinition =
    !certificateFromUser && flags.certificatePem ? checkCertificateText(flags.certificatePem, definitionFileLabel(flags)) : undefined;
  const userCertificate = certificateFromUser ?? fromDefinition;
  userCertificate?.warnings.forEach(warn);
  if (userCertificate && flags.jwtKeyFile) {
    await checkKeyMatchesCertificate(flags.jwtKeyFile, userCertificate.pem, flags.certificateFile ?? definitionFileLabel(flags));
  }
  return certificateFromUser;
}
