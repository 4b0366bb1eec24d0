/*
 * Rotating an External Client App's consumer key and secret without downtime, in two runs a pipeline can make:
 *
 * - stage: a new key and secret are made (staged) and made the app's primary credentials; the previous ones stay
 *   valid (Salesforce keeps them as "Rotated" for up to 30 days), so every client keeps working while it is moved over.
 *   The new key is staged and promoted in one run because whether Salesforce accepts a staged key before it is promoted
 *   is not documented (docs/salesforce-facts.md#f-eca-staged-credentials): after both, the new and the previous key
 *   log in under every reading of the evidence.
 * - revoke: the previous credentials are deleted and stop working at once.
 *
 * The new secret leaves only through a 0600 file made for it or, when asked, the result (the CLI shows it only under
 * --json). Nothing is sent before every check that can fail has passed: the secret file is checked and opened the
 * way create opens it (files/credentials.ts SecretFile: exclusive, no link followed, 0600) before the first request.
 * A secret the user has not got is never made primary: when the file cannot take it, the stage is undone.
 */
import { rm } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import type { Connection } from '@salesforce/core';
import { checkSecretFilePlace, SecretFile } from '../files/credentials.js';
import { RequestCounter } from '../org/metadataReads.js';
import {
  deleteStaged,
  findConsumer,
  promoteStaged,
  readStaged,
  stageCredentials,
  type ConsumerAddress,
  type StagedCredential,
} from '../org/stagedCredentials.js';
import { errorMessage } from '../util/records.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.staged-credentials');

