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
import { assertClientCredentialsUserExists, findMissing, findUser, type OrgUser } from '../../org/lookups.js';
import { resolveProjectContext } from '../../files/project.js';
import { planSourceFiles } from '../../files/sourceFiles.js';
import { checkCertificateText, planKeyFiles, readCertificateFile, type CertificateFile } from '../../files/keyFiles.js';
import { checkKeyMatchesCertificate } from '../../files/privateKeyFile.js';
import { generateKeyAndCertificate } from '../../model/certificate.js';
import { resumableKeyPair } from './resume.js';
import { webLoginWorks } from './nextStep.js';
import type { CreateAppContext, CreateAppFlags, CreationPlan } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create-output');

export async function planCreation(
  flags: CreateAppFlags,
  context: CreateAppContext,
  warn: (message: string) => void
): Promise<CreationPlan> {
  const kindInfo = appKindInfo(context.kind);
  const project = await resolveProjectContext(context.cwd);
  project.warnings.forEach(warn);

  checkLoginFlags(flags);
  const certificateFromUser = await checkUserCertificate(flags, warn);
  if (flags.secretFile) (await checkSecretFilePlace(flags.secretFile, project.packageDirectories)).forEach(warn);

  const targetUser = await requireUser(context.conn, context.orgUsername);
  const loginUsername = flags.username ?? context.orgUsername;
  const loginUser = loginUsername === context.orgUsername ? targetUser : await requireUser(context.conn, loginUsername);

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
  await assertOrgHas(context.conn, definition);
  definition.consumerSecret = secretFor(definition, flags);
  if (await readComponent(context.conn, kindInfo.headerType, definition.name)) {
    if (flags.updateExisting) return { definition, components: [], project, loginUser, certificateFromUser, existing: true };
    // A create that failed after the org took the app: finished when the app holds the key pair that run made.
    const resumed = await resumableKeyPair(flags, definition.name, project, context.cwd);
    if (resumed) {
      const withPair = { ...definition, certificate: resumed.generated.certificatePem };
      return { definition: withPair, components: [], project, loginUser, existing: true, ...resumed };
    }
    throw messages.createError(
      'error.AppExists',
      [kindInfo.article, definition.name],
      [kindInfo.topic, definition.name, kindInfo.topic, definition.name]
    );
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
    (keyPlan && !flags.dryRun ? generateKeyAndCertificate({ commonName: definition.name, days: flags.certificateDays }) : undefined);
  // A certificate from the definition file (definition.certificate) is uploaded as is, like --certificate-file.
  definition.certificate = certificateFromUser?.pem ?? generated?.certificatePem ?? definition.certificate;

  const components = kindInfo.build(definition);
  const sourcePlan = project.defaultPackageDir
    ? await planSourceFiles(sourceComponents(context.kind, components), project.defaultPackageDir, {
        overwrite: flags.overwrite ?? false,
      })
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
