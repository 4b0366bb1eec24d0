/*
 * sf external-client-app definition-schema: the schema an installed plugin's users point "$schema" at (the plugin
 * lives outside their project, so ./node_modules/sf-plugin-oauth-apps/... does not exist for them).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import EcaDefinitionSchema from '../../../src/commands/external-client-app/definition-schema.js';
import CaDefinitionSchema from '../../../src/commands/connected-app/definition-schema.js';
import { parseDefinitionDocument } from '../../../src/model/definitionDocument.js';

const shipped = async (): Promise<unknown> =>
  JSON.parse(await readFile(new URL('../../../schemas/app-definition.schema.json', import.meta.url), 'utf8'));

describe('definition-schema', () => {
  const sandbox = sinon.createSandbox();
  const cwd = process.cwd();
  let dir: string;
  let ux: ReturnType<typeof stubSfCommandUx>;

  // The command needs no org, so nothing here has started sf's logger yet: keep it in memory. Its log file's worker
  // thread would load this test run's tsx from the temp dir the tests work in (and write to the user's ~/.sf).
  const disabledLogFile = process.env.SF_DISABLE_LOG_FILE;
  before(() => {
    process.env.SF_DISABLE_LOG_FILE = 'true';
  });
  after(() => {
    if (disabledLogFile === undefined) delete process.env.SF_DISABLE_LOG_FILE;
    else process.env.SF_DISABLE_LOG_FILE = disabledLogFile;
  });
  beforeEach(async () => {
    ux = stubSfCommandUx(sandbox);
    dir = await mkdtemp(join(tmpdir(), 'definition-schema-'));
    process.chdir(dir);
  });
  afterEach(async () => {
    sandbox.restore();
    process.chdir(cwd);
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the schema into the project and says what "$schema" to use; a definition file pointing there is valid', async () => {
    const result = await EcaDefinitionSchema.run(['--output-file', 'config/app-definition.schema.json']);
    const file = join(dir, 'config', 'app-definition.schema.json');
    expect(result.outputFile).to.equal(file);
    expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.equal(await shipped());
    expect(ux.log.args.flat().join('\n')).to.include('"$schema": "./config/app-definition.schema.json"');
    const { settings } = parseDefinitionDocument({ $schema: './app-definition.schema.json', name: 'Data_Sync', scopes: ['full'] }, 'app.json');
    expect(settings).to.include({ name: 'Data_Sync' });
  });

  it('replaces an older copy of the schema, never another file', async () => {
    const file = join(dir, 'schema.json');
    await writeFile(file, JSON.stringify({ $id: (await shipped() as { $id: string }).$id, old: true }));
    await EcaDefinitionSchema.run(['--output-file', file]);
    expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.equal(await shipped());

    const mine = join(dir, 'app.json');
    await writeFile(mine, '{"name": "Mine"}');
    const error = await CaDefinitionSchema.run(['--output-file', mine]).then(
      () => undefined,
      (e: Error) => e
    );
    expect(error?.name).to.equal('SchemaFileExistsError');
    expect(await readFile(mine, 'utf8')).to.equal('{"name": "Mine"}');
  });

  it('prints the schema without --output-file, so it can be redirected', async () => {
    const result = await CaDefinitionSchema.run([]);
    expect(result.outputFile).to.equal(undefined);
    expect(JSON.parse(ux.log.args.flat().join('\n'))).to.deep.equal(await shipped());
  });
});
