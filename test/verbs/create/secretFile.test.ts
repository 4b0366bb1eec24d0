/*
 * create and --secret-file against the in-process emulator (issue 10 item 2): a secret file that cannot be made stops
 * create before any write; a refused deploy takes the empty file away again; a deploy whose outcome is unknown keeps
 * the secret in the file; a file that fails after the app exists hands the secret over in the result or the error.
 */
import { lstat, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { SecretFile } from '../../../src/files/credentials.js';
import { createApp, type CreateAppContext, type CreateAppFlags } from '../../../src/verbs/create/createApp.js';
import { withUnsavedSecret } from '../../../src/verbs/create/secret.js';
import { soapOperations, startEmulatorOrg, type EmulatorOrg } from '../../shared/emulatorOrg.js';

type ErrorWithActions = Error & { actions?: string[]; data?: unknown };

async function failure(promise: Promise<unknown>): Promise<ErrorWithActions> {
  return promise.then(
    () => expect.fail('expected an error'),
    (error: ErrorWithActions) => error
  );
}

async function listAll(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

describe('create with --secret-file', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  let count = 0;
  before(async () => {
    org = await startEmulatorOrg();
  });
  after(async () => org?.close());
  beforeEach(() => {
    org.emulator.faults.clear();
    org.emulator.state.updateSettings({ allowConnectedAppCreation: true });
    org.emulator.clearRequests();
  });
  afterEach(() => sinon.restore());

  async function makeProject(): Promise<string> {
    const dir = await mkdtemp(join(org.home, `secret-project-${++count}-`));
    await mkdir(join(dir, 'force-app', 'main', 'default'), { recursive: true });
    await writeFile(join(dir, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }));
    return dir;
  }
  const context = (cwd: string, kind: CreateAppContext['kind'] = 'ConnectedApp'): CreateAppContext => ({
    kind,
    conn: org.conn,
    orgUsername: org.emulator.username,
    orgInstanceUrl: org.emulator.instanceUrl,
    apiVersion: org.conn.getApiVersion(),
    cwd,
    argv: ['--name', 'X', '-o', 'emu'],
  });
  const flags = (name: string, secretFile: string, more: Partial<CreateAppFlags> = {}): CreateAppFlags => ({
    name,
    certificateDays: 30,
    waitMinutes: 1,
    requireSecretForWebServer: true,
    secretFile,
    ...more,
  });
  const writes = (): string[] => soapOperations(org.emulator).filter((op) => /Metadata$|^deploy$/.test(op) && !/^(read|list|describe)/.test(op));

  const unusable: Array<[string, (dir: string) => Promise<string>]> = [
    [
      'a dangling symbolic link',
      async (dir): Promise<string> => {
        await symlink(join(dir, 'gone', 'secret'), join(dir, 'link.secret'));
        return join(dir, 'link.secret');
      },
    ],
    [
      'a path under a regular file',
      async (dir): Promise<string> => {
        await writeFile(join(dir, 'notes.txt'), 'mine');
        return join(dir, 'notes.txt', 'app.secret');
      },
    ],
    ['a folder inside the package directory', async (dir): Promise<string> => join(dir, 'force-app', 'app.secret')],
  ];
  for (const [title, make] of unusable) {
    it(`refuses ${title} before any write or deploy; the project is unchanged`, async () => {
      const dir = await makeProject();
      const secretFile = await make(dir);
      const before = await listAll(dir);
      const error = await failure(createApp(flags(`Secret_${count}`, secretFile), context(dir)));
      expect(error.message).to.include(secretFile);
      expect(writes()).to.deep.equal([]);
      expect(await listAll(dir)).to.deep.equal(before);
    });
  }

  it('a place the plan cannot see is unusable (sysfs as root, a read-only folder otherwise) is found by opening it, before any write', async () => {
    const dir = await makeProject();
    const locked = process.getuid?.() === 0 ? '/sys' : join(dir, 'locked');
    if (locked !== '/sys') {
      await mkdir(locked, { mode: 0o500 });
    }
    const before = await listAll(dir);
    const error = await failure(createApp(flags('Sys_Secret', join(locked, 'fileskeys.secret')), context(dir)));
    expect(error.name).to.equal('SecretFileUnusableError');
    expect(writes()).to.deep.equal([]);
    expect(await listAll(dir)).to.deep.equal(before);
  });

  it('a refused deploy takes the empty secret file away again', async () => {
    org.emulator.state.updateSettings({ allowConnectedAppCreation: false });
    const dir = await makeProject();
    const secretFile = join(dir, 'blocked.secret');
    const error = await failure(createApp(flags('Blocked_Secret', secretFile, { noCertificate: true }), context(dir)));
    expect(error.name).to.equal('ConnectedAppCreationBlockedError');
    expect(await lstat(secretFile).catch(() => undefined)).to.equal(undefined);
  });

  it('a deploy whose outcome is unknown keeps the secret in the file (the app may hold it)', async () => {
    const dir = await makeProject();
    const secretFile = join(dir, 'unknown.secret');
    // The create and its one resend fail, and the org cannot be asked whether it took the app.
    org.emulator.faults.add({ kind: 'http500', operation: 'createMetadata', times: 2 });
    org.emulator.faults.add({ kind: 'http500', operation: 'readMetadata', armedBy: 'createMetadata' });
    const error = await failure(createApp(flags('Unknown_Secret', secretFile, { noCertificate: true }), context(dir)));
    org.emulator.faults.clear();
    expect(error.name).to.equal('DeployFaultError');
    expect((await readFile(secretFile, 'utf8')).trim()).to.match(/^[A-Za-z0-9]{64}$/);
  });

  it('a resend refused after a lost answer, while the org cannot be asked, keeps the secret (the first send may have made the app)', async () => {
    const dir = await makeProject();
    const secretFile = join(dir, 'resent.secret');
    // The org makes the app but the answer is lost; the look for it fails; the resend is refused (the app exists).
    org.emulator.faults.add({ kind: 'http500', operation: 'createMetadata', times: 1, afterHandling: true });
    org.emulator.faults.add({ kind: 'http500', operation: 'readMetadata', armedBy: 'createMetadata' });
    const error = await failure(createApp(flags('Resent_Secret', secretFile, { noCertificate: true }), context(dir)));
    org.emulator.faults.clear();
    expect(error.name).to.equal('DeployFaultError');
    expect(soapOperations(org.emulator).filter((op) => op === 'createMetadata')).to.have.length(2);
    expect((await readFile(secretFile, 'utf8')).trim()).to.match(/^[A-Za-z0-9]{64}$/);
  });

  it('a fault after which the org holds none of the app takes the empty file away, so the advised rerun works', async () => {
    const dir = await makeProject();
    const secretFile = join(dir, 'none.secret');
    org.emulator.faults.add({ kind: 'http500', operation: 'createMetadata', times: 2 });
    const error = await failure(createApp(flags('None_Secret', secretFile, { noCertificate: true }), context(dir)));
    expect(error.name).to.equal('DeployFaultError');
    expect(await lstat(secretFile).catch(() => undefined)).to.equal(undefined);
    await createApp(flags('None_Secret', secretFile, { noCertificate: true }), context(dir));
    expect((await readFile(secretFile, 'utf8')).trim()).to.match(/^[A-Za-z0-9]{64}$/);
  });

  it('when the file fails after the app exists, the secret is in the result, with a warning naming the file', async () => {
    const dir = await makeProject();
    const secretFile = join(dir, 'late.secret');
    sinon.stub(SecretFile.prototype, 'write').rejects(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    const warnings: string[] = [];
    const result = await createApp(flags('Late_Secret', secretFile, { noCertificate: true }), context(dir), {
      stage: () => {},
      info: () => {},
      warn: (m) => warnings.push(m),
    });
    const lookup = org.emulator.store.lookupApp(result.consumerKey);
    const orgSecret = lookup.state === 'live' ? lookup.app.consumerSecret : undefined;
    expect(orgSecret).to.match(/^[A-Za-z0-9]{64}$/);
    expect(result.consumerSecret).to.equal(orgSecret);
    expect(result.secretFile).to.equal(undefined);
    expect(warnings.join('\n')).to.include(secretFile).and.include('ENOSPC');
    expect(warnings.join('\n'), 'the warning itself does not print the secret').to.not.include(orgSecret);
  });

  it('an error after an unsaved secret carries it in its actions and data', () => {
    const error = withUnsavedSecret(new Error('login failed'), 'S3cretValue1', '/x/app.secret') as ErrorWithActions;
    expect(error.actions?.join('\n')).to.include('S3cretValue1').and.include('/x/app.secret');
    expect(error.data).to.deep.include({ consumerSecret: 'S3cretValue1' });
    const untouched = new Error('other');
    expect(withUnsavedSecret(untouched, undefined, undefined)).to.equal(untouched);
  });
});
