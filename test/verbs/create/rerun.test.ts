/*
 * A create that meets a fault, and its rerun: the fault is caused in the emulator (lost answers, 503s, a broken deploy
 * poll), and the test checks what the org, the key files and the project hold afterwards.
 */
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { createApp, type CreateAppContext, type CreateAppResult } from '../../../src/verbs/create/createApp.js';
import type { AppKind } from '../../../src/model/appModel.js';
import { sameCertificate } from '../../../src/util/pem.js';
import { generateKeyAndCertificate } from '../../../src/model/certificate.js';
import { startEmulatorOrg, type EmulatorOrg, makeTestProject } from '../../shared/emulatorOrg.js';

type Failure = Error & { actions?: string[]; data?: { appInOrg?: string; rerunCommand?: string } };

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false
  );

describe('create after a fault, and its rerun', function () {
  this.timeout(120_000);
  let org: EmulatorOrg;

  before(async () => {
    org = await startEmulatorOrg();
  });
  after(async () => {
    await org?.close();
  });
  afterEach(() => org.emulator.faults.clear());

  const project = async (): Promise<string> => {
    const cwd = await makeTestProject(org.home, 'rerun-');
    return cwd;
  };
  const contextFor = (kind: AppKind, cwd: string, name: string): CreateAppContext => ({
    kind,
    conn: org.conn,
    orgUsername: org.emulator.username,
    orgInstanceUrl: org.emulator.instanceUrl,
    apiVersion: org.conn.getApiVersion(),
    cwd,
    argv: ['--name', name, '-o', 'my-org'],
    loginRetry: { intervalMs: 10, propagationMs: 0 },
  });
  const create = (kind: AppKind, cwd: string, name: string, extra: Record<string, unknown> = {}): Promise<CreateAppResult> =>
    createApp({ name, certificateDays: 30, waitMinutes: 1, ...extra }, contextFor(kind, cwd, name));
  const failure = (promise: Promise<unknown>): Promise<Failure> =>
    promise.then(
      () => expect.fail('the create should have failed'),
      (error: Failure) => error
    );
  const headerType = (kind: AppKind): string => (kind === 'ConnectedApp' ? 'ConnectedApp' : 'ExternalClientApplication');
  const inOrg = (kind: AppKind, name: string): boolean => org.emulator.store.read(headerType(kind), name) !== undefined;
  const orgCertificate = (kind: AppKind, name: string): string | undefined => {
    if (kind === 'ConnectedApp') return (org.emulator.store.read('ConnectedApp', name)?.oauthConfig as { certificate?: string })?.certificate;
    const settings = org.emulator.store.list('ExtlClntAppGlobalOauthSettings').find((c) => c.fullName.startsWith(name))!;
    return org.emulator.store.read('ExtlClntAppGlobalOauthSettings', settings.fullName)?.certificate as string | undefined;
  };
  const keyFolder = (cwd: string, name: string): string => join(cwd, '.sf-oauth-apps', name);

  for (const kind of ['ConnectedApp', 'ExternalClientApplication'] as const) {
    describe(kind, () => {
      const tag = kind === 'ConnectedApp' ? 'Ca' : 'Eca';
      const operation = kind === 'ConnectedApp' ? 'createMetadata' : 'deploy';

      it('a 503 that stops the deploy: a clear error with the rerun; the rerun reuses the key pair and finishes', async () => {
        const cwd = await project();
        const name = `Fault503_${tag}`;
        org.emulator.faults.add({ kind: 'http503', operation });
        const error = await failure(create(kind, cwd, name));
        org.emulator.faults.clear();
        expect(error.name).to.equal('DeployFaultError');
        expect(error.message).to.include('ERROR_HTTP_503').and.include('Service temporarily unavailable').and.not.include('<html>');
        expect(error.message).to.include('Nothing was created: the org has no');
        expect(error.data?.appInOrg).to.equal('none');
        expect(error.actions?.[0]).to.include(`sf ${kind === 'ConnectedApp' ? 'connected-app' : 'external-client-app'} create --name ${name} -o my-org`);
        expect(inOrg(kind, name)).to.equal(false);
        const key = await readFile(join(keyFolder(cwd, name), 'server.key'), 'utf8');
        const certificate = await readFile(join(keyFolder(cwd, name), 'server.crt'), 'utf8');
        expect(await exists(join(cwd, 'force-app', 'main'))).to.equal(false);

        const result = await create(kind, cwd, name);
        expect(inOrg(kind, name)).to.equal(true);
        expect(await readFile(result.privateKeyPath!, 'utf8')).to.equal(key);
        expect(sameCertificate(orgCertificate(kind, name), certificate)).to.equal(true);
        expect(result.metadataPaths.length).to.be.greaterThan(0);
        for (const path of result.metadataPaths) expect(await exists(path), path).to.equal(true);
      });

      it('an answer lost after the org took the app: found in the org, nothing sent twice, the create completes', async () => {
        const cwd = await project();
        const name = `Lost_${tag}`;
        org.emulator.faults.add({ kind: 'http500', operation, times: 1, afterHandling: true });
        org.emulator.clearRequests();
        const result = await create(kind, cwd, name);
        expect(org.emulator.requests().filter((r) => r.operation === operation)).to.have.length(1);
        expect(inOrg(kind, name)).to.equal(true);
        expect(result.consumerKey).to.have.length.greaterThan(20);
        for (const path of result.metadataPaths) expect(await exists(path), path).to.equal(true);
      });

      it('a rerun of a create the org took (source files gone) completes it without --update-existing', async () => {
        const cwd = await project();
        const name = `Resume_${tag}`;
        const first = await create(kind, cwd, name);
        const key = await readFile(first.privateKeyPath!, 'utf8');
        await rm(join(cwd, 'force-app', 'main'), { recursive: true });
        const again = await create(kind, cwd, name);
        expect(again.update?.deployed).to.equal(false);
        expect(again.consumerKey).to.equal(first.consumerKey);
        expect([...again.metadataPaths].sort()).to.deep.equal([...first.metadataPaths].sort());
        for (const path of first.metadataPaths) expect(await exists(path), path).to.equal(true);
        expect(await readFile(again.privateKeyPath!, 'utf8')).to.equal(key);
      });

      it('an app of that name with another certificate is not taken over: the rerun is refused', async () => {
        const cwd = await project();
        const other = await project();
        const name = `Other_${tag}`;
        await create(kind, other, name);
        const before = orgCertificate(kind, name);
        // This project's folder holds a pair made for the same name, but not the one the org's app holds.
        const pair = generateKeyAndCertificate({ commonName: name, days: 30 });
        await mkdir(keyFolder(cwd, name), { recursive: true });
        await writeFile(join(keyFolder(cwd, name), 'server.key'), pair.privateKeyPem);
        await writeFile(join(keyFolder(cwd, name), 'server.crt'), pair.certificatePem);
        const error = await failure(create(kind, cwd, name));
        expect(error.name).to.equal('AppExistsError');
        expect(orgCertificate(kind, name)).to.equal(before);
        expect(await exists(join(cwd, 'force-app', 'main'))).to.equal(false);
      });
    });
  }

  it('a lost createMetadata answer when the org already had a connected app of that name: refused, not taken as sent', async () => {
    const other = await project();
    const name = 'Lost_Taken_Ca';
    const theirs = await create('ConnectedApp', other, name);
    const cwd = await project();
    // Refused before the org handles it: the org is then asked, and finds the app the other project made.
    org.emulator.faults.add({ kind: 'http500', operation: 'createMetadata', times: 1 });
    const error = await failure(create('ConnectedApp', cwd, name));
    expect(error.name).to.equal('AppExistsError');
    expect((org.emulator.store.read('ConnectedApp', name)?.oauthConfig as { consumerKey?: string }).consumerKey).to.equal(theirs.consumerKey);
    // The key pair this run wrote went again with the refusal.
    expect(await exists(keyFolder(cwd, name))).to.equal(false);
  });

  it('a broken deploy poll: the deploy is found whole in the org, and the create completes in the same run', async () => {
    const cwd = await project();
    const name = 'Poll_Eca';
    org.emulator.faults.add({ kind: 'http500', operation: 'checkDeployStatus' });
    const result = await create('ExternalClientApplication', cwd, name);
    org.emulator.faults.clear();
    expect(inOrg('ExternalClientApplication', name)).to.equal(true);
    expect(result.metadataPaths.length).to.equal(4);
    for (const path of result.metadataPaths) expect(await exists(path), path).to.equal(true);
  });

  it('create --update-existing writes the source files the project lacks (metadataPaths not empty)', async () => {
    const cwd = await project();
    const name = 'Missing_Eca';
    const first = await create('ExternalClientApplication', cwd, name);
    const texts = await Promise.all(first.metadataPaths.map((path) => readFile(path, 'utf8')));
    await rm(join(cwd, 'force-app', 'main'), { recursive: true });
    const again = await create('ExternalClientApplication', cwd, name, { updateExisting: true });
    expect([...again.metadataPaths].sort()).to.deep.equal([...first.metadataPaths].sort());
    // As create wrote them: the org's components, never a consumer key.
    for (const [i, path] of first.metadataPaths.entries()) expect(await readFile(path, 'utf8'), path).to.equal(texts[i]);
  });

  it('a key pair left by the user in the plugin folder that does not match is never used or replaced', async () => {
    const cwd = await project();
    const name = 'Mismatch_Ca';
    await create('ConnectedApp', cwd, `${name}_A`);
    await create('ConnectedApp', cwd, `${name}_B`);
    const folder = keyFolder(cwd, name);
    await mkdir(folder, { recursive: true });
    const key = await readFile(join(keyFolder(cwd, `${name}_A`), 'server.key'), 'utf8');
    await writeFile(join(folder, 'server.key'), key);
    await writeFile(join(folder, 'server.crt'), await readFile(join(keyFolder(cwd, `${name}_B`), 'server.crt'), 'utf8'));
    const error = await failure(create('ConnectedApp', cwd, name));
    expect(error.name).to.equal('KeyPairNotReusableError');
    expect(inOrg('ConnectedApp', name)).to.equal(false);
    expect(await readFile(join(folder, 'server.key'), 'utf8')).to.equal(key);
  });
});
