import { SfCommand } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { consumerRotationFlags, rotateCertificateFlags } from '../../cli/rotateFlags.js';
import { runRotateCertificate } from '../../cli/rotateRunner.js';
import type { RotateCertificateResult } from '../../verbs/rotateCertificate.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'external-client-app.rotate-certificate');

export type ExternalClientAppRotateCertificateResult = RotateCertificateResult;

export default class ExternalClientAppRotateCertificate extends SfCommand<ExternalClientAppRotateCertificateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = { ...rotateCertificateFlags(), ...consumerRotationFlags() };

  public async run(): Promise<ExternalClientAppRotateCertificateResult> {
    const { flags } = await this.parse(ExternalClientAppRotateCertificate);
    return runRotateCertificate(this, 'ExternalClientApplication', flags);
  }
}
