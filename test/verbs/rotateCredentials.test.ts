/*
 * rotateCredentials (sf external-client-app rotate-credentials) against the emulator with a real Connection: stage
 * hands over a new key and secret and keeps the previous ones working, revoke ends them; every refusal comes before
 * anything is sent or written, and a failure half way leaves the app as it was.
 */
import { lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { rotateCredentials, type RotateCredentialsContext } from '../../src/verbs/rotateCredentials.js';
import { SecretFile } from '../../src/files/credentials.js';
import { readStagedAnswer } from '../../src/org/stagedCredentials.js';
import { createExternalClientApp, definition, startEmulatorOrg, type EmulatorOrg } from '../shared/emulatorOrg.js';

describe('rotateCredentials', function () {
  this.timeout(60_000);
  let org: EmulatorOrg;
  let folder: string;

  const context = (extra: Partial<RotateCredentialsContext> = {}): RotateCredentialsContext => ({
    conn: org.conn,
    targetOrg: 'my-org',
    ...extra,
  });
  /** Requests that change something (not GET), as the emulator logged them. */
  const writes = (): string[] =>
    org.emulator
      .requests()
      .filter((r) => r.method !== 'GET' && !r.path.includes('/oauth2/') && !r.path.includes('/Soap/'))
      .map((r) => `${r.method} ${r.path.replace(/.*\/credentials\/[^/]+\/[^/]+/, '')}`);
  const refusal = (promise: Promise<unknown>): Promise<Error> =>
    promise.then(
      () => expect.fail('expected a refusal'),
      (error: Error) => error
    );
  const primaryKey = (name: string): string | undefined =>
    org.emulator.store.allApps().find((a) => a.app.name === name)?.app.consumerKey;

  before(async () => {
    org = await startEmulatorOrg();
    folder = await mkdtemp(join(tmpdir(), 'rotation-credentials-'));
  });
  after(async () => {
    await org?.close();
    await rm(folder, { recursive: true, force: true });
  });
  beforeEach(() => {
    org.emulator.clearRequests();
    org.emulator.faults.clear();
  });

  it('stage: a new key and secret (secret only in a new 0600 file), the previous key still valid; revoke ends it', async () => {
    await createExternalClientApp(org.conn, definition('Cred_Eca', { consumerKey: 'CredEcaOldKey12345' }));
    const secretFile = join(folder, 'cred.secret');
    const staged = await rotateCredentials({ name: 'Cred_Eca', step: 'stage', secretFile }, context());
    expect(staged.previousConsumerKey).to.equal('CredEcaOldKey12345');
    expect(staged.consumerKey).to.match(/^3MVG9/);
    expect(staged).to.not.have.property('consumerSecret');
    expect(staged.secretFile).to.equal(secretFile);
    expect(staged.previousValidUntil).to.be.a('string');
    expect(staged.nextCommand).to.equal('sf external-client-app rotate-credentials --name Cred_Eca --target-org my-org --step revoke');
    expect((await stat(secretFile)).mode & 0o777).to.equal(0o600);
    const secret = (await readFile(secretFile, 'utf8')).trim();
    expect(org.emulator.store.lookupApp(staged.consumerKey!)).to.deep.include({ state: 'live' });
    const previous = org.emulator.store.lookupApp('CredEcaOldKey12345');
    expect(previous.state).to.equal('live');
    expect(primaryKey('Cred_Eca')).to.equal(staged.consumerKey);
    // The secret written is the new key's secret.
    const live = org.emulator.store.lookupApp(staged.consumerKey!);
    expect(live.state === 'live' && live.app.consumerSecret).to.equal(secret);
    expect(writes()).to.deep.equal(['POST /staged', `PATCH /staged/${writes()[1].split('/').pop()!}`]);
    // find (SOQL), consumers, slot, POST, slot (the POST answer names no id), PATCH, slot (previous expiry).
    expect(staged.requests).to.equal(7);

    org.emulator.clearRequests();
    const revoked = await rotateCredentials({ name: 'Cred_Eca', step: 'revoke' }, context());
    expect(revoked.revoked).to.deep.equal([{ consumerKey: 'CredEcaOldKey12345', state: 'rotated', expirationDate: staged.previousValidUntil }]);
    expect(org.emulator.store.lookupApp('CredEcaOldKey12345').state).to.equal('unknown');
    expect(org.emulator.store.lookupApp(staged.consumerKey!).state).to.equal('live');
    expect(writes()).to.have.length(1);

    // Nothing left: revoke again changes nothing and does not fail (a pipeline may run it twice).
    org.emulator.clearRequests();
    const again = await rotateCredentials({ name: 'Cred_Eca', step: 'revoke' }, context());
    expect(again.revoked).to.deep.equal([]);
    expect(writes()).to.deep.equal([]);
  });

  it('hands the secret over in the result only when asked, and refuses a new rotation while the previous key lives', async () => {
    await createExternalClientApp(org.conn, definition('Cred_Show'));
    const staged = await rotateCredentials({ name: 'Cred_Show', step: 'stage', showSecret: true }, context());
    expect(staged.consumerSecret).to.be.a('string').and.have.length.greaterThan(8);
    org.emulator.clearRequests();
    const error = await refusal(rotateCredentials({ name: 'Cred_Show', step: 'stage', showSecret: true }, context()));
    expect(error.name).to.equal('PreviousStillValidError');
    expect(error.message).to.include(staged.previousConsumerKey);
    expect((error as Error & { actions?: string[] }).actions?.[0]).to.include('--step revoke');
    expect(writes()).to.deep.equal([]);
  });

  it('refuses before sending anything: an existing secret file, a missing folder, secret flags on revoke, an unknown app', async () => {
    await createExternalClientApp(org.conn, definition('Cred_Checks'));
    const existing = join(folder, 'exists.secret');
    await writeFile(existing, 'keep me');
    org.emulator.clearRequests();
    expect((await refusal(rotateCredentials({ name: 'Cred_Checks', step: 'stage', secretFile: existing }, context()))).name).to.equal(
      'SecretFileUnusableError'
    );
    expect(await readFile(existing, 'utf8')).to.equal('keep me');
    const missing = join(folder, 'no-such-folder', 'x.secret');
    expect((await refusal(rotateCredentials({ name: 'Cred_Checks', step: 'stage', secretFile: missing }, context()))).name).to.equal(
      'SecretFileUnusableError'
    );
    expect((await refusal(rotateCredentials({ name: 'Cred_Checks', step: 'revoke', showSecret: true }, context()))).name).to.equal(
      'SecretOnRevokeError'
    );
    expect(org.emulator.requests()).to.deep.equal([]);
    expect((await refusal(rotateCredentials({ name: 'No_Such_Eca', step: 'stage' }, context()))).name).to.equal('NoAppError');
    expect(writes()).to.deep.equal([]);
  });

  it('takes the secret file as create does: no link followed, none in a package directory, an empty file left by no failure', async () => {
    await createExternalClientApp(org.conn, definition('Cred_Place'));
    const link = join(folder, 'place-link.secret');
    await symlink(join(folder, 'place-target.secret'), link);
    const pkg = join(folder, 'force-app');
    await mkdir(pkg);
    org.emulator.clearRequests();
    for (const [secretFile, packageDirectories] of [
      [link, []],
      [join(pkg, 'app.secret'), [pkg]],
    ] as const) {
      // eslint-disable-next-line no-await-in-loop
      const error = await refusal(rotateCredentials({ name: 'Cred_Place', step: 'stage', secretFile }, context({ packageDirectories })));
      expect(error.name).to.match(/^Secret(FileUnusable|InPackageDirectory)Error$/);
    }
    expect(await lstat(join(folder, 'place-target.secret')).catch(() => 'none')).to.equal('none');
    expect(await lstat(join(pkg, 'app.secret')).catch(() => 'none')).to.equal('none');
    expect(org.emulator.requests()).to.deep.equal([]);
    // Opened before the first request, and removed again when the app is not there.
    const unknown = join(folder, 'unknown.secret');
    expect((await refusal(rotateCredentials({ name: 'No_Such_Eca', step: 'stage', secretFile: unknown }, context()))).name).to.equal('NoAppError');
    expect(await lstat(unknown).catch(() => 'none')).to.equal('none');
  });

  it('when the secret file cannot take the secret, the stage is undone and the app keeps its key', async () => {
    await createExternalClientApp(org.conn, definition('Cred_Full', { consumerKey: 'CredFullOldKey12345' }));
    const secretFile = join(folder, 'full.secret');
    const write = sinon.stub(SecretFile.prototype, 'write').rejects(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    try {
      const error = await refusal(rotateCredentials({ name: 'Cred_Full', step: 'stage', secretFile }, context()));
      expect(error.name).to.equal('SecretFileUnwritableError');
      expect(error.message).to.include('ENOSPC');
    } finally {
      write.restore();
    }
    expect(primaryKey('Cred_Full')).to.equal('CredFullOldKey12345');
    expect(org.emulator.store.staged.slot('Cred_Full')).to.equal(undefined);
    expect(writes().map((w) => w.split(' ')[0])).to.deep.equal(['POST', 'DELETE']);
  });

  it('refuses to revoke the key the target org login itself uses', async () => {
    await createExternalClientApp(org.conn, definition('Cred_Own', { consumerKey: 'CredOwnOldKey12345' }));
    await rotateCredentials({ name: 'Cred_Own', step: 'stage' }, context());
    org.emulator.clearRequests();
    const error = await refusal(rotateCredentials({ name: 'Cred_Own', step: 'revoke' }, context({ loginClientId: 'CredOwnOldKey12345' })));
    expect(error.name).to.equal('RevokeOwnLoginError');
    expect(writes()).to.deep.equal([]);
    expect(org.emulator.store.lookupApp('CredOwnOldKey12345').state).to.equal('live');
  });

  it('when making the new credentials primary fails, they are deleted again and the secret file removed', async () => {
    await createExternalClientApp(org.conn, definition('Cred_Fault', { consumerKey: 'CredFaultOldKey1234' }));
    const secretFile = join(folder, 'fault.secret');
    org.emulator.faults.add({ kind: 'http500', method: 'PATCH', pathRegex: '/staged/' });
    const error = await refusal(rotateCredentials({ name: 'Cred_Fault', step: 'stage', secretFile }, context()));
    expect(error.name).to.equal('RequestFailedError');
    expect(error.message).to.include('rotate');
    org.emulator.faults.clear();
    expect(await stat(secretFile).catch(() => 'gone')).to.equal('gone');
    expect(primaryKey('Cred_Fault')).to.equal('CredFaultOldKey1234');
    expect(org.emulator.store.staged.slot('Cred_Fault')).to.equal(undefined);
    // The app is as before: a new rotation starts cleanly.
    const staged = await rotateCredentials({ name: 'Cred_Fault', step: 'stage' }, context());
    expect(staged.previousConsumerKey).to.equal('CredFaultOldKey1234');
  });

  it('when the rotate went through but its answer was lost, nothing is deleted and the file keeps the new secret', async () => {
    await createExternalClientApp(org.conn, definition('Cred_Lost', { consumerKey: 'CredLostOldKey12345' }));
    const secretFile = join(folder, 'lost.secret');
    org.emulator.faults.add({ kind: 'http500', method: 'PATCH', pathRegex: '/staged/', times: 1, afterHandling: true });
    await refusal(rotateCredentials({ name: 'Cred_Lost', step: 'stage', secretFile }, context()));
    org.emulator.faults.clear();
    const newKey = primaryKey('Cred_Lost');
    expect(newKey).to.not.equal('CredLostOldKey12345');
    // The file holds the secret of the credentials now primary; the previous ones were not revoked by an undo.
    expect((await readFile(secretFile, 'utf8')).trim()).to.have.length.greaterThan(0);
    expect(org.emulator.store.staged.slot('Cred_Lost')).to.not.equal(undefined);
  });

  it('when the org answers a stage without the secret, the staged credentials go again and nothing changes', async () => {
    await createExternalClientApp(org.conn, definition('Cred_NoSecret', { consumerKey: 'CredNoSecretKey1234' }));
    const secretFile = join(folder, 'nosecret.secret');
    // The org's answer without the secret (as for a user the org will not show secrets to).
    const request = org.conn.request.bind(org.conn);
    const withoutSecret = async (info: Parameters<typeof request>[0]): Promise<unknown> => {
      const answer = await request<{ stagedCredentials?: Array<Record<string, unknown>> }>(info);
      if (typeof info !== 'object' || info.method !== 'POST') return answer;
      return { ...answer, stagedCredentials: answer.stagedCredentials?.map(({ secret, ...rest }) => (void secret, rest)) };
    };
    const stub = sinon.stub(org.conn, 'request').callsFake(withoutSecret as unknown as typeof org.conn.request);
    try {
      for (const flags of [{ secretFile }, { showSecret: true }]) {
        // eslint-disable-next-line no-await-in-loop
        const error = await refusal(rotateCredentials({ name: 'Cred_NoSecret', step: 'stage', ...flags }, context()));
        expect(error.name).to.equal('NoSecretInAnswerError');
        expect(org.emulator.store.staged.slot('Cred_NoSecret')).to.equal(undefined);
        expect(primaryKey('Cred_NoSecret')).to.equal('CredNoSecretKey1234');
      }
    } finally {
      stub.restore();
    }
    expect(await stat(secretFile).catch(() => 'none')).to.equal('none');
  });

  it('clears expired credentials from the slot before staging', async () => {
    await createExternalClientApp(org.conn, definition('Cred_Expired', { consumerKey: 'CredExpiredKey12345' }));
    await rotateCredentials({ name: 'Cred_Expired', step: 'stage' }, context());
    const slot = org.emulator.store.staged.slot('Cred_Expired')!;
    slot.expirationDate = new Date(Date.now() - 1000).toISOString();
    expect(org.emulator.store.lookupApp('CredExpiredKey12345').state).to.equal('unknown');
    const staged = await rotateCredentials({ name: 'Cred_Expired', step: 'stage' }, context());
    expect(staged.cleared).to.deep.equal([{ consumerKey: 'CredExpiredKey12345', state: 'expired', expirationDate: slot.expirationDate }]);
  });

  describe('readStagedAnswer: every shape the evidence shows', () => {
    it('reads a collection, a bare list and a single record; takes the id from the URL when none is given', () => {
      const record = { id: '0Sc1', key: 'K', secret: 'S', state: 'Active' };
      expect(readStagedAnswer({ stagedCredentials: [record] })).to.deep.equal([{ ...record, state: 'active', createdDate: undefined, expirationDate: undefined, createdBy: undefined }]);
      expect(readStagedAnswer([record])[0]).to.include({ id: '0Sc1', state: 'active' });
      expect(readStagedAnswer(record)[0]).to.include({ id: '0Sc1' });
      expect(readStagedAnswer({ key: 'K', stagedCredentialsUrl: '/services/data/v66.0/apps/oauth/credentials/A/C/staged/0Sc9' })[0]).to.include({ id: '0Sc9' });
      expect(readStagedAnswer({ key: 'K', stagedCredentialsUrl: '/x/staged' })[0].id).to.equal(undefined);
      expect(readStagedAnswer({ stagedCredentials: [] })).to.deep.equal([]);
      expect(readStagedAnswer(undefined)).to.deep.equal([]);
      expect(readStagedAnswer({ state: 'ROTATED', id: 'x' })[0].state).to.equal('rotated');
    });
  });
});
