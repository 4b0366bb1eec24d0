import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { SecretFile } from '../../../src/files/credentials.js';
import { interruptedError, newCreateFacts, settleInterruption, type CreateFacts } from '../../../src/verbs/create/interruption.js';
import { settleOnInterruption } from '../../../src/verbs/create/secret.js';

async function writtenRun(appInOrg: CreateFacts['appInOrg']): Promise<CreateFacts & { dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'loginsafety-interruption-'));
  const folder = join(dir, 'force-app', 'main', 'default', 'externalClientApps');
  await mkdir(folder, { recursive: true });
  const source = join(folder, 'My_App.eca-meta.xml');
  await writeFile(source, '<x/>');
  const key = join(dir, '.sf-oauth-apps', 'My_App', 'server.key');
  return {
    ...newCreateFacts(),
    dir,
    appName: 'My_App',
    rerunCommand: "sf external-client-app create --name My_App -o 'my org' --login jwt",
    keyFiles: [key, key.replace('.key', '.crt')],
    sourceFiles: [source],
    newFolders: [folder],
    loginUser: 'admin@example.com',
    appInOrg,
  };
}

describe('an interrupted create', () => {
  it('during the deploy: the org may hold the app, the source files go (the rerun writes them), the key pair stays', async () => {
    const facts = await writtenRun('sent');
    const data = await settleInterruption(facts, 'deploy', 'SIGINT');
    expect(data).to.include({ appInOrg: 'unknown', stage: 'deploy', signal: 'SIGINT', rerunCommand: facts.rerunCommand });
    expect(data.sourceFiles).to.deep.equal([]);
    expect(data.removedSourceFiles).to.deep.equal(facts.sourceFiles);
    expect(existsSync(facts.sourceFiles[0])).to.equal(false);
    expect(existsSync(facts.newFolders[0]), 'the folder the run made goes too').to.equal(false);
    expect(data.keyFiles).to.deep.equal(facts.keyFiles);

    const error = interruptedError(data);
    expect(error).to.include({ name: 'Interrupted', exitCode: 130 });
    expect(error.message).to.include('Interrupted (SIGINT) while deploying the app');
    expect(error.message).to.include('The deploy of My_App was sent: the org may still finish it, or not.');
    expect(error.message).to.include(`Source files removed (the rerun writes them again): ${facts.sourceFiles[0]}`);
    expect(error.message).to.include('The authorization of admin@example.com is unchanged.');
    expect(error.actions).to.have.length(1);
    expect(error.actions![0]).to.include(facts.rerunCommand!);
    expect(error.data).to.deep.equal(data);
  });

  it('during the login: the org holds the app, every file stays, the auth is the old one or the new login\'s', async () => {
    const facts = await writtenRun('yes');
    const data = await settleInterruption({ ...facts, secretFile: join(facts.dir, 'my secret.txt') }, 'login', 'SIGTERM');
    expect(data).to.include({ appInOrg: 'yes' });
    expect(data.sourceFiles).to.deep.equal(facts.sourceFiles);
    expect(existsSync(facts.sourceFiles[0])).to.equal(true);
    const error = interruptedError(data);
    expect(error.message).to.include('Interrupted (SIGTERM) while logging in with the new app');
    expect(error.message).to.include('The org holds the app My_App.');
    // Paths are quoted as the shell needs them.
    expect(error.message).to.include(`Consumer secret: '${join(facts.dir, 'my secret.txt')}'`);
    expect(error.message).to.include('replaced only by a login that succeeded');
  });

  it('before anything was written: says so, and the same command is the rerun', async () => {
    const data = await settleInterruption({ ...newCreateFacts(), appName: 'X', rerunCommand: 'sf connected-app create --name X' }, 'prepare', 'SIGINT');
    const error = interruptedError(data);
    expect(error.message).to.include('nothing was written or sent');
    expect(error.message).to.include('The org does not hold the app X: nothing was sent.');
    expect(error.message).to.include('No key or certificate was written.');
    expect(error.message).to.include('No source file was written.');
    expect(error.message).to.not.include('authorization');
  });
});

describe('an interrupted create with --secret-file', () => {
  async function pending(name: string): Promise<{ path: string; file: SecretFile }> {
    const dir = await mkdtemp(join(tmpdir(), 'interruption-secret-'));
    const path = join(dir, name);
    return { path, file: await SecretFile.open(path) };
  }

  it('before anything was sent: the empty secret file goes, so the rerun can make it again', async () => {
    const { path, file } = await pending('app.secret');
    const facts: CreateFacts = { ...newCreateFacts(), pendingSecret: { path, settle: (may) => settleOnInterruption({ file, secret: 'S3cret' }, may) } };
    const data = await settleInterruption(facts, 'write', 'SIGINT');
    expect(existsSync(path)).to.equal(false);
    expect(data.secretFile).to.equal(undefined);
  });

  it('once the deploy was sent: the secret is written to the file (the app may hold it) and the report names it', async () => {
    const { path, file } = await pending('sent.secret');
    const facts: CreateFacts = {
      ...newCreateFacts(),
      appInOrg: 'sent',
      pendingSecret: { path, settle: (may) => settleOnInterruption({ file, secret: 'S3cret' }, may) },
    };
    const data = await settleInterruption(facts, 'deploy', 'SIGINT');
    expect((await readFile(path, 'utf8')).trim()).to.equal('S3cret');
    expect(data.secretFile).to.equal(path);
  });
});
