/*
 * What both create commands do with their parsed flags: map them to the creator's input, show progress the way sf
 * commands do (quiet under --json), and print the human summary.
 */
import { resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import type { SfCommand } from '@salesforce/sf-plugins-core';
import type { AppKind } from '../model/appModel.js';
import { createApp, type CreateAppRequest, type CreateAppResult, type CreateProgress } from '../verbs/create/createApp.js';
import { interruptedError, newCreateFacts, settleInterruption, type CreateStage } from '../verbs/create/interruption.js';
import { printUpdate } from './updateRunner.js';
import {
  describeCertificateValue,
  describeMinutes,
  describePermittedUsers,
  describeRefreshToken,
  settingLabel,
} from './appWords.js';
import { settingsFromFlags, type CreateFlagValues } from './createFlags.js';
import { settleTerminalSize } from './terminalSize.js';
import { watchInterrupts } from './interrupt.js';
import { explained } from './errors.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create-output');
const dryRunMessages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.definition-file');

export function toCreateAppFlags(flags: Omit<CreateFlagValues, 'target-org'>): CreateAppRequest {
  return {
    // The app's settings (also preset, definition file, dry run); the preset and file go under them in createApp.
    ...settingsFromFlags(flags),
    certificateFile: flags['certificate-file'],
    jwtKeyFile: flags['jwt-key-file'],
    certificateDays: flags['certificate-days'],
    outputDir: flags['output-dir'],
    // Absolute, as the key paths are: the summary and the token request name it from anywhere.
    secretFile: flags['secret-file'] ? resolve(flags['secret-file']) : undefined,
    showSecret: flags['show-secret'],
    overwrite: flags.overwrite,
    updateExisting: flags['update-existing'],
    login: flags.login,
    username: flags.username,
    instanceUrl: flags['instance-url']?.href.replace(/\/$/, ''),
    alias: flags.alias,
    setDefault: flags['set-default'],
    setDefaultDevHub: flags['set-default-dev-hub'],
    waitMinutes: flags.wait.minutes,
  };
}

async function runCreateRaw(
  command: SfCommand<CreateAppResult>,
  kind: AppKind,
  flags: CreateFlagValues,
  argv: string[]
): Promise<CreateAppResult> {
  const json = command.jsonEnabled();
  // Checked before anything else: the secret would otherwise be made, sent and shown nowhere.
  if (flags['show-secret'] && !json) throw messages.createError('error.ShowSecretNeedsJson');
  const org = flags['target-org'];
  const conn = org.getConnection(flags['api-version']);
  const stages = ['prepare', 'write', 'deploy', 'consumerKey', 'login'] as const;
  settleTerminalSize();
  const { MultiStageOutput } = await import('@oclif/multi-stage-output');
  const mso = new MultiStageOutput<Record<string, unknown>>({
    jsonEnabled: json,
    stages: stages.filter((s) => s !== 'login' || flags.login).map((s) => messages.getMessage(`stage.${s}`)),
    title: messages.getMessage(`title.${kind}`, [flags.name ?? '']).trim(),
    showElapsedTime: true,
  });
  // What exists so far and where the run is: what an interruption reports.
  const facts = newCreateFacts();
  let stage: CreateStage | undefined;
  const progress: CreateProgress = {
    stage: (name) => {
      stage = name;
      mso.goto(messages.getMessage(`stage.${name}`));
    },
    record: (more) => Object.assign(facts, more),
    info: (message) => {
      if (!json) mso.updateData({ status: message });
    },
    warn: (message) => command.warn(message),
  };
  let result: CreateAppResult;
  const interruptions = watchInterrupts();
  try {
    const created = createApp(
      toCreateAppFlags(flags),
      {
        kind,
        conn,
        orgUsername: org.getUsername() ?? '',
        orgInstanceUrl: conn.instanceUrl.replace(/\/$/, ''),
        apiVersion: conn.getApiVersion(),
        cwd: process.cwd(),
        argv: argv.filter((arg) => arg !== '--json'),
      },
      progress
    );
    // The work goes on in the background until sf exits; its outcome no longer counts.
    const interrupted = interruptions.received.then((signal): never => {
      throw new Error(signal);
    });
    result = await Promise.race([created, interrupted]);
  } catch (error) {
    mso.error();
    if (interruptions.signal) throw interruptedError(await settleInterruption(facts, stage, interruptions.signal));
    throw error;
  } finally {
    interruptions.dispose();
  }
  mso.stop();
  if (result.dryRun) printDryRun(command, result);
  // --update-existing on an app that exists: what changed, as update shows it.
  else if (result.update) printUpdate(command, result.update);
  else printSummary(command, result);
  return result;
}

