import { SfCommand } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { deleteFlags } from '../../cli/verbFlags.js';
import { runDelete, type AppDeleteResult } from '../../cli/deleteRunner.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'connected-app.delete');

export type ConnectedAppDeleteResult = AppDeleteResult;

export default class ConnectedAppDelete extends SfCommand<ConnectedAppDeleteResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = deleteFlags(messages);

  public async run(): Promise<ConnectedAppDeleteResult> {
    const { flags } = await this.parse(ConnectedAppDelete);
    const org = flags['target-org'];
    return runDelete(this, org.getConnection(flags['api-version']), 'ConnectedApp', {
      name: flags.name,
      noPrompt: flags['no-prompt'],
      deleteSourceFiles: flags['delete-source-files'],
      orgName: org.getUsername() ?? org.getOrgId(),
    });
  }
}
