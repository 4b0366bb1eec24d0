/*
 * What both create commands do with their parsed flags: map them to the creator's input, show progress the way sf
 * commands do (quiet under --json), and print the human summary.
 */
import { Messages } from '@salesforce/core';
import type { SfCommand } from '@salesforce/sf-plugins-core';
import type { AppKind } from '../model/appModel.js';
import { createApp, type CreateAppRequest, type CreateAppResult, type CreateProgress } from '../verbs/create/createApp.js';
import { printUpdate } from './updateRunner.js';
import { settingsFromFlags, type CreateFlagValues } from './createFlags.js';

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
    secretFile: flags['secret-file'],
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

export async function runCreate(
  command: SfCommand<CreateAppResult>,
  kind: AppKind,
  flags: CreateFlagValues,
  argv: string[]
): Promise<CreateAppResult> {
  const org = flags['target-org'];
  const conn = org.getConnection(flags['api-version']);
  const json = command.jsonEnabled();
  const stages = ['prepare', 'write', 'deploy', 'consumerKey', 'login'] as const;
  const { MultiStageOutput } = await import('@oclif/multi-stage-output');
  const mso = new MultiStageOutput<Record<string, unknown>>({
    jsonEnabled: json,
    stages: stages.filter((s) => s !== 'login' || flags.login).map((s) => messages.getMessage(`stage.${s}`)),
    title: messages.getMessage(`title.${kind}`, [flags.name ?? '']).trim(),
    showElapsedTime: true,
  });
  const progress: CreateProgress = {
    stage: (name) => mso.goto(messages.getMessage(`stage.${name}`)),
    info: (message) => {
      if (!json) mso.updateData({ status: message });
    },
    warn: (message) => command.warn(message),
  };
  let result: CreateAppResult;
  try {
    result = await createApp(
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
  } catch (error) {
    mso.error();
    throw error;
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
  command.log(dryRunMessages.getMessage('info.dryRun', [result.dryRun?.components.length ?? 0]));
}

function printSummary(command: SfCommand<CreateAppResult>, result: CreateAppResult): void {
  const rows: Array<{ key: string; value: string }> = [
    { key: messages.getMessage('label.name'), value: result.name },
    { key: messages.getMessage('label.consumerKey'), value: result.consumerKey },
    { key: messages.getMessage('label.callbackUrls'), value: result.callbackUrls.join('\n') },
    { key: messages.getMessage('label.scopes'), value: result.scopes.join(' ') },
    {
      key: messages.getMessage('label.permittedUsers'),
      value: describePermittedUsers(result),
    },
    { key: messages.getMessage('label.refreshToken'), value: describeRefreshToken(result.refreshTokenPolicy) },
    {
      key: messages.getMessage('label.sessionTimeout'),
      value: result.sessionTimeoutMinutes ? messages.getMessage('value.minutes', [result.sessionTimeoutMinutes]) : '-',
    },
    { key: messages.getMessage('label.privateKey'), value: result.privateKeyPath ?? '-' },
    {
      key: messages.getMessage('label.certificate'),
      value: result.certificatePath
        ? result.certificateExpires
          ? messages.getMessage('value.certificate', [result.certificatePath, result.certificateExpires.slice(0, 10)])
          : result.certificatePath
        : '-',
    },
    { key: messages.getMessage('label.metadata'), value: result.metadataPaths.join('\n') || '-' },
    {
      key: messages.getMessage('label.deploy'),
      value: messages.getMessage('value.deploy', [
        `${result.deploy.method}${result.deploy.id ? ` ${result.deploy.id}` : ''}`,
        result.deploy.requests,
      ]),
    },
  ];
  command.styledHeader(
    messages.getMessage('info.created', [
      messages.getMessage(`title.${result.kind}`, ['']).trim(),
      result.name,
      result.login ? 'the org and logged in' : 'the org',
    ])
  );
  command.styledObject(Object.fromEntries(rows.map((row) => [row.key, row.value])));
  if (result.login) {
    command.logSuccess(
      messages.getMessage('info.loggedIn', [
        result.login.username,
        result.login.orgId,
        result.login.alias ? ` as ${result.login.alias}` : '',
      ])
    );
  } else {
    command.log('');
    command.log(messages.getMessage(result.loginCommand.includes(' jwt ') ? 'info.nextCommand' : 'info.nextCommandWeb'));
    command.log(`  ${result.loginCommand}`);
  }
}

/** "Admin approved users are pre-authorized (profiles: X; permission sets: Y)", as Setup words it. */
function describePermittedUsers(result: CreateAppResult): string {
  if (result.permittedUsers !== 'AdminApprovedPreAuthorized') return messages.getMessage('value.allUsers');
  const lists = [
    result.profiles.length > 0 ? messages.getMessage('value.profiles', [result.profiles.join(', ')]) : undefined,
    result.permissionSets.length > 0
      ? messages.getMessage('value.permissionSets', [result.permissionSets.join(', ')])
      : undefined,
  ].filter((part): part is string => part !== undefined);
  return messages.getMessage('value.adminApproved', [lists.join('; ')]);
}

/** The refresh-token policy in words; the JSON result keeps the flag syntax (90d, inactive:7d, infinite, zero). */
function describeRefreshToken(policy: string): string {
  if (policy === 'infinite') return messages.getMessage('value.refreshInfinite');
  if (policy === 'zero') return messages.getMessage('value.refreshZero');
  const match = /^(inactive:)?(\d+)(h|d|mo)$/.exec(policy);
  if (!match) return policy;
  const unit = { h: 'hours', d: 'days', mo: 'months' }[match[3] as 'h' | 'd' | 'mo'];
  return messages.getMessage(match[1] ? 'value.refreshInactive' : 'value.refreshLifetime', [match[2], unit, policy]);
}
