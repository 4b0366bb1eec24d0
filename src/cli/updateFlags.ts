/*
 * The flags both update commands take, and what they mean as an update's input.
 */
import { Flags } from '@salesforce/sf-plugins-core';
import { Messages, type Org } from '@salesforce/core';
import type { UpdateInput } from '../verbs/update/request.js';
import { createFlags, settingsFromFlags, type ParsedSettingFlags } from './createFlags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');

/**
 * The flags both update commands take: every setting flag of create (same names, same checks, taken from
 * createFlags; without defaults, so only what is typed changes anything), a definition file, and add-/remove- list
 * edits. Lists: the plain flag replaces the list.
 */
// The return type is what oclif infers from the builders; spelling it out would only repeat them.
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function updateFlags() {
  // eslint-disable-next-line @typescript-eslint/explicit-function-return-type
  const list = (name: string, options: { delimiter?: ',' } = {}) =>
    Flags.string({ summary: messages.getMessage(`flags.${name}.summary`), multiple: true, ...options });
  const create = createFlags(0);
  return {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    // Not required: the name may come from --definition-file.
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary') }),
    label: Flags.string({ char: 'l', summary: messages.getMessage('flags.label.summary') }),
    description: Flags.string({ summary: messages.getMessage('flags.description.summary') }),
    'contact-email': Flags.string({ summary: messages.getMessage('flags.contact-email.summary') }),
    'contact-phone': create['contact-phone'],
    'callback-url': list('callback-url'),
    'add-callback-url': list('add-callback-url'),
    'remove-callback-url': list('remove-callback-url'),
    'callback-url-my-domain': create['callback-url-my-domain'],
    scopes: list('scopes', { delimiter: ',' }),
    'add-scopes': list('add-scopes', { delimiter: ',' }),
    'remove-scopes': list('remove-scopes', { delimiter: ',' }),
    'permitted-users': create['permitted-users'],
    profile: list('profile'),
    'add-profile': list('add-profile'),
    'remove-profile': list('remove-profile'),
    'permission-set': list('permission-set'),
    'add-permission-set': list('add-permission-set'),
    'remove-permission-set': list('remove-permission-set'),
    'refresh-token-policy': Flags.string({ summary: messages.getMessage('flags.refresh-token-policy.summary') }),
    'session-timeout': Flags.integer({ summary: messages.getMessage('flags.session-timeout.summary'), min: 1 }),
    'ip-relaxation': create['ip-relaxation'],
    'single-logout-url': create['single-logout-url'],
    'device-flow': create['device-flow'],
    'client-credentials': create['client-credentials'],
    'client-credentials-user': create['client-credentials-user'],
    'code-credential': create['code-credential'],
    'code-credential-post-only': create['code-credential-post-only'],
    'require-secret-for-web-server': create['require-secret-for-web-server'],
    'require-secret-for-refresh-token': create['require-secret-for-refresh-token'],
    'require-secret-for-token-exchange': create['require-secret-for-token-exchange'],
    'pkce-required': create['pkce-required'],
    'refresh-token-rotation': create['refresh-token-rotation'],
    'token-exchange': create['token-exchange'],
    'introspect-all-tokens': create['introspect-all-tokens'],
    'named-user-jwt': create['named-user-jwt'],
    'id-token': create['id-token'],
    'id-token-validity': create['id-token-validity'],
    'id-token-audience': create['id-token-audience'],
    'id-token-standard-claims': create['id-token-standard-claims'],
    'id-token-custom-attributes': create['id-token-custom-attributes'],
    'id-token-custom-permissions': create['id-token-custom-permissions'],
    'asset-token': create['asset-token'],
    'asset-token-validity': create['asset-token-validity'],
    'asset-token-signing-certificate': create['asset-token-signing-certificate'],
    'asset-token-audience': create['asset-token-audience'],
    'asset-token-custom-attributes': create['asset-token-custom-attributes'],
    'asset-token-custom-permissions': create['asset-token-custom-permissions'],
    'definition-file': Flags.file({
      summary: messages.getMessage('flags.definition-file.summary'),
      description: messages.getMessage('flags.definition-file.description'),
      exists: true,
    }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
  };
}

export type ParsedUpdateFlags = ParsedSettingFlags & {
  'target-org': Org;
  'dry-run'?: boolean;
  'api-version'?: string;
  'add-callback-url'?: string[];
  'remove-callback-url'?: string[];
  'add-scopes'?: string[];
  'remove-scopes'?: string[];
  'add-profile'?: string[];
  'remove-profile'?: string[];
  'add-permission-set'?: string[];
  'remove-permission-set'?: string[];
};

/** The flags as an update's input: the setting flags as a layer of settings, the add-/remove- flags as list edits. */
export function updateInputFromFlags(flags: Omit<ParsedUpdateFlags, 'target-org'>): UpdateInput {
  return {
    name: flags.name,
    definitionFile: flags['definition-file'],
    settings: settingsFromFlags(flags),
    edits: {
      addCallbackUrls: flags['add-callback-url'],
      removeCallbackUrls: flags['remove-callback-url'],
      addScopes: flags['add-scopes'],
      removeScopes: flags['remove-scopes'],
      addProfiles: flags['add-profile'],
      removeProfiles: flags['remove-profile'],
      addPermissionSets: flags['add-permission-set'],
      removePermissionSets: flags['remove-permission-set'],
    },
  };
}
