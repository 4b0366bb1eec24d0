/*
 * A create that was interrupted (Ctrl-C, SIGTERM, a closed terminal): what exists at that moment, what is tidied up,
 * and the command that finishes the job. The create records what it has done as it goes (recordCreate); the CLI
 * turns an interruption into interruptedError, which sf prints like any error (exit code 130, --json gets the object).
 */
import { rm } from 'node:fs/promises';
import { Messages, SfError } from '@salesforce/core';
import { removeEmptyFolders } from '../../files/folders.js';
import { quote } from '../../util/shell.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.interruption');

export type CreateStage = 'prepare' | 'write' | 'deploy' | 'consumerKey' | 'login';

/** What a create has done so far. */
export type CreateFacts = {
  appName?: string;
  /** The same create again, which finishes the job (rerun.ts). */
  rerunCommand?: string;
  /** The key pair this run wrote (the rerun reuses it). */
  keyFiles: string[];
  /** Source files this run wrote, and the folders it made for them. */
  sourceFiles: string[];
  newFolders: string[];
  secretFile?: string;
  /**
   * The secret file opened before anything was sent and not yet written: settled on an interruption like a failure
   * (secret.ts): removed while the org surely has no app, else the secret is written to it (the app may hold it).
   */
  pendingSecret?: { path: string; settle: (appMayExist: boolean) => Promise<boolean> };
  /** no: nothing was sent; sent: the deploy was sent and has not answered; yes: the org took the app. */
  appInOrg: 'no' | 'sent' | 'yes';
  /** The login user, whose authorization a login with the new app replaces (only once it has succeeded). */
  loginUser?: string;
};

export const newCreateFacts = (): CreateFacts => ({ keyFiles: [], sourceFiles: [], newFolders: [], appInOrg: 'no' });

/** What the create tells as it goes; a no-op without a listener. */
export const recordCreate = (progress: { record?: (facts: Partial<CreateFacts>) => void }, facts: Partial<CreateFacts>): void =>
  progress.record?.(facts);

/** What the interruption report says, in data under --json. */
export type InterruptionData = {
  signal: string;
  stage?: CreateStage;
  appName?: string;
  /** yes, no, or unknown (the deploy was sent and may still finish in the org). */
  appInOrg: 'yes' | 'no' | 'unknown';
  keyFiles: string[];
  sourceFiles: string[];
  /** Source files removed because the org may not hold the app: the rerun writes them again. */
  removedSourceFiles: string[];
  secretFile?: string;
  loginUser?: string;
  rerunCommand?: string;
};

/**
 * Tidies up after an interruption and says what exists. Source files stay only when the org surely holds the app; else
 * they go (as after a failed deploy), so that the rerun, whatever the org holds by then, writes them afresh. The key
 * pair and a written secret always stay: the rerun reuses the pair, and a secret is never dropped.
 */
export async function settleInterruption(facts: CreateFacts, stage: CreateStage | undefined, signal: string): Promise<InterruptionData> {
  const keepSource = facts.appInOrg === 'yes';
  // An empty secret file left behind would stop the rerun below (a secret file is never overwritten).
  const secretFile =
    facts.pendingSecret && (await facts.pendingSecret.settle(facts.appInOrg !== 'no').catch(() => false))
      ? facts.pendingSecret.path
      : facts.secretFile;
  if (!keepSource && facts.sourceFiles.length > 0) {
    await Promise.all(facts.sourceFiles.map((path) => rm(path, { force: true })));
    await removeEmptyFolders(facts.newFolders);
  }
  return {
    signal,
    stage,
    appName: facts.appName,
    appInOrg: facts.appInOrg === 'sent' ? 'unknown' : facts.appInOrg,
    keyFiles: facts.keyFiles,
    sourceFiles: keepSource ? facts.sourceFiles : [],
    removedSourceFiles: keepSource ? [] : facts.sourceFiles,
    secretFile,
    loginUser: facts.loginUser,
    rerunCommand: facts.rerunCommand,
  };
}

const list = (paths: string[]): string => paths.map(quote).join(', ');

/** The error sf prints for an interrupted create: what exists, then the command that finishes the job; exit code 130. */
export function interruptedError(data: InterruptionData): SfError {
  const lines = [
    messages.getMessage(`app.${data.appInOrg}`, [data.appName ?? '-']),
    data.keyFiles.length > 0 ? messages.getMessage('keyFiles', [list(data.keyFiles)]) : messages.getMessage('noKeyFiles'),
    data.sourceFiles.length > 0
      ? messages.getMessage('sourceFiles', [list(data.sourceFiles)])
      : data.removedSourceFiles.length > 0
      ? messages.getMessage('removedSourceFiles', [list(data.removedSourceFiles)])
      : messages.getMessage('noSourceFiles'),
    ...(data.secretFile ? [messages.getMessage('secretFile', [quote(data.secretFile)])] : []),
    ...(data.loginUser ? [messages.getMessage(data.stage === 'login' ? 'auth.login' : 'auth.unchanged', [data.loginUser])] : []),
  ];
  // Named as sf's own commands name an interrupted run; exit code 130, the shell's for Ctrl-C.
  const error = new SfError(
    messages.getMessage('error.Interrupted', [
      data.signal,
      messages.getMessage(`stage.${data.stage ?? 'prepare'}`),
      lines.map((line) => `- ${line}`).join('\n'),
    ]),
    'Interrupted',
    data.rerunCommand ? [messages.getMessage('action.rerun', [data.rerunCommand])] : [],
    130
  );
  return error.setData(data);
}
