/*
 * What differs between the two kinds of OAuth app, in one place: which metadata carries the app, how it is
 * deployed, and where the org keeps the consumer key.
 */
import { Messages } from '@salesforce/core';
import type { AppKind, MetadataComponent, OAuthAppDefinition } from '../model/appModel.js';
import { KIND_RULES, type KindRules } from '../model/kindRules.js';
import { buildConnectedApp, readConnectedApp } from './connectedApp.js';
import {
  buildExternalClientApp,
  globalOauthSettingsName,
  oauthPoliciesName,
  oauthSettingsName,
  policiesName,
  readExternalClientApp,
} from './externalClientApp.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-kinds');

export type AppKindInfo = KindRules & {
  kind: AppKind;
  /** The commands' topic: `sf <topic> list`. */
  topic: 'connected-app' | 'external-client-app';
  /** Metadata type whose fullName is the app's API name. */
  headerType: string;
  /** "connected app" / "External Client App", for messages. */
  article: string;
  deployMethod: 'createMetadata' | 'deploy';
  /** Metadata types that make up an app, in the order they are deleted: satellites first, the header last. */
  componentTypes: readonly string[];
  /** Where the consumer key is in the metadata: component type, its name for an app, and the element path. */
  consumerKey: { type: string; fullName: (appName: string) => string; path: readonly string[] };
  /** The Connect REST OAuth credentials resource serves this kind (key and secret). */
  credentialsOverRest: boolean;
  /**
   * Whether the org might keep a key of its own instead of the one create sends, so create reads it back (or lets a
   * login prove it): not documented either way for External Client Apps (docs/salesforce-facts.md#f-eca-custom-key).
   */
  orgMayChooseKey: boolean;
  /** The component holding the OAuth settings (callback URL, certificate, key) and the path to them in it. */
  oauthSettings: { type: string; path: readonly string[] };
  /** Consumer key and secret can be rotated through metadata (shouldRotateConsumerKey/Secret). */
  consumerRotation: boolean;
  /** A Dev Hub logged in through this kind can create scratch orgs (docs/salesforce-facts.md#f-eca-devhub-scratch). */
  devHubLogin: boolean;
  /**
   * Types deployed from memory only, never written into a project: Salesforce says global OAuth settings hold
   * consumer information that must not be added to source control (docs/salesforce-facts.md#f-source-credentials).
   */
  keptOutOfSource: readonly string[];
  /** Orgs may refuse to create new apps of this kind (Spring '26, docs/salesforce-facts.md#f-ca-creation-block). */
  creationMayBeBlocked: boolean;
  /**
   * Where the app's settings live: each holder is a component type (and the element in it) and the settings of the
   * definition it carries. An app made in Setup may lack one, or the org may refuse to hand one out: its settings are
   * then unknown, never empty.
   */
  settingHolders: readonly SettingHolder[];
  build(definition: OAuthAppDefinition): MetadataComponent[];
  /** Names a satellite component of the app may have, to try before listing: this plugin's first, then Setup's. */
  satelliteNames(appName: string, type: string): string[];
  /** The app a satellite names (its reference to the header); satellites are found by this, never by name alone. */
  referencedApp(component: Pick<MetadataComponent, 'content'>): string | undefined;
  /** The definition the app's components (as the org returns them) describe. */
  readDefinition(components: MetadataComponent[]): OAuthAppDefinition;
};

/** Settings of the definition, by key; `flows.<key>` for one flow field that lives apart from the other flows. */
export type HeldSetting = keyof OAuthAppDefinition | 'flows.clientCredentialsUser';

export type SettingHolder = {
  type: string;
  /** The element inside the component that holds the settings; empty for the whole component. */
  path: readonly string[];
  settings: readonly HeldSetting[];
  /** What it is, for messages: "global OAuth settings (an ExtlClntAppGlobalOauthSettings component ...)". */
  description: string;
};

const holder = (type: string, path: readonly string[], settings: readonly HeldSetting[]): SettingHolder => ({
  type,
  path,
  settings,
  description: messages.getMessage(`holder.${type}`),
});

const connectedApp: AppKindInfo = {
  ...KIND_RULES.ConnectedApp,
  kind: 'ConnectedApp',
  topic: 'connected-app',
  oauthSettings: { type: 'ConnectedApp', path: ['oauthConfig'] },
  consumerRotation: false,
  devHubLogin: true,
  keptOutOfSource: [],
  creationMayBeBlocked: true,
  headerType: 'ConnectedApp',
  article: messages.getMessage('kind.ConnectedApp'),
  // One component: createMetadata is one synchronous request.
  deployMethod: 'createMetadata',
  build: (definition) => [buildConnectedApp(definition)],
  // The key is oauthConfig.consumerKey; no other API hands out a connected app's key or secret.
  consumerKey: { type: 'ConnectedApp', fullName: (name) => name, path: ['oauthConfig', 'consumerKey'] },
  credentialsOverRest: false,
  // createMetadata takes the key it is sent, or fails (a key taken elsewhere is DUPLICATE_VALUE).
  orgMayChooseKey: false,
  componentTypes: ['ConnectedApp'],
  // One component; a connected app made without OAuth has no oauthConfig, and then none of these settings.
  settingHolders: [
    holder(
      'ConnectedApp',
      ['oauthConfig'],
      ['callbackUrls', 'scopes', 'certificate', 'flows', 'idToken', 'assetToken', 'singleLogoutUrl']
    ),
  ],
  satelliteNames: () => [],
  referencedApp: () => undefined,
  readDefinition(components) {
    const app = components.find((c) => c.type === 'ConnectedApp');
    return readConnectedApp(app?.content ?? {}, app?.fullName ?? '');
  },
};

