import { SfCommand } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { updateFlags } from '../../cli/updateFlags.js';
import { runUpdate, type AppUpdateCommandResult } from '../../cli/updateRunner.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'connected-app.update');

export type ConnectedAppUpdateResult = AppUpdateCommandResult;

export default class ConnectedAppUpdate extends SfCommand<ConnectedAppUpdateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = updateFlags('ConnectedApp');

  public async run(): Promise<ConnectedAppUpdateResult> {
    const { flags } = await this.parse(ConnectedAppUpdate);
    return runUpdate(this, 'ConnectedApp', flags);
  }
}
