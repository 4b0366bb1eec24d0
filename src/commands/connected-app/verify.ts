import { SfCommand } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { verifyFlags } from '../../cli/verifyFlags.js';
import { runVerify, type VerifyResult } from '../../cli/verifyRunner.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'connected-app.verify');

export type ConnectedAppVerifyResult = VerifyResult;

export default class ConnectedAppVerify extends SfCommand<ConnectedAppVerifyResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = verifyFlags(messages);

  public async run(): Promise<ConnectedAppVerifyResult> {
    const { flags } = await this.parse(ConnectedAppVerify);
    return runVerify(this, 'ConnectedApp', flags);
  }
}
