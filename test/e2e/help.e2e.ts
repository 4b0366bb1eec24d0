/*
 * The help a new user reads, from the real sf: every command's --help works, its USAGE line is well formed (no
 * empty alternatives or brackets left by flags that depend on the same flag), and create's flag groups come in the
 * order a user fills them in, not in sf's alphabetical order (which opened with LOGIN FLAGS).
 */
import { expect } from 'chai';
import { describeRun, sharedSession, stripAnsi, type SfSession } from './harness.js';

const COMMANDS = ['create', 'update', 'display', 'list', 'delete', 'rotate-certificate', 'definition-schema'];
const TOPICS = ['connected-app', 'external-client-app'];
const CREATE_GROUPS = ['FLAGS', 'APP', 'OAUTH', 'OAUTH FLOWS', 'ID TOKEN', 'ASSET TOKEN', 'CERTIFICATE', 'LOGIN', 'DEFINITION', 'GLOBAL'];

/** The section of the help between a header and the next header. */
function section(help: string, header: string): string {
  const lines = stripAnsi(help).split('\n');
  const start = lines.indexOf(header);
  const end = lines.findIndex((line, i) => i > start && /^[A-Z][A-Z ]+$/.test(line));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

describe('help with the real sf CLI', function () {
  this.timeout(300_000);
  let session: SfSession;

  before(async () => {
    session = await sharedSession();
  });

  for (const topic of TOPICS) {
    for (const verb of COMMANDS) {
      it(`sf ${topic} ${verb} --help: a well-formed USAGE line`, async () => {
        const run = await session.run([topic, verb, '--help']);
        expect(run.exitCode, describeRun(run)).to.equal(0);
        const usage = section(run.stdout, 'USAGE').replace(/\s+/g, ' ');
        expect(usage).to.include(`$ sf ${topic} ${verb}`);
        // Artifacts of docopts: `[--jwt-key-file <value> | ]`, `[-s ]`, `[-a <value> ]`.
        expect(usage, usage).to.not.match(/\| \]|\s\]|\[\s|\[\]/);
      });
    }

    it(`sf ${topic} create --help: flag groups in the order a user fills them in`, async () => {
      const run = await session.run([topic, 'create', '--help']);
      expect(run.exitCode, describeRun(run)).to.equal(0);
      const groups = stripAnsi(run.stdout)
        .split('\n')
        .filter((line) => /^([A-Z][A-Z ]* )?FLAGS$/.test(line))
        .map((line) => line.replace(/ ?FLAGS$/, '') || 'FLAGS');
      expect(groups).to.deep.equal(CREATE_GROUPS);
      // Within a group too: the name comes first.
      expect(section(run.stdout, 'APP FLAGS').trim()).to.match(/^-n, --name/);
    });
  }
});
