/*
 * The CI checks (scripts/check-snapshot.js, scripts/check-schemas.js) run against a throwaway plugin in a temp dir,
 * so their verdicts are tested without depending on the real commands; and the harness's JSON parsing.
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

async function node(cwd: string, script: string, ...args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(cwd, 'scripts', script), ...args], { cwd });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

const commandJs = (flags: string): string => `import { Command, Flags } from '@oclif/core';
export default class Greet extends Command {
  static summary = 'Greets.';
  static aliases = ['demo:hello'];
  static flags = { ${flags} };
  async run() { return { name: 'x', count: 1 }; }
}
`;

const FLAGS = "name: Flags.string({ char: 'n', required: true }), tag: Flags.string({ multiple: true })";

describe('CI checks: command snapshot and result schemas', function () {
  this.timeout(120_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sf-oauth-apps-checks-'));
    await mkdir(join(dir, 'lib', 'commands', 'demo'), { recursive: true });
    await mkdir(join(dir, 'src', 'commands', 'demo'), { recursive: true });
    await cp(join(repoRoot, 'scripts'), join(dir, 'scripts'), { recursive: true });
    await cp(join(repoRoot, 'package.json'), join(dir, 'package.json'));
    // The repo's compiler options, without the ambient @types packages: the schema generator then builds a small
    // program and the test stays fast.
    const tsconfig = JSON.parse(await readFile(join(repoRoot, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    tsconfig.compilerOptions.types = [];
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    await writeFile(join(dir, 'lib', 'commands', 'demo', 'greet.js'), commandJs(FLAGS));
    await writeFile(
      join(dir, 'src', 'commands', 'demo', 'greet.ts'),
      'export type DemoGreetResult = { name: string; count: number; tags?: string[] };\n'
    );
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('snapshot: an unrecorded command fails with the update hint; after snapshot:update it passes', async () => {
    const first = await node(dir, 'check-snapshot.js');
    expect(first.code).to.equal(1);
    expect(first.out).to.include('command "demo:greet" was added').and.include('npm run snapshot:update');
    expect((await node(dir, 'check-snapshot.js', '--update')).code).to.equal(0);
    const snapshot = JSON.parse(await readFile(join(dir, 'command-snapshot.json'), 'utf8')) as Array<{ command: string; aliases: string[]; flags: Record<string, unknown> }>;
    expect(snapshot.map((c) => c.command)).to.deep.equal(['demo:greet']);
    expect(snapshot[0].aliases).to.deep.equal(['demo:hello']);
    expect(snapshot[0].flags.name).to.deep.equal({ char: 'n', aliases: [], multiple: false, required: true, type: 'option' });
    expect((await node(dir, 'check-snapshot.js')).code).to.equal(0);
  });

  it('snapshot: a removed flag, a changed flag and a removed alias are errors', async () => {
    await writeFile(
      join(dir, 'lib', 'commands', 'demo', 'greet.js'),
      commandJs("name: Flags.string({ char: 'n' })").replace("static aliases = ['demo:hello'];", '')
    );
    const outcome = await node(dir, 'check-snapshot.js');
    expect(outcome.code).to.equal(1);
    expect(outcome.out).to.include('demo:greet: flag --tag was removed');
    expect(outcome.out).to.include('demo:greet: flag --name required changed from true to false');
    expect(outcome.out).to.include('demo:greet: alias "demo:hello" was removed');
    await writeFile(join(dir, 'lib', 'commands', 'demo', 'greet.js'), commandJs(FLAGS));
  });

  it('snapshot: a command file that fails to load fails the check instead of vanishing from it', async () => {
    await writeFile(join(dir, 'lib', 'commands', 'demo', 'broken.js'), "import { nothing } from './nowhere.js';\n");
    const outcome = await node(dir, 'check-snapshot.js');
    await rm(join(dir, 'lib', 'commands', 'demo', 'broken.js'));
    expect(outcome.code).to.equal(1);
    expect(outcome.out).to.include('failed to load').and.include('demo:broken');
  });

  it('schemas: schemas:update writes the schema, the check passes, a changed result type fails', async () => {
    expect((await node(dir, 'check-schemas.js', '--update')).code).to.equal(0);
    const schema = JSON.parse(await readFile(join(dir, 'schemas', 'demo-greet.json'), 'utf8')) as {
      $ref: string;
      definitions: Record<string, { required: string[] }>;
    };
    expect(schema.$ref).to.equal('#/definitions/DemoGreetResult');
    expect(schema.definitions.DemoGreetResult.required).to.deep.equal(['name', 'count']);
    expect((await node(dir, 'check-schemas.js')).code).to.equal(0);
    await writeFile(join(dir, 'src', 'commands', 'demo', 'greet.ts'), 'export type DemoGreetResult = { name: string; count: string };\n');
    const changed = await node(dir, 'check-schemas.js');
    expect(changed.code).to.equal(1);
    expect(changed.out).to.include('DemoGreetResult no longer matches');
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
