import { SfCommand } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { updateFlags } from '../../cli/updateFlags.js';
import { runUpdate, type AppUpdateCommandResult } from '../../cli/updateRunner.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'external-client-app.update');

export type ExternalClientAppUpdateResult = AppUpdateCommandResult;

export default class ExternalClientAppUpdate extends SfCommand<ExternalClientAppUpdateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = updateFlags('ExternalClientApplication');

  public async run(): Promise<ExternalClientAppUpdateResult> {
    const { flags } = await this.parse(ExternalClientAppUpdate);
    return runUpdate(this, 'ExternalClientApplication', flags);
  }
}
