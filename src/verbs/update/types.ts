/*
 * The shapes an update moves through: the request (what the user asked), the plan (what will be sent) and the result.
 */
import type { Connection } from '@salesforce/core';
import type { AppKind, AssetTokenSettings, IdTokenSettings, OAuthAppDefinition, PermittedUsers } from '../../model/appModel.js';
import type { AppRecord, RequestCounter } from '../../org/inventory.js';
import type { FlowSwitch } from '../../model/settings.js';

/** What the user asked to change. Lists: replace with the plain field, or add/remove items. Absent = unchanged. */
export type UpdateRequest = {
  label?: string;
  description?: string;
  contactEmail?: string;
  contactPhone?: string;
  callbackUrls?: string[];
  addCallbackUrls?: string[];
  removeCallbackUrls?: string[];
  /** Add the org's My Domain URL to the callback URLs. */
  callbackUrlMyDomain?: boolean;
  scopes?: string[];
  addScopes?: string[];
  removeScopes?: string[];
  permittedUsers?: PermittedUsers;
  profiles?: string[];
  addProfiles?: string[];
  removeProfiles?: string[];
  permissionSets?: string[];
  addPermissionSets?: string[];
  removePermissionSets?: string[];
  refreshTokenPolicy?: string;
  sessionTimeoutMinutes?: number;
  ipRelaxation?: string;
  /** true/false switches the flow on/off; the run-as user alone switches it on. */
  clientCredentials?: boolean;
  clientCredentialsUser?: string;
  /** Fields are merged over the app's own ID token settings; false switches ID tokens off. */
  idToken?: Partial<IdTokenSettings> | false;
  /** As idToken. */
  assetToken?: Partial<AssetTokenSettings> | false;
  /** An empty value removes it. */
  singleLogoutUrl?: string;
  /** PEM certificate (rotate-certificate, create --update-existing --certificate-file, a definition file). */
  certificatePem?: string;
  /** The definition file says the app has no certificate. */
  removeCertificate?: boolean;
  /**
   * Settings (model paths, flows.deviceFlow) named by a flag: one the app kind cannot carry is an error. From a
   * definition file it is only a warning, as in create.
   */
  insistedSettings?: string[];
} & { [flow in FlowSwitch]?: boolean };

/** A setting's value as the definition file holds it (an ID or asset token section as its object). */
export type SettingValue = string | number | boolean | string[] | IdTokenSettings | AssetTokenSettings;

/** One setting of the model that changes, in the words of the definition file (api, 90d, enforce, admin-approved). */
export type SettingChange = { setting: string; before?: SettingValue; after?: SettingValue };

/** One metadata element that changes. `path` goes from the component's root to the element. */
export type ElementChange = { type: string; path: string[]; before?: unknown; after?: unknown };

export type ComponentUpdate = {
  type: string;
  /** The org's name for the component (Setup names satellites differently from this plugin). */
  fullName: string;
  /** The org's content with the changes applied: what is sent. */
  content: Record<string, unknown>;
  /** Changes that also go into the project's source file. */
  changes: ElementChange[];
  /** Every element sent changed, dotted ("oauthConfig.callbackUrl"), rotation switches included. */
  elements: string[];
};

export type UpdatePlan = {
  kind: AppKind;
  name: string;
  record: AppRecord;
  before: OAuthAppDefinition;
  after: OAuthAppDefinition;
  settings: SettingChange[];
  components: ComponentUpdate[];
  /** Consumer key / secret rotation: the deploy must ignore warnings. */
  rotating: boolean;
  warnings: string[];
};

export type AppUpdateResult = {
  kind: AppKind;
  name: string;
  /** Settings that changed, before and after. Empty when the org already had what was asked. */
  changes: SettingChange[];
  /** Components sent to the org, with the elements that changed in each ("oauthConfig.callbackUrl"). */
  components: Array<{ type: string; fullName: string; elements: string[] }>;
  /** False when nothing differed (or in a dry run): no deploy, no file written. */
  deployed: boolean;
  /** True for --dry-run: `changes` and `components` say what an update would send. */
  dryRun?: boolean;
  deploy?: { method: 'updateMetadata' | 'deploy'; id?: string; requests: number };
  /** Project source files written back (absolute paths). */
  sourceFiles: string[];
  consumerKey?: string;
  warnings: string[];
};

/** A project source file and the XML it gets after an update. */
export type SourceFileWrite = { file: string; xml: string; type: string };

export type UpdateContext = {
  conn: Connection;
  kind: AppKind;
  apiVersion: string;
  cwd: string;
  /** How long an External Client App deploy may take, in ms. */
  deployWaitMs?: number;
  counter?: RequestCounter;
  warn?: (message: string) => void;
  /** Work out the changes and report them, but send nothing and write no file. */
  dryRun?: boolean;
  /** The command as typed, for an error that says to run it again (conflict.ts). */
  rerunCommand?: string;
};
