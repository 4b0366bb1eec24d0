/*
 * The flags both create commands share: one definition, so `sf connected-app create` and
 * `sf external-client-app create` take the same flags with the same meaning.
 */
import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import type { BooleanFlag } from '@oclif/core/interfaces';
import type { PermittedUsers } from '../model/appModel.js';
import type { LayeredCreateInput } from '../model/definitionFile.js';
import { PRESET_NAMES } from '../model/presets.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create');

const APP_GROUP = 'App';
const OAUTH_GROUP = 'OAuth';
const CERT_GROUP = 'Certificate';
const LOGIN_GROUP = 'Login';
const FLOWS_GROUP = 'OAuth Flows';
const ID_TOKEN_GROUP = 'ID Token';
const ASSET_TOKEN_GROUP = 'Asset Token';
const DEFINITION_GROUP = 'Definition';

/** An on/off setting: no default, so "not given" leaves the preset's, the file's or the kind's default. */
const onOff = (name: string, helpGroup: string): BooleanFlag<boolean> =>
  Flags.boolean({ summary: messages.getMessage(`flags.${name}.summary`), allowNo: true, helpGroup });

/** The OAuth flow switches: flag name -> AppDefinitionInput field. */
export const FLOW_FLAGS = {
  'device-flow': 'deviceFlow',
  'client-credentials': 'clientCredentials',
  'code-credential': 'codeCredential',
  'code-credential-post-only': 'codeCredentialPostOnly',
  'require-secret-for-web-server': 'requireSecretForWebServer',
  'require-secret-for-refresh-token': 'requireSecretForRefreshToken',
  'require-secret-for-token-exchange': 'requireSecretForTokenExchange',
  'pkce-required': 'pkceRequired',
  'refresh-token-rotation': 'refreshTokenRotation',
  'token-exchange': 'tokenExchange',
  'introspect-all-tokens': 'introspectAllTokens',
  'named-user-jwt': 'namedUserJwt',
} as const;
type FlowFlag = keyof typeof FLOW_FLAGS;

const PERMITTED_USERS_FLAG: Record<'admin-approved' | 'all-users', PermittedUsers> = {
  'admin-approved': 'AdminApprovedPreAuthorized',
  'all-users': 'AllSelfAuthorized',
};

/** The parsed values of the flags that describe the app (not how it is created or logged in with). */
export type ParsedSettingFlags = {
  name?: string;
  label?: string;
  description?: string;
  'contact-email'?: string;
  'contact-phone'?: string;
  'callback-url'?: string[];
  'callback-url-my-domain'?: boolean;
  scopes?: string[];
  profile?: string[];
  'permission-set'?: string[];
  'permitted-users'?: 'admin-approved' | 'all-users';
  'refresh-token-policy'?: string;
  'session-timeout'?: number;
  'ip-relaxation'?: string;
  'client-credentials-user'?: string;
  'id-token'?: boolean;
  'id-token-validity'?: number;
  'id-token-audience'?: string[];
  'id-token-standard-claims'?: boolean;
  'id-token-custom-attributes'?: boolean;
  'id-token-custom-permissions'?: boolean;
  'asset-token'?: boolean;
  'asset-token-validity'?: number;
  'asset-token-signing-certificate'?: string;
  'asset-token-audience'?: string[];
  'asset-token-custom-attributes'?: boolean;
  'asset-token-custom-permissions'?: boolean;
  'single-logout-url'?: string;
  'no-certificate'?: boolean;
  preset?: (typeof PRESET_NAMES)[number];
  'definition-file'?: string;
  'dry-run'?: boolean;
} & { [flag in FlowFlag]?: boolean };

const compactRecord = <T extends Record<string, unknown>>(record: T): T =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;

/** A token section from its flags: undefined when none is given, false when switched off, else what was given. */
function tokenLayer<T extends Record<string, unknown>>(on: boolean | undefined, fields: T): T | false | undefined {
  if (on === false) return false;
  const given = compactRecord(fields);
  return on === true || Object.keys(given).length > 0 ? given : undefined;
}

