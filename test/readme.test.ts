/*
 * What the README tells a new user to type must exist for an installed plugin: no definition file points "$schema"
 * into node_modules (sf installs plugins outside the project), and the install section says how to install before
 * the package is published and that sf asks about an unsigned plugin.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = (title: string): string => readme.split(/^## /m).find((part) => part.startsWith(title)) ?? '';

describe('README', () => {
  it('never points "$schema" into node_modules; it names the command that writes the schema', () => {
    expect(readme).to.not.match(/"\$schema":\s*"\.\/node_modules/);
    expect(readme).to.include('"$schema": "./app-definition.schema.json"');
    expect(readme).to.include('definition-schema --output-file app-definition.schema.json');
  });

  it('says how to install before the package is published, and about the unsigned-plugin question', () => {
    const install = section('Install');
    expect(install).to.include('not published to npm yet');
    expect(install).to.include('npm pack').and.include('sf plugins install file:');
    expect(install).to.include("isn't signed by Salesforce").and.include('unsignedPluginAllowList.json');
  });
});
