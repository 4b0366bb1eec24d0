/*
 * Where each metadata type lives in a project: its folder and file suffix, from source-deploy-retrieve's registry, so
 * our files are where `sf project retrieve start` would put them.
 */
import { readFileSync } from 'node:fs';
import { Messages } from '@salesforce/core';
import { dependencyFile } from '../util/pluginFiles.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.files');

export type MetadataTypeInfo = { name: string; directoryName: string; suffix: string };

type Registry = { types: Record<string, { name: string; directoryName: string; suffix?: string }> };
let registry: Registry | undefined;

/*
 * Only SDR's registry JSON is read (about 2 ms), not SDR itself (hundreds of ms), and only when a path is needed: the
 * bundle's copy of it, or the installed package's (it has no "exports" map, so the file is reachable by path).
 */
function loadRegistry(): Registry {
  registry ??= JSON.parse(
    readFileSync(dependencyFile('@salesforce/source-deploy-retrieve', 'lib/src/registry/metadataRegistry.json'), 'utf8')
  ) as Registry;
  return registry;
}

/** Folder and suffix of a metadata type, from source-deploy-retrieve's registry. */
export function metadataTypeInfo(type: string): MetadataTypeInfo {
  const entry = loadRegistry().types[type.toLowerCase()];
  if (!entry?.suffix) throw messages.createError('error.UnknownMetadataType', [type]);
  return { name: entry.name, directoryName: entry.directoryName, suffix: entry.suffix };
}

/** Where a new component's source file goes. */