/** The dry run's output: each component's source XML (secrets masked), and where files went with --output-dir. */
function printDryRun(command: SfCommand<CreateAppResult>, result: CreateAppResult): void {
  for (const component of result.dryRun?.components ?? []) {
    command.styledHeader(`${component.type} ${component.fullName}${component.path ? ` (${component.path})` : ''}`);
    command.log(component.xml);
  }
  const count = result.dryRun?.components.length ?? 0;
  command.log(dryRunMessages.getMessage(count === 1 ? 'info.dryRunOne' : 'info.dryRun', [count]));
}

function printSummary(command: SfCommand<CreateAppResult>, result: CreateAppResult): void {
  const rows: Record<string, string | string[]> = {
    [messages.getMessage('label.name')]: result.name,
    [settingLabel('consumerKey')]: result.consumerKey,
    // A secret in the result here means its file could not take it (a warning says so): shown this once.
    [settingLabel('consumerSecret')]: result.consumerSecret
      ? result.consumerSecret
      : result.secretFile
      ? messages.getMessage('value.secretFile', [result.secretFile])
      : messages.getMessage('value.noSecret'),
    [settingLabel('callbackUrls')]: result.callbackUrls,
    [settingLabel('scopes')]: result.scopes.join(' '),
    [settingLabel('permittedUsers')]: describePermittedUsers(result.permittedUsers, result.profiles, result.permissionSets),
    [settingLabel('refreshTokenPolicy')]: describeRefreshToken(result.refreshTokenPolicy),
    [settingLabel('sessionTimeoutMinutes')]: result.sessionTimeoutMinutes ? describeMinutes(result.sessionTimeoutMinutes) : '-',
    ...(result.privateKeyPath ? { [messages.getMessage('label.privateKey')]: result.privateKeyPath } : {}),
    [settingLabel('certificate')]: describeCertificateValue(
      result.certificatePath ?? (result.certificateExpires ? messages.getMessage('value.certificateFromFile') : undefined),
      result.certificateExpires
    ),
    [messages.getMessage('label.metadata')]: result.metadataPaths.length > 0 ? result.metadataPaths : messages.getMessage('value.noSourceFiles'),
    [messages.getMessage('label.deploy')]: messages.getMessage(result.deploy.requests === 1 ? 'value.deployOne' : 'value.deploy', [
      `${result.deploy.method}${result.deploy.id ? ` ${result.deploy.id}` : ''}`,
      result.deploy.requests,
    ]),
  };
  command.styledHeader(
    messages.getMessage('info.created', [
      messages.getMessage(`title.${result.kind}`, ['']).trim(),
      result.name,
      result.login ? 'the org and logged in' : 'the org',
    ])
  );
  command.styledObject(rows);
  if (result.login) {
    command.logSuccess(
      messages.getMessage('info.loggedIn', [
        result.login.username,
        result.login.orgId,
        result.login.alias ? ` as ${result.login.alias}` : '',
      ])
    );
    return;
  }
  command.log('');
  if (!result.loginCommand) {
    command.log(messages.getMessage('info.noLoginCommand', [result.kind === 'ConnectedApp' ? 'connected-app' : 'external-client-app']));
    return;
  }
  command.log(messages.getMessage(`info.next.${result.loginMethod}`));
  command.log(`  ${result.loginCommand}`);
  if (result.loginMethod === 'web' && result.secretFile) command.log(messages.getMessage('info.webSecretPrompt', [result.secretFile]));
}

/** runCreate, with raw file and network errors worded (cli/errors.ts). */
export const runCreate = (...args: Parameters<typeof runCreateRaw>): ReturnType<typeof runCreateRaw> => explained(() => runCreateRaw(...args));
