/*
 * Layers of app settings: a preset, a definition file and the flags each give some settings; later layers win
 * (preset < definition file < flags).
 */
import { compact, type Loose } from '../util/records.js';
import type { AssetTokenSettings, IdTokenSettings } from './appModel.js';
import type { AppDefinitionInput } from './appDefinition.js';
import { FLOW_KEYS } from './settings.js';

/** The presets' names (their settings are in presets.ts). */
export const PRESET_NAMES = ['jwt', 'web', 'integration'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * One layer of app settings (a preset, a definition file, or the flags): AppDefinitionInput with everything optional,
 * plus noCertificate, and `false` to switch off ID or asset tokens a lower layer turned on.
 */
export type AppSettings = Partial<Omit<AppDefinitionInput, 'idToken' | 'assetToken'>> & {
  idToken?: Partial<IdTokenSettings> | false;
  assetToken?: Partial<AssetTokenSettings> | false;
  noCertificate?: boolean;
};

/** What the create flow knows beyond the app's settings (flags that are not settings). */
export type LayeredCreateInput = AppSettings & {
  preset?: PresetName;
  definitionFile?: string;
  certificateFile?: string;
  jwtKeyFile?: string;
  dryRun?: boolean;
};

/** Later layers win; undefined means "not set here". ID and asset token settings merge field by field. */
export function mergeSettings(...layers: Array<AppSettings | undefined>): AppSettings {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value === undefined) continue;
      const below = merged[key];
      const nested = (key === 'idToken' || key === 'assetToken') && value && below && typeof below === 'object';
      merged[key] = nested ? { ...below, ...compact(value as Loose) } : value;
    }
  }
  return merged as AppSettings;
}

/** Model paths of the settings the flags themselves set (see AppDefinitionContext.insistedSettings). */
export function insistedSettings(flags: AppSettings): string[] {
  const flowKeys = new Set<string>(FLOW_KEYS);
  return Object.entries(flags)
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([key]) => (flowKeys.has(key) ? `flows.${key}` : key));
}
