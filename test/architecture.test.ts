/*
 * The shape of src/ as the README's Architecture section states it, checked on the code: folders import only the
 * folders below them, only the CLI layer and the commands import oclif or sf-plugins-core, no module imports
 * itself back through others, and no module grows past 400 lines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
/** Bottom to top; `files` and `org` are siblings. */
const LAYERS: Record<string, string[]> = {
  util: [],
  model: ['util'],
  metadata: ['model', 'util'],
  files: ['metadata', 'model', 'util'],
  org: ['metadata', 'model', 'util'],
  login: ['util'],
  verbs: ['files', 'org', 'login', 'metadata', 'model', 'util'],
  cli: ['verbs', 'files', 'org', 'login', 'metadata', 'model', 'util'],
  commands: ['cli', 'verbs', 'model'],
};

const files = (readdirSync(SRC, { recursive: true }) as string[])
  .filter((file) => file.endsWith('.ts'))
  .map((file) => join(SRC, file));
const folderOf = (file: string): string => relative(SRC, file).split(/[\\/]/)[0];
const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1]);
const localImports = (file: string): string[] =>
  importsOf(file)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(dirname(file), spec).replace(/\.js$/, '.ts'));

describe('architecture', () => {
  it('every folder of src/ is a known layer', () => {
    expect([...new Set(files.map(folderOf))].sort()).to.deep.equal(Object.keys(LAYERS).sort());
  });

  it('each folder imports only the folders below it', () => {
    const wrong = files.flatMap((file) =>
      localImports(file)
        .filter((target) => folderOf(target) !== folderOf(file) && !LAYERS[folderOf(file)].includes(folderOf(target)))
        .map((target) => `${relative(SRC, file)} -> ${relative(SRC, target)}`)
    );
    expect(wrong).to.deep.equal([]);
  });

  it('only the commands and the CLI layer import oclif or sf-plugins-core', () => {
    const wrong = files
      .filter((file) => !['cli', 'commands'].includes(folderOf(file)))
      .filter((file) => importsOf(file).some((spec) => /^@oclif\/|^@salesforce\/sf-plugins-core/.test(spec)))
      .map((file) => relative(SRC, file));
    expect(wrong).to.deep.equal([]);
  });

  it('has no import cycle', () => {
    const graph = new Map(files.map((file) => [file, localImports(file)]));
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    files.forEach((file) => visit(file, []));
    expect(cycles).to.deep.equal([]);
  });

  it('no module is over 400 lines', () => {
    const long = files
      .map((file) => ({ file: relative(SRC, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 400);
    expect(long).to.deep.equal([]);
  });
});
