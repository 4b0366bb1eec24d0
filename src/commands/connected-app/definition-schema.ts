import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { runDefinitionSchema, type DefinitionSchemaResult } from '../../cli/schemaRunner.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'connected-app.definition-schema');

export type ConnectedAppDefinitionSchemaResult = DefinitionSchemaResult;

export default class ConnectedAppDefinitionSchema extends SfCommand<ConnectedAppDefinitionSchemaResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'output-file': Flags.file({ summary: messages.getMessage('flags.output-file.summary') }),
  };

  public async run(): Promise<ConnectedAppDefinitionSchemaResult> {
    const { flags } = await this.parse(ConnectedAppDefinitionSchema);
    return runDefinitionSchema(this, flags['output-file']);
  }
}
