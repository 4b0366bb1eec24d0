/*
 * Source files for new components, placed where `sf project retrieve start` puts a component new to the project:
 * `<packageDir>/main/default/<directoryName>/<fullName>.<suffix>-meta.xml` (SDR's DEFAULT_PACKAGE_ROOT_SFDX). A
 * component already somewhere else in the package directory is found there, as SDR would merge into it.
 * Consumer keys and secrets never reach a source file (docs/salesforce-facts.md#f-source-credentials).
 */
import { mkdir, readdir, writeFile, access } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import type { MetadataComponent } from '../model/appModel.js';
import { toSourceXml } from '../metadata/xml.js';
import { metadataTypeInfo } from '../metadata/registry.js';
import { withoutCredentials } from '../metadata/credentialElements.js';
import { appKindInfo } from '../metadata/appKinds.js';
import type { AppKind } from '../model/appModel.js';
import { resolveProjectContext } from './project.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.files');

export function sourceFilePath(component: Pick<MetadataComponent, 'type' | 'fullName'>, packageDir: string): string {
  const info = metadataTypeInfo(component.type);
  return join(resolve(packageDir), 'main', 'default', info.directoryName, `${component.fullName}.${info.suffix}-meta.xml`);
}

const exists = async (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false
  );

/** Every `*-meta.xml` under the folder, by file name (first found wins); skips dot folders and node_modules. */
async function indexMetaFiles(root: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    await Promise.all(
      entries.map(async (entry) => {
        if (entry.isDirectory()) {
          if (!entry.name.startsWith('.') && entry.name !== 'node_modules') await walk(join(dir, entry.name));
        } else if (entry.name.endsWith('-meta.xml') && !found.has(entry.name)) {
          found.set(entry.name, join(dir, entry.name));
        }
      })
    );
  };
  await walk(root);
  return found;
}

export type PlannedSourceFile = {
  component: MetadataComponent;
  path: string;
  /** The file's text: the component without secrets. */
  xml: string;
  /** True when the file exists and will be replaced (only with overwrite). */
  replaces: boolean;
};

export type SourceFilePlan = { files: PlannedSourceFile[] };

/** Source files of these components that already exist in the package directory (default place or elsewhere). */
export async function existingSourceFiles(components: readonly MetadataComponent[], packageDir: string): Promise<string[]> {
  const index = await indexMetaFiles(resolve(packageDir));
  const paths = await Promise.all(components.map((component) => locate(component, packageDir, index)));
  return paths.filter((entry) => entry.exists).map((entry) => entry.path);
}

async function locate(
  component: MetadataComponent,
  packageDir: string,
  index: Map<string, string>
): Promise<{ path: string; exists: boolean }> {
  const defaultPath = sourceFilePath(component, packageDir);
  if (await exists(defaultPath)) return { path: defaultPath, exists: true };
  const info = metadataTypeInfo(component.type);
  const elsewhere = index.get(`${component.fullName}.${info.suffix}-meta.xml`);
  return elsewhere ? { path: elsewhere, exists: true } : { path: defaultPath, exists: false };
}

/**
 * Decides every path and checks them all before anything is written. Without overwrite, an existing file is an
 * error (error.SourceFileExists names the files and the flag).
 */
export async function planSourceFiles(
  components: readonly MetadataComponent[],
  packageDir: string,
  options: { overwrite?: boolean } = {}
): Promise<SourceFilePlan> {
  const index = await indexMetaFiles(resolve(packageDir));
  const located = await Promise.all(components.map((component) => locate(component, packageDir, index)));
  const clashes = located.filter((entry) => entry.exists).map((entry) => entry.path);
  if (clashes.length > 0 && !options.overwrite) {
    throw messages.createError('error.SourceFileExists', [clashes.join(', ')]);
  }
  return {
    files: components.map((component, i) => {
      const clean = withoutCredentials(component);
      return { component: clean, path: located[i].path, xml: toSourceXml(clean), replaces: located[i].exists };
    }),
  };
}

/**
 * Writes the planned files (or plans then writes, given components and a package directory). Returns the paths.
 */
export async function writeSourceFiles(plan: SourceFilePlan): Promise<string[]>;
export async function writeSourceFiles(
  components: readonly MetadataComponent[],
  packageDir: string,
  options?: { overwrite?: boolean }
): Promise<string[]>;
export async function writeSourceFiles(
  planOrComponents: SourceFilePlan | readonly MetadataComponent[],
  packageDir?: string,
  options: { overwrite?: boolean } = {}
): Promise<string[]> {
  const plan = Array.isArray(planOrComponents)
    ? await planSourceFiles(planOrComponents, packageDir!, options)
    : (planOrComponents as SourceFilePlan);
  for (const file of plan.files) {
    // eslint-disable-next-line no-await-in-loop
    await mkdir(dirname(file.path), { recursive: true });
    // 'wx' refuses to replace a file that appeared after planning.
    // eslint-disable-next-line no-await-in-loop
    await writeFile(file.path, file.xml, { encoding: 'utf8', flag: file.replaces ? 'w' : 'wx' });
  }
  return plan.files.map((file) => file.path);
}

export type ComponentRef = { type: string; fullName: string };

/**
 * The project's source files for the components: `<folder>/<fullName>.<suffix>-meta.xml` anywhere in a package
 * directory (SDR puts new files under main/default, but projects arrange folders as they like). Also the files of the
 * names this plugin would have written, so a component already gone from the org does not leave its file behind.
 */
export async function findSourceFiles(
  components: ComponentRef[],
  cwd: string,
  kind: AppKind,
  appName: string
): Promise<string[]> {
  const project = await resolveProjectContext(cwd);
  if (!project.projectRoot) throw messages.createError('error.NotInProject');
  const info = appKindInfo(kind);
  const wanted = new Map<string, string>();
  const add = (type: string, fullName: string): void => {
    const typeInfo = metadataTypeInfo(type);
    wanted.set(`${typeInfo.directoryName}/${fullName}.${typeInfo.suffix}-meta.xml`, type);
  };
  components.forEach((c) => add(c.type, c.fullName));
  for (const type of info.componentTypes) {
    if (type === info.headerType) add(type, appName);
    else info.satelliteNames(appName, type).slice(0, 1).forEach((fullName) => add(type, fullName));
  }
  const found: string[] = [];
  for (const packageDir of project.packageDirectories) {
    // eslint-disable-next-line no-await-in-loop
    const entries = await readdir(packageDir, { recursive: true }).catch(() => [] as string[]);
    for (const entry of entries) {
      const relative = String(entry);
      if (relative.split(/[\\/]/).includes('node_modules')) continue;
      const key = `${basename(dirname(relative))}/${basename(relative)}`;
      if (wanted.has(key)) found.push(join(packageDir, relative));
    }
  }
  return [...new Set(found)].sort();
}
