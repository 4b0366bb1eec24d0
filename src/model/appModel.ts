/*
 * One description of an OAuth app, whatever kind of app (connected app or External Client App) carries it.
 * Every command builds or reads an OAuthAppDefinition; the metadata modules map it to each kind's metadata types.
 */

/** The two kinds of OAuth app Salesforce has. */
export type AppKind = 'ConnectedApp' | 'ExternalClientApplication';

// Which kind carries which scope is a kind rule (model/kindRules.ts); the ECA spelling of SFAP (SFApiPlatform) is
// metadata/externalClientApp.ts's business.
/**
 * OAuth scopes in the Metadata API's spelling: the ConnectedAppOauthAccessScope enum, plus MCP and SCRT, which only
 * External Client Apps (ExtlClntAppOauthSettings.commaSeparatedOauthScopes) carry.
 */
export type MetadataScope =
  | 'Basic'
  | 'Api'
  | 'Web'
  | 'Full'
  | 'Chatter'
  | 'CustomApplications'
  | 'RefreshToken'
  | 'OpenID'
  | 'Profile'
  | 'Email'
  | 'Address'
  | 'Phone'
  | 'OfflineAccess'
  | 'CustomPermissions'
  | 'Wave'
  | 'Eclair'
  | 'Pardot'
  | 'Lightning'
  | 'Content'
  | 'CDPIngest'
  | 'CDPProfile'
  | 'CDPQuery'
  | 'Chatbot'
  | 'CDPSegment'
  | 'CDPIdentityResolution'
  | 'CDPCalculatedInsight'
  | 'ForgotPassword'
  | 'UserRegistration'
  | 'SFAP'
  | 'Interaction'
  | 'CDP'
  | 'EinsteinGPT'
  | 'PwdlessLogin'
  | 'MCP'
  | 'SCRT';

export type RefreshTokenPolicy =
  | { type: 'infinite' }
  | { type: 'zero' }
  | { type: 'specificLifetime' | 'specificInactivity'; value: number; unit: 'hours' | 'days' | 'months' };

/** Permitted users: who may use the app. JWT needs admin approval plus pre-authorized profiles/permission sets. */
export type PermittedUsers = 'AdminApprovedPreAuthorized' | 'AllSelfAuthorized';

/** IP relaxation, in the connected app's spelling (ECA maps them to Enforce, Bypass, ...). */
export type IpRelaxation = 'ENFORCE' | 'BYPASS' | 'BYPASS_2FACTOR' | 'ENFORCE_RELAXREFRESH';

export type IdTokenSettings = {
  /** 1 to 720 minutes; Salesforce's default is 2. */
  validityMinutes: number;
  audiences: string[];
  includeStandardClaims: boolean;
  includeCustomAttributes: boolean;
  includeCustomPermissions: boolean;
};

export type AssetTokenSettings = {
  validityMinutes: number;
  /** Name (connected app) or ID of the certificate that signs asset tokens. */
  signingCertificate: string;
  audiences: string[];
  includeCustomAttributes: boolean;
  includeCustomPermissions: boolean;
};

export type OAuthFlowSettings = {
  /** Device flow (ECA metadata only: connected app metadata has no field for it). */
  deviceFlow: boolean;
  /** Client credentials flow and its run-as username. */
  clientCredentialsUser?: string;
  /** Authorization code and credentials flow. */
  codeCredential: boolean;
  codeCredentialPostOnly: boolean;
  /** Require secret for the web server flow (isConsumerSecretOptional = !this). */
  requireSecretForWebServer: boolean;
  requireSecretForRefreshToken: boolean;
  requireSecretForTokenExchange: boolean;
  pkceRequired: boolean;
  refreshTokenRotation: boolean;
  tokenExchange: boolean;
  introspectAllTokens: boolean;
  namedUserJwt: boolean;
};

export type OAuthAppDefinition = {
  /** API name (fullName of the metadata). */
  name: string;
  label: string;
  description?: string;
  contactEmail?: string;
  contactPhone?: string;
  callbackUrls: string[];
  scopes: MetadataScope[];
  /** PEM certificate the org verifies JWT bearer assertions with; absent for web-only apps. */
  certificate?: string;
  /** Consumer key; set at creation so the plugin knows it without reading it back. */
  consumerKey?: string;
  /** Consumer secret; sent at creation only, never written to source files. */
  consumerSecret?: string;
  permittedUsers: PermittedUsers;
  profiles: string[];
  permissionSets: string[];
  refreshTokenPolicy: RefreshTokenPolicy;
  /** Access-token session timeout in minutes; undefined leaves the org's default. */
  sessionTimeoutMinutes?: number;
  ipRelaxation: IpRelaxation;
  flows: OAuthFlowSettings;
  idToken?: IdTokenSettings;
  assetToken?: AssetTokenSettings;
  singleLogoutUrl?: string;
};

/** One metadata component: its type, full name, and content as an ordered plain object (element order matters). */
export type MetadataComponent = {
  type: string;
  fullName: string;
  content: Record<string, unknown>;
};