/*
 * Names to try first (docs/salesforce-facts.md#f-eca-setup-names): this plugin's, then the public conventions for apps
 * made elsewhere (the Trailhead project's `<App>GlblOAuth` / `<App>Settings`, sfdx-hardis's `<App>OAuthSettings` and
 * `<App>_defaultPolicy`, the `_def…` names sfdx-hardis expects of Setup), and the OAuth policies an org generates,
 * named after the OAuth settings (docs/salesforce-facts.md#f-eca-default-policies). A name is only a guess: what
 * is read must still reference the app, and a type none of them finds is listed.
 */
const ecaOauthSettingsNames = (n: string): string[] => [oauthSettingsName(n), `${n}Settings`, `${n}OAuthSettings`, `${n}_defOauthSet`];
const ECA_SATELLITE_NAMES: Record<string, (appName: string) => string[]> = {
  ExtlClntAppOauthConfigurablePolicies: (n) => [
    oauthPoliciesName(n),
    ...ecaOauthSettingsNames(n).map((settings) => `${settings}_defaultPolicy`),
    `${n}_defOauthPlcy`,
    `${n}_defaultPolicy`,
  ],
  ExtlClntAppConfigurablePolicies: (n) => [policiesName(n), `${n}_defaultPolicy`, `${n}_defPlcy`],
  ExtlClntAppOauthSettings: ecaOauthSettingsNames,
  ExtlClntAppGlobalOauthSettings: (n) => [globalOauthSettingsName(n), `${n}GlblOAuth`, `${n}_defGlblOauthSet`],
};

const externalClientApp: AppKindInfo = {
  ...KIND_RULES.ExternalClientApplication,
  kind: 'ExternalClientApplication',
  topic: 'external-client-app',
  oauthSettings: { type: 'ExtlClntAppGlobalOauthSettings', path: [] },
  consumerRotation: true,
  // Scratch org creation through an ECA-authorized Dev Hub fails with C-1016.
  devHubLogin: false,
  keptOutOfSource: ['ExtlClntAppGlobalOauthSettings'],
  creationMayBeBlocked: false,
  headerType: 'ExternalClientApplication',
  article: messages.getMessage('kind.ExternalClientApplication'),
  // Several components that reference each other: one zip deploy, so the org sees them together.
  deployMethod: 'deploy',
  build: (definition) => buildExternalClientApp(definition),
  // The global OAuth settings carry the key; reading them needs an org setting and a permission many orgs do not
  // grant, so the Connect REST credentials resource (which also hands out the secret) is the fallback.
  consumerKey: { type: 'ExtlClntAppGlobalOauthSettings', fullName: globalOauthSettingsName, path: ['consumerKey'] },
  credentialsOverRest: true,
  orgMayChooseKey: true,
  componentTypes: [
    'ExtlClntAppOauthConfigurablePolicies',
    'ExtlClntAppConfigurablePolicies',
    'ExtlClntAppOauthSettings',
    'ExtlClntAppGlobalOauthSettings',
    'ExternalClientApplication',
  ],
  // ExtlClntAppConfigurablePolicies holds no setting of the definition, and apps made in Setup may have none.
  settingHolders: [
    holder('ExtlClntAppGlobalOauthSettings', [], ['callbackUrls', 'certificate', 'flows', 'idToken']),
    holder('ExtlClntAppOauthSettings', [], ['scopes', 'assetToken', 'singleLogoutUrl']),
    holder(
      'ExtlClntAppOauthConfigurablePolicies',
      [],
      ['permittedUsers', 'profiles', 'permissionSets', 'refreshTokenPolicy', 'sessionTimeoutMinutes', 'ipRelaxation', 'flows.clientCredentialsUser']
    ),
  ],
  satelliteNames: (appName, type) => ECA_SATELLITE_NAMES[type]?.(appName) ?? [],
  referencedApp: ({ content }) =>
    typeof content.externalClientApplication === 'string' && content.externalClientApplication.length > 0
      ? content.externalClientApplication
      : undefined,
  readDefinition: (components) => readExternalClientApp(components),
};

/** The components of an app that go into a project's source files. */
export function sourceComponents(kind: AppKind, components: readonly MetadataComponent[]): MetadataComponent[] {
  const keptOut = appKindInfo(kind).keptOutOfSource;
  return components.filter((component) => !keptOut.includes(component.type));
}

export function appKindInfo(kind: AppKind): AppKindInfo {
  return kind === 'ConnectedApp' ? connectedApp : externalClientApp;
}

/**
 * A deploy refused the global OAuth settings for want of the org setting or user permission that guard consumer secrets
 * in the Metadata API (docs/salesforce-facts.md#f-eca-metadata-secret-access). Salesforce's wording is not published: matched loosely.
 */
export function isGlobalOauthAccessRefusal(problem: {
  type: string;
  fileName?: string;
  message: string;
  statusCode?: string;
}): boolean {
  const aboutGlobal =
    problem.type === 'ExtlClntAppGlobalOauthSettings' || (problem.fileName ?? '').includes('extlClntAppGlobalOauthSets/');
  return (
    aboutGlobal &&
    (problem.statusCode === 'INSUFFICIENT_ACCESS' ||
      /insufficient access|insufficient privileges|consumer secrets? via metadata|consumer secrets in metadata/i.test(problem.message))
  );
}

