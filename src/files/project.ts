/*
 * What the Salesforce DX project around the working directory says: where source goes, and which local port
 * `sf org login web` listens on (so the app's default callback URL matches it exactly).
 */
import { resolve } from 'node:path';
import { Messages, SfProject } from '@salesforce/core';
import { callbackUrlForPort, DEFAULT_OAUTH_LOCAL_PORT } from '../model/callbackUrls.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.validation');

export { callbackUrlForPort, DEFAULT_OAUTH_LOCAL_PORT };

export type ProjectContext = {
  /** Absolute project root; undefined outside a project. */
  projectRoot?: string;
  /** Absolute path of the default package directory. */
  defaultPackageDir?: string;
  /** Absolute paths of every package directory (files in them get deployed). */
  packageDirectories: string[];
  oauthLocalPort: number;
  sourceApiVersion?: string;
  /** http://localhost:<oauthLocalPort>/OauthRedirect, the redirect URI sf org login web sends. */
  defaultCallbackUrl: string;
  /** Problems worth telling the user, already worded. */
  warnings: string[];
};


/**
 * A port from sfdx-project.json: a number or a numeric string (the Salesforce DX guide's own example writes
 * "1919"). Throws error.InvalidOAuthLocalPort otherwise.
 */
export function parseOAuthLocalPort(value: unknown, key = 'oauthLocalPort'): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw messages.createError('error.InvalidOAuthLocalPort', [key, JSON.stringify(value)]);
  }
  return port;
}

function isProjectMissing(error: unknown): boolean {
  return error instanceof Error && error.name === 'InvalidProjectWorkspaceError';
}

export async function resolveProjectContext(cwd: string): Promise<ProjectContext> {
  let project: SfProject;
  try {
    project = await SfProject.resolve(cwd);
  } catch (error) {
    if (!isProjectMissing(error)) throw error;
    return {
      packageDirectories: [],
      oauthLocalPort: DEFAULT_OAUTH_LOCAL_PORT,
      defaultCallbackUrl: callbackUrlForPort(DEFAULT_OAUTH_LOCAL_PORT),
      warnings: [],
    };
  }
  const contents = project.getSfProjectJson().getContents() as Record<string, unknown>;
  const warnings: string[] = [];
  let oauthLocalPort = DEFAULT_OAUTH_LOCAL_PORT;
  if (contents.oauthLocalPort !== undefined) {
    oauthLocalPort = parseOAuthLocalPort(contents.oauthLocalPort);
    if (contents.oathLocalPort !== undefined) warnings.push(messages.getMessage('warning.MisspelledOAuthLocalPortIgnored'));
  } else if (contents.oathLocalPort !== undefined) {
    // An older Salesforce DX guide page spells it oathLocalPort; sf itself ignores that key, so say so.
    oauthLocalPort = parseOAuthLocalPort(contents.oathLocalPort, 'oathLocalPort');
    warnings.push(messages.getMessage('warning.MisspelledOAuthLocalPort', [oauthLocalPort]));
  }
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
  return {
    // core's fullPath ends with a separator; resolve() gives the plain absolute form.
    projectRoot: resolve(project.getPath()),
    defaultPackageDir: resolve(project.getDefaultPackage().fullPath),
    packageDirectories: project.getPackageDirectories().map((dir) => resolve(dir.fullPath)),
    oauthLocalPort,
    sourceApiVersion: text(contents.sourceApiVersion),
    defaultCallbackUrl: callbackUrlForPort(oauthLocalPort),
    warnings,
  };
}
