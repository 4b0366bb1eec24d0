/*
 * create's input with the preset and the definition file under the flags.
 */
import { Messages } from '@salesforce/core';
import { mergeSettings, insistedSettings, type AppSettings, type LayeredCreateInput } from '../../model/appSettings.js';
import type { AppDefinitionInput } from '../../model/appDefinition.js';
import { presetSettings } from '../../model/presets.js';
import { loadDefinitionFile } from '../../files/definitionFile.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.definition-file');

export type ResolvedCreateInput<T> = Omit<T, 'idToken' | 'assetToken'> &
  AppDefinitionInput & { noCertificate?: boolean; insistedSettings: string[] };

/**
 * The create command's input with the preset and the definition file under the flags. The result carries a name
 * (from the flags or the file) and the settings the flags insisted on; file warnings go to warn.
 */
export async function resolveLayers<T extends LayeredCreateInput>(
  given: T,
  warn: (message: string) => void
): Promise<ResolvedCreateInput<T>> {
  const preset = given.preset ? presetSettings(given.preset) : undefined;
  const file = given.definitionFile ? await loadDefinitionFile(given.definitionFile) : undefined;
  file?.warnings.forEach(warn);
  const flags = given as AppSettings;
  const merged = mergeSettings(preset, file?.settings, flags);
  // A certificate named on the command line replaces the file's, and any "no certificate" below it.
  if (given.certificateFile ?? given.jwtKeyFile) {
    if (given.certificateFile) delete merged.certificatePem;
    if (flags.noCertificate === undefined) merged.noCertificate = false;
  }
  if (merged.noCertificate) delete merged.certificatePem;
  if (!merged.name) throw messages.createError('error.NameRequired');
  const { idToken, assetToken, ...rest } = merged;
  return {
    ...(given as Omit<T, 'idToken' | 'assetToken'>),
    ...rest,
    name: merged.name,
    idToken: idToken === false ? undefined : idToken,
    assetToken: assetToken === false ? undefined : assetToken,
    insistedSettings: insistedSettings(flags),
  } as ResolvedCreateInput<T>;
}
