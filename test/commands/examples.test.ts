/*
 * Every example in the commands' help is a command line that command accepts: known flags and short flags, option
 * values it offers, the flags each flag needs and none it excludes, and the rules create checks before anything is
 * sent (a web login needs sf's callback URL, --show-secret needs --json). The External Client App examples never set
 * the default Dev Hub: a Dev Hub authorized through one cannot create scratch orgs (C-1016).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';

type Flag = {
  char?: string;
  type: 'boolean' | 'option';
  allowNo?: boolean;
  options?: readonly string[];
  required?: boolean;
  relationships?: Array<{ type: string; flags: string[] }>;
};
type CommandClass = { examples: string[]; flags: Record<string, Flag> };

const COMMANDS = join(process.cwd(), 'src', 'commands');
const GLOBAL = new Set(['json', 'flags-dir']);

/** Splits a shell command line, keeping "quoted words" together. */
const words = (line: string): string[] => [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);

/** The flags given on a command line: name -> values (a boolean's value is 'true' or 'false'). */
function parse(line: string, flags: Record<string, Flag>): Map<string, string[]> {
  const byChar = new Map(Object.entries(flags).flatMap(([name, flag]) => (flag.char ? [[flag.char, name] as const] : [])));
  const given = new Map<string, string[]>();
  const args = words(line);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    expect(arg, `${line}: "${arg}" is not a flag`).to.match(/^-/);
    let name = arg.startsWith('--') ? arg.slice(2) : byChar.get(arg.slice(1));
    let value = 'true';
    if (name && !flags[name] && !GLOBAL.has(name) && name.startsWith('no-') && flags[name.slice(3)]?.allowNo) {
      name = name.slice(3);
      value = 'false';
    }
    expect(name && (flags[name] !== undefined || GLOBAL.has(name)), `${line}: unknown flag ${arg}`).to.equal(true);
    const flag = flags[name!];
    if (flag?.type === 'option' || name === 'flags-dir') {
      value = args[++i];
      expect(value, `${line}: ${arg} needs a value`).to.be.a('string').and.not.match(/^-/);
      if (flag?.options) expect(flag.options, `${line}: ${arg} ${value}`).to.include(value);
    }
    given.set(name!, [...(given.get(name!) ?? []), value]);
  }
  return given;
}

const commands = readdirSync(COMMANDS).flatMap((topic) =>
  readdirSync(join(COMMANDS, topic)).map((file) => ({ id: `${topic} ${file.replace(/\.ts$/, '')}`, path: join(COMMANDS, topic, file) }))
);

describe('help examples', () => {
  for (const { id, path } of commands) {
    it(`${id}: every example is a command line the command accepts`, async () => {
      const command = ((await import(path)) as { default: CommandClass }).default;
      expect(command.examples.length, 'has examples').to.be.greaterThan(0);
      for (const example of command.examples) {
        const match = /<%= command\.id %>(.*)$/m.exec(example);
        expect(match, `${id}: ${example}`).to.not.equal(null);
        // The command's own words: a shell redirection (> file) or pipe is not part of it.
        const line = match![1].split(/ [>|] /)[0];
        const given = parse(line, command.flags);
        for (const [name, flag] of Object.entries(command.flags)) {
          if (flag.required && name !== 'target-org') expect(given.has(name), `${line}: needs --${name}`).to.equal(true);
          if (!given.has(name)) continue;
          for (const relation of flag.relationships ?? []) {
            for (const other of relation.flags) {
              if (relation.type === 'all') expect(given.has(other), `${line}: --${name} needs --${other}`).to.equal(true);
              if (relation.type === 'none') expect(given.has(other), `${line}: --${name} excludes --${other}`).to.equal(false);
            }
          }
        }
        if (given.has('show-secret') && id.endsWith('create')) expect(given.has('json'), `${line}: --show-secret needs --json`).to.equal(true);
        const callbacks = given.get('callback-url');
        if (given.get('login')?.[0] === 'web' && callbacks) {
          expect(callbacks.some((url) => url.startsWith('http://localhost:')), `${line}: web login needs sf's callback URL`).to.equal(true);
        }
        if (id === 'external-client-app create') expect(given.has('set-default-dev-hub'), `${line}: C-1016`).to.equal(false);
      }
    });
  }
});
