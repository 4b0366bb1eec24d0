/* eslint-disable camelcase -- OAuth wire format (grant_type, access_token, ...) is snake_case */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Emulator, startEmulator } from './server.js';
import { JWT_GRANT, getJson, postForm, signJwt } from './testSupport.js';

async function login(emu: Emulator): Promise<{ status: number; json: any }> {
  const key = await readFile(emu.jwtKeyFile, 'utf8');
  const assertion = signJwt(key, { iss: emu.clientId, sub: emu.username, aud: `${emu.instanceUrl}/`, exp: Date.now() + 300 });
  return postForm(`${emu.instanceUrl}/services/oauth2/token`, { grant_type: JWT_GRANT, assertion });
}

describe('emulator server', () => {
  let dir: string;
  let emu: Emulator | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'emu-server-test-'));
  });
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('starts with a live bootstrap app whose key file (0600) logs the admin in', async () => {
    emu = await startEmulator({ port: 0, dataDir: dir });
    expect(emu.instanceUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.orgId).to.match(/^00D\w{15}$/);
    expect(emu.userId).to.match(/^005\w{15}$/);
    expect(emu.jwtKeyFile).to.equal(join(dir, 'bootstrap.key'));
    expect((await stat(emu.jwtKeyFile)).mode & 0o777).to.equal(0o600);
    expect(emu.store.lookupApp(emu.clientId).state).to.equal('live');
    expect(emu.state.settings).to.deep.equal({ allowConnectedAppCreation: false, ecaSecretRestAccess: true, ecaMetadataSecretAccess: true, isDevHub: true });
    const res = await login(emu);
    expect(res.status, JSON.stringify(res.json)).to.equal(200);
    expect(res.json.id).to.equal(`${emu.instanceUrl}/id/${emu.orgId}/${emu.userId}`);
    const apps = await getJson(`${emu.instanceUrl}/services/data/v66.0/query?q=SELECT+Name+FROM+ConnectedApplication`, res.json.access_token);
    expect(apps.json.totalSize).to.equal(1);
  });

  it('routes Metadata SOAP to the store and answers text/xml', async () => {
    emu = await startEmulator({ port: 0, dataDir: dir });
    const token = (await login(emu)).json.access_token;
    const body =
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      `<soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata"><SessionHeader><sessionId>${token}</sessionId></SessionHeader></soapenv:Header>` +
      '<soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata"><readMetadata><type>ConnectedApp</type><fullNames>Emulator_Bootstrap</fullNames></readMetadata></soapenv:Body></soapenv:Envelope>';
    const res = await fetch(`${emu.instanceUrl}//services/Soap/m/66.0`, { method: 'POST', headers: { 'content-type': 'text/xml', soapaction: '""' }, body });
    const text = await res.text();
    expect(res.status, text).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/xml;charset=UTF-8');
    expect(text).to.include('Emulator_Bootstrap');
    expect(emu.requests().at(-1)).to.include({ path: '/services/Soap/m/66.0', operation: 'readMetadata', status: 200 });
  });

  it('round-trips the org through the state file: same org, app, key and sessions', async () => {
    const stateFile = join(dir, 'org.json');
    emu = await startEmulator({ port: 0, dataDir: join(dir, 'a'), stateFile, liveDelayMs: 1234 });
    const token = (await login(emu)).json.access_token;
    emu.state.updateSettings({ ecaSecretRestAccess: false });
    const first = { orgId: emu.orgId, clientId: emu.clientId, userId: emu.userId, key: await readFile(emu.jwtKeyFile, 'utf8') };
    await emu.stop();
    const saved = JSON.parse(await readFile(stateFile, 'utf8'));
    expect(saved.version).to.equal(1);

    emu = await startEmulator({ port: 0, dataDir: join(dir, 'b'), stateFile, liveDelayMs: 1234 });
    expect({ orgId: emu.orgId, clientId: emu.clientId, userId: emu.userId, key: await readFile(emu.jwtKeyFile, 'utf8') }).to.deep.equal(first);
    expect(emu.state.settings.ecaSecretRestAccess).to.equal(false);
    expect(emu.store.settings.liveDelayMs).to.equal(1234);
    expect(emu.store.read('ConnectedApp', 'Emulator_Bootstrap')).to.not.equal(undefined);
    expect(emu.store.lookupApp(emu.clientId).state).to.equal('live');
    const query = await getJson(`${emu.instanceUrl}/services/data/v66.0/query?q=SELECT+Id+FROM+Organization`, token);
    expect(query.status, 'a session from before the restart still works').to.equal(200);
    expect((await login(emu)).status).to.equal(200);
  });

  it('npm run emulator prints one ready line and saves the state file on SIGTERM', async function () {
    this.timeout(30_000);
    const stateFile = join(dir, 'cli-state.json');
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/emulator/cli.ts', '--port', '0', '--state-file', stateFile, '--data-dir', dir, '--live-delay', '5'], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const ready = await new Promise<any>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
      });
      child.on('exit', (code) => reject(new Error(`exited ${String(code)}: ${err}`)));
    });
    expect(Object.keys(ready)).to.deep.equal(['instanceUrl', 'username', 'clientId', 'jwtKeyFile', 'orgId']);
    const settings = await getJson(`${ready.instanceUrl}/_emulator/settings`);
    expect(settings.json.liveDelayMs).to.equal(5);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
    expect(out.trim().split('\n')).to.have.length(1);
    const saved = JSON.parse(await readFile(stateFile, 'utf8'));
    expect(saved.org.id).to.equal(ready.orgId);
  });
});
