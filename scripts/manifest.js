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
await writeFile(join(outDir, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
process.stdout.write(`oclif.manifest.json: ${count} commands\n`);
