/*
 * Foundation: proves the harness and the emulator with the real sf CLI, before any plugin command is involved.
 * Every test runs the real `sf` binary from node_modules, with an isolated HOME, as a pipeline would.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator } from '../emulator/server.js';
import type { RequestLogEntry } from '../emulator/types.js';
import { describeRun, repoRoot, SfSession, sharedSession, waitForFreePort } from './harness.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type OrgDisplay = { username: string; instanceUrl: string; id: string; accessToken?: string; clientId?: string };
type DeployFile = { fullName: string; type: string; state: string; error?: string; problemType?: string };
type DeployJson = { status?: string; success?: boolean; files?: DeployFile[]; details?: unknown };

const noSlash = (url: string): string => url.replace(/\/+$/, '');

const connectedAppXml = (label: string, oauthConfigExtra = '', rootExtra = ''): string =>
  [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">',
    '    <contactEmail>admin@example.com</contactEmail>',
    `    <label>${label}</label>`,
    '    <oauthConfig>',
    '        <callbackUrl>http://localhost:1717/OauthRedirect</callbackUrl>',
    '        <isAdminApproved>true</isAdminApproved>',
    '        <isConsumerSecretOptional>true</isConsumerSecretOptional>',
    `${oauthConfigExtra}        <scopes>Api</scopes>`,
    '        <scopes>RefreshToken</scopes>',
    '        <scopes>Web</scopes>',
    '    </oauthConfig>',
    '    <oauthPolicy>',
    '        <ipRelaxation>ENFORCE</ipRelaxation>',
    '        <refreshTokenPolicy>infinite</refreshTokenPolicy>',
    '    </oauthPolicy>',
    `${rootExtra}    <profileName>System Administrator</profileName>`,
    '</ConnectedApp>',
    '',
  ].join('\n');

async function postJson(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url} -> ${res.status} ${await res.text()}`);
}

async function emulatorRequests(instanceUrl: string): Promise<RequestLogEntry[]> {
  const res = await fetch(`${instanceUrl}/_emulator/requests`);
  const body = (await res.json()) as RequestLogEntry[] | { requests: RequestLogEntry[] };
  return Array.isArray(body) ? body : body.requests;
}

describe('Foundation: the real sf CLI against the org emulator', function () {
  this.timeout(240_000);
  let session: SfSession;
  let emu: Emulator;
  let aliasCounter = 0;
  const nextAlias = (prefix: string): string => `${prefix}-${++aliasCounter}`;

  before(async () => {
    session = await sharedSession();
    emu = await startEmulator({ port: 0 });
    await session.loginToEmulator(emu, 'emu');
  });

  after(async () => {
    await emu?.stop();
  });

  // A login as the admin replaces that user's auth file, and a failed one deletes it (plugin-auth removes an existing
  // auth for the username first). Such tests get a HOME of their own and leave the shared 'emu' JWT login alone.
  const isolated: SfSession[] = [];
  const ownSession = async (): Promise<SfSession> => {
    const own = await SfSession.create();
    isolated.push(own);
    return own;
  };
  afterEach(async () => {
    await Promise.all(isolated.splice(0).map((own) => own.dispose()));
  });

  it('links the compiled plugin: sf plugins lists it as a link of the lib-only staging dir', async () => {
    const run = await session.run(['plugins']);
    expect(run.exitCode, describeRun(run)).to.equal(0);
    expect(run.stdout).to.match(new RegExp(`sf-plugin-oauth-apps \\S+ \\(link\\) ${join(session.root, 'plugin')}`));
    if (existsSync(join(repoRoot, 'lib', 'commands', 'connected-app', 'create.js'))) {
      const help = await session.run(['connected-app', 'create', '--help']);
      expect(help.exitCode, describeRun(help)).to.equal(0);
      expect(help.stdout).to.include('connected-app create');
      // Loaded from lib/: oclif would warn if it tried (and failed) to transpile src/ for a linked plugin.
      expect(help.stderr).not.to.include('auto-transpiled');
    }
  });

  it('sf org login jwt logs in, and sf org display shows the emulator instance URL and username', async () => {
    const display = await session.json<OrgDisplay>(['org', 'display', '--target-org', 'emu']);
    expect(display.json.status, describeRun(display)).to.equal(0);
    expect(noSlash(display.json.result!.instanceUrl)).to.equal(noSlash(emu.instanceUrl));
    expect(display.json.result!.username).to.equal(emu.username);
    expect(display.json.result!.id).to.match(/^00D/);
    // The auth file sits in the session's own HOME, never in the developer's.
    expect(existsSync(join(session.home, '.sfdx', `${emu.username}.json`))).to.equal(true);
  });

  it('refuses a JWT signed with a key that does not match the app certificate (invalid_grant)', async () => {
    const own = await ownSession();
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const wrongKey = join(own.root, 'wrong.key');
    await writeFile(wrongKey, privateKey);
    const alias = nextAlias('wrong-key');
    emu.clearRequests();
    const login = await own.loginJwt({ instanceUrl: emu.instanceUrl, username: emu.username, clientId: emu.clientId, keyFile: wrongKey, alias });
    expect(login.exitCode, describeRun(login)).to.not.equal(0);
    expect(login.json.status).to.not.equal(0);
    expect(login.json.message).to.match(/invalid_grant|invalid assertion/i);
    const tokenCalls = emu.requests().filter((r) => r.path.startsWith('/services/oauth2/token'));
    expect(tokenCalls.length, 'the emulator saw the signed assertions').to.be.greaterThan(0);
    expect(tokenCalls.every((r) => r.status >= 400)).to.equal(true);
    const display = await own.json(['org', 'display', '--target-org', alias]);
    expect(display.json.status, 'no org was authorized under the alias').to.not.equal(0);
  });

  it('refuses a tampered key file', async () => {
    const own = await ownSession();
    const pem = await readFile(emu.jwtKeyFile, 'utf8');
    const lines = pem.trim().split('\n');
    // Drop a line of the base64 body. (Flipping characters is not enough: a damaged private exponent goes unnoticed,
    // since RSA signing uses the CRT primes, and the signature still verifies.)
    lines.splice(Math.floor(lines.length / 2), 1);
    const tampered = join(own.root, 'tampered.key');
    await writeFile(tampered, `${lines.join('\n')}\n`);
    const alias = nextAlias('tampered');
    const login = await own.loginJwt({ instanceUrl: emu.instanceUrl, username: emu.username, clientId: emu.clientId, keyFile: tampered, alias });
    expect(login.exitCode, describeRun(login)).to.not.equal(0);
    expect(login.json.status).to.not.equal(0);
    expect(login.json.name).to.match(/error/i);
    const display = await own.json(['org', 'display', '--target-org', alias]);
    expect(display.json.status).to.not.equal(0);
  });

  it("refuses a user the app is not pre-authorized for: user hasn't approved this consumer", async () => {
    const standardUser = emu.state.users.find((u) => u.profileName === 'Standard User');
    expect(standardUser, 'the emulator seeds a Standard User').to.not.equal(undefined);
    const login = await session.loginJwt({
      instanceUrl: emu.instanceUrl,
      username: standardUser!.username,
      clientId: emu.clientId,
      keyFile: emu.jwtKeyFile,
      alias: nextAlias('standard'),
    });
    expect(login.exitCode, describeRun(login)).to.not.equal(0);
    expect(login.json.message).to.include("user hasn't approved this consumer");
  });

  it('sf org login web runs headless with --client-id of the bootstrap app (empty secret at the prompt)', async () => {
    const own = await ownSession();
    // The app's callback URL names a port; the redirect URI must match it exactly (PlatformCLI alone allows any port).
    const lookup = emu.store.lookupApp(emu.clientId);
    expect(lookup.state).to.equal('live');
    const callback = new URL((lookup as { app: { callbackUrls: string[] } }).app.callbackUrls[0]);
    const port = Number(callback.port);
    await waitForFreePort(port);
    const project = await own.makeProject('web-client-id', { oauthLocalPort: port });
    const alias = nextAlias('web-client');
    const login = await own.json(
      ['org', 'login', 'web', '--instance-url', emu.instanceUrl, '--client-id', emu.clientId, '--alias', alias],
      { cwd: project.dir, input: '\n', timeoutMs: 90_000 }
    );
    expect(login.json.status, `${describeRun(login)}\nbrowser:\n${await own.browserLog()}`).to.equal(0);
    const display = await own.json<OrgDisplay>(['org', 'display', '--target-org', alias]);
    expect(display.json.result!.username).to.equal(emu.username);
    expect(noSlash(display.json.result!.instanceUrl)).to.equal(noSlash(emu.instanceUrl));
    expect(display.json.result!.clientId).to.equal(emu.clientId);
    // The redirect went to this project's oauthLocalPort.
    expect(await own.browserLog()).to.include(`localhost%3A${project.oauthLocalPort}%2FOauthRedirect`);
  });

  it('sf org login web runs headless with the default PlatformCLI client', async () => {
    const own = await ownSession();
    const project = await own.makeProject('web-default');
    const alias = nextAlias('web-default');
    emu.clearRequests();
    const login = await own.json(['org', 'login', 'web', '--instance-url', emu.instanceUrl, '--alias', alias], {
      cwd: project.dir,
      timeoutMs: 90_000,
    });
    expect(login.json.status, `${describeRun(login)}\nbrowser:\n${await own.browserLog()}`).to.equal(0);
    const operations = emu.requests().map((r) => r.operation);
    expect(operations).to.include('authorization_code');
    const display = await own.json<OrgDisplay>(['org', 'display', '--target-org', alias]);
    expect(display.json.result!.clientId).to.equal('PlatformCLI');
    expect(display.json.result!.username).to.equal(emu.username);
  });

  it('sf project deploy start deploys a valid ConnectedApp source file through deploy + checkDeployStatus', async () => {
    await postJson(`${emu.instanceUrl}/_emulator/settings`, { allowConnectedAppCreation: true });
    const project = await session.makeProject('deploy-ok');
    await project.write('force-app/main/default/connectedApps/E2E_Deploy_App.connectedApp-meta.xml', connectedAppXml('E2E Deploy App'));
    emu.clearRequests();
    const deploy = await session.json<DeployJson>(['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', 'emu'], {
      cwd: project.dir,
    });
    expect(deploy.json.status, describeRun(deploy)).to.equal(0);
    expect(deploy.json.result!.success).to.equal(true);
    const file = deploy.json.result!.files!.find((f) => f.type === 'ConnectedApp');
    expect(file).to.include({ fullName: 'E2E_Deploy_App', state: 'Created' });
    const operations = (await emulatorRequests(emu.instanceUrl)).map((r) => r.operation);
    expect(operations).to.include('deploy');
    expect(operations).to.include('checkDeployStatus');
    expect(emu.store.read('ConnectedApp', 'E2E_Deploy_App'), 'the app is in the org now').to.not.equal(undefined);
  });

  it('sf project deploy start rejects a ConnectedApp with an unknown element as a component failure', async () => {
    await postJson(`${emu.instanceUrl}/_emulator/settings`, { allowConnectedAppCreation: true });
    const project = await session.makeProject('deploy-bad-element');
    await project.write(
      'force-app/main/default/connectedApps/E2E_Bad_Element.connectedApp-meta.xml',
      connectedAppXml('E2E Bad Element', '        <notARealField>true</notARealField>\n')
    );
    const deploy = await session.json<DeployJson>(['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', 'emu'], {
      cwd: project.dir,
    });
    expect(deploy.exitCode, describeRun(deploy)).to.not.equal(0);
    const failure = deploy.json.result?.files?.find((f) => f.state === 'Failed');
    expect(failure, describeRun(deploy)).to.include({ fullName: 'E2E_Bad_Element', type: 'ConnectedApp', problemType: 'Error' });
    // Salesforce's wording for an element the schema does not have.
    expect(failure!.error).to.match(/^Element \{http:\/\/soap\.sforce\.com\/2006\/04\/metadata\}notARealField invalid at this location in type ConnectedAppOauthConfig/);
    expect(emu.store.read('ConnectedApp', 'E2E_Bad_Element'), 'nothing was saved').to.equal(undefined);
  });

  it('sf project deploy start rejects a ConnectedApp with a bad enum value as a component failure', async () => {
    await postJson(`${emu.instanceUrl}/_emulator/settings`, { allowConnectedAppCreation: true });
    const project = await session.makeProject('deploy-bad-enum');
    await project.write(
      'force-app/main/default/connectedApps/E2E_Bad_Enum.connectedApp-meta.xml',
      connectedAppXml('E2E Bad Enum', '        <scopes>Everything</scopes>\n')
    );
    const deploy = await session.json<DeployJson>(['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', 'emu'], {
      cwd: project.dir,
    });
    expect(deploy.exitCode, describeRun(deploy)).to.not.equal(0);
    const failure = deploy.json.result?.files?.find((f) => f.state === 'Failed');
    expect(failure, describeRun(deploy)).to.include({ fullName: 'E2E_Bad_Enum', type: 'ConnectedApp', problemType: 'Error' });
    expect(failure!.error).to.include('Everything');
  });

  it('npm run emulator prints its ready line, and sf org login jwt logs in with what it printed', async () => {
    // Its own HOME: this login must not be satisfied by the shared session's auth files.
    const own = await SfSession.create();
    const child = spawn('npm', ['run', '--silent', 'emulator', '--', '--port', '0'], {
      cwd: repoRoot,
      env: { ...process.env, PATH: `${join(repoRoot, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    try {
      const ready = await new Promise<{ instanceUrl: string; username: string; clientId: string; jwtKeyFile: string; orgId: string }>(
        (resolveReady, reject) => {
          let out = '';
          let err = '';
          const timer = setTimeout(() => reject(new Error(`no ready line after 60 s:\n${out}\n${err}`)), 60_000);
          child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
          child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
            out += chunk;
            const line = out.split('\n').find((l) => l.startsWith('{') && l.endsWith('}'));
            if (line) {
              clearTimeout(timer);
              resolveReady(JSON.parse(line));
            }
          });
          child.on('exit', (code) => reject(new Error(`emulator exited with ${String(code)}:\n${out}\n${err}`)));
        }
      );
      expect(ready.instanceUrl).to.match(/^http:\/\/(127\.0\.0\.1|localhost):\d+$/);
      expect(ready.orgId).to.match(/^00D/);
      const login = await own.loginJwt({ ...ready, keyFile: ready.jwtKeyFile, alias: 'sub-emu' });
      expect(login.json.status, describeRun(login)).to.equal(0);
      expect(login.json.result!.orgId).to.equal(ready.orgId);
    } finally {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      await own.dispose();
    }
  });
});
