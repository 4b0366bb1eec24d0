/*
 * What create takes and returns, and the plan it makes before the first write.
 */
import type { Connection } from '@salesforce/core';
import type { AppKind, MetadataComponent, OAuthAppDefinition } from '../../model/appModel.js';
import type { AppDefinitionInput } from '../../model/appDefinition.js';
import type { AppSettings } from '../../model/appSettings.js';
import type { PresetName } from '../../model/presets.js';
import type { PermittedUsersWord } from '../../model/valueRules.js';
import type { DeployOutcome } from '../../org/deploy.js';
import type { OrgUser } from '../../org/lookups.js';
import type { ProjectContext } from '../../files/project.js';
import type { SourceFilePlan } from '../../files/sourceFiles.js';
import type { CertificateFile, KeyFilePlan } from '../../files/keyFiles.js';
import type { KeyAndCertificate } from '../../model/certificate.js';
import type { LoginResult } from '../../login/loginChain.js';
import type { AppUpdateResult } from '../update/types.js';
import type { ComponentPreview } from './dryRun.js';
import type { CreateFacts, CreateStage } from './interruption.js';

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
  /**
   * Backoff of the login chain's retries (default: 2 s growing to 30 s) and the app kind's propagation time (default:
   * the kind rules'); tests shorten them.
   */
  loginRetry?: { firstDelayMs?: number; maxDelayMs?: number; propagationMs?: number };
};

export type CreateProgress = {
  stage(name: CreateStage): void;
  /** What has been done so far (files written, deploy sent or taken): what an interruption reports. */
  record?(facts: Partial<CreateFacts>): void;
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
  /** admin-approved or all-users, as --permitted-users takes them. */
  permittedUsers: PermittedUsersWord;
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
  /** Where logins with the app go: --instance-url, else the target org's instance URL (never sfdcLoginUrl). */
  loginUrl: string;
  /**
   * How the app can be used from the command line right away: jwt or web (sf org login), client-credentials (a token
   * request), or none when no flow it has fits a command-line login.
   */
  loginMethod: 'jwt' | 'web' | 'client-credentials' | 'none';
  /** The command that logs in with the app (or, for client-credentials, requests a token); absent for none. */
  loginCommand?: string;
  login?: LoginResult;
  warnings: string[];
  /** Only with --dry-run: the components that would be deployed (nothing was). */
  dryRun?: { components: ComponentPreview[] };
  /** create --update-existing on an app that exists: what changed (deployed is false when nothing differed). */
  update?: AppUpdateResult;
};

/** Everything decided before the first write: the app, its files, and who logs in. */
export type CreationPlan = {
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
  /** The app exists and the plugin's folder holds the key pair an earlier, failed create of it made (resume.ts). */
  resume?: boolean;
};
