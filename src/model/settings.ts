/*
 * The settings table: every setting of an OAuth app a user can choose, one row each. The row says everything the
 * rest of the plugin needs to know about it:
 * - the flag create and update take (and its value type, help group, limits), built in src/cli/settingFlags.ts;
 * - its place in a layer of settings and in the definition file (`path`), which the definition file's keys and JSON
 *   schema follow (test/model/settings.test.ts holds schemas/app-definition.schema.json to the table);
 * - whether update takes add-/remove- edits of it (`listEdits`);
 * - which kinds of app can carry it (`kinds`): a command of a kind offers only the flags its kind supports;
 * - for the OAuth flow switches and the ID and asset token fields, the metadata element each kind keeps it in (and
 *   a switch's default), which the builders and readers in src/metadata use.
 * Adding a setting is one row here plus its messages (flags.<flag>.summary in messages/shared.create.md), its model
 * field (appModel.ts) and, for a setting that is neither a flow switch nor a token field, its line in each kind's
 * builder and reader.
 */
import type { AppKind, OAuthAppDefinition, OAuthFlowSettings } from './appModel.js';

export const ALL_KINDS: readonly AppKind[] = ['ConnectedApp', 'ExternalClientApplication'];

/** Help groups, in the order a user fills them in. */
export const HELP_GROUPS = {
  app: 'App',
  oauth: 'OAuth',
  flows: 'OAuth Flows',
  idToken: 'ID Token',
  assetToken: 'Asset Token',
} as const;
export type HelpGroup = (typeof HELP_GROUPS)[keyof typeof HELP_GROUPS];

/** The on/off flow switches of the model (the client credentials flow is on when it has a run-as user). */
export type FlowSwitch = Exclude<keyof OAuthFlowSettings, 'clientCredentialsUser'>;

/** Where a kind keeps a flow switch: an element of ConnectedAppOauthConfig or ExtlClntAppGlobalOauthSettings. */
export type FlowElement = {
  ConnectedApp?: string;
  ExternalClientApplication?: string;
  /** The element says the opposite of the switch (isConsumerSecretOptional = !requireSecretForWebServer). */
  inverted?: boolean;
  /** The element's value when the org's metadata leaves it out (Setup's default); false when not given. */
  absent?: boolean | Partial<Record<AppKind, boolean>>;
};

/** Where each kind keeps a token field: an element of the ID token config or of the asset token settings. */
export type TokenElement = {
  ConnectedApp: string;
  ExternalClientApplication: string;
  /** A list left empty is not written (the element is optional); otherwise it is written empty. */
  omitEmpty?: boolean;
  /** A number's value when the element is absent. */
  absent?: number;
};

type RowBase = {
  /** Definition-file path: `label`, `flows.namedUserJwt`, `idToken.validityMinutes`. */
  path: string;
  group: HelpGroup;
  /** Kinds whose metadata can carry the setting; both when absent. */
  kinds?: readonly AppKind[];
  char?: 'l';
  /** For a field of a token section: its element in each kind's metadata. */
  element?: TokenElement;
};

export type SettingRow = RowBase &
  (
    | { type: 'string' }
    | { type: 'strings'; delimiter?: ','; listEdits?: true }
    | { type: 'integer'; min: number; max?: number }
    | { type: 'option'; options: readonly string[] }
    /** An on/off setting with a --no- form: not given leaves the preset's, the file's or the kind's default. */
    | {
        type: 'switch';
        flow?: { switch: FlowSwitch; default: boolean | Partial<Record<AppKind, boolean>>; element: FlowElement };
      }
  );

/** A flow switch's row: its flag is on/off, in the OAuth Flows group, under `flows` in the definition file. */
function flowRow<const S extends FlowSwitch>(
  name: S,
  element: FlowElement,
  defaultValue: boolean | Partial<Record<AppKind, boolean>> = false
): { path: `flows.${S}`; group: 'OAuth Flows'; type: 'switch'; flow: { switch: S; default: typeof defaultValue; element: FlowElement } } {
  return { path: `flows.${name}`, group: 'OAuth Flows', type: 'switch', flow: { switch: name, default: defaultValue, element } };
}

/** An on/off field of a token section, in that section's help group. */
function tokenSwitchRow<const P extends `${'idToken' | 'assetToken'}.${string}`>(
  path: P,
  element: TokenElement
): { path: P; group: 'ID Token' | 'Asset Token'; type: 'switch'; element: TokenElement } {
  return { path, group: path.startsWith('idToken.') ? 'ID Token' : 'Asset Token', type: 'switch', element };
}

/*
 * The rows, keyed by flag name. Flow switch elements: v63 WSDL, ConnectedAppOauthConfig and
 * ExtlClntAppGlobalOauthSettings (docs/salesforce-facts.md#f-md-wsdl-v63).
 */
