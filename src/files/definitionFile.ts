/*
 * Reading a definition file from disk (what it means is definitionDocument's business), and writing the schema
 * that editors check definition files with.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Messages } from '@salesforce/core';
import type { AppSettings } from '../model/appSettings.js';
import { parseDefinitionDocument } from '../model/definitionDocument.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.definition-file');

export async function loadDefinitionFile(file: string): Promise<{ settings: AppSettings; warnings: string[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw messages.createError('error.DefinitionFileUnreadable', [file, (error as Error).message]);
  }
  let document: unknown;
  try {
    // A BOM (Windows editors) is not JSON.
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw messages.createError('error.DefinitionFileNotJson', [file, (error as Error).message]);
  }
  return parseDefinitionDocument(document, file);
}

/**
 * Writes the definition file schema where a project can point "$schema" at it. A file already there is replaced
 * only when it is this schema (an older copy); anything else is kept.
 */
export async function writeSchemaFile(path: string, schema: { $id?: string }): Promise<void> {
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing !== undefined) {
    let id: unknown;
    try {
      id = (JSON.parse(existing) as { $id?: unknown }).$id;
    } catch {
      id = undefined;
    }
    if (id !== schema.$id) throw messages.createError('error.SchemaFileExists', [path]);
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(schema, null, 2)}\n`);
}
