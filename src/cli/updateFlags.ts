/*
 * The flags both update commands take, and what they mean as an update's input: every setting flag of the kind
 * (from the settings table; without defaults, so only what is typed changes anything), add-/remove- edits of the
 * list settings, and a definition file. A plain list flag replaces the list.
 */
import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import type { Interfaces } from '@oclif/core';
import type { AppKind } from '../model/appModel.js';
import { SETTINGS } from '../model/settings.js';
import type { ListEdits, UpdateInput } from '../verbs/update/request.js';
import { EDITABLE_FLAGS, listEditFlags, settingFlags, settingLayer } from './settingFlags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');

// The return type is what oclif infers from the builders; spelling it out would only repeat them.
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function updateFlags<K extends AppKind>(kind: K) {
  return {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    // Not required: the name may come from --definition-file.
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary') }),
    ...settingFlags(kind, 'update'),
    ...listEditFlags(),
    'definition-file': Flags.file({
      summary: messages.getMessage('flags.definition-file.summary'),
      description: messages.getMessage('flags.definition-file.description'),
      exists: true,
    }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
  };
}

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** The flags as an update's input: the setting flags as a layer of settings, the add-/remove- flags as list edits. */
export function updateInputFromFlags(flags: Partial<Record<string, unknown>> & { name?: string; 'definition-file'?: string }): UpdateInput {
  const edits: Record<string, unknown> = {};
  for (const flag of EDITABLE_FLAGS) {
    for (const edit of ['add', 'remove'] as const) edits[`${edit}${capitalized(SETTINGS[flag].path)}`] = flags[`${edit}-${flag}`];
  }
  return {
    name: flags.name,
    definitionFile: flags['definition-file'],
    settings: settingLayer(flags),
    edits: edits as ListEdits,
  };
}

type FlagValues<K extends AppKind> = Interfaces.InferredFlags<ReturnType<typeof updateFlags<K>>>;
/** The parsed flags of either update command (settings only one kind has are optional). */
export type UpdateFlagValues = FlagValues<'ConnectedApp'> & Partial<FlagValues<'ExternalClientApplication'>>;
