/*
 * Finishing a create that failed half way: the org took the app, but the run ended before it was done (a deploy
 * fault, a lost answer, Ctrl-C). Run again, the same command finds the key pair that run made for the app in the
 * plugin's own folder and, when the app in the org holds that certificate, completes it instead of refusing.
 */
import { keyFilePaths, reusableKeyPair, type KeyFilePlan } from '../../files/keyFiles.js';
import type { ProjectContext } from '../../files/project.js';
import type { KeyAndCertificate } from '../../model/certificate.js';
import type { CreateAppFlags } from './types.js';

export type ResumedKeyPair = { keyPlan: KeyFilePlan; generated: KeyAndCertificate; resume: true };

/**
 * The pair an earlier create of this app left in the plugin's folder (only there: a key the user placed is never
 * taken for one the plugin made), when it matches; undefined when the flags bring their own certificate or none.
 */
export async function resumableKeyPair(
  flags: Pick<CreateAppFlags, 'outputDir' | 'jwtKeyFile' | 'certificateFile' | 'certificatePem' | 'noCertificate'>,
  appName: string,
  project: Pick<ProjectContext, 'projectRoot'>,
  cwd: string
): Promise<ResumedKeyPair | undefined> {
  if (flags.outputDir ?? flags.jwtKeyFile ?? flags.certificateFile ?? flags.certificatePem) return undefined;
  if (flags.noCertificate) return undefined;
  const { privateKeyPath, certificatePath } = keyFilePaths({ appName, base: project.projectRoot ?? cwd, cwd });
  const pair = await reusableKeyPair(privateKeyPath, certificatePath, appName);
  if (!pair) return undefined;
  return { keyPlan: { privateKeyPath, certificatePath, warnings: [], reuse: pair }, generated: pair, resume: true };
}
