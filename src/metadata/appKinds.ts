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
  build(definition: OAuthAppDefinition): MetadataComponent[];
  /** Names a satellite component of the app may have: this plugin's first, then those Setup gives. */
  satelliteNames(appName: string, type: string): string[];
  /** The definition the app's components (as the org returns them) describe. */
  readDefinition(components: MetadataComponent[]): OAuthAppDefinition;
};

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
  componentTypes: ['ConnectedApp'],
  satelliteNames: () => [],
  readDefinition(components) {
    const app = components.find((c) => c.type === 'ConnectedApp');
    return readConnectedApp(app?.content ?? {}, app?.fullName ?? '');
  },
};

/*
 * Satellite names: this plugin's first, then what Setup names them when an app is made there (docs/salesforce-facts.md#f-eca-setup-names; sfdx-hardis's
 * restore logic) and the policies an org creates by itself.
 */
const ECA_SATELLITE_NAMES: Record<string, (appName: string) => string[]> = {
  ExtlClntAppOauthConfigurablePolicies: (n) => [oauthPoliciesName(n), `${n}_defOauthPlcy`, `${n}_defaultPolicy`],
  ExtlClntAppConfigurablePolicies: (n) => [policiesName(n), `${n}_defPlcy`],
  ExtlClntAppOauthSettings: (n) => [oauthSettingsName(n), `${n}_defOauthSet`],
  ExtlClntAppGlobalOauthSettings: (n) => [globalOauthSettingsName(n), `${n}_defGlblOauthSet`],
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
  componentTypes: [
    'ExtlClntAppOauthConfigurablePolicies',
    'ExtlClntAppConfigurablePolicies',
    'ExtlClntAppOauthSettings',
    'ExtlClntAppGlobalOauthSettings',
    'ExternalClientApplication',
  ],
  satelliteNames: (appName, type) => ECA_SATELLITE_NAMES[type]?.(appName) ?? [],
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

