/*
 * What the app model itself must know about each kind of app: the rules a definition is checked by. Everything else
 * that differs between the kinds (metadata types, names, deployment, where the consumer key is) is in the kind
 * strategy, src/metadata/appKinds.ts, which carries these rules too.
 */
import type { AppKind, MetadataScope } from './appModel.js';
import { CONNECTED_APP_SCOPE_ENUM, EXTERNAL_CLIENT_APP_ONLY_SCOPES } from './scopes.js';

export type KindRules = {
  /** Longest API name: the name plus the longest suffix the plugin gives a component must fit the org's limit. */
  maxNameLength: number;
  /** ConnectedApp.contactEmail is required (v63 WSDL); an External Client App header may omit it. */
  contactEmailRequired: boolean;
  /** The scopes this kind's metadata can carry, in the model's spelling; any other is refused before anything is sent. */
  scopes: readonly MetadataScope[];
  /**
   * How long Salesforce may take to make a new or changed app of this kind live, in minutes: the default --wait of
   * create, and how long after a deploy "the org does not know this app" is read as propagation rather than as a
   * wrong login URL or org (docs/salesforce-facts.md#f-propagation-delay).
   */
  propagationMinutes: number;
};

/** API name limit. UNCONFIRMED: the published limit was not found; 80 is the usual DeveloperName length. */
export const MAX_NAME_LENGTH = 80;
/** The longest satellite suffix the plugin gives an External Client App component (`_oauthPlcy`). */
export const LONGEST_SATELLITE_SUFFIX = '_oauthPlcy';

/**
 * External Client App settings are "distributed globally within 15 minutes" (docs/salesforce-facts.md#f-propagation-delay,
 * confirmed); a key used before then answers "External client app is not installed in this org".
 */
export const ECA_PROPAGATION_MINUTES = 15;
/** Setup's "2 to 10 minutes" for a new connected app (docs/salesforce-facts.md#f-propagation-delay, UNCONFIRMED). */
export const CONNECTED_APP_PROPAGATION_MINUTES = 10;


/**
 * The names ExtlClntAppOauthSettings.commaSeparatedOauthScopes documents (docs/salesforce-facts.md#f-eca-scopes), in
 * the model's spelling: SFAP stands for the documented SFApiPlatform (metadata/externalClientApp.ts writes it so).
 * The enum's CDP is not documented for External Client Apps; MCP and SCRT are documented only for them.
 */
const EXTERNAL_CLIENT_APP_SCOPES: readonly MetadataScope[] = [
  ...CONNECTED_APP_SCOPE_ENUM.filter((scope) => scope !== 'CDP'),
  ...EXTERNAL_CLIENT_APP_ONLY_SCOPES,
];

export const KIND_RULES: Record<AppKind, KindRules> = {
  ConnectedApp: {
    maxNameLength: MAX_NAME_LENGTH,
    contactEmailRequired: true,
    scopes: CONNECTED_APP_SCOPE_ENUM,
    propagationMinutes: CONNECTED_APP_PROPAGATION_MINUTES,
  },
  ExternalClientApplication: {
    maxNameLength: MAX_NAME_LENGTH - LONGEST_SATELLITE_SUFFIX.length,
    contactEmailRequired: false,
    scopes: EXTERNAL_CLIENT_APP_SCOPES,
    propagationMinutes: ECA_PROPAGATION_MINUTES,
  },
};
