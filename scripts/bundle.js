#!/usr/bin/env node
/*
 * Turns the compiled plugin (lib/, from tsc) into the bundle users install: every command and hook with everything it
 * imports, in a few files under lib/, plus lib/vendor/ with the few files dependencies read at run time. Run by
 * `npm run build` after tsc.
 *
 * Why: an installed plugin has its own node_modules, so each command loaded its own copies of @salesforce/core,
 * sf-plugins-core, @oclif/core and jsforce, about 1,100 CommonJS files, before its first request: importing `connected-app
 * create` cost 0.60 s of CPU against 0.29 s bundled. The packed package then needs no dependencies at all
 * (scripts/pack-package-json.js drops them), so `sf plugins install` has nothing to download but the tarball.
 *
 * What a bundle changes, and how each is kept working:
 * - Code that finds files next to itself (import.meta.url, __dirname, __filename) would look next to the bundle. In
 *   modules from node_modules those are replaced by the path the module would have under lib/vendor/<package>/, where
 *   the files it reads are copied: each such package's package.json (name, version, type) and messages/ (so
 *   sf-plugins-core finds its messages the way core's Messages does: up to package.json, then messages/), and the
 *   files listed in VENDOR_FILES. test/e2e/packed.e2e.ts installs the packed bundle and runs what reads them.
 * - pino starts its log writer in a worker thread from files next to pino. The bundled pino and thread-stream get the
 *   paths of bundled copies of those workers (lib/vendor/workers/), instead of reading globalThis.__bundlerPathsOverrides,
 *   which sf's own unbundled pino reads too. Only used when the plugin cannot share sf's root logger
 *   (src/cli/sharedLogger.ts).
 * - The plugin's own code finds its files with src/util/pluginFiles.ts, which works from src/, from tsc's lib/ and from
 *   the bundle.
 * - CommonJS modules call require() for Node's built-in modules: every output file defines require (createRequire).
 * - import() of a CommonJS module gives named exports in Node, only `default` from a split esbuild chunk: such
 *   imports get a stand-in module that names each export.
 * - Class and function names are kept (keepNames): sf shows a command's class name as an error's context.
 * - lib/ must be tsc's output: a bundle given to this script again would wrap every module twice (it refuses).
 *
 *   node scripts/bundle.js
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'lib');
const out = join(root, 'lib.bundle');
const PATHS_MODULE = 'sf-plugin-oauth-apps:bundle-paths';

/** Files dependencies read at run time, beside package.json and messages/: [package, path inside it]. */
const VENDOR_FILES = [
  // src/metadata/registry.ts: where each metadata type lives in a project
  ['@salesforce/source-deploy-retrieve', 'lib/src/registry/metadataRegistry.json'],
  // open (create --login web opens the browser with it): its own xdg-open, used when the system has none
  ['open', 'xdg-open'],
];

/** pino's worker-thread entry points, bundled each on its own: [key pino and thread-stream look up, package, file]. */
const WORKERS = [
  ['pino-worker', 'pino', 'lib/worker.js'],
  ['thread-stream-worker', 'thread-stream', 'lib/worker.js'],
  ['pino/file', 'pino', 'file.js'],
  // core's log pipeline target: path.join('..', '..', 'lib', 'logger', 'transformStream'), relative to core's logger
  ['transformStream', '@salesforce/core', 'lib/logger/transformStream.js'],
  // core's target instead of the log file when DEBUG is set
  ['pino-pretty', 'pino-pretty', 'index.js'],
];

/** The package a file in node_modules belongs to, as its path below the first node_modules, and the rest. */
function packageOf(file) {
  const parts = relative(root, file).split(sep);
  const first = parts.indexOf('node_modules');
  if (first < 0) return undefined;
  let i = first + 1;
  const segments = [];
  for (;;) {
    const name = parts[i].startsWith('@') ? `${parts[i]}/${parts[i + 1]}` : parts[i];
    segments.push(name);
    i += name.split('/').length;
    if (parts[i] !== 'node_modules') break;
    i += 1;
  }
  const dir = join(root, ...parts.slice(0, i));
  return { dir, vendorPath: segments.join('/node_modules/'), rest: parts.slice(i).join('/') };
}

