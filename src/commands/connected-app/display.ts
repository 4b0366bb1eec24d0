import { SfCommand } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { displayFlags } from '../../cli/verbFlags.js';
import { runDisplay, type AppDisplayResult } from '../../cli/inventoryOutput.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'connected-app.display');

export type ConnectedAppDisplayResult = AppDisplayResult;

export default class ConnectedAppDisplay extends SfCommand<ConnectedAppDisplayResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = displayFlags(messages);

  public async run(): Promise<ConnectedAppDisplayResult> {
    const { flags } = await this.parse(ConnectedAppDisplay);
    return runDisplay(this, flags['target-org'].getConnection(flags['api-version']), 'ConnectedApp', {
      name: flags.name,
      showSecret: flags['show-secret'],
    });
  }
}