/** The flags' layer of settings (what the user typed, nothing filled in), over the preset and the definition file. */
export function settingsFromFlags(flags: ParsedSettingFlags): LayeredCreateInput {
  const flows = Object.fromEntries(
    (Object.keys(FLOW_FLAGS) as FlowFlag[]).map((flag) => [FLOW_FLAGS[flag], flags[flag]])
  ) as Partial<Record<(typeof FLOW_FLAGS)[FlowFlag], boolean>>;
  return compactRecord({
    name: flags.name,
    label: flags.label,
    description: flags.description,
    contactEmail: flags['contact-email'],
    contactPhone: flags['contact-phone'],
    callbackUrls: flags['callback-url'],
    callbackUrlMyDomain: flags['callback-url-my-domain'],
    scopes: flags.scopes,
    profiles: flags.profile,
    permissionSets: flags['permission-set'],
    permittedUsers: flags['permitted-users'] ? PERMITTED_USERS_FLAG[flags['permitted-users']] : undefined,
    refreshTokenPolicy: flags['refresh-token-policy'],
    sessionTimeoutMinutes: flags['session-timeout'],
    ipRelaxation: flags['ip-relaxation'],
    ...flows,
    clientCredentialsUser: flags['client-credentials-user'],
    idToken: tokenLayer(flags['id-token'], {
      validityMinutes: flags['id-token-validity'],
      audiences: flags['id-token-audience'],
      includeStandardClaims: flags['id-token-standard-claims'],
      includeCustomAttributes: flags['id-token-custom-attributes'],
      includeCustomPermissions: flags['id-token-custom-permissions'],
    }),
    assetToken: tokenLayer(flags['asset-token'], {
      validityMinutes: flags['asset-token-validity'],
      signingCertificate: flags['asset-token-signing-certificate'],
      audiences: flags['asset-token-audience'],
      includeCustomAttributes: flags['asset-token-custom-attributes'],
      includeCustomPermissions: flags['asset-token-custom-permissions'],
    }),
    singleLogoutUrl: flags['single-logout-url'],
    noCertificate: flags['no-certificate'],
    preset: flags.preset,
    definitionFile: flags['definition-file'],
    dryRun: flags['dry-run'],
  });
}

