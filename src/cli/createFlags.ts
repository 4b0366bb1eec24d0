/*
 * The flags of both create commands: the app's name, the setting flags of the kind (from the settings table), and
 * the flags that say how it is created (certificate, secret, files, login, definition file). One definition, so
 * `sf connected-app create` and `sf external-client-app create` take the same flags with the same meaning, less
 * the settings a connected app cannot carry.
 */
import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import type { Interfaces } from '@oclif/core';
import type { AppKind } from '../model/appModel.js';
import type { LayeredCreateInput } from '../model/appSettings.js';
import { PRESET_NAMES, type PresetName } from '../model/presets.js';
import { compact } from '../util/records.js';
import { settingFlags, settingLayer } from './settingFlags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create');

const APP_GROUP = 'App';
const OAUTH_GROUP = 'OAuth';
const CERT_GROUP = 'Certificate';
const LOGIN_GROUP = 'Login';
const DEFINITION_GROUP = 'Definition';

/*
 * Relations as `relationships`, which oclif checks as it checks dependsOn and exclusive, but leaves out of the
 * USAGE line: docopts joins a dependsOn or exclusive flag to its partner once and prints empty brackets for every
 * later flag naming the same partner (`[-a <value> ]`, `[--jwt-key-file <value> | ]`).
 */
const afterLogin = { relationships: [{ type: 'all' as const, flags: ['login'] }] };
const withCertificate = { relationships: [{ type: 'none' as const, flags: ['no-certificate'] }] };

/** The flags that describe the app as a layer, with the name, the preset, the file and the dry run beside them. */
export type CreateLayerFlags = Partial<Record<string, unknown>> & {
  name?: string;
  'no-certificate'?: boolean;
  preset?: PresetName;
  'definition-file'?: string;
  'dry-run'?: boolean;
};

/** The flags' layer of settings (what the user typed, nothing filled in), over the preset and the definition file. */
export function settingsFromFlags(flags: CreateLayerFlags): LayeredCreateInput {
  return compact({
    ...settingLayer(flags),
    name: flags.name,
    noCertificate: flags['no-certificate'],
    preset: flags.preset,
    definitionFile: flags['definition-file'],
    dryRun: flags['dry-run'],
  });
}

// The return type is what oclif infers from the builders; spelling it out would only repeat them.
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function createFlags<K extends AppKind>(kind: K, defaultWaitMinutes: number) {
  return {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({
      char: 'n',
      summary: messages.getMessage('flags.name.summary'),
      // Not required: the name may come from --definition-file.
      helpGroup: APP_GROUP,
    }),
    ...settingFlags(kind, 'create'),
    'secret-file': Flags.file({
      summary: messages.getMessage('flags.secret-file.summary'),
      helpGroup: OAUTH_GROUP,
    }),
    'show-secret': Flags.boolean({
      summary: messages.getMessage('flags.show-secret.summary'),
      helpGroup: OAUTH_GROUP,
    }),
    'certificate-file': Flags.file({
      summary: messages.getMessage('flags.certificate-file.summary'),
      exists: true,
      ...withCertificate,
      helpGroup: CERT_GROUP,
    }),
    'jwt-key-file': Flags.file({
      summary: messages.getMessage('flags.jwt-key-file.summary'),
      ...withCertificate,
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
      ...afterLogin,
      helpGroup: LOGIN_GROUP,
    }),
    'instance-url': Flags.url({
      summary: messages.getMessage('flags.instance-url.summary'),
      ...afterLogin,
      helpGroup: LOGIN_GROUP,
    }),
    alias: Flags.string({
      char: 'a',
      summary: messages.getMessage('flags.alias.summary'),
      ...afterLogin,
      helpGroup: LOGIN_GROUP,
    }),
    'set-default': Flags.boolean({
      char: 's',
      summary: messages.getMessage('flags.set-default.summary'),
      ...afterLogin,
      helpGroup: LOGIN_GROUP,
    }),
    'set-default-dev-hub': Flags.boolean({
      char: 'd',
      summary: messages.getMessage('flags.set-default-dev-hub.summary'),
      ...afterLogin,
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
  };
}

type FlagValues<K extends AppKind> = Interfaces.InferredFlags<ReturnType<typeof createFlags<K>>>;
/** The parsed flags of either create command (settings only one kind has are optional). */
export type CreateFlagValues = FlagValues<'ConnectedApp'> & Partial<FlagValues<'ExternalClientApplication'>>;
