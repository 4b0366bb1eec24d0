import { SfCommand } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { orgFlags } from '../../cli/verbFlags.js';
import { runList, type AppListResult } from '../../cli/inventoryOutput.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'external-client-app.list');

export type ExternalClientAppListResult = AppListResult;

export default class ExternalClientAppList extends SfCommand<ExternalClientAppListResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = orgFlags();

  public async run(): Promise<ExternalClientAppListResult> {
    const { flags } = await this.parse(ExternalClientAppList);
    return runList(this, flags['target-org'].getConnection(flags['api-version']), 'ExternalClientApplication');
  }
}
