import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { bundledFile, dependencyFile, pluginFile, pluginRoot, vendorFile } from '../../src/util/pluginFiles.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('pluginFiles', () => {
  it('finds the plugin root from the sources: the folder with package.json', () => {
    expect(pluginRoot()).to.equal(repoRoot);
    expect(JSON.parse(readFileSync(join(pluginRoot(), 'package.json'), 'utf8'))).to.have.property('name', 'sf-plugin-oauth-apps');
  });

  it('gives the path of a file the plugin ships', () => {
    expect(pluginFile('schemas/app-definition.schema.json')).to.equal(join(repoRoot, 'schemas', 'app-definition.schema.json'));
    expect(existsSync(pluginFile('schemas/app-definition.schema.json'))).to.equal(true);
  });

  it("run from the sources, uses the installed dependency's file even when a bundle was built", () => {
    expect(bundledFile('@salesforce/source-deploy-retrieve', 'lib/src/registry/metadataRegistry.json')).to.equal(undefined);
    const file = dependencyFile('@salesforce/source-deploy-retrieve', 'lib/src/registry/metadataRegistry.json');
    expect(file).to.include(`${sep}node_modules${sep}@salesforce${sep}source-deploy-retrieve${sep}`);
    expect(existsSync(file)).to.equal(true);
  });

  it("names where the bundle keeps a dependency's file: lib/vendor/<package>/<path>", () => {
    expect(vendorFile('@salesforce/sf-plugins-core/messages/messages.md')).to.equal(
      join(repoRoot, 'lib', 'vendor', '@salesforce', 'sf-plugins-core', 'messages', 'messages.md')
    );
  });
});
