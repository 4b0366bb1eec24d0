/*
 * The target org's auth file while a login with a new app runs (issue 10 item 1): never absent, never rewritten before
 * the new login has succeeded, replaced in one rename, byte for byte the same after a failed login.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { AuthInfo, StateAggregator } from '@salesforce/core';
import { LoginChainError, loginWithJwt } from '../../src/login/loginChain.js';
import { isAsideAuthFile, loginAside } from '../../src/login/authSwap.js';
import { startEmulatorOrg, type EmulatorOrg } from '../shared/emulatorOrg.js';

describe('the auth swap of a JWT login', function () {
  this.timeout(30_000);
  let org: EmulatorOrg;
  let authFile: string;

  before(async () => {
    org = await startEmulatorOrg();
    authFile = (await StateAggregator.getInstance()).orgs.getPath(org.emulator.username);
  });
  after(async () => org?.close());
  beforeEach(() => org.emulator.faults.clear());

  const options = (more: Partial<Parameters<typeof loginWithJwt>[0]> = {}): Parameters<typeof loginWithJwt>[0] => ({
    clientId: org.emulator.clientId,
    privateKeyFile: org.emulator.jwtKeyFile,
    username: org.emulator.username,
    loginUrl: org.emulator.instanceUrl,
    waitMs: 5000,
    preAuthorized: true,
    intervalMs: 50,
    ...more,
  });
  const asides = async (): Promise<string[]> => (await readdir(dirname(authFile))).filter(isAsideAuthFile);

  it('the old auth file is on disk, unchanged, during every token request, and replaced by the new auth in one rename', async () => {
    // A leftover of an older web login: core's in-place save would merge it into the new JWT auth.
    const orgs = (await StateAggregator.getInstance()).orgs;
    orgs.update(org.emulator.username, { refreshToken: 'from-an-old-web-login' });
    await orgs.write(org.emulator.username);
    await chmod(authFile, 0o640);
    const before = await readFile(authFile);
    const beforeInode = (await stat(authFile)).ino;
    // Every JWT token request takes a while; the file is watched meanwhile.
    org.emulator.faults.add({ kind: 'delay', grantType: 'jwt-bearer', delayMs: 150 });
    const seen: Array<'same' | 'missing' | 'changed'> = [];
    let watching = true;
    const watcher = (async (): Promise<void> => {
      while (watching) {
        // eslint-disable-next-line no-await-in-loop
        const now = await readFile(authFile).catch(() => undefined);
        seen.push(!now ? 'missing' : now.equals(before) ? 'same' : 'changed');
        // eslint-disable-next-line no-await-in-loop
        await new Promise((done) => setTimeout(done, 5));
      }
    })();
    const result = await loginWithJwt(options({ alias: 'swapped' })).finally(() => (watching = false));
    await watcher;
    seen.push((await readFile(authFile)).equals(before) ? 'same' : 'changed');
    expect(seen, 'the old file was missing at some point').to.not.include('missing');
    // Unchanged until the end, then the new auth: one switch, never back.
    const firstChange = seen.indexOf('changed');
    expect(firstChange).to.be.greaterThan(10);
    expect(seen.slice(firstChange)).to.not.include('same');
    expect(result.username).to.equal(org.emulator.username);
    expect((await stat(authFile)).ino, 'replaced by a rename, not rewritten in place').to.not.equal(beforeInode);
    expect((await stat(authFile)).mode & 0o777).to.equal(0o640);
    const fields = (await AuthInfo.create({ username: org.emulator.username })).getFields(true);
    expect(fields.refreshToken, 'nothing of the old auth is merged in').to.equal(undefined);
    expect(fields.clientId).to.equal(org.emulator.clientId);
    expect(fields.accessToken).to.be.a('string');
    expect((await StateAggregator.getInstance()).aliases.getUsername('swapped')).to.equal(org.emulator.username);
    expect(await asides()).to.deep.equal([]);
  });

  it('a failed login leaves the auth file byte for byte, same inode and time, and nothing beside it', async () => {
    const before = await readFile(authFile);
    const { ino, mtimeMs } = await stat(authFile);
    // The token endpoint fails in a way the probe leaves to core's own login to judge: core's attempt fails too.
    org.emulator.faults.add({ kind: 'http500', grantType: 'jwt-bearer' });
    const error = await loginWithJwt(options()).then(
      () => expect.fail('expected the login to fail'),
      (e: unknown) => e
    );
    expect(error).to.be.instanceOf(LoginChainError);
    expect((error as LoginChainError).classified.kind).to.equal('permanent');
    expect(org.emulator.faults.list()[0].hits, 'the probe and core both asked').to.be.greaterThan(1);
    expect((await readFile(authFile)).equals(before)).to.equal(true);
    expect(await stat(authFile)).to.include({ ino, mtimeMs });
    expect(await asides()).to.deep.equal([]);
    org.emulator.faults.clear();
    // The cache reads the user's own file again: the org still authenticates.
    const auth = await AuthInfo.create({ username: org.emulator.username });
    expect(auth.getFields().clientId).to.equal(org.emulator.clientId);
  });

  it('a login that was never committed changes nothing on disk; a killed run\'s aside file is cleaned up, a running one\'s kept', async () => {
    const dir = dirname(authFile);
    await mkdir(dir, { recursive: true });
    const dead = join(dir, `.${org.emulator.username}.swap-999999999.json`);
    const alive = join(dir, `.${org.emulator.username}.swap-${process.ppid}.json`);
    await writeFile(dead, '{}');
    await writeFile(alive, '{}');
    const before = await readFile(authFile);
    const swap = await loginAside(org.emulator.username, {
      clientId: org.emulator.clientId,
      privateKeyFile: org.emulator.jwtKeyFile,
      loginUrl: org.emulator.instanceUrl,
    });
    expect(swap.authInfo.getFields().accessToken).to.be.a('string');
    expect(existsSync(dead)).to.equal(false);
    expect(existsSync(alive)).to.equal(true);
    expect((await readFile(authFile)).equals(before)).to.equal(true);
    await swap.commit();
    expect((await readFile(authFile)).equals(before)).to.equal(false);
    expect(await asides()).to.deep.equal([`.${org.emulator.username}.swap-${process.ppid}.json`]);
  });

  it('a login that ends as another user (a web login can) saves that user\'s own auth and leaves the expected user\'s file alone', async () => {
    const other = 'other-user@authswap.test';
    org.emulator.state.addUser({ username: other, firstName: 'Other', lastName: 'User', profileName: 'System Administrator', permissionSets: [] });
    const before = await readFile(authFile);
    const orgs = (await StateAggregator.getInstance()).orgs;
    const swap = await loginAside(org.emulator.username, () =>
      AuthInfo.create({
        oauth2Options: { clientId: org.emulator.clientId, privateKeyFile: org.emulator.jwtKeyFile, loginUrl: org.emulator.instanceUrl, username: other },
      })
    );
    await swap.commit();
    expect((await readFile(authFile)).equals(before)).to.equal(true);
    expect(existsSync(orgs.getPath(other))).to.equal(true);
    expect((await asides()).filter((name) => name.endsWith(`.swap-${process.pid}.json`))).to.deep.equal([]);
    expect((await AuthInfo.create({ username: other })).getFields().clientId).to.equal(org.emulator.clientId);
  });
});
