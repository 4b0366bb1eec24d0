/*
 * The setting flags of create and update, built from the settings table (src/model/settings.ts), and the way back:
 * parsed flag values as a layer of settings. A command of a kind gets only the flags its kind supports; the flag
 * types come from the table, so `Interfaces.InferredFlags<typeof Command.flags>` types the parsed values.
 */
import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import type { BooleanFlag, OptionFlag } from '@oclif/core/interfaces';
import type { AppKind } from '../model/appModel.js';
import { parsePermittedUsers } from '../model/valueRules.js';
import type { LayeredCreateInput } from '../model/appSettings.js';
import { SETTINGS, SETTING_FLAGS, supports, type SettingFlag, type SettingRow } from '../model/settings.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const createMessages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create');
const updateMessages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');

type Rows = typeof SETTINGS;

/** The oclif flag a row becomes. */
type RowFlag<R> = R extends { type: 'switch' }
  ? BooleanFlag<boolean>
  : R extends { type: 'strings' }
  ? OptionFlag<string[] | undefined>
  : R extends { type: 'integer' }
  ? OptionFlag<number | undefined>
  : R extends { type: 'option'; options: ReadonlyArray<infer O> }
  ? OptionFlag<O | undefined>
  : OptionFlag<string | undefined>;

/** The rows a kind supports. */
type FlagsOf<K extends AppKind> = {
  [F in SettingFlag]: Rows[F] extends { kinds: ReadonlyArray<infer Supported> } ? (K extends Supported ? F : never) : F;
}[SettingFlag];

export type SettingFlagsOf<K extends AppKind> = { [F in FlagsOf<K>]: RowFlag<Rows[F]> };

/** Rows whose lists update edits item by item. */
type EditableFlag = { [F in SettingFlag]: Rows[F] extends { listEdits: true } ? F : never }[SettingFlag];
export type ListEditFlags = { [F in EditableFlag as `add-${F}` | `remove-${F}`]: OptionFlag<string[] | undefined> };

export const EDITABLE_FLAGS = SETTING_FLAGS.filter((flag) => {
  const row: SettingRow = SETTINGS[flag];
  return row.type === 'strings' && row.listEdits === true;
}) as EditableFlag[];

type Verb = 'create' | 'update';

/** The flag's summary: update's own words where it has them (no defaults there), else create's. */
function summary(verb: Verb, flag: string): string {
  const key = `flags.${flag}.summary`;
  return verb === 'update' && updateMessages.messages.has(key)
    ? updateMessages.getMessage(key)
    : createMessages.getMessage(key);
}

function flagFor(row: SettingRow, flag: SettingFlag, verb: Verb): unknown {
  const common = { summary: summary(verb, flag), helpGroup: row.group, ...(row.char ? { char: row.char } : {}) };
  switch (row.type) {
    case 'switch':
      // No default: "not given" leaves the preset's, the file's or the kind's default (or, in update, the app's).
      return Flags.boolean({ ...common, allowNo: true });
    case 'strings':
      return Flags.string({ ...common, multiple: true, ...(row.delimiter ? { delimiter: row.delimiter } : {}) });
    case 'integer':
      return Flags.integer({ ...common, min: row.min, ...(row.max === undefined ? {} : { max: row.max }) });
    case 'option':
      return Flags.option({ ...common, options: row.options })();
    default:
      return Flags.string(common);
  }
}

/** The setting flags of a kind's create or update command. */
export function settingFlags<K extends AppKind>(kind: K, verb: Verb): SettingFlagsOf<K> {
  return Object.fromEntries(
    SETTING_FLAGS.filter((flag) => supports(SETTINGS[flag], kind)).map((flag) => [flag, flagFor(SETTINGS[flag], flag, verb)])
  ) as SettingFlagsOf<K>;
}

/** update's add-/remove- flags of the list settings. */
export function listEditFlags(): ListEditFlags {
  return Object.fromEntries(
    EDITABLE_FLAGS.flatMap((flag) => {
      const row: SettingRow = SETTINGS[flag];
      const delimiter = row.type === 'strings' && row.delimiter ? { delimiter: row.delimiter } : {};
      return (['add', 'remove'] as const).map((edit) => [
        `${edit}-${flag}`,
        Flags.string({
          summary: updateMessages.getMessage(`flags.${edit}-${flag}.summary`),
          multiple: true,
          helpGroup: row.group,
          ...delimiter,
        }),
      ]);
    })
  ) as ListEditFlags;
}

/** The value a flag gives its setting (the permitted-users words become the metadata's). */
const settingValue = (flag: SettingFlag, value: unknown): unknown =>
  flag === 'permitted-users' ? parsePermittedUsers(value as string) : value;

type Section = 'idToken' | 'assetToken';

/**
 * The flags' layer of settings: what the user typed, nothing filled in. Flows are flat in a layer (deviceFlow), ID
 * and asset token fields nested; a token section is false when switched off (--no-id-token), and present when
 * switched on or when any of its fields is given.
 */
export function settingLayer(flags: object): LayeredCreateInput {
  const given = flags as Partial<Record<SettingFlag, unknown>>;
  const layer: Record<string, unknown> = {};
  const sections: Partial<Record<Section, Record<string, unknown>>> = {};
  const switches: Partial<Record<Section, boolean>> = {};
  for (const flag of SETTING_FLAGS) {
    const value = given[flag];
    if (value === undefined) continue;
    const [head, field] = SETTINGS[flag].path.split('.');
    if ((head === 'idToken' || head === 'assetToken') && field === undefined) switches[head] = value as boolean;
    else if (head === 'idToken' || head === 'assetToken') (sections[head] ??= {})[field] = value;
    else layer[field ?? head] = settingValue(flag, value);
  }
  for (const section of ['idToken', 'assetToken'] as const) {
    if (switches[section] === false) layer[section] = false;
    else if (switches[section] === true || sections[section]) layer[section] = sections[section] ?? {};
  }
  return layer as LayeredCreateInput;
}