const vendored = new Map(); // package dir -> its path under lib/vendor
const findsItself = /\bimport\.meta\.url\b|\b__dirname\b|\b__filename\b/;

/** Gives modules from node_modules the paths they would have under lib/vendor/, and pino its bundled workers. */
const vendorPaths = {
  name: 'vendor-paths',
  setup(b) {
    b.onResolve({ filter: /^sf-plugin-oauth-apps:bundle-paths$/ }, () => ({ path: PATHS_MODULE, namespace: 'bundle-paths' }));
    b.onLoad({ filter: /.*/, namespace: 'bundle-paths' }, () => ({ contents: pathsModule(), loader: 'js', resolveDir: root }));
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'absent' }));
    b.onLoad({ filter: /.*/, namespace: 'absent' }, () => ({ contents: 'export default {};', loader: 'js' }));
    // import() of a CommonJS module: Node gives its exports as named exports, esbuild's split chunk only `default`.
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.namespace !== 'file' || args.path.startsWith('node:')) return undefined;
      const target = await b.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir, importer: args.importer });
      if (target.errors.length > 0 || target.external || !(await isCommonJs(target.path))) return undefined;
      return { path: target.path, namespace: 'cjs-import' };
    });
    b.onLoad({ filter: /.*/, namespace: 'cjs-import' }, (args) => {
      const names = Object.keys(createRequire(args.path)(args.path)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
      const source = JSON.stringify(args.path);
      return {
        contents: `import * as ns from ${source};\nimport cjs from ${source};\nexport default cjs;\n${names.map((name) => `export const ${name} = ns.${name};`).join('\n')}\n`,
        loader: 'js',
        resolveDir: dirname(args.path),
      };
    });
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.(c|m)?js$/ }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      const pkg = packageOf(args.path);
      if (!pkg) return undefined;
      if (/[\\/]pino[\\/]lib[\\/]transport\.js$|[\\/]thread-stream[\\/]index\.js$/.test(args.path)) {
        const lookup = "'__bundlerPathsOverrides' in globalThis ? globalThis.__bundlerPathsOverrides : {}";
        if (!text.includes(lookup)) throw new Error(`${args.path}: pino's worker path lookup changed; update scripts/bundle.js`);
        text = text.replace(lookup, '__oauthAppsWorkers()');
        text = `var { workerPaths: __oauthAppsWorkers } = require(${JSON.stringify(PATHS_MODULE)});\n${text}`;
      }
      if (!findsItself.test(text)) return { contents: text, loader: 'js' };
      vendored.set(pkg.dir, pkg.vendorPath);
      const file = JSON.stringify(`${pkg.vendorPath}/${pkg.rest}`);
      // ES module or CommonJS as Node decides it (extension, then the nearest package.json's "type"), not by the text:
      // core's CommonJS messages.js mentions import.meta.url in a comment.
      if (!(await isCommonJs(args.path))) {
        text = text.replace(/\bimport\.meta\.url\b/g, '__oauthAppsMetaUrl');
        return {
          contents: `import { vendorUrl as __oauthAppsVendorUrl } from ${JSON.stringify(PATHS_MODULE)};\nconst __oauthAppsMetaUrl = __oauthAppsVendorUrl(${file});\n${text}`,
          loader: 'js',
        };
      }
      if (/\b(const|let)\s+(__dirname|__filename)\b/.test(text)) {
        throw new Error(`${args.path} declares __dirname or __filename itself; scripts/bundle.js does not handle that yet`);
      }
      return {
        contents: `var { vendorFile: __oauthAppsVendorFile } = require(${JSON.stringify(PATHS_MODULE)}); var __filename = __oauthAppsVendorFile(${file}); var __dirname = require('node:path').dirname(__filename);\n${text}`,
        loader: 'js',
      };
    });
  },
};

/** Whether Node loads a file as CommonJS: .cjs, or .js in a package whose package.json does not say "module". */
async function isCommonJs(file) {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).type !== 'module';
  }
  return true;
}

