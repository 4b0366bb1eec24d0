import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  existingSourceFiles,
  planSourceFiles,
  sourceFilePath,
  writeSourceFiles,
} from '../../src/files/sourceFiles.js';
import { metadataTypeInfo } from '../../src/metadata/registry.js';
import { withoutCredentials } from '../../src/metadata/credentialElements.js';
import { buildConnectedApp } from '../../src/metadata/connectedApp.js';
import { buildExternalClientApp } from '../../src/metadata/externalClientApp.js';
import { parseSourceXml } from '../../src/metadata/xml.js';
import { fullDefinition } from './appFixtures.js';

describe('sourceFiles', () => {
  let dir: string;
  let packageDir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oauth-apps-source-'));
    packageDir = join(dir, 'force-app');
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it("takes folders and suffixes from source-deploy-retrieve's registry", () => {
    expect(metadataTypeInfo('ConnectedApp')).to.deep.equal({
      name: 'ConnectedApp',
      directoryName: 'connectedApps',
      suffix: 'connectedApp',
    });
    expect(metadataTypeInfo('ExtlClntAppGlobalOauthSettings')).to.include({
      directoryName: 'extlClntAppGlobalOauthSets',
      suffix: 'ecaGlblOauth',
    });
    expect(metadataTypeInfo('ExtlClntAppConfigurablePolicies').suffix).to.equal('ecaPlcy');
    expect(() => metadataTypeInfo('NoSuchType')).to.throw(/NoSuchType/);
  });

  it('places new components where sf project retrieve start does: <packageDir>/main/default/<folder>/', () => {
    expect(sourceFilePath({ type: 'ConnectedApp', fullName: 'CI_App' }, packageDir)).to.equal(
      join(packageDir, 'main', 'default', 'connectedApps', 'CI_App.connectedApp-meta.xml')
    );
    expect(sourceFilePath({ type: 'ExtlClntAppOauthConfigurablePolicies', fullName: 'A_oauthPlcy' }, packageDir)).to.equal(
      join(packageDir, 'main', 'default', 'extlClntAppOauthPolicies', 'A_oauthPlcy.ecaOauthPlcy-meta.xml')
    );
  });

  it('writes the ECA set without the consumer key or secret and returns the paths', async () => {
    const components = buildExternalClientApp(fullDefinition());
    const paths = await writeSourceFiles(components, packageDir);
    expect(paths).to.have.length(5);
    expect(paths[1]).to.equal(
      join(packageDir, 'main', 'default', 'extlClntAppGlobalOauthSets', 'Full_App_glbl.ecaGlblOauth-meta.xml')
    );
    const global = await readFile(paths[1], 'utf8');
    expect(global).not.to.include('consumerSecret');
    expect(global).not.to.include('SecretValue123456');
    expect(parseSourceXml(global).content).not.to.have.property('consumerKey');
    // The caller's component still has its key and secret for the deploy.
    expect(components[1].content.consumerKey).to.equal('00012345678');
    expect(components[1].content.consumerSecret).to.equal('SecretValue123456');
  });

  it('refuses to overwrite an existing file, naming it and the flag, before writing anything', async () => {
    const components = buildExternalClientApp(fullDefinition());
    const existing = sourceFilePath(components[2], packageDir);
    await mkdir(join(existing, '..'), { recursive: true });
    await writeFile(existing, 'mine');
    try {
      await planSourceFiles(components, packageDir);
      expect.fail('should throw');
    } catch (error) {
      const err = error as Error & { actions?: string[] };
      expect(err.name).to.equal('SourceFileExistsError');
      expect(err.message).to.include(existing);
      expect(err.actions?.join(' ')).to.include('--overwrite');
    }
    expect(await existingSourceFiles(components, packageDir)).to.deep.equal([existing]);
    // Nothing else was written.
    expect(await readFile(sourceFilePath(components[0], packageDir), 'utf8').catch(() => 'absent')).to.equal('absent');
    expect(await readFile(existing, 'utf8')).to.equal('mine');
  });

  it('overwrites when asked', async () => {
    const component = buildConnectedApp(fullDefinition());
    await writeSourceFiles([component], packageDir);
    const changed = { ...component, content: { ...component.content, label: 'Changed' } };
    await writeSourceFiles([changed], packageDir, { overwrite: true });
    const text = await readFile(sourceFilePath(component, packageDir), 'utf8');
    expect(parseSourceXml(text).content.label).to.equal('Changed');
  });

  it('finds a component already elsewhere in the package directory and replaces it there', async () => {
    const component = buildConnectedApp(fullDefinition());
    const elsewhere = join(packageDir, 'apps', 'connectedApps', 'Full_App.connectedApp-meta.xml');
    await mkdir(join(elsewhere, '..'), { recursive: true });
    await writeFile(elsewhere, 'old');
    expect(await existingSourceFiles([component], packageDir)).to.deep.equal([elsewhere]);
    const plan = await planSourceFiles([component], packageDir, { overwrite: true });
    expect(plan.files[0]).to.include({ path: elsewhere, replaces: true });
    expect(await writeSourceFiles(plan)).to.deep.equal([elsewhere]);
    expect(await readFile(elsewhere, 'utf8')).to.include('<ConnectedApp');
  });

  it('a file that appears between planning and writing is not overwritten', async () => {
    const component = buildConnectedApp(fullDefinition());
    const plan = await planSourceFiles([component], packageDir);
    await mkdir(join(plan.files[0].path, '..'), { recursive: true });
    await writeFile(plan.files[0].path, 'raced');
    let failed = false;
    await writeSourceFiles(plan).catch(() => (failed = true));
    expect(failed).to.equal(true);
    expect(await readFile(plan.files[0].path, 'utf8')).to.equal('raced');
  });

  it('withoutCredentials removes the consumer key and secret at any depth and leaves the rest', () => {
    const built = buildConnectedApp(fullDefinition());
    expect((built.content.oauthConfig as Record<string, unknown>).consumerKey).to.equal('00012345678');
    const stripped = withoutCredentials(built);
    const oauth = stripped.content.oauthConfig as Record<string, unknown>;
    expect(oauth).not.to.have.property('consumerSecret');
    expect(oauth).not.to.have.property('consumerKey');
    expect(oauth.scopes).to.deep.equal(['Api', 'Web', 'RefreshToken', 'OpenID', 'SFAP']);
  });

  it('writes source files without the consumer key or secret (they are org-specific)', async () => {
    const plan = await planSourceFiles([buildConnectedApp(fullDefinition())], join(dir, 'creds-app'), { overwrite: false });
    const [path] = await writeSourceFiles(plan);
    const xml = await readFile(path, 'utf8');
    expect(xml).not.to.match(/consumerKey|consumerSecret/);
    expect(xml).to.include('<callbackUrl>');
  });
});
