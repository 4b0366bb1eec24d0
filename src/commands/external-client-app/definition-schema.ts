import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { runDefinitionSchema, type DefinitionSchemaResult } from '../../cli/schemaRunner.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'external-client-app.definition-schema');

export type ExternalClientAppDefinitionSchemaResult = DefinitionSchemaResult;

export default class ExternalClientAppDefinitionSchema extends SfCommand<ExternalClientAppDefinitionSchemaResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'output-file': Flags.file({ summary: messages.getMessage('flags.output-file.summary') }),
  };

  public async run(): Promise<ExternalClientAppDefinitionSchemaResult> {
    const { flags } = await this.parse(ExternalClientAppDefinitionSchema);
    return runDefinitionSchema(this, flags['output-file']);
  }
}
