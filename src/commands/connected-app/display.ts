import { SfCommand, Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { runDisplay, type AppDisplayResult } from '../../shared/appInventory.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'connected-app.display');

export type ConnectedAppDisplayResult = AppDisplayResult;

export default class ConnectedAppDisplay extends SfCommand<ConnectedAppDisplayResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({
      char: 'n',
      summary: messages.getMessage('flags.name.summary'),
      required: true,
    }),
    'show-secret': Flags.boolean({
      summary: messages.getMessage('flags.show-secret.summary'),
      description: messages.getMessage('flags.show-secret.description'),
      default: false,
    }),
  };

  public async run(): Promise<ConnectedAppDisplayResult> {
    const { flags } = await this.parse(ConnectedAppDisplay);
    return runDisplay(this, flags['target-org'].getConnection(flags['api-version']), 'ConnectedApp', {
      name: flags.name,
      showSecret: flags['show-secret'],
    });
  }
}