// The return type is what oclif infers from the builders; spelling it out would only repeat them.
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function createFlags(defaultWaitMinutes: number) {
  return {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({
      char: 'n',
      summary: messages.getMessage('flags.name.summary'),
      // Not required: the name may come from --definition-file.
      helpGroup: APP_GROUP,
    }),
    label: Flags.string({ char: 'l', summary: messages.getMessage('flags.label.summary'), helpGroup: APP_GROUP }),
    description: Flags.string({ summary: messages.getMessage('flags.description.summary'), helpGroup: APP_GROUP }),
    'contact-email': Flags.string({
      summary: messages.getMessage('flags.contact-email.summary'),
      helpGroup: APP_GROUP,
    }),
    'contact-phone': Flags.string({
      summary: messages.getMessage('flags.contact-phone.summary'),
      helpGroup: APP_GROUP,
    }),
    'callback-url': Flags.string({
      summary: messages.getMessage('flags.callback-url.summary'),
      multiple: true,
      helpGroup: OAUTH_GROUP,
    }),
    'callback-url-my-domain': Flags.boolean({
      summary: messages.getMessage('flags.callback-url-my-domain.summary'),
      allowNo: true,
      helpGroup: OAUTH_GROUP,
    }),
    scopes: Flags.string({
      summary: messages.getMessage('flags.scopes.summary'),
      multiple: true,
      delimiter: ',',
      helpGroup: OAUTH_GROUP,
    }),
    profile: Flags.string({
      summary: messages.getMessage('flags.profile.summary'),
      multiple: true,
      helpGroup: OAUTH_GROUP,
    }),
    'permission-set': Flags.string({
      summary: messages.getMessage('flags.permission-set.summary'),
      multiple: true,
      helpGroup: OAUTH_GROUP,
    }),
    'permitted-users': Flags.option({
      summary: messages.getMessage('flags.permitted-users.summary'),
      options: ['admin-approved', 'all-users'] as const,
      helpGroup: OAUTH_GROUP,
    })(),
    'ip-relaxation': Flags.option({
      summary: messages.getMessage('flags.ip-relaxation.summary'),
      options: ['enforce', 'bypass', 'bypass-2fa', 'relax-refresh'] as const,
      helpGroup: OAUTH_GROUP,
    })(),
    'single-logout-url': Flags.string({
      summary: messages.getMessage('flags.single-logout-url.summary'),
      helpGroup: OAUTH_GROUP,
    }),
    'device-flow': onOff('device-flow', FLOWS_GROUP),
    'client-credentials': onOff('client-credentials', FLOWS_GROUP),
    'client-credentials-user': Flags.string({
      summary: messages.getMessage('flags.client-credentials-user.summary'),
      helpGroup: FLOWS_GROUP,
    }),
    'code-credential': onOff('code-credential', FLOWS_GROUP),
    'code-credential-post-only': onOff('code-credential-post-only', FLOWS_GROUP),
    'require-secret-for-web-server': onOff('require-secret-for-web-server', FLOWS_GROUP),
    'require-secret-for-refresh-token': onOff('require-secret-for-refresh-token', FLOWS_GROUP),
    'require-secret-for-token-exchange': onOff('require-secret-for-token-exchange', FLOWS_GROUP),
    'pkce-required': onOff('pkce-required', FLOWS_GROUP),
    'refresh-token-rotation': onOff('refresh-token-rotation', FLOWS_GROUP),
    'token-exchange': onOff('token-exchange', FLOWS_GROUP),
    'introspect-all-tokens': onOff('introspect-all-tokens', FLOWS_GROUP),
    'named-user-jwt': onOff('named-user-jwt', FLOWS_GROUP),
    'id-token': onOff('id-token', ID_TOKEN_GROUP),
    'id-token-validity': Flags.integer({
      summary: messages.getMessage('flags.id-token-validity.summary'),
      min: 1,
      max: 720,
      helpGroup: ID_TOKEN_GROUP,
    }),
    'id-token-audience': Flags.string({
      summary: messages.getMessage('flags.id-token-audience.summary'),
      multiple: true,
      helpGroup: ID_TOKEN_GROUP,
    }),
    'id-token-standard-claims': onOff('id-token-standard-claims', ID_TOKEN_GROUP),
    'id-token-custom-attributes': onOff('id-token-custom-attributes', ID_TOKEN_GROUP),
    'id-token-custom-permissions': onOff('id-token-custom-permissions', ID_TOKEN_GROUP),
    'asset-token': onOff('asset-token', ASSET_TOKEN_GROUP),
    'asset-token-validity': Flags.integer({
      summary: messages.getMessage('flags.asset-token-validity.summary'),
      min: 1,
      helpGroup: ASSET_TOKEN_GROUP,
    }),
    'asset-token-signing-certificate': Flags.string({
      summary: messages.getMessage('flags.asset-token-signing-certificate.summary'),
      helpGroup: ASSET_TOKEN_GROUP,
    }),
    'asset-token-audience': Flags.string({
      summary: messages.getMessage('flags.asset-token-audience.summary'),
      multiple: true,
      helpGroup: ASSET_TOKEN_GROUP,
    }),
    'asset-token-custom-attributes': onOff('asset-token-custom-attributes', ASSET_TOKEN_GROUP),
    'asset-token-custom-permissions': onOff('asset-token-custom-permissions', ASSET_TOKEN_GROUP),
    preset: Flags.option({
      summary: messages.getMessage('flags.preset.summary'),
      description: messages.getMessage('flags.preset.description'),
      options: PRESET_NAMES,
      helpGroup: DEFINITION_GROUP,
    })(),
    'definition-file': Flags.file({
      summary: messages.getMessage('flags.definition-file.summary'),
      description: messages.getMessage('flags.definition-file.description'),
      exists: true,
      helpGroup: DEFINITION_GROUP,
    }),
    'dry-run': Flags.boolean({
      summary: messages.getMessage('flags.dry-run.summary'),
      description: messages.getMessage('flags.dry-run.description'),
      helpGroup: DEFINITION_GROUP,
    }),
    'refresh-token-policy': Flags.string({
      summary: messages.getMessage('flags.refresh-token-policy.summary'),
      helpGroup: OAUTH_GROUP,
    }),
    'session-timeout': Flags.integer({
      summary: messages.getMessage('flags.session-timeout.summary'),
      min: 1,
      helpGroup: OAUTH_GROUP,
    }),
    'certificate-file': Flags.file({
      summary: messages.getMessage('flags.certificate-file.summary'),
      exists: true,
      exclusive: ['no-certificate'],
      helpGroup: CERT_GROUP,
    }),
    'jwt-key-file': Flags.file({
      summary: messages.getMessage('flags.jwt-key-file.summary'),
      exclusive: ['no-certificate'],
      helpGroup: CERT_GROUP,
    }),
    'no-certificate': Flags.boolean({
      summary: messages.getMessage('flags.no-certificate.summary'),
      helpGroup: CERT_GROUP,
    }),
    'certificate-days': Flags.integer({
      summary: messages.getMessage('flags.certificate-days.summary'),
      min: 1,
      max: 3650,
      default: 365,
      helpGroup: CERT_GROUP,
    }),
    'output-dir': Flags.directory({
      summary: messages.getMessage('flags.output-dir.summary'),
      helpGroup: CERT_GROUP,
    }),
    'secret-file': Flags.file({
      summary: messages.getMessage('flags.secret-file.summary'),
      helpGroup: OAUTH_GROUP,
    }),
    'show-secret': Flags.boolean({
      summary: messages.getMessage('flags.show-secret.summary'),
      helpGroup: OAUTH_GROUP,
    }),
    overwrite: Flags.boolean({ summary: messages.getMessage('flags.overwrite.summary'), helpGroup: APP_GROUP }),
    'update-existing': Flags.boolean({
      summary: messages.getMessage('flags.update-existing.summary'),
      description: messages.getMessage('flags.update-existing.description'),
      helpGroup: APP_GROUP,
    }),
    login: Flags.option({
      summary: messages.getMessage('flags.login.summary'),
      options: ['jwt', 'web'] as const,
      helpGroup: LOGIN_GROUP,
    })(),
    username: Flags.string({
      summary: messages.getMessage('flags.username.summary'),
      dependsOn: ['login'],
      helpGroup: LOGIN_GROUP,
    }),
    'instance-url': Flags.url({
      summary: messages.getMessage('flags.instance-url.summary'),
      dependsOn: ['login'],
      helpGroup: LOGIN_GROUP,
    }),
    alias: Flags.string({
      char: 'a',
      summary: messages.getMessage('flags.alias.summary'),
      dependsOn: ['login'],
      helpGroup: LOGIN_GROUP,
    }),
    'set-default': Flags.boolean({
      char: 's',
      summary: messages.getMessage('flags.set-default.summary'),
      dependsOn: ['login'],
      helpGroup: LOGIN_GROUP,
    }),
    'set-default-dev-hub': Flags.boolean({
      char: 'd',
      summary: messages.getMessage('flags.set-default-dev-hub.summary'),
      dependsOn: ['login'],
      helpGroup: LOGIN_GROUP,
    }),
    wait: Flags.duration({
      char: 'w',
      unit: 'minutes',
      min: 0,
      defaultValue: defaultWaitMinutes,
      summary: messages.getMessage('flags.wait.summary'),
      description: messages.getMessage('flags.wait.description'),
      helpGroup: LOGIN_GROUP,
    }),
  };
}
