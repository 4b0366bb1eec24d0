import { SfCommand } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { deleteFlags } from '../../cli/verbFlags.js';
import { runDelete, type AppDeleteResult } from '../../cli/deleteRunner.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'external-client-app.delete');

export type ExternalClientAppDeleteResult = AppDeleteResult;

export default class ExternalClientAppDelete extends SfCommand<ExternalClientAppDeleteResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = deleteFlags(messages);

  public async run(): Promise<ExternalClientAppDeleteResult> {
    const { flags } = await this.parse(ExternalClientAppDelete);
    const org = flags['target-org'];
    return runDelete(this, org.getConnection(flags['api-version']), 'ExternalClientApplication', {
      name: flags.name,
      noPrompt: flags['no-prompt'],
      deleteSourceFiles: flags['delete-source-files'],
      orgName: org.getUsername() ?? org.getOrgId(),
    });
  }
}
