/*
 * Reading a definition file from disk; what it means is definitionDocument's business.
 */
import { readFile } from 'node:fs/promises';
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
