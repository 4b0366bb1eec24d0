import { SfCommand, Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { runList, type AppListResult } from '../../shared/appInventory.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'connected-app.list');

export type ConnectedAppListResult = AppListResult;

export default class ConnectedAppList extends SfCommand<ConnectedAppListResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
  };

  public async run(): Promise<ConnectedAppListResult> {
    const { flags } = await this.parse(ConnectedAppList);
    return runList(this, flags['target-org'].getConnection(flags['api-version']), 'ConnectedApp');
  }
}
