/*
 * What the app model itself must know about each kind of app: the rules a definition is checked by. Everything else
 * that differs between the kinds (metadata types, names, deployment, where the consumer key is) is in the kind
 * strategy, src/metadata/appKinds.ts, which carries these rules too.
 */
import type { AppKind } from './appModel.js';

export type KindRules = {
  /** Longest API name: the name plus the longest suffix the plugin gives a component must fit the org's limit. */
  maxNameLength: number;
  /** ConnectedApp.contactEmail is required (v63 WSDL); an External Client App header may omit it. */
  contactEmailRequired: boolean;
};

/** API name limit. UNCONFIRMED: the published limit was not found; 80 is the usual DeveloperName length. */
export const MAX_NAME_LENGTH = 80;
/** The longest satellite suffix the plugin gives an External Client App component (`_oauthPlcy`). */
export const LONGEST_SATELLITE_SUFFIX = '_oauthPlcy';

export const KIND_RULES: Record<AppKind, KindRules> = {
  ConnectedApp: { maxNameLength: MAX_NAME_LENGTH, contactEmailRequired: true },
  ExternalClientApplication: {
    maxNameLength: MAX_NAME_LENGTH - LONGEST_SATELLITE_SUFFIX.length,
    contactEmailRequired: false,
  },
};