export const SETTINGS = {
  label: { path: 'label', group: 'App', type: 'string', char: 'l' },
  description: { path: 'description', group: 'App', type: 'string' },
  'contact-email': { path: 'contactEmail', group: 'App', type: 'string' },
  'contact-phone': { path: 'contactPhone', group: 'App', type: 'string' },
  'callback-url': { path: 'callbackUrls', group: 'OAuth', type: 'strings', listEdits: true },
  'callback-url-my-domain': { path: 'callbackUrlMyDomain', group: 'OAuth', type: 'switch' },
  scopes: { path: 'scopes', group: 'OAuth', type: 'strings', delimiter: ',', listEdits: true },
  'permitted-users': { path: 'permittedUsers', group: 'OAuth', type: 'option', options: ['admin-approved', 'all-users'] },
  profile: { path: 'profiles', group: 'OAuth', type: 'strings', listEdits: true },
  'permission-set': { path: 'permissionSets', group: 'OAuth', type: 'strings', listEdits: true },
  'refresh-token-policy': { path: 'refreshTokenPolicy', group: 'OAuth', type: 'string' },
  'session-timeout': { path: 'sessionTimeoutMinutes', group: 'OAuth', type: 'integer', min: 1 },
  'ip-relaxation': {
    path: 'ipRelaxation',
    group: 'OAuth',
    type: 'option',
    options: ['enforce', 'bypass', 'bypass-2fa', 'relax-refresh'],
  },
  'single-logout-url': { path: 'singleLogoutUrl', group: 'OAuth', type: 'string' },
  'device-flow': {
    path: 'flows.deviceFlow',
    group: 'OAuth Flows',
    type: 'switch',
    // ConnectedAppOauthConfig has no device-flow element (Setup has "Enable for Device Flow").
    kinds: ['ExternalClientApplication'],
    flow: { switch: 'deviceFlow', default: false, element: { ExternalClientApplication: 'isDeviceFlowEnabled' } },
  },
  'client-credentials': { path: 'flows.clientCredentials', group: 'OAuth Flows', type: 'switch' },
  'client-credentials-user': { path: 'flows.clientCredentialsUser', group: 'OAuth Flows', type: 'string' },
  'code-credential': flowRow('codeCredential', { ConnectedApp: 'isCodeCredentialEnabled', ExternalClientApplication: 'isCodeCredFlowEnabled' }),
  'code-credential-post-only': flowRow('codeCredentialPostOnly', { ConnectedApp: 'isCodeCredentialPostOnly', ExternalClientApplication: 'isCodeCredPostOnly' }),
  // Off: `sf org login web --client-id` works with an empty secret (it prompts, Enter skips).
  'require-secret-for-web-server': flowRow('requireSecretForWebServer', { ConnectedApp: 'isConsumerSecretOptional', ExternalClientApplication: 'isConsumerSecretOptional', inverted: true }),
  // Off: sf refreshes the access token without a secret when the login had none.
  'require-secret-for-refresh-token': flowRow('requireSecretForRefreshToken', { ConnectedApp: 'isSecretRequiredForRefreshToken', ExternalClientApplication: 'isSecretRequiredForRefreshToken', absent: true }),
  'require-secret-for-token-exchange': flowRow('requireSecretForTokenExchange', { ConnectedApp: 'isSecretRequiredForTokenExchange', ExternalClientApplication: 'isSecretRequiredForTokenExchange' }),
  // sf org login web always sends PKCE; External Client Apps default to requiring it, connected apps not.
  'pkce-required': flowRow('pkceRequired', { ConnectedApp: 'isPkceRequired', ExternalClientApplication: 'isPkceRequired', absent: { ExternalClientApplication: true } }, { ConnectedApp: false, ExternalClientApplication: true }),
  'refresh-token-rotation': flowRow('refreshTokenRotation', { ConnectedApp: 'isRefreshTokenRotationEnabled', ExternalClientApplication: 'isRefreshTokenRotationEnabled' }),
  'token-exchange': flowRow('tokenExchange', { ConnectedApp: 'isTokenExchangeEnabled', ExternalClientApplication: 'isTokenExchangeEnabled' }),
  'introspect-all-tokens': flowRow('introspectAllTokens', { ConnectedApp: 'isIntrospectAllTokens', ExternalClientApplication: 'isIntrospectAllTokens' }),
  'named-user-jwt': flowRow('namedUserJwt', { ConnectedApp: 'isNamedUserJwtEnabled', ExternalClientApplication: 'isNamedUserJwtEnabled' }),
  'id-token': { path: 'idToken', group: 'ID Token', type: 'switch' },
  'id-token-validity': {
    path: 'idToken.validityMinutes',
    group: 'ID Token',
    type: 'integer',
    min: 1,
    max: 720,
    // Salesforce's default validity is 2 minutes.
    element: { ConnectedApp: 'idTokenValidity', ExternalClientApplication: 'idTokenValidityInMinutes', absent: 2 },
  },
  'id-token-audience': {
    path: 'idToken.audiences',
    group: 'ID Token',
    type: 'strings',
    // One per line, as Setup's text area holds them (commas are read too).
    element: { ConnectedApp: 'idTokenAudience', ExternalClientApplication: 'idTokenAudience', omitEmpty: true },
  },
  'id-token-standard-claims': tokenSwitchRow('idToken.includeStandardClaims', { ConnectedApp: 'idTokenIncludeStandardClaims', ExternalClientApplication: 'idTokenIncludeStandardClaims' }),
  'id-token-custom-attributes': tokenSwitchRow('idToken.includeCustomAttributes', { ConnectedApp: 'idTokenIncludeAttributes', ExternalClientApplication: 'idTokenIncludeAttributes' }),
  'id-token-custom-permissions': tokenSwitchRow('idToken.includeCustomPermissions', { ConnectedApp: 'idTokenIncludeCustomPerms', ExternalClientApplication: 'idTokenIncludeCustomPermissions' }),
  'asset-token': { path: 'assetToken', group: 'Asset Token', type: 'switch' },
  'asset-token-validity': {
    path: 'assetToken.validityMinutes',
    group: 'Asset Token',
    type: 'integer',
    min: 1,
    element: { ConnectedApp: 'assetValidityPeriod', ExternalClientApplication: 'assetTokenValidity', absent: 0 },
  },
  'asset-token-signing-certificate': {
    path: 'assetToken.signingCertificate',
    group: 'Asset Token',
    type: 'string',
    element: { ConnectedApp: 'assetSigningCertId', ExternalClientApplication: 'assetTokenSigningCertificate' },
  },
  'asset-token-audience': {
    path: 'assetToken.audiences',
    group: 'Asset Token',
    type: 'strings',
    element: { ConnectedApp: 'assetAudiences', ExternalClientApplication: 'assetTokenAudiences' },
  },
  'asset-token-custom-attributes': tokenSwitchRow('assetToken.includeCustomAttributes', { ConnectedApp: 'assetIncludeAttributes', ExternalClientApplication: 'areAttributesIncludedInAssetToken' }),
  'asset-token-custom-permissions': tokenSwitchRow('assetToken.includeCustomPermissions', { ConnectedApp: 'assetIncludeCustomPerms', ExternalClientApplication: 'areCustomPermsIncludedInAssetToken' }),
} as const satisfies Record<string, SettingRow>;

