import { SfCommand } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { displayFlags } from '../../cli/verbFlags.js';
import { runDisplay, type AppDisplayResult } from '../../cli/inventoryOutput.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'external-client-app.display');

export type ExternalClientAppDisplayResult = AppDisplayResult;

export default class ExternalClientAppDisplay extends SfCommand<ExternalClientAppDisplayResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = displayFlags(messages);

  public async run(): Promise<ExternalClientAppDisplayResult> {
    const { flags } = await this.parse(ExternalClientAppDisplay);
    return runDisplay(this, flags['target-org'].getConnection(flags['api-version']), 'ExternalClientApplication', {
      name: flags.name,
      showSecret: flags['show-secret'],
    });
  }
}
