/*
 * sf connected-app create through Command.run, against the in-process emulator with a real saved auth: the --json
 * result, the human summary, --login jwt, the creation block as a command error, and a consumer secret that never
 * reaches the output.
 */
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import ConnectedAppCreate from '../../../src/commands/connected-app/create.js';
import { startEmulatorOrg, type EmulatorOrg } from '../../shared/emulatorOrg.js';

describe('connected-app create', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  let project: string;
  const cwd = process.cwd();
  const sandbox = sinon.createSandbox();
  let ux: ReturnType<typeof stubSfCommandUx>;

  before(async () => {
    org = await startEmulatorOrg();
    // The command reads sfdx-project.json from the working directory.
    project = await mkdtemp(join(org.home, 'project-'));
    await mkdir(join(project, 'force-app'), { recursive: true });
    await writeFile(
      join(project, 'sfdx-project.json'),
      JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], oauthLocalPort: 1818 })
    );
    process.chdir(project);
  });
  after(async () => {
    process.chdir(cwd);
    await org?.close();
  });
  beforeEach(() => {
    ux = stubSfCommandUx(sandbox);
    org.emulator.state.updateSettings({ allowConnectedAppCreation: true });
  });
  afterEach(() => sandbox.restore());

  it('returns the result the schema describes, and the app is in the org with that consumer key', async () => {
    const result = await ConnectedAppCreate.run(['-o', org.emulator.username, '--name', 'Cmd_Json', '--json']);
    expect(result).to.deep.include({
      kind: 'ConnectedApp',
      name: 'Cmd_Json',
      callbackUrls: ['http://localhost:1818/OauthRedirect'],
      profiles: ['System Administrator'],
    });
    expect(result.metadataPath).to.equal(join(project, 'force-app/main/default/connectedApps/Cmd_Json.connectedApp-meta.xml'));
    expect((await stat(result.privateKeyPath!)).mode & 0o777).to.equal(0o600);
    expect(org.emulator.store.lookupApp(result.consumerKey).state).to.equal('live');
  });

  it('prints a summary with the consumer key and the sf org login jwt command to run next', async () => {
    const result = await ConnectedAppCreate.run(['-o', org.emulator.username, '-n', 'Cmd_Human']);
    expect(ux.styledHeader.firstCall.args[0]).to.include('Cmd_Human');
    const shown = ux.styledObject.firstCall.args[0] as Record<string, string>;
    expect(Object.values(shown)).to.include(result.consumerKey);
    expect(ux.styledHeader.firstCall.args[0]).to.equal('Connected App Cmd_Human created in the org.');
    expect(shown.Deployment).to.equal('createMetadata (1 request to the org)');
    const logged = ux.log.args.flat().join('\n');
    expect(logged).to.include(`sf org login jwt --client-id ${result.consumerKey} --jwt-key-file ${result.privateKeyPath}`);
    expect(logged).to.include(`--username ${org.emulator.username}`);
  });

  it('--login jwt --alias authorizes the org with the new app', async () => {
    const result = await ConnectedAppCreate.run([
      '-o',
      org.emulator.username,
      '-n',
      'Cmd_Login',
      '--login',
      'jwt',
      '--alias',
      'cmdlogin',
      '--json',
    ]);
    expect(result.login).to.include({ method: 'jwt', username: org.emulator.username, alias: 'cmdlogin', orgId: org.emulator.orgId });
    const { AuthInfo } = await import('@salesforce/core');
    const auth = await AuthInfo.create({ username: org.emulator.username });
    expect(auth.getFields().clientId).to.equal(result.consumerKey);
  });

  it('--set-default-dev-hub names the --alias given, though the username already had another alias', async () => {
    const { Config, StateAggregator } = await import('@salesforce/core');
    // The target org's own alias: the login replaces this user's auth file, so the username then has two aliases.
    await (await StateAggregator.getInstance()).aliases.setAndSave('cmdtarget', org.emulator.username);
    await ConnectedAppCreate.run(['-o', 'cmdtarget', '-n', 'Cmd_Hub', '--login', 'jwt', '--alias', 'cmdhub', '--set-default-dev-hub', '--json']);
    expect((await Config.create({ isGlobal: false })).get('target-dev-hub')).to.equal('cmdhub');

    // No alias: the username, not one of its aliases.
    await ConnectedAppCreate.run(['-o', 'cmdtarget', '-n', 'Cmd_Default', '--login', 'jwt', '--set-default', '--json']);
    expect((await Config.create({ isGlobal: false })).get('target-org')).to.equal(org.emulator.username);
  });

  it('--dry-run names the one component it would deploy in plain words', async () => {
    await ConnectedAppCreate.run(['-o', org.emulator.username, '-n', 'Cmd_Dry', '--dry-run']);
    expect(ux.log.args.flat().join('\n')).to.include('Dry run: nothing was deployed. This component would be deployed.');
  });

  it('fails with ConnectedAppCreationBlocked and the External Client App command when the org blocks creation', async () => {
    org.emulator.state.updateSettings({ allowConnectedAppCreation: false });
    const error = await ConnectedAppCreate.run(['-o', org.emulator.username, '-n', 'Cmd_Blocked', '--json']).then(
      () => undefined,
      (e: Error & { actions?: string[] }) => e
    );
    expect(error?.name).to.equal('ConnectedAppCreationBlockedError');
    expect(error?.actions?.[0]).to.include(`sf external-client-app create -o ${org.emulator.username} -n Cmd_Blocked`);
  });

  it('writes a required secret to --secret-file and never prints it', async () => {
    const secretFile = join(org.home, 'cmd-secret.txt');
    const written: string[] = [];
    // Everything the command prints, including what MultiStageOutput writes straight to the streams.
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      sandbox.stub(stream, 'write').callsFake((chunk: unknown, ...rest: unknown[]) => {
        written.push(String(chunk));
        return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
      });
    }
    const result = await ConnectedAppCreate.run([
      '-o',
      org.emulator.username,
      '-n',
      'Cmd_Secret',
      '--no-certificate',
      '--require-secret-for-web-server',
      '--secret-file',
      secretFile,
    ]);
    const secret = (await readFile(secretFile, 'utf8')).trim();
    const printed = [...written, ...Object.values(ux).flatMap((stub) => stub.args.flat().map((arg) => JSON.stringify(arg)))].join('\n');
    expect(printed).to.not.include(secret);
    expect(JSON.stringify(result)).to.not.include(secret);
    expect(await readFile(result.metadataPath!, 'utf8')).to.not.include(secret);
    const lookup = org.emulator.store.lookupApp(result.consumerKey);
    expect(lookup.state === 'live' && lookup.app.consumerSecret).to.equal(secret);
    expect(result.loginCommand).to.include('sf org login web --client-id');
  });
});