export type SettingFlag = keyof typeof SETTINGS;

export const SETTING_FLAGS = Object.keys(SETTINGS) as SettingFlag[];

export const settingRow = (flag: SettingFlag): SettingRow => SETTINGS[flag];

/** Whether a kind can carry the setting. */
export const supports = (row: SettingRow, kind: AppKind): boolean => (row.kinds ?? ALL_KINDS).includes(kind);

/** The setting flags a kind's commands offer. */
export const settingFlagsOf = (kind: AppKind): SettingFlag[] =>
  SETTING_FLAGS.filter((flag) => supports(SETTINGS[flag], kind));

/** Flow switch rows: each switch, its default and its metadata element per kind. */
export const FLOW_SWITCH_ROWS = SETTING_FLAGS.flatMap((flag) => {
  const row: SettingRow = SETTINGS[flag];
  return row.type === 'switch' && row.flow ? [{ flag, row, ...row.flow }] : [];
});

/** Every flow switch of the model. */
export const FLOW_SWITCHES: readonly FlowSwitch[] = FLOW_SWITCH_ROWS.map((row) => row.switch);

/** The keys of the definition file's `flows` object (and of the flat flow settings of a layer). */
export const FLOW_KEYS: readonly string[] = SETTING_FLAGS.map((flag) => SETTINGS[flag].path)
  .filter((path) => path.startsWith('flows.'))
  .map((path) => path.slice('flows.'.length));

/** A flow switch's default for a kind. */
export function flowDefault(flowSwitch: FlowSwitch, kind: AppKind): boolean {
  const row = FLOW_SWITCH_ROWS.find((candidate) => candidate.switch === flowSwitch);
  const fallback = row?.default ?? false;
  return typeof fallback === 'boolean' ? fallback : fallback[kind] ?? false;
}

/**
 * The paths (`flows.deviceFlow`) of the settings a definition has on or set that a kind cannot carry (a switch left
 * off is every kind's default).
 */
export function unsupportedSettings(kind: AppKind, definition: OAuthAppDefinition): string[] {
  const isSet = (path: string): boolean => {
    const value = path
      .split('.')
      .reduce<unknown>((holder, key) => (holder as Record<string, unknown> | undefined)?.[key], definition);
    return value !== undefined && value !== false;
  };
  return SETTING_FLAGS.map((flag) => SETTINGS[flag] as SettingRow)
    .filter((row) => !supports(row, kind) && isSet(row.path))
    .map((row) => row.path);
}

export type TokenSection = 'idToken' | 'assetToken';

/** The fields of a token section with their elements: `validityMinutes` -> idTokenValidity / ...InMinutes. */
export function tokenFieldRows(section: TokenSection): Array<{ field: string; row: SettingRow; element: TokenElement }> {
  return SETTING_FLAGS.flatMap((flag) => {
    const row: SettingRow = SETTINGS[flag];
    const [head, field] = row.path.split('.');
    return head === section && field && row.element ? [{ field, row, element: row.element }] : [];
  });
}
