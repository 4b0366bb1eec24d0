import { SfCommand } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { rotateCertificateFlags } from '../../cli/rotateFlags.js';
import { runRotateCertificate } from '../../cli/rotateRunner.js';
import type { RotateCertificateResult } from '../../verbs/rotateCertificate.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'connected-app.rotate-certificate');

export type ConnectedAppRotateCertificateResult = RotateCertificateResult;

export default class ConnectedAppRotateCertificate extends SfCommand<ConnectedAppRotateCertificateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = { ...rotateCertificateFlags() };

  public async run(): Promise<ConnectedAppRotateCertificateResult> {
    const { flags } = await this.parse(ConnectedAppRotateCertificate);
    return runRotateCertificate(this, 'ConnectedApp', flags);
  }
}
