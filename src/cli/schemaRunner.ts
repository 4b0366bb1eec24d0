/*
 * What the definition-schema commands of both kinds do: print the JSON schema of definition files, or write it where
 * a project's definition files can point "$schema" at it (an installed plugin lives outside the project, so
 * ./node_modules/sf-plugin-oauth-apps/... does not exist there).
 */
import { relative, resolve, sep } from 'node:path';
import { Messages } from '@salesforce/core';
import { definitionSchema } from '../model/definitionSchema.js';
import { writeSchemaFile } from '../files/definitionFile.js';
import type { CommandOutput } from './output.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.definition-file');

/** What `definition-schema --json` returns: the schema, and where it was written. */
export type DefinitionSchemaResult = {
  /** The JSON schema (draft-07) of definition files. */
  schema: Record<string, unknown>;
  /** The file written with --output-file (absolute path). */
  outputFile?: string;
};

export async function runDefinitionSchema(
  command: Pick<CommandOutput, 'log'> & { jsonEnabled(): boolean },
  outputFile: string | undefined,
  cwd: string = process.cwd()
): Promise<DefinitionSchemaResult> {
  const schema = definitionSchema() as Record<string, unknown>;
  if (!outputFile) {
    if (!command.jsonEnabled()) command.log(JSON.stringify(schema, null, 2));
    return { schema };
  }
  const path = resolve(cwd, outputFile);
  await writeSchemaFile(path, schema);
  // The "$schema" value for a definition file in the current folder.
  const fromHere = relative(cwd, path).split(sep).join('/');
  command.log(messages.getMessage('info.schemaWritten', [path, fromHere.startsWith('.') ? fromHere : `./${fromHere}`]));
  return { schema, outputFile: path };
}
