import { SfCommand } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { createFlags } from '../../cli/createFlags.js';
import { KIND_RULES } from '../../model/kindRules.js';
import type { CreateAppResult } from '../../verbs/create/createApp.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'connected-app.create');

export type ConnectedAppCreateResult = CreateAppResult;

export default class ConnectedAppCreate extends SfCommand<ConnectedAppCreateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  // --wait defaults to the kind's propagation time (docs/salesforce-facts.md#f-propagation-delay).
  public static readonly flags = createFlags('ConnectedApp', KIND_RULES.ConnectedApp.propagationMinutes);

  public async run(): Promise<ConnectedAppCreateResult> {
    const { flags } = await this.parse(ConnectedAppCreate);
    // The create flow (XML, zip, certificate and login libraries) loads only when the command runs, not for --help.
    const { runCreate } = await import('../../cli/createRunner.js');
    return runCreate(this, 'ConnectedApp', flags, this.argv);
  }
}
