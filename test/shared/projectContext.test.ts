import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseOAuthLocalPort, resolveProjectContext } from '../../src/files/project.js';

describe('projectContext', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oauth-apps-project-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const project = async (extra: Record<string, unknown>, name = 'p'): Promise<string> => {
    const root = join(dir, name);
    await mkdir(join(root, 'force-app'), { recursive: true });
    await mkdir(join(root, 'other'), { recursive: true });
    await writeFile(
      join(root, 'sfdx-project.json'),
      JSON.stringify({
        packageDirectories: [{ path: 'other' }, { path: 'force-app', default: true }],
        sourceApiVersion: '63.0',
        ...extra,
      })
    );
    return root;
  };

  it('outside a project: defaults, no project root', async () => {
    const context = await resolveProjectContext(dir);
    expect(context).to.deep.equal({
      packageDirectories: [],
      oauthLocalPort: 1717,
      defaultCallbackUrl: 'http://localhost:1717/OauthRedirect',
      warnings: [],
    });
  });

  it('inside a project (from a subfolder): root, default package directory, api version; sfdcLoginUrl is not taken', async () => {
    const root = await project({ sfdcLoginUrl: 'https://test.salesforce.com' });
    const context = await resolveProjectContext(join(root, 'other'));
    expect(context.projectRoot).to.equal(root);
    expect(context.defaultPackageDir).to.equal(join(root, 'force-app'));
    expect(context.packageDirectories).to.have.members([join(root, 'force-app'), join(root, 'other')]);
    expect(context.sourceApiVersion).to.equal('63.0');
    // The app's logins go to the target org (verbs/create/result.ts), so the project's login URL is not read.
    expect(context).to.not.have.property('sfdcLoginUrl');
    expect(context.defaultCallbackUrl).to.equal('http://localhost:1717/OauthRedirect');
    expect(context.warnings).to.deep.equal([]);
  });

  it('oauthLocalPort as a number or a numeric string sets the callback URL', async () => {
    expect((await resolveProjectContext(await project({ oauthLocalPort: 1919 }, 'a'))).defaultCallbackUrl).to.equal(
      'http://localhost:1919/OauthRedirect'
    );
    const context = await resolveProjectContext(await project({ oauthLocalPort: '1920' }, 'b'));
    expect(context.oauthLocalPort).to.equal(1920);
  });

  it('the misspelled oathLocalPort is used with a warning naming the right key', async () => {
    const context = await resolveProjectContext(await project({ oathLocalPort: '1919' }));
    expect(context.oauthLocalPort).to.equal(1919);
    expect(context.warnings).to.have.length(1);
    expect(context.warnings[0]).to.include('oathLocalPort').and.include('"oauthLocalPort"');
  });

  it('when both keys are set, oauthLocalPort wins and the other is reported', async () => {
    const context = await resolveProjectContext(await project({ oauthLocalPort: 1818, oathLocalPort: 1919 }));
    expect(context.oauthLocalPort).to.equal(1818);
    expect(context.warnings).to.have.length(1);
  });

  it('an invalid port is an error naming the key and value', async () => {
    const root = await project({ oauthLocalPort: 'abc' });
    try {
      await resolveProjectContext(root);
      expect.fail('should throw');
    } catch (error) {
      expect((error as Error).name).to.equal('InvalidOAuthLocalPortError');
      expect((error as Error).message).to.include('oauthLocalPort').and.include('"abc"');
    }
    for (const bad of [0, 70_000, -1, 17.5, '', null, '12a']) {
      expect(() => parseOAuthLocalPort(bad), String(bad)).to.throw();
    }
    expect(parseOAuthLocalPort(' 8080 ')).to.equal(8080);
  });
});
