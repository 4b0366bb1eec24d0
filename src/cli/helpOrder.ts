/*
 * The init hook that lays out this plugin's --help the way a user fills a command in: sf sorts every command's flags
 * alphabetically, short flags first, and orders the flag groups by their first flag in that sort, so create's help
 * opened with LOGIN FLAGS and put ASSET TOKEN FLAGS before OAUTH FLAGS. For the help of this plugin's own commands
 * only (nothing else, and only when help is asked for), flags keep the order the commands define (App, OAuth, OAuth
 * Flows, ID Token, Asset Token, Certificate, Login, Definition), with the global flags last.
 */
import type { Hook } from '@oclif/core';

const PLUGIN = 'sf-plugin-oauth-apps';
const HELP_FLAGS = new Set(['--help', '-h']);
const GLOBAL_FLAGS = ['flags-dir', 'json'];

// oclif awaits hooks; this one has nothing to wait for.
// eslint-disable-next-line @typescript-eslint/require-await
const hook: Hook.Init = async function ({ id, argv, config }) {
  // (`sf help <command>` passes help options of its own, so it keeps sf's alphabetical order.)
  if (!id || !argv.some((arg) => HELP_FLAGS.has(arg))) return;
  const command = config.findCommand(id);
  if (command?.pluginName !== PLUGIN) return;
  // The help options sf's help reads next; changed for this run of this command's help only.
  // eslint-disable-next-line no-param-reassign
  config.pjson.oclif.helpOptions = { ...config.pjson.oclif.helpOptions, flagSortOrder: 'none' } as typeof config.pjson.oclif.helpOptions;
  const flags = Object.entries(command.flags);
  command.flags = Object.fromEntries([
    ...flags.filter(([name]) => !GLOBAL_FLAGS.includes(name)),
    ...flags.filter(([name]) => GLOBAL_FLAGS.includes(name)),
  ]);
};

export default hook;
