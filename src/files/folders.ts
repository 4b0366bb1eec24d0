/*
 * Folders a create makes on the way to its files, so a failed create can take them away again: a blocked or
 * refused deploy must leave the project as it found it, without an empty connectedApps/ folder.
 */
import { access, rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';

const exists = async (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false
  );

/** The folders on the way to these files that do not exist yet, deepest first. */
export async function missingFolders(files: readonly string[]): Promise<string[]> {
  const missing = new Set<string>();
  for (const file of files) {
    for (let folder = dirname(file); folder !== dirname(folder); folder = dirname(folder)) {
      // eslint-disable-next-line no-await-in-loop
      if (missing.has(folder) || (await exists(folder))) break;
      missing.add(folder);
    }
  }
  return [...missing].sort((a, b) => b.length - a.length);
}

/** Removes each folder that is empty, deepest first; a folder that holds anything (someone else's file) stays. */
export async function removeEmptyFolders(folders: readonly string[]): Promise<void> {
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
    // eslint-disable-next-line no-await-in-loop
    await rmdir(folder).catch(() => undefined);
  }
}
