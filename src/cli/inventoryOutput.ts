/*
 * What the list and display commands of both kinds print; the command classes only parse and call.
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { AppKind } from '../model/appModel.js';
import { appKindInfo } from '../metadata/appKinds.js';
import { displayApp, listAppsOfKind, type AppDisplayResult, type AppListResult } from '../verbs/displayApp.js';
import { describeCertificate } from '../verbs/update/diff.js';
import type { CommandOutput } from './output.js';
import {
  describeCertificateValue,
  describeFlows,
  describePermittedUsers,
  describeValue,
  printable,
  printableRow,
  settingLabel,
} from './appWords.js';
import { explained } from './errors.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-inventory');
const titles = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create-output');

export type { AppDisplayResult, AppListResult };

const yesNo = (value: boolean | undefined): string =>
  messages.getMessage(value === undefined ? 'value.unknown' : value ? 'value.yes' : 'value.no');

/** Days left in words; an expired certificate is flagged in capitals so it stands out in a long table. */
function describeDaysLeft(app: AppListResult['apps'][number]): string {
  if (app.certificateDaysLeft === undefined) return yesNo(undefined);
  if (app.certificateDaysLeft === null) return '-';
  if (app.certificateExpired) return messages.getMessage('value.certificateExpired');
  return String(app.certificateDaysLeft);
}

async function runListRaw(command: CommandOutput, conn: Connection, kind: AppKind): Promise<AppListResult> {
  const result = await listAppsOfKind(conn, kind, (m) => command.warn(m));
  if (result.apps.length === 0) {
    command.log(messages.getMessage('info.noApps', [appKindInfo(kind).article]));
    return result;
  }
  command.table({
    data: result.apps.map((app) =>
      printableRow({
      name: app.name,
      label: app.label,
      oauth: yesNo(app.oauthEnabled),
      jwt: yesNo(app.jwtEnabled),
      certificateExpires: app.certificateExpires === undefined ? yesNo(undefined) : app.certificateExpires?.slice(0, 10) ?? '-',
      certificateDaysLeft: describeDaysLeft(app),
      lastModified: app.lastModifiedDate?.slice(0, 10) ?? '-',
      })
    ),
    columns: (['name', 'label', 'oauth', 'jwt', 'certificateExpires', 'certificateDaysLeft', 'lastModified'] as const).map((key) => ({
      key,
      name: messages.getMessage(`column.${key}`),
    })),
  });
  return result;
}

async function runDisplayRaw(
  command: CommandOutput,
  conn: Connection,
  kind: AppKind,
  flags: { name: string; showSecret: boolean }
): Promise<AppDisplayResult> {
  const result = await displayApp(conn, kind, { ...flags, warn: (m) => command.warn(m) });
  const info = appKindInfo(kind);
  command.styledHeader(printable(titles.getMessage(`title.${kind}`, [result.name])));
  // Settings left out (their component is missing or unreadable, named in a warning) get no row: unknown, not empty.
  const flows = result.flows ? describeFlows(result.flows) : undefined;
  const rows: Record<string, string | string[] | undefined> = {
    [settingLabel('label')]: result.label,
    [settingLabel('description')]: result.description,
    [settingLabel('contactEmail')]: result.contactEmail,
    [settingLabel('contactPhone')]: result.contactPhone,
    [settingLabel('consumerKey')]: result.consumerKey ?? '-',
    [settingLabel('consumerSecret')]: result.consumerSecret,
    [settingLabel('callbackUrls')]: result.callbackUrls && (result.callbackUrls.length > 0 ? result.callbackUrls : '-'),
    [settingLabel('scopes')]: result.scopes?.join(' '),
    [settingLabel('certificate')]: describeCertificateValue(
      result.certificate ? describeCertificate(result.certificate) : undefined,
      undefined
    ),
    [settingLabel('permittedUsers')]:
      result.permittedUsers && describePermittedUsers(result.permittedUsers, result.profiles ?? [], result.permissionSets ?? []),
    [settingLabel('refreshTokenPolicy')]: result.refreshTokenPolicy && describeValue('refreshTokenPolicy', result.refreshTokenPolicy),
    [settingLabel('sessionTimeoutMinutes')]:
      result.sessionTimeoutMinutes === undefined ? undefined : describeValue('sessionTimeoutMinutes', result.sessionTimeoutMinutes),
    [settingLabel('ipRelaxation')]: result.ipRelaxation && describeValue('ipRelaxation', result.ipRelaxation),
    [settingLabel('flows')]: flows && (flows.length > 0 ? flows : describeValue('flows', [])),
    [settingLabel('idToken')]: describeValue('idToken', result.idToken),
    [settingLabel('assetToken')]: describeValue('assetToken', result.assetToken),
    [settingLabel('singleLogoutUrl')]: result.singleLogoutUrl,
  };
  command.styledObject(
    printableRow(Object.fromEntries(Object.entries(rows).filter(([, value]) => value !== undefined)) as Record<string, string | string[]>)
  );
  if (!flags.showSecret && info.credentialsOverRest) command.log(messages.getMessage('info.secretHidden'));
  return result;
}

/** runList, with raw file and network errors worded (cli/errors.ts). */
export const runList = (...args: Parameters<typeof runListRaw>): ReturnType<typeof runListRaw> => explained(() => runListRaw(...args));

/** runDisplay, with raw file and network errors worded (cli/errors.ts). */
export const runDisplay = (...args: Parameters<typeof runDisplayRaw>): ReturnType<typeof runDisplayRaw> => explained(() => runDisplayRaw(...args));