/** The module every rewritten one asks for its paths, from the plugin's own pluginFiles (src/util/pluginFiles.ts). */
function pathsModule() {
  const workers = Object.fromEntries(WORKERS.map(([key]) => [key, `workers/${key.replace(/\W/g, '-')}.cjs`]));
  return `
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { vendorFile } from ${JSON.stringify(join(lib, 'util', 'pluginFiles.js'))};
export { vendorFile };
export const vendorUrl = (path) => pathToFileURL(vendorFile(path)).href;
const workers = ${JSON.stringify(workers)};
export function workerPaths() {
  const paths = {};
  for (const [key, file] of Object.entries(workers)) paths[key === 'transformStream' ? join('..', '..', 'lib', 'logger', 'transformStream') : key] = vendorFile(file);
  return paths;
}
`;
}

async function entryPoints() {
  const entries = [];
  const walk = async (dir) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.js')) entries.push(path);
    }
  };
  await walk(join(lib, 'commands'));
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  for (const hooks of Object.values(pkg.oclif.hooks ?? {})) {
    for (const hook of [hooks].flat()) entries.push(join(root, `${hook}.js`));
  }
  return entries;
}

// keepNames: class and function names stay what they are in the sources (sf shows a command's class name as the error's
// context, and oclif and core look at constructor names).
const common = { bundle: true, platform: 'node', target: 'node22', logLevel: 'warning', legalComments: 'none', keepNames: true };

/** Copies what the rewritten packages read at run time into lib/vendor/: package.json, messages/ and VENDOR_FILES. */
async function writeVendor() {
  const vendor = join(out, 'vendor');
  const byPackage = new Map([...vendored].map(([dir, path]) => [path, dir]));
  for (const [pkgName, file] of VENDOR_FILES) {
    const dir = join(root, 'node_modules', pkgName);
    byPackage.set(pkgName, dir);
    await mkdir(dirname(join(vendor, pkgName, file)), { recursive: true });
    await cp(join(dir, file), join(vendor, pkgName, file));
  }
  byPackage.set('@salesforce/core', join(root, 'node_modules', '@salesforce/core')); // sharedLogger reads its version
  for (const [path, dir] of byPackage) {
    const { name, version, type } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    await mkdir(join(vendor, path), { recursive: true });
    await writeFile(join(vendor, path, 'package.json'), `${JSON.stringify({ name, version, type }, null, 2)}\n`);
    if (existsSync(join(dir, 'messages'))) await cp(join(dir, 'messages'), join(vendor, path, 'messages'), { recursive: true });
  }
}

if (!existsSync(join(lib, 'commands'))) throw new Error('lib/commands does not exist: run tsc first (npm run build)');
// A bundle is never the input of another: that would wrap every module twice.
if (existsSync(join(lib, 'vendor'))) throw new Error('lib/ is already the bundle: run npm run build (tsc, then this)');
await rm(out, { recursive: true, force: true });
const bundled = await build({
  ...common,
  entryPoints: await entryPoints(),
  outbase: lib,
  outdir: out,
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: "import { createRequire as __oauthAppsCreateRequire } from 'node:module'; const require = __oauthAppsCreateRequire(import.meta.url);" },
  // oclif reads tsconfig.json with TypeScript only for linked plugins that have one; the plugin's bundled oclif loads
  // no plugins at all (sf's own oclif does), so this require is never reached and 10 MB of compiler stay out.
  external: ['typescript'],
  plugins: [vendorPaths],
  metafile: true,
});
if (process.env.BUNDLE_META) await writeFile(process.env.BUNDLE_META, JSON.stringify(bundled.metafile));
await build({
  ...common,
  entryPoints: Object.fromEntries(WORKERS.map(([key, pkgName, file]) => [`workers/${key.replace(/\W/g, '-')}`, join(root, 'node_modules', pkgName, file)])),
  outdir: join(out, 'vendor'),
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
});
await writeVendor();
await rm(lib, { recursive: true, force: true });
await rename(out, lib);
