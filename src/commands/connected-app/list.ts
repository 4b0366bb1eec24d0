import { SfCommand } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { orgFlags } from '../../cli/verbFlags.js';
import { runList, type AppListResult } from '../../cli/inventoryOutput.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'connected-app.list');

export type ConnectedAppListResult = AppListResult;

export default class ConnectedAppList extends SfCommand<ConnectedAppListResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = orgFlags();

  public async run(): Promise<ConnectedAppListResult> {
    const { flags } = await this.parse(ConnectedAppList);
    return runList(this, flags['target-org'].getConnection(flags['api-version']), 'ConnectedApp');
  }
}
