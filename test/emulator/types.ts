/*
 * The contract between the emulator's parts: the HTTP/OAuth/REST side (server.ts, oauth.ts, rest.ts, state.ts)
 * and the Metadata API side (soap.ts, metadataStore.ts, metadataSchema.ts).
 */

/** An OAuth app as the token endpoint sees it, derived from deployed ConnectedApp or External Client App metadata. */
export type EmulatedOAuthApp = {
  kind: 'ConnectedApp' | 'ExternalClientApplication';
  /** API name of the app (ConnectedApp fullName, or the ExternalClientApplication header's fullName). */
  name: string;
  consumerKey: string;
  /** Undefined when the app has none set; the token endpoint then accepts no secret-bearing request. */
  consumerSecret?: string;
  /** PEM certificate for JWT bearer; undefined means JWT bearer is not enabled. */
  certificatePem?: string;
  callbackUrls: string[];
  /** Metadata scope names (Api, Web, RefreshToken, ...). */
  scopes: string[];
  permittedUsers: 'AdminApprovedPreAuthorized' | 'AllSelfAuthorized';
  profiles: string[];
  permissionSets: string[];
  isConsumerSecretOptional: boolean;
  isSecretRequiredForRefreshToken: boolean;
  isPkceRequired: boolean;
  /** ECA: the ExtlClntAppConfigurablePolicies isEnabled / isOauthPluginEnabled switches. */
  enabled: boolean;
  /** Client credentials flow switched on (ECA: in the global settings and the policies), and its run-as username. */
  clientCredentialsEnabled?: boolean;
  clientCredentialsUser?: string;
};

export type LiveAppLookup =
  | { state: 'live'; app: EmulatedOAuthApp }
  /** Deployed, but not yet propagated: real orgs answer as if the key were unknown. */
  | { state: 'pending'; app: EmulatedOAuthApp; liveAt: number }
  | { state: 'unknown' };

export type EmulatedUser = {
  id: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  profileName: string;
  permissionSets: string[];
  isActive: boolean;
};

/** One entry of the request log, as GET /_emulator/requests returns it. */
export type RequestLogEntry = {
  method: string;
  path: string;
  /** SOAP operation (deploy, readMetadata, ...) or OAuth grant type, when there is one. */
  operation?: string;
  status: number;
  /** ISO time the request arrived. */
  time: string;
  durationMs: number;
};
