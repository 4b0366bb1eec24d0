/*
 * What `sf external-client-app rotate-credentials` prints: the new consumer key (not a secret), where the new secret
 * went, what was revoked, and the command to run next. The secret itself is printed nowhere: it is in the --json
 * result only when --show-secret asks for it.
 */
import { resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import { rotateCredentials, type RotateCredentialsResult } from '../verbs/rotateCredentials.js';
import { resolveProjectContext } from '../files/project.js';
import type { CommandOutput } from './output.js';
import { explained } from './errors.js';
import type { RotateCredentialsFlagValues } from './rotateFlags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'external-client-app.rotate-credentials');
const createMessages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create-output');

async function runRotateCredentialsRaw(
  command: CommandOutput & { jsonEnabled(): boolean },
  flags: RotateCredentialsFlagValues
): Promise<RotateCredentialsResult> {
  // Checked before anything is sent: the new secret would otherwise be made and shown nowhere.
  if (flags['show-secret'] && !command.jsonEnabled()) throw createMessages.createError('error.ShowSecretNeedsJson');
  const org = flags['target-org'];
  const conn = org.getConnection(flags['api-version']);
  const result = await rotateCredentials(
    {
      name: flags.name,
      step: flags.step,
      secretFile: flags['secret-file'] ? resolve(flags['secret-file']) : undefined,
      showSecret: flags['show-secret'],
    },
    {
      conn,
      loginClientId: conn.getAuthInfoFields().clientId,
      targetOrg: org.getUsername() ?? '<org>',
      // The secret file must stay out of the project's package directories (as create's).
      packageDirectories: flags['secret-file'] ? (await resolveProjectContext(process.cwd())).packageDirectories : [],
      warn: (m) => command.warn(m),
    }
  );
  if (result.step === 'stage') {
    for (const cleared of result.cleared) command.log(messages.getMessage('info.cleared', [cleared.consumerKey ?? '-']));
    command.logSuccess(messages.getMessage('info.staged', [result.name]));
    command.styledObject({
      [messages.getMessage('label.consumerKey')]: result.consumerKey ?? '-',
      [messages.getMessage('label.previousConsumerKey')]: result.previousConsumerKey ?? '-',
      [messages.getMessage('label.previousValidUntil')]: result.previousValidUntil ?? messages.getMessage('value.untilRevoked'),
      [messages.getMessage('label.consumerSecret')]: result.secretFile ?? messages.getMessage('value.secretNotShown'),
    });
    if (!result.secretFile) command.log(messages.getMessage('info.secretNotShown', [result.name, org.getUsername() ?? '<org>']));
    command.log(messages.getMessage('info.nextRevoke'));
    command.log(`  ${result.nextCommand ?? ''}`);
  } else if (result.revoked.length === 0) {
    command.log(messages.getMessage('info.nothingToRevoke', [result.name]));
  } else {
    command.logSuccess(
      messages.getMessage('info.revoked', [result.revoked.map((c) => c.consumerKey ?? '-').join(', '), result.name, result.consumerKey ?? '-'])
    );
  }
  return result;
}

/** runRotateCredentials, with raw file and network errors worded (cli/errors.ts). */
export const runRotateCredentials = (...args: Parameters<typeof runRotateCredentialsRaw>): ReturnType<typeof runRotateCredentialsRaw> =>
  explained(() => runRotateCredentialsRaw(...args));
