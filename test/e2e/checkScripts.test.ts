/*
 * The CI checks (`npm run test:checks`: @oclif/plugin-command-snapshot's snapshot:compare and schema:compare through
 * bin/dev.js, as the Salesforce plugins run them) against a throwaway plugin in a temp dir (this repo's package.json,
 * tsconfig.json and bin/dev.js with one demo command), so their verdicts are tested without depending on the real
 * commands; and the harness's JSON parsing.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parseSfJson, repoRoot } from './harness.js';

const run = promisify(execFile);

type Outcome = { code: number; out: string };

/** `npm run <script>` in the throwaway plugin, as CI runs it. */
async function npmRun(cwd: string, script: string): Promise<Outcome> {
  const env = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', script], { cwd, env });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

type Demo = { flags?: string; aliases?: string; result?: string };

const FLAGS = "name: Flags.string({ char: 'n', required: true }), tag: Flags.string({ multiple: true })";

/** A command as src/commands holds them: schema:compare finds the result type in `run(): Promise<...>`. */
const commandTs = ({ flags = FLAGS, aliases = "['demo:hello']", result = 'count: number' }: Demo = {}): string => `import { Command, Flags } from '@oclif/core';

export type DemoGreetResult = { name: string; ${result}; tags?: string[] };

export default class Greet extends Command {
  public static readonly summary = 'Greets.';
  public static readonly aliases = ${aliases};
  public static readonly flags = { ${flags} };

  public async run(): Promise<DemoGreetResult> {
    return { name: 'x' } as DemoGreetResult;
  }
}
`;

describe('CI checks: command snapshot and result schemas (npm run test:checks)', function () {
  this.timeout(300_000);
  let dir: string;
  const writeCommand = async (demo: Demo = {}): Promise<void> =>
    writeFile(join(dir, 'src', 'commands', 'demo', 'greet.ts'), commandTs(demo));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sf-oauth-apps-checks-'));
    await mkdir(join(dir, 'src', 'commands', 'demo'), { recursive: true });
    await mkdir(join(dir, 'bin'));
    await cp(join(repoRoot, 'bin', 'dev.js'), join(dir, 'bin', 'dev.js'));
    // The repo's package.json without its hooks: they belong to the real commands, which this plugin does not have.
    const packageJson = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { oclif: Record<string, unknown> };
    delete packageJson.oclif.hooks;
    await writeFile(join(dir, 'package.json'), JSON.stringify(packageJson, null, 2));
    // The repo's compiler options, without the ambient @types packages: the schema generator then builds a small
    // program and the test stays fast.
    const tsconfig = JSON.parse(await readFile(join(repoRoot, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    tsconfig.compilerOptions.types = [];
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  });

  // Every test starts from the same plugin: the demo command as above, nothing recorded yet.
  beforeEach(async () => {
    await writeCommand();
    await rm(join(dir, 'src', 'commands', 'demo', 'broken.ts'), { force: true });
    await writeFile(join(dir, 'command-snapshot.json'), '[]');
    await rm(join(dir, 'schemas'), { recursive: true, force: true });
    await mkdir(join(dir, 'schemas', 'commands'), { recursive: true });
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('an unrecorded command fails; snapshot:update and schemas:update record it, and then the checks pass', async () => {
    const unrecorded = await npmRun(dir, 'test:checks');
    expect(unrecorded.code, unrecorded.out).to.equal(1);
    expect(unrecorded.out).to.include('+demo:greet').and.include('update the snapshot file');

    expect((await npmRun(dir, 'snapshot:update')).code).to.equal(0);
    const snapshot = JSON.parse(await readFile(join(dir, 'command-snapshot.json'), 'utf8')) as unknown[];
    expect(snapshot).to.deep.equal([
      { alias: ['demo:hello'], command: 'demo:greet', flagAliases: [], flagChars: ['n'], flags: ['name', 'tag'], plugin: 'sf-plugin-oauth-apps' },
    ]);
    // The snapshot matches now; the result schema is still missing.
    const noSchema = await npmRun(dir, 'test:checks');
    expect(noSchema.code, noSchema.out).to.equal(1);
    expect(noSchema.out).to.include('Found the following schema changes').and.include('demo:greet');

    expect((await npmRun(dir, 'schemas:update')).code).to.equal(0);
    const passing = await npmRun(dir, 'test:checks');
    expect(passing.code, passing.out).to.equal(0);
  });

  it('a removed flag, a removed short flag and a removed alias fail the snapshot check', async () => {
    expect((await npmRun(dir, 'snapshot:update')).code).to.equal(0);
    await writeCommand({ flags: 'name: Flags.string({ required: true })', aliases: '[]' });
    const outcome = await npmRun(dir, 'test:checks');
    expect(outcome.code, outcome.out).to.equal(1);
    const lines = outcome.out.split('\n').map((line) => line.trim());
    expect(lines).to.include.members(['demo:greet', 'Flags:', '-tag', 'Short Flags:', '-n', 'Aliases:', '-demo:hello']);
  });

  it('a command file that fails to load fails the checks instead of vanishing from them', async () => {
    expect((await npmRun(dir, 'snapshot:update')).code).to.equal(0);
    await writeFile(
      join(dir, 'src', 'commands', 'demo', 'broken.ts'),
      "import { Command } from '@oclif/core';\nimport { nothing } from './nowhere.js';\n\n" +
        'export type DemoBrokenResult = { ok: boolean };\n\n' +
        'export default class Broken extends Command {\n  public async run(): Promise<DemoBrokenResult> {\n    return { ok: nothing };\n  }\n}\n'
    );
    const outcome = await npmRun(dir, 'test:checks');
    expect(outcome.code, outcome.out).to.not.equal(0);
    // oclif only warns about a command it cannot import and leaves it out, so snapshot:compare sees nothing new;
    // schema:compare then meets a command file that belongs to no loaded command.
    expect(outcome.out).to.include('ModuleLoadError').and.include('No commandId found for file');
    expect(outcome.out).to.include(join('demo', 'broken.ts'));
  });

  it('schemas:update writes the result schema; a changed result type fails the schema check', async () => {
    expect((await npmRun(dir, 'snapshot:update')).code).to.equal(0);
    expect((await npmRun(dir, 'schemas:update')).code).to.equal(0);
    const schema = JSON.parse(await readFile(join(dir, 'schemas', 'commands', 'demo-greet.json'), 'utf8')) as {
      $ref: string;
      definitions: Record<string, { required: string[] }>;
    };
    expect(schema.$ref).to.equal('#/definitions/DemoGreetResult');
    expect(schema.definitions.DemoGreetResult.required).to.deep.equal(['name', 'count']);
    expect((await npmRun(dir, 'test:checks')).code).to.equal(0);

    await writeCommand({ result: 'count: string' });
    const changed = await npmRun(dir, 'test:checks');
    expect(changed.code, changed.out).to.equal(1);
    expect(changed.out).to.include('Found the following schema changes').and.include('definitions.DemoGreetResult.properties.count.type');
  });
});

describe('e2e harness: parseSfJson', () => {
  it('parses the JSON after prompt noise with ANSI codes, as org login web --client-id prints it', () => {
    const stdout =
      '? OAuth client secret of personal connected app? [input is masked]\u001b[?25l\n\u001b[2K\u001b[G✔ OAuth client secret\n\u001b[G\u001b[?25h{\n  "status": 0,\n  "result": { "username": "u" }\n}\n';
    expect(parseSfJson<{ username: string }>(stdout)).to.deep.equal({ status: 0, result: { username: 'u' } });
  });

  it('fails loudly when there is no JSON at all', () => {
    expect(() => parseSfJson('Error: something broke\n')).to.throw('no JSON object in sf output');
  });
});
