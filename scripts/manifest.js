#!/usr/bin/env node
/*
 * Writes oclif.manifest.json for the compiled plugin (npm run build first): the cached description of every command,
 * so sf can list commands and show help without importing each command module. Used when packing (prepack) and by
 * the e2e harness for the staging dir it links, so tests and benchmarks run the plugin as users install it.
 *
 *   node scripts/manifest.js [outputDir]   (default: the repository root)
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? root);
const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, isRoot: true });
await plugin.load();
const count = Object.keys(plugin.manifest.commands).length;
if (count === 0) throw new Error('no commands found: run npm run build first');

/*
 * Help from the manifest, without importing the command: oclif imports a command for --help when any flag's default
 * is a function (hasDynamicHelp), which loads this plugin's own copies of core, sf-plugins-core and jsforce (about
 * 2.3x the CPU of `sf org login jwt --help`). Our only such flags are sf's --target-org and --api-version, whose help
 * shows no default, and --wait, whose default the manifest already holds as text: the help is the same either way
 * (test/e2e/help.e2e.ts checks every command's help with the real sf). A new flag with a computed default stops this
 * script, so its help can never silently lose what it computes.
 */
const STATIC_HELP_FLAGS = new Set(['target-org', 'api-version', 'wait']);
for (const command of plugin.commands) {
  const loaded = await command.load();
  const dynamic = Object.entries(loaded.flags ?? {})
    .filter(([, flag]) => typeof flag.default === 'function' || typeof flag.defaultHelp === 'function')
    .map(([name]) => name);
  const unknown = dynamic.filter((name) => !STATIC_HELP_FLAGS.has(name));
  if (unknown.length > 0) {
    throw new Error(`${command.id}: --${unknown.join(', --')} computes its default; decide whether its help needs the command loaded`);
  }
  plugin.manifest.commands[command.id].hasDynamicHelp = false;
}
await writeFile(join(outDir, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
process.stdout.write(`oclif.manifest.json: ${count} commands\n`);
