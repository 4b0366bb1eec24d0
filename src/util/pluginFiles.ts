/*
 * Files the plugin reads at run time, found the same way from the TypeScript sources (src/), from tsc's output and
 * from the bundle users install (lib/, see scripts/bundle.js), where a module's own path says nothing about where it
 * was written: the plugin's root is the nearest folder above with a package.json.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The folder that holds the plugin's package.json. */
export function pluginRoot(): string {
  if (root === undefined) {
    let dir = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(dir, 'package.json'))) {
      const up = dirname(dir);
      if (up === dir) throw new Error(`sf-plugin-oauth-apps: no package.json above ${fileURLToPath(import.meta.url)}`);
      dir = up;
    }
    root = dir;
  }
  return root;
}

/** A file the plugin ships (a path relative to its root, with /). */
export function pluginFile(path: string): string {
  return join(pluginRoot(), ...path.split('/'));
}

/**
 * The bundle's copy of a file a dependency ships (lib/vendor/<package>/<path>, see scripts/bundle.js), when this runs
 * from the bundle; run from the sources, undefined (the installed packages are used even if a bundle was built).
 */
export function bundledFile(packageName: string, path: string): string | undefined {
  if (!fileURLToPath(import.meta.url).startsWith(join(pluginRoot(), 'lib') + sep)) return undefined;
  const copy = vendorFile(`${packageName}/${path}`);
  return existsSync(copy) ? copy : undefined;
}

/** Where the bundle keeps a file under lib/vendor/ (a path with /); the bundled dependencies are pointed there. */
export function vendorFile(path: string): string {
  return join(pluginRoot(), 'lib', 'vendor', ...path.split('/'));
}

/**
 * A file a dependency ships: the bundle's copy, else the installed package's. Only for packages without an "exports"
 * map that would hide the file.
 */
export function dependencyFile(packageName: string, path: string): string {
  return bundledFile(packageName, path) ?? createRequire(import.meta.url).resolve(`${packageName}/${path}`);
}