export const ROTATION_STEPS = ['stage', 'revoke'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

export type RotateCredentialsFlags = {
  name: string;
  step: RotationStep;
  /** stage: where the new secret is written (a new 0600 file). */
  secretFile?: string;
  /** stage: put the new secret in the result. */
  showSecret?: boolean;
};

export type RotateCredentialsContext = {
  conn: Connection;
  /** The client id the target org's own sf login uses: revoking it would lock that login out. */
  loginClientId?: string;
  /** The target org as the user named it, for the next command printed. */
  targetOrg: string;
  /** The project's package directories: the secret file must be outside them. */
  packageDirectories?: readonly string[];
  counter?: RequestCounter;
  warn?: (message: string) => void;
};

/** A previous or foreign credential in the staged slot, as the result reports it (never its secret). */
export type CredentialSummary = { consumerKey?: string; state: string; expirationDate?: string };

export type RotateCredentialsResult = {
  name: string;
  step: RotationStep;
  /** The app's primary consumer key after this step. */
  consumerKey?: string;
  /** stage: the key clients used before; it keeps working until revoke (or Salesforce's expiry). */
  previousConsumerKey?: string;
  /** stage: when Salesforce removes the previous credentials by itself, where it says. */
  previousValidUntil?: string;
  /** stage: only with showSecret. */
  consumerSecret?: string;
  secretFile?: string;
  /** revoke: the credentials deleted (their keys); empty when there was nothing to revoke. */
  revoked: CredentialSummary[];
  /** Expired credentials cleared from the staged slot before staging. */
  cleared: CredentialSummary[];
  /** The command to run next, when there is one. */
  nextCommand?: string;
  requests: number;
};

const summary = (credential: StagedCredential): CredentialSummary => ({
  consumerKey: credential.key,
  state: credential.state,
  ...(credential.expirationDate ? { expirationDate: credential.expirationDate } : {}),
});

/** Deletes each credential of the slot, in order; what was deleted, for the result. */
async function deleteEach(
  context: RotateCredentialsContext,
  consumer: ConsumerAddress,
  credentials: StagedCredential[],
  counter: RequestCounter
): Promise<CredentialSummary[]> {
  const deleted: CredentialSummary[] = [];
  for (const credential of credentials) {
    // The slot's answer names an id for each credential; without one it cannot be addressed.
    if (!credential.id) throw messages.createError('error.NoStagedAnswer', [consumer.appName]);
    // eslint-disable-next-line no-await-in-loop
    await deleteStaged(context.conn, consumer, credential.id, counter);
    deleted.push(summary(credential));
  }
  return deleted;
}

const command = (name: string, targetOrg: string, step: RotationStep): string =>
  `sf external-client-app rotate-credentials --name ${name} --target-org ${targetOrg} --step ${step}`;

export async function rotateCredentials(
  flags: RotateCredentialsFlags,
  context: RotateCredentialsContext
): Promise<RotateCredentialsResult> {
  const counter = context.counter ?? new RequestCounter();
  if (flags.step === 'revoke' && (flags.secretFile ?? flags.showSecret)) throw messages.createError('error.SecretOnRevoke');
  const file = flags.secretFile ? await openSecretFile(flags.secretFile, context) : undefined;
  try {
    const consumer = await findConsumer(context.conn, flags.name, counter);
    if (consumer.consumerCount > 1) context.warn?.(messages.getMessage('warning.SeveralConsumers', [flags.name, consumer.consumerCount, consumer.consumerKey ?? '']));
    const slot = await readStaged(context.conn, consumer, counter);
    return flags.step === 'stage'
      ? await stage(flags, context, { consumer, slot, counter, file })
      : await revoke(flags, context, consumer, slot, counter);
  } catch (error) {
    // The empty file this run made goes again (never one the secret was written to).
    await file?.discard();
    throw error;
  }
}

/** Whether the slot, read again, still holds these staged credentials, not made primary (false when it cannot be read). */
async function stillStaged(
  context: { conn: Connection },
  consumer: ConsumerAddress,
  staged: StagedCredential,
  counter: RequestCounter
): Promise<boolean> {
  const slot = await readStaged(context.conn, consumer, counter).catch(() => undefined);
  return slot?.some((c) => c.key !== undefined && c.key === staged.key && c.state === 'active') ?? false;
}

/** The secret file's place checked and the file made (exclusively, 0600), before anything is sent. */
async function openSecretFile(path: string, context: RotateCredentialsContext): Promise<SecretFile> {
  const packageDirectories = context.packageDirectories ?? [];
  (await checkSecretFilePlace(path, packageDirectories)).forEach((warning) => context.warn?.(warning));
  return SecretFile.open(path, packageDirectories);
}

type StageState = { consumer: ConsumerAddress; slot: StagedCredential[]; counter: RequestCounter; file?: SecretFile };

async function stage(
  flags: RotateCredentialsFlags,
  context: RotateCredentialsContext,
  { consumer, slot, counter, file }: StageState
): Promise<RotateCredentialsResult> {
  // Salesforce keeps one staged credential per consumer: a live one there is someone's, and is never replaced silently.
  const live = slot.filter((credential) => credential.state !== 'expired');
  if (live.length > 0) {
    const [first] = live;
    throw messages.createError(
      first.state === 'rotated' ? 'error.PreviousStillValid' : 'error.StagedElsewhere',
      [flags.name, first.key ?? first.id ?? '-', first.expirationDate ?? '-'],
      [command(flags.name, context.targetOrg, 'revoke')]
    );
  }
  const cleared = await deleteEach(context, consumer, slot, counter);
  const staged = await stageCredentials(context.conn, consumer, counter);
  const undo = async (): Promise<boolean> =>
    // Nothing was promoted: the staged credentials go again (best effort; they expire by themselves anyway).
    deleteStaged(context.conn, consumer, staged.id, counter).then(
      () => true,
      () => false
    );
  // Asked to hand the secret over but given none: nothing is made primary, so no client is left without a secret.
  if ((Boolean(flags.secretFile) || flags.showSecret) && !staged.secret) {
    await undo();
    throw messages.createError('error.NoSecretInAnswer', [flags.name]);
  }
  if (file && staged.secret) {
    try {
      await file.write(staged.secret);
    } catch (error) {
      // Not promoted, so no client needs this secret: undone, the rotation can simply be run again.
      await undo();
      throw messages.createError('error.SecretFileUnwritable', [file.path, errorMessage(error)]);
    }
  }
  try {
    await promoteStaged(context.conn, consumer, staged.id, counter);
  } catch (error) {
    // Undone only while the slot surely still holds these credentials, not yet made primary: a rotate whose answer was
    // lost may have gone through, and the slot then holds the previous primary (under the same id, in some readings),
    // which a delete would revoke while the file holds the only copy of the new secret. Otherwise the file keeps it.
    if ((await stillStaged(context, consumer, staged, counter)) && (await undo()) && file) await rm(file.path, { force: true });
    throw error;
  }
  // Where the org says when the previous credentials expire, report it (one more read, after the change).
  const previous = (await readStaged(context.conn, consumer, counter).catch(() => [])).find((c) => c.state === 'rotated');
  return {
    name: flags.name,
    step: 'stage',
    consumerKey: staged.key,
    previousConsumerKey: consumer.consumerKey,
    ...(previous?.expirationDate ? { previousValidUntil: previous.expirationDate } : {}),
    ...(flags.showSecret && staged.secret ? { consumerSecret: staged.secret } : {}),
    ...(flags.secretFile ? { secretFile: flags.secretFile } : {}),
    revoked: [],
    cleared,
    nextCommand: command(flags.name, context.targetOrg, 'revoke'),
    requests: counter.count,
  };
}

async function revoke(
  flags: RotateCredentialsFlags,
  context: RotateCredentialsContext,
  consumer: ConsumerAddress,
  slot: StagedCredential[],
  counter: RequestCounter
): Promise<RotateCredentialsResult> {
  // The org's own sf login through the old key would end with it: refuse before anything is deleted.
  const lockout = slot.find((credential) => credential.key !== undefined && credential.key === context.loginClientId);
  if (lockout) {
    throw messages.createError('error.RevokeOwnLogin', [context.targetOrg, lockout.key ?? '', flags.name], [
      `sf org login jwt --client-id ${consumer.consumerKey ?? '<new consumer key>'} --jwt-key-file <key file> --username <username> --instance-url ${context.conn.instanceUrl}`,
    ]);
  }
  const revoked = await deleteEach(context, consumer, slot, counter);
  return {
    name: flags.name,
    step: 'revoke',
    consumerKey: consumer.consumerKey,
    revoked,
    cleared: [],
    requests: counter.count,
  };
}
