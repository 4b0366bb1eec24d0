/*
 * create --update-existing: the app exists, so make it match the definition create would deploy.
 */
import { Messages } from '@salesforce/core';
import type { OAuthAppDefinition } from '../../model/appModel.js';
import { appNotFoundError, readApp } from '../../org/inventory.js';
import { findKeyFiles, type ExistingKeyFiles } from '../../files/keyFiles.js';
import type { AppRecord } from '../../org/inventory.js';
import { writeMissingSourceFiles } from './missingSource.js';
import { executeUpdate } from './execute.js';
import { planFromRecord } from './plan.js';
import type { AppUpdateResult, UpdateContext } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');

// ---------------------------------------------------------------------------------------------------------------
// create --update-existing: the app exists, so make it match the definition create would deploy.

export type ExistingCertificate = {
  /** The certificate the app should have: the user's (--certificate-file), none (--no-certificate), or the org's. */
  certificate: 'fromDefinition' | 'none' | 'keepOrg';
  /** Key and certificate files create would have written, to reuse instead of making new ones. */
  keyFolderBase: string;
  outputDir?: string;
  jwtKeyFile?: string;
  /** Refuses to touch the app (by throwing) unless the org's record passes; called before anything is planned. */
  checkRecord?: (record: AppRecord) => void;
  /** Also write the source files the project lacks for the app (a create that failed before writing them). */
  writeMissingSourceFiles?: boolean;
};

/**
 * Changes an existing app to the definition create built (consumer key and secret excluded: they never change).
 * When nothing differs, nothing is sent and no file written. A certificate is never made for an existing app: the
 * org's stays unless the user gave one (or --no-certificate), and the key file at create's path is reported when it
 * is there.
 */
export async function updateToDefinition(
  context: UpdateContext,
  desired: OAuthAppDefinition,
  options: ExistingCertificate
): Promise<AppUpdateResult & { keyFiles: ExistingKeyFiles; certificate?: string }> {
  const record = await readApp(context.conn, context.kind, desired.name, { counter: context.counter, warn: context.warn });
  if (!record) throw appNotFoundError(context.kind, desired.name);
  options.checkRecord?.(record);
  const target: OAuthAppDefinition = { ...desired };
  const warnings: string[] = [];
  if (options.certificate === 'none') delete target.certificate;
  else if (options.certificate === 'keepOrg') target.certificate = record.definition.certificate;
  const keyFiles = await findKeyFiles({
    appName: desired.name,
    base: options.keyFolderBase,
    outputDir: options.outputDir,
    privateKeyPath: options.jwtKeyFile,
    cwd: context.cwd,
  });
  if (options.certificate === 'keepOrg' && record.definition.certificate && !keyFiles.privateKeyPath) {
    warnings.push(messages.getMessage('warning.KeptOrgCertificate', [desired.name]));
  }
  if (options.certificate === 'keepOrg' && !record.definition.certificate) {
    warnings.push(messages.getMessage('warning.NoCertificate', [desired.name]));
  }
  const plan = planFromRecord(record, target, {}, warnings);
  const result = await executeUpdate(plan, context);
  const written = options.writeMissingSourceFiles && !context.dryRun ? await writeMissingSourceFiles(plan, context.cwd) : [];
  return { ...result, sourceFiles: [...result.sourceFiles, ...written], keyFiles, certificate: plan.after.certificate };
}
