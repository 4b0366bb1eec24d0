// Shared by check-snapshot.js and check-schemas.js: the plugin's own commands as the compiled plugin (lib/) declares
// them, loaded the way the sf CLI loads them (oclif Config on the repo root, devPlugins such as plugin-help filtered out).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config } from '@oclif/core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** @returns {Promise<import('@oclif/core').Command.Loadable[]>} sorted by id */
export async function loadPluginCommands() {
  const pjson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const commandsDir = join(repoRoot, pjson.oclif?.commands ?? './lib/commands');
  if (!existsSync(commandsDir)) {
    const hasSources = existsSync(join(repoRoot, 'src', 'commands'));
    if (hasSources && !existsSync(join(repoRoot, 'lib'))) {
      throw new Error(`${commandsDir} is missing: run "npm run build" first`);
    }
    return [];
  }
  // NODE_ENV must not be development/test: oclif would then load src/*.ts instead of the compiled lib/.
  delete process.env.NODE_ENV;
  const config = await Config.load({ root: repoRoot, devPlugins: false, userPlugins: false });
  // The plugin's own list: config.commands would also hold one extra entry per alias.
  const plugin = config.plugins.get(pjson.name);
  const commands = [...(plugin?.commands ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  // oclif only warns about a command file that fails to import and then drops it: that must fail the checks, or a
  // broken build would pass them with fewer commands.
  const loaded = new Set(commands.map((c) => c.id));
  const missing = commandFileIds(commandsDir).filter((id) => !loaded.has(id));
  if (missing.length > 0) throw new Error(`command(s) failed to load from ${commandsDir}: ${missing.join(', ')}`);
  return commands;
}

function commandFileIds(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.js') && !file.endsWith('.test.js'))
    .map((file) => relative('.', file).replace(/\.js$/, '').split(sep).join(':'))
    .map((id) => id.replace(/:index$/, ''));
}

/** loadPluginCommands for the check scripts: a load failure is a plain message and exit code 1, not a stack. */
export async function loadPluginCommandsOrExit() {
  try {
    return await loadPluginCommands();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
