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
  const { idToken, assetToken, ...rest } = merged;
  return {
    ...(given as Omit<T, 'idToken' | 'assetToken'>),
    ...rest,
    // Checked with every other missing input by assertCreateInputs.
    name: merged.name ?? '',
    idToken: idToken === false ? undefined : idToken,
    assetToken: assetToken === false ? undefined : assetToken,
    insistedSettings: insistedSettings(flags),
  } as ResolvedCreateInput<T>;
}

/** What create's input may lack: each named with the flags that give it. */
type MissingInput = 'name' | 'clientCredentialsUser' | 'secret';

/**
 * Everything create needs that neither the flags, the definition file nor the preset gave, in one error before
 * anything is asked or written: a run that lacks two inputs must not take three runs to find out.
 */
export function assertCreateInputs(
  input: Pick<AppDefinitionInput, 'name' | 'clientCredentials' | 'clientCredentialsUser' | 'requireSecretForWebServer' | 'requireSecretForRefreshToken'> & {
    secretFile?: string;
    showSecret?: boolean;
  }
): void {
  const missing: MissingInput[] = [];
  if (!input.name) missing.push('name');
  // As buildAppDefinition reads it: on when switched on or given a run-as user, off when switched off.
  const clientCredentials =
    input.clientCredentials === true || (input.clientCredentialsUser !== undefined && input.clientCredentials !== false);
  if (clientCredentials && !input.clientCredentialsUser?.trim()) missing.push('clientCredentialsUser');
  // The flows that need the secret the plugin makes at creation (plan.ts): it must be handed to someone.
  const needsSecret = clientCredentials || input.requireSecretForWebServer === true || input.requireSecretForRefreshToken === true;
  if (needsSecret && !input.secretFile && !input.showSecret) missing.push('secret');
  if (missing.length === 0) return;
  throw messages.createError(
    'error.MissingInputs',
    [missing.map((what) => `- ${messages.getMessage(`input.${what}`)}`).join('\n')],
    [missing.map((what) => messages.getMessage(`input.${what}.flag`)).join(' ')]
  );
}
