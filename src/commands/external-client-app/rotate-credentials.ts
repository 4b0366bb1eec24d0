import { SfCommand } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { rotateCredentialsFlags } from '../../cli/rotateFlags.js';
import { runRotateCredentials } from '../../cli/rotateCredentialsRunner.js';
import type { RotateCredentialsResult } from '../../verbs/rotateCredentials.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'external-client-app.rotate-credentials');

export type ExternalClientAppRotateCredentialsResult = RotateCredentialsResult;

export default class ExternalClientAppRotateCredentials extends SfCommand<ExternalClientAppRotateCredentialsResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = rotateCredentialsFlags();

  public async run(): Promise<ExternalClientAppRotateCredentialsResult> {
    const { flags } = await this.parse(ExternalClientAppRotateCredentials);
    return runRotateCredentials(this, flags);
  }
}
