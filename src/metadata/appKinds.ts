/*
 * What differs between the two kinds of OAuth app, in one place: which metadata carries the app, how it is
 * deployed, and where the org keeps the consumer key.
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { AppKind, MetadataComponent, OAuthAppDefinition } from '../model/appModel.js';
import { buildConnectedApp, readConnectedApp } from './connectedApp.js';
import {
  buildExternalClientApp,
  globalOauthSettingsName,
  oauthPoliciesName,
  oauthSettingsName,
  policiesName,
  readExternalClientApp,
} from './externalClientApp.js';
import { readComponent, type DeployProblem } from '../org/deploy.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-kinds');

export type AppKindInfo = {
  kind: AppKind;
  /** Metadata type whose fullName is the app's API name. */
  headerType: string;
  /** "connected app" / "External Client App", for messages. */
  article: string;
  deployMethod: 'createMetadata' | 'deploy';
  /** Metadata types that make up an app, in the order they are deleted: satellites first, the header last. */
  componentTypes: readonly string[];
  build(definition: OAuthAppDefinition): MetadataComponent[];
  readConsumerKey(
    conn: Connection,
    definition: OAuthAppDefinition,
    warn: (message: string) => void
  ): Promise<string | undefined>;
  /** Names a satellite component of the app may have: this plugin's first, then those Setup gives. */
  satelliteNames(appName: string, type: string): string[];
  /** The definition the app's components (as the org returns them) describe. */
  readDefinition(components: MetadataComponent[]): OAuthAppDefinition;
};

const pick = (record: Record<string, unknown> | undefined, ...path: string[]): unknown =>
  path.reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), record);

const connectedApp: AppKindInfo = {
  kind: 'ConnectedApp',
  headerType: 'ConnectedApp',
  article: messages.getMessage('kind.ConnectedApp'),
  // One component: createMetadata is one synchronous request.
  deployMethod: 'createMetadata',
  build: (definition) => [buildConnectedApp(definition)],
  async readConsumerKey(conn, definition) {
    const record = await readComponent(conn, 'ConnectedApp', definition.name);
    const key = pick(record, 'oauthConfig', 'consumerKey');
    return typeof key === 'string' && key.length > 0 ? key : undefined;
  },
  componentTypes: ['ConnectedApp'],
  satelliteNames: () => [],
  readDefinition(components) {
    const app = components.find((c) => c.type === 'ConnectedApp');
    return readConnectedApp(app?.content ?? {}, app?.fullName ?? '');
  },
};

/*
 * Satellite names: this plugin's first, then what Setup names them when an app is made there (seen in sfdx-hardis's
 * restore logic) and the policies an org creates by itself.
 */
const ECA_SATELLITE_NAMES: Record<string, (appName: string) => string[]> = {
  ExtlClntAppOauthConfigurablePolicies: (n) => [oauthPoliciesName(n), `${n}_defOauthPlcy`, `${n}_defaultPolicy`],
  ExtlClntAppConfigurablePolicies: (n) => [policiesName(n), `${n}_defPlcy`],
  ExtlClntAppOauthSettings: (n) => [oauthSettingsName(n), `${n}_defOauthSet`],
  ExtlClntAppGlobalOauthSettings: (n) => [globalOauthSettingsName(n), `${n}_defGlblOauthSet`],
};

type CredentialsCollection = { consumers?: Array<{ id?: string; key?: string; name?: string }> };

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A deploy refused the global OAuth settings for want of the org setting or user permission that guard consumer secrets
 * in the Metadata API (metadata-semantics §2.3). Salesforce's wording is not published: matched loosely.
 */
export function isGlobalOauthAccessRefusal(problem: DeployProblem): boolean {
  const aboutGlobal =
    problem.type === 'ExtlClntAppGlobalOauthSettings' || (problem.fileName ?? '').includes('extlClntAppGlobalOauthSets/');
  return (
    aboutGlobal &&
    (problem.statusCode === 'INSUFFICIENT_ACCESS' ||
      /insufficient access|insufficient privileges|consumer secrets? via metadata|consumer secrets in metadata/i.test(problem.message))
  );
}

/** The key from the Connect REST credentials resource (needs External Client App Developer, not the secret access). */
async function readKeyOverRest(conn: Connection, name: string): Promise<string | undefined> {
  const apps = await conn.query<{ Id: string }>(`SELECT Id FROM ExternalClientApplication WHERE DeveloperName = '${name}'`);
  const appId = apps.records[0]?.Id;
  if (!appId) return undefined;
  const credentials = await conn.request<CredentialsCollection>(
    `/services/data/v${conn.getApiVersion()}/apps/oauth/credentials/${appId}`
  );
  return credentials.consumers?.[0]?.key;
}

const externalClientApp: AppKindInfo = {
  kind: 'ExternalClientApplication',
  headerType: 'ExternalClientApplication',
  article: messages.getMessage('kind.ExternalClientApplication'),
  // Several components that reference each other: one zip deploy, so the org sees them together.
  deployMethod: 'deploy',
  build: (definition) => buildExternalClientApp(definition),
  async readConsumerKey(conn, definition, warn) {
    // The global OAuth settings carry the key; reading them needs an org setting and a permission many orgs do not
    // grant, so the Connect REST credentials resource is the fallback.
    let metadataRefusal: string | undefined;
    try {
      const record = await readComponent(conn, 'ExtlClntAppGlobalOauthSettings', globalOauthSettingsName(definition.name));
      const key = pick(record, 'consumerKey');
      if (typeof key === 'string' && key.length > 0) return key;
    } catch (error) {
      metadataRefusal = errorText(error);
    }
    try {
      const key = await readKeyOverRest(conn, definition.name);
      if (metadataRefusal !== undefined) warn(messages.getMessage('warning.GlobalOauthUnreadable', [metadataRefusal]));
      return key;
    } catch (error) {
      // Both refused: one warning that names everything missing, so the user can ask for it in one go.
      warn(
        metadataRefusal === undefined
          ? messages.getMessage('warning.CredentialsUnreadable', [errorText(error)])
          : messages.getMessage('warning.ConsumerKeyUnreadable', [metadataRefusal, errorText(error)])
      );
      return undefined;
    }
  },
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

export function appKindInfo(kind: AppKind): AppKindInfo {
  return kind === 'ConnectedApp' ? connectedApp : externalClientApp;
}
