/*
 * Presets: the common jobs as one word. Each is a layer of settings under the definition file and the flags
 * (preset < definition file < flags), so anything a preset sets can still be changed.
 */
import { PRESET_NAMES, type AppSettings, type PresetName } from './appSettings.js';

export { PRESET_NAMES, type PresetName };

/** The Salesforce DX guide's refresh token and session advice (docs/salesforce-facts.md#f-sfdx-cli-app-settings): 90 days, 15 minutes. */
const CLI_POLICIES: AppSettings = { refreshTokenPolicy: '90d', sessionTimeoutMinutes: 15 };

const PRESETS: Record<PresetName, AppSettings> = {
  // docs/salesforce-facts.md#f-sfdx-cli-app-settings: the app `sf org login jwt` needs. A key and certificate are generated; admin-approved users with
  // the target user's profile pre-authorized (JWT has no approval step).
  jwt: {
    ...CLI_POLICIES,
    scopes: ['api', 'web', 'refresh_token'],
    permittedUsers: 'AdminApprovedPreAuthorized',
    noCertificate: false,
  },
  // `sf org login web --client-id`: no certificate; the CLI sends PKCE and may have no secret, so none is required.
  web: {
    ...CLI_POLICIES,
    scopes: ['api', 'web', 'refresh_token'],
    noCertificate: true,
    pkceRequired: true,
    requireSecretForWebServer: false,
    requireSecretForRefreshToken: false,
  },
  // docs/salesforce-facts.md#f-integration-app-settings: an integration app (data sync): device flow, full scope, My Domain callback, secrets required for
  // the web server and refresh token flows, client credentials (its run-as user must be given), introspect all
  // tokens, no digital signature.
  integration: {
    scopes: ['full'],
    callbackUrlMyDomain: true,
    noCertificate: true,
    deviceFlow: true,
    requireSecretForWebServer: true,
    requireSecretForRefreshToken: true,
    clientCredentials: true,
    introspectAllTokens: true,
  },
};

/** The settings of a preset (a fresh copy, so callers may change it). */
export function presetSettings(name: PresetName): AppSettings {
  return structuredClone(PRESETS[name]);
}
