/*
 * What the rotate-certificate commands of both kinds do with their flags: rotate, then say what changed and how to
 * log in with the new key.
 */
import { Messages } from '@salesforce/core';
import type { AppKind } from '../model/appModel.js';
import { rotateCertificate, type RotateCertificateResult } from '../verbs/rotateCertificate.js';
import type { CommandOutput } from './output.js';
import type { RotateFlagValues } from './rotateFlags.js';
import { explained } from './errors.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');

async function runRotateCertificateRaw(
  command: CommandOutput,
  kind: AppKind,
  flags: RotateFlagValues
): Promise<RotateCertificateResult> {
  const org = flags['target-org'];
  const conn = org.getConnection(flags['api-version']);
  const result = await rotateCertificate(
    {
      name: flags.name,
      certificateFile: flags['certificate-file'],
      jwtKeyFile: flags['jwt-key-file'],
      outputDir: flags['output-dir'],
      certificateDays: flags['certificate-days'],
      ifExpiringWithin: flags['if-expiring-within'],
      rotateConsumerKey: flags['rotate-consumer-key'],
      rotateConsumerSecret: flags['rotate-consumer-secret'],
      login: flags.login,
      username: flags.username,
      instanceUrl: flags['instance-url']?.href.replace(/\/$/, ''),
      waitMinutes: flags.wait.minutes,
    },
    {
      conn,
      kind,
      apiVersion: conn.getApiVersion(),
      cwd: process.cwd(),
      orgUsername: org.getUsername() ?? '',
      orgInstanceUrl: conn.instanceUrl.replace(/\/$/, ''),
      warn: (m) => command.warn(m),
      onWait: (m) => command.log(m),
    }
  );
  if (!result.rotated) {
    command.log(
      messages.getMessage('info.notDue', [
        flags.name,
        result.certificateDaysLeft,
        result.certificateExpires.slice(0, 10),
        result.ifExpiringWithin,
      ])
    );
    return result;
  }
  result.warnings.forEach((warning) => command.warn(warning));
  command.styledHeader(messages.getMessage('info.rotated', [flags.name]));
  const previous = result.previousCertificate?.expires;
  const previousLabel = !previous ? 'label.previousCertificate' : Date.parse(previous) < Date.now() ? 'label.previousCertificateExpired' : 'label.previousCertificateExpires';
  command.styledObject({
    [messages.getMessage(previousLabel)]: previous ?? messages.getMessage('value.none'),
    [messages.getMessage('label.certificate')]: result.certificate.expires ?? '-',
    [messages.getMessage('label.privateKey')]: result.privateKeyPath ?? '-',
    [messages.getMessage('label.previousPrivateKey')]: result.previousPrivateKeyPath ?? '-',
    [messages.getMessage('label.consumerKey')]: `${result.consumerKey ?? '-'}${result.consumerKeyRotated ? ' (new)' : ''}`,
  });
  if (result.login) {
    command.logSuccess(messages.getMessage('info.newKeyWorks', [result.login.username]));
  } else if (result.loginCommand) {
    command.log(messages.getMessage('info.tryNewKey'));
    command.log(`  ${result.loginCommand}`);
  }
  if (result.previousPrivateKeyPath) command.log(messages.getMessage('info.oldKeyKept', [result.previousPrivateKeyPath]));
  return result;
}

/** runRotateCertificate, with raw file and network errors worded (cli/errors.ts). */
export const runRotateCertificate = (...args: Parameters<typeof runRotateCertificateRaw>): ReturnType<typeof runRotateCertificateRaw> => explained(() => runRotateCertificateRaw(...args));
