/*
 * Two updates of one app at once. Each plans from what it read; the second to write must neither undo the first
 * (a lost change reported as success) nor be reported when it is not in the org. The updates are interleaved in
 * process: A plans, B plans and writes, A writes. And the lock that serialises updates from one project.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { executeUpdate } from '../../src/verbs/update/execute.js';
import { planUpdate } from '../../src/verbs/update/plan.js';
import { changedElements } from '../../src/verbs/update/conflict.js';
import type { UpdateContext } from '../../src/verbs/update/types.js';
import { AppLockedError, withAppLock } from '../../src/files/appLock.js';
import { createConnectedApp, definition, soapOperations, startEmulatorOrg, type EmulatorOrg } from './emulatorOrg.js';

type Loose = Record<string, unknown>;

describe('concurrent updates of one app', function () {
  this.timeout(60_000);

  it('names the elements that differ between two versions of a component', () => {
    const before = { label: 'A', oauthConfig: { callbackUrl: 'x', scopes: ['Api'] }, description: 'd' };
    const after = { label: 'A', oauthConfig: { callbackUrl: 'y', scopes: ['Api'] }, contactPhone: '1' };
    expect(changedElements(before, after)).to.deep.equal(['oauthConfig.callbackUrl', 'description', 'contactPhone']);
    expect(changedElements(before, structuredClone(before))).to.deep.equal([]);
  });

  describe('against the emulator', () => {
    let org: EmulatorOrg;
    let project: string;
    const context = (): UpdateContext => ({
      conn: org.conn,
      kind: 'ConnectedApp',
      apiVersion: org.conn.getApiVersion(),
      cwd: project,
      rerunCommand: 'sf connected-app update --name X -o emu',
    });
    const orgApp = (name: string): Loose => org.emulator.store.read('ConnectedApp', name)!;

    before(async () => {
      org = await startEmulatorOrg();
      project = await mkdtemp(join(tmpdir(), 'update-conflict-'));
    });
    after(async () => {
      await org?.close();
      await rm(project, { recursive: true, force: true });
    });

    it('another update of other settings in between: both changes end up in the org', async () => {
      const name = 'Both_Changes';
      await createConnectedApp(org.conn, definition(name));
      const ours = await planUpdate(context(), name, { addCallbackUrls: ['https://ours.example.com/cb'] });
      const theirs = await planUpdate(context(), name, { description: 'set by the other update' });
      await executeUpdate(theirs, context());
      const result = await executeUpdate(ours, context());
      expect(result.deployed).to.equal(true);
      const app = orgApp(name);
      expect(app.description).to.equal('set by the other update');
      expect((app.oauthConfig as Loose).callbackUrl).to.include('https://ours.example.com/cb');
    });

    it('another update of the same setting in between: a conflict naming it, nothing sent, their change kept', async () => {
      const name = 'Same_Setting';
      await createConnectedApp(org.conn, definition(name));
      const ours = await planUpdate(context(), name, { addScopes: ['openid'] });
      const theirs = await planUpdate(context(), name, { removeScopes: ['web'] });
      await executeUpdate(theirs, context());
      const scopesBefore = (orgApp(name).oauthConfig as Loose).scopes;
      org.emulator.clearRequests();
      const error = await executeUpdate(ours, context()).then(
        () => expect.fail('the update should have been refused'),
        (e: Error & { actions?: string[] }) => e
      );
      expect(error.name).to.equal('UpdateConflictError');
      expect(error.message).to.include('ConnectedApp.oauthConfig.scopes');
      expect(error.actions?.[0]).to.include('sf connected-app update --name X -o emu');
      expect(soapOperations(org.emulator)).to.deep.equal(['readMetadata']);
      expect((orgApp(name).oauthConfig as Loose).scopes).to.deep.equal(scopesBefore);
    });
  });

  describe('a write that meets a fault', () => {
    let org: EmulatorOrg;
    const context = (): UpdateContext => ({
      conn: org.conn,
      kind: 'ConnectedApp',
      apiVersion: org.conn.getApiVersion(),
      cwd: tmpdir(),
      rerunCommand: 'sf connected-app update --name X -o emu --description d',
    });
    before(async () => {
      org = await startEmulatorOrg();
    });
    after(async () => {
      await org?.close();
    });
    afterEach(() => org.emulator.faults.clear());
    const writes = (): number => soapOperations(org.emulator).filter((op) => op === 'updateMetadata').length;

    it('an answer lost after the org took the change: found there, not sent twice, reported', async () => {
      await createConnectedApp(org.conn, definition('Lost_Answer'));
      const plan = await planUpdate(context(), 'Lost_Answer', { description: 'new' });
      org.emulator.clearRequests();
      org.emulator.faults.add({ kind: 'http500', operation: 'updateMetadata', times: 1, afterHandling: true });
      const result = await executeUpdate(plan, context());
      expect(result.deployed).to.equal(true);
      expect(writes()).to.equal(1);
      expect(org.emulator.store.read('ConnectedApp', 'Lost_Answer')!.description).to.equal('new');
    });

    it('a fault that stopped the change: checked, sent once more, done', async () => {
      await createConnectedApp(org.conn, definition('Stopped_Once'));
      const plan = await planUpdate(context(), 'Stopped_Once', { description: 'new' });
      org.emulator.clearRequests();
      org.emulator.faults.add({ kind: 'http503', operation: 'updateMetadata', times: 1 });
      await executeUpdate(plan, context());
      expect(writes()).to.equal(2);
      expect(org.emulator.store.read('ConnectedApp', 'Stopped_Once')!.description).to.equal('new');
    });

    it('a fault that lasts: an error that says nothing changed and gives the command, never a success', async () => {
      await createConnectedApp(org.conn, definition('Stopped_Always'));
      const plan = await planUpdate(context(), 'Stopped_Always', { description: 'new' });
      org.emulator.faults.add({ kind: 'http503', operation: 'updateMetadata' });
      const error = await executeUpdate(plan, context()).then(
        () => expect.fail('the update should have failed'),
        (e: Error & { actions?: string[] }) => e
      );
      expect(error.name).to.equal('UpdateFaultError');
      expect(error.message).to.include('was not changed').and.include('ERROR_HTTP_503').and.not.include('<html>');
      expect(error.actions?.[0]).to.include('sf connected-app update --name X -o emu --description d');
      expect(org.emulator.store.read('ConnectedApp', 'Stopped_Always')!.description).to.not.equal('new');
    });
  });

  describe('the lock', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'update-lock-'));
    });

    it('runs one holder at a time; the second waits and then runs; the file is gone after', async () => {
      const path = join(dir, 'serial.lock');
      const order: string[] = [];
      const job = (tag: string) => async (): Promise<void> => {
        order.push(`${tag} start`);
        await new Promise((done) => setTimeout(done, 150));
        order.push(`${tag} end`);
      };
      await Promise.all([withAppLock(path, job('a'), { pollMs: 20 }), withAppLock(path, job('b'), { pollMs: 20 })]);
      // Whichever came first, the other started only after it ended.
      expect(order.join(', ')).to.be.oneOf(['a start, a end, b start, b end', 'b start, b end, a start, a end']);
      await readFile(path).then(
        () => expect.fail('the lock file should be gone'),
        () => undefined
      );
    });

    it('names a live holder when it does not let go in time, and leaves its lock alone', async () => {
      const path = join(dir, 'held.lock');
      const holder = { pid: process.pid, host: (await import('node:os')).hostname(), command: 'connected-app update --name X', startedAt: '2026-12-01T10:00:00.000Z' };
      await writeFile(path, JSON.stringify(holder));
      const error = await withAppLock(path, () => Promise.resolve(), { waitMs: 100, pollMs: 20 }).catch((e: Error) => e);
      expect(error).to.be.instanceOf(AppLockedError);
      expect((error as AppLockedError).holder).to.deep.equal(holder);
      expect(JSON.parse(await readFile(path, 'utf8'))).to.deep.equal(holder);
    });

    it('takes over a lock whose process is gone, and removes its own lock when the work fails', async () => {
      const path = join(dir, 'stale.lock');
      const child = spawn(process.execPath, ['-e', '0']);
      const pid = child.pid!;
      await new Promise((done) => child.on('exit', done));
      await writeFile(path, JSON.stringify({ pid, host: (await import('node:os')).hostname(), command: 'killed', startedAt: 'then' }));
      const error = await withAppLock(path, () => Promise.reject(new Error('work failed')), { waitMs: 100 }).catch((e: Error) => e);
      expect((error).message).to.equal('work failed');
      await readFile(path).then(
        () => expect.fail('the lock file should be gone'),
        () => undefined
      );
    });
  });
});
