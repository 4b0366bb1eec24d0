/*
 * What the list and display commands of both kinds print; the command classes only parse and call.
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { AppKind } from '../model/appModel.js';
import { appKindInfo } from '../metadata/appKinds.js';
import { displayApp, listAppsOfKind, type AppDisplayResult, type AppListResult } from '../verbs/displayApp.js';
import type { CommandOutput } from './output.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-inventory');

export type { AppDisplayResult, AppListResult };

const yesNo = (value: boolean | undefined): string =>
  messages.getMessage(value === undefined ? 'value.unknown' : value ? 'value.yes' : 'value.no');

export async function runList(command: CommandOutput, conn: Connection, kind: AppKind): Promise<AppListResult> {
  const result = await listAppsOfKind(conn, kind, (m) => command.warn(m));
  if (result.apps.length === 0) {
    command.log(messages.getMessage('info.noApps', [appKindInfo(kind).article]));
    return result;
  }
  command.table({
    data: result.apps.map((app) => ({
      name: app.name,
      label: app.label,
      oauth: yesNo(app.oauthEnabled),
      jwt: yesNo(app.jwtEnabled),
      certificateExpires: app.certificateExpires?.slice(0, 10) ?? '-',
      lastModified: app.lastModifiedDate?.slice(0, 10) ?? '-',
    })),
    columns: (['name', 'label', 'oauth', 'jwt', 'certificateExpires', 'lastModified'] as const).map((key) => ({
      key,
      name: messages.getMessage(`column.${key}`),
    })),
  });
  return result;
}

export async function runDisplay(
  command: CommandOutput,
  conn: Connection,
  kind: AppKind,
  flags: { name: string; showSecret: boolean }
): Promise<AppDisplayResult> {
  const result = await displayApp(conn, kind, { ...flags, warn: (m) => command.warn(m) });
  const info = appKindInfo(kind);
  command.styledHeader(`${info.article} ${result.name}`);
  const { certificate, ...shown } = result;
  command.styledObject({
    ...(shown as unknown as Parameters<CommandOutput['styledObject']>[0] & object),
    ...(certificate
      ? { certificate: `${certificate.slice(0, 40).replace(/\n/g, ' ')}... (${certificate.length} characters)` }
      : {}),
  });
  if (!flags.showSecret && info.credentialsOverRest) command.log(messages.getMessage('info.secretHidden'));
  return result;
}
