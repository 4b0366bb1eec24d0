/*
 * Scopes per kind (docs/salesforce-facts.md#f-eca-scopes): each kind's rules list the scopes its metadata carries, and
 * a scope the chosen kind cannot carry is refused when the definition is built, before anything is written or sent,
 * whether it came from a flag, a definition file or an update's edits. The lists agree with the strict emulator's.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { buildAppDefinition, type AppDefinitionContext } from '../../src/model/appDefinition.js';
import { KIND_RULES } from '../../src/model/kindRules.js';
import { METADATA_SCOPES, parseScopes } from '../../src/model/scopes.js';
import type { AppKind } from '../../src/model/appModel.js';
import { appKindInfo } from '../../src/metadata/appKinds.js';
import { toEcaScopes } from '../../src/metadata/externalClientApp.js';
import { applyUpdateRequest } from '../../src/verbs/update/request.js';
import { createApp, type CreateAppContext, type CreateAppRequest } from '../../src/verbs/create/createApp.js';
import { ECA_SCOPES, ENUMS } from '../emulator/metadataSchema.js';
import { defaultDefinition } from '../shared/appFixtures.js';
import { startEmulatorOrg, type EmulatorOrg, makeTestProject } from '../shared/emulatorOrg.js';

type ErrorWithActions = Error & { actions?: string[] };

const context = (kind: AppKind): AppDefinitionContext => ({
  kind,
  defaultContactEmail: 'admin@example.com',
  defaultProfile: 'System Administrator',
});

function thrown(run: () => unknown): ErrorWithActions {
  try {
    run();
  } catch (error) {
    return error as ErrorWithActions;
  }
  throw new Error('expected an error');
}

describe('scopes per app kind', () => {
  describe('the kind rules agree with the metadata each kind documents', () => {
    it('a connected app carries exactly the ConnectedAppOauthAccessScope enum', () => {
      expect([...KIND_RULES.ConnectedApp.scopes]).to.deep.equal(ENUMS.ConnectedAppOauthAccessScope);
    });

    it('an External Client App carries exactly the documented ExtlClntAppOauthSettings names, in its spelling', () => {
      const written = toEcaScopes(KIND_RULES.ExternalClientApplication.scopes).split(', ');
      expect([...written].sort()).to.deep.equal([...ECA_SCOPES].sort());
    });

    it('every scope the plugin knows is carried by at least one kind, and the kind strategy has the same rules', () => {
      for (const scope of METADATA_SCOPES) {
        expect(KIND_RULES.ConnectedApp.scopes.includes(scope) || KIND_RULES.ExternalClientApplication.scopes.includes(scope), scope).to.equal(true);
      }
      expect(appKindInfo('ExternalClientApplication').scopes).to.equal(KIND_RULES.ExternalClientApplication.scopes);
      expect(appKindInfo('ConnectedApp').scopes).to.equal(KIND_RULES.ConnectedApp.scopes);
    });
  });

  describe('External Client Apps', () => {
    it('refuse cdp_api (CDP), naming the scope, the kind, the valid names and the fix', () => {
      for (const spelling of ['cdp_api', 'CDP']) {
        const error = thrown(() => buildAppDefinition({ name: 'Eca_Cdp', scopes: ['api', spelling, 'refresh_token'] }, context('ExternalClientApplication')));
        expect(error.name).to.equal('ScopeNotForKindError');
        expect(error.message).to.include('cdp_api (CDP)');
        expect(error.message).to.include('External Client App');
        const actions = (error.actions ?? []).join('\n');
        expect(actions).to.include('Remove cdp_api from the scopes');
        expect(actions).to.include('--scopes');
        expect(actions).to.include('definition file');
        // A connected app carries it: the other command is named.
        expect(actions).to.include('sf connected-app create');
        // The valid names: the Data Cloud scopes an ECA does carry, and no cdp_api.
        const valid = (error.actions ?? []).find((line) => line.includes('carries:')) ?? '';
        expect(valid).to.include('cdp_query_api');
        expect(valid).to.include('mcp_api');
        expect(valid).to.not.match(/\bcdp_api\b/);
      }
    });

    it('carry mcp_api, SCRT and sfap_api (written SFApiPlatform)', () => {
      const { definition } = buildAppDefinition(
        { name: 'Eca_Mcp', scopes: ['mcp_api', 'SCRT', 'sfap_api', 'refresh_token'] },
        context('ExternalClientApplication')
      );
      expect(definition.scopes).to.deep.equal(['MCP', 'SCRT', 'SFAP', 'RefreshToken']);
      expect(toEcaScopes(definition.scopes)).to.equal('MCP, SCRT, SFApiPlatform, RefreshToken');
    });

    it('an update that adds cdp_api is refused; scopes the org already has are kept', () => {
      const current = { ...defaultDefinition('ExternalClientApplication'), name: 'Eca_Update' };
      const error = thrown(() => applyUpdateRequest(current, { addScopes: ['cdp_api'] }, 'ExternalClientApplication'));
      expect(error.name).to.equal('ScopeNotForKindError');
      // An app whose org-side scopes include one the documentation lacks can still be changed.
      const odd = { ...current, scopes: parseScopes('api refresh_token cdp_api') };
      const { definition } = applyUpdateRequest(odd, { addScopes: ['web'] }, 'ExternalClientApplication');
      expect(definition.scopes).to.deep.equal(['Api', 'RefreshToken', 'CDP', 'Web']);
    });
  });

  describe('connected apps', () => {
    it('refuse mcp_api and SCRT, pointing to External Client Apps', () => {
      const error = thrown(() => buildAppDefinition({ name: 'Ca_Mcp', scopes: ['api', 'mcp_api', 'scrt'] }, context('ConnectedApp')));
      expect(error.name).to.equal('ScopeNotForKindError');
      expect(error.message).to.include('connected app');
      expect(error.message).to.include('mcp_api (MCP), SCRT');
      const actions = (error.actions ?? []).join('\n');
      expect(actions).to.include('Remove mcp_api, SCRT from the scopes');
      expect(actions).to.include('sf external-client-app create');
      expect(actions).to.include('cdp_api');
      expect(actions).to.not.match(/\bmcp_api\b.*carries|carries:.*\bmcp_api\b/);
    });

    it('carry cdp_api and sfap_api as the enum spells them', () => {
      const { definition } = buildAppDefinition({ name: 'Ca_Cdp', scopes: ['cdp_api', 'sfap_api'] }, context('ConnectedApp'));
      expect(definition.scopes).to.deep.equal(['CDP', 'SFAP']);
    });

    it('an update that adds mcp_api is refused', () => {
      const current = { ...defaultDefinition('ConnectedApp'), name: 'Ca_Update' };
      expect(thrown(() => applyUpdateRequest(current, { addScopes: ['mcp_api'] }, 'ConnectedApp')).name).to.equal('ScopeNotForKindError');
    });
  });

  describe('from a definition file, against the emulator', function () {
    this.timeout(60_000);
    let org: EmulatorOrg;

    before(async () => {
      org = await startEmulatorOrg();
    });
    after(async () => org?.close());

    const ctx = (kind: AppKind, cwd: string): CreateAppContext => ({
      kind,
      conn: org.conn,
      orgUsername: org.emulator.username,
      orgInstanceUrl: org.emulator.instanceUrl,
      apiVersion: org.conn.getApiVersion(),
      cwd,
      argv: [],
    });

    for (const [kind, scope] of [
      ['ExternalClientApplication', 'cdp_api'],
      ['ConnectedApp', 'mcp_api'],
    ] as const) {
      it(`${kind}: a file with ${scope} is refused before any file is written or anything is sent`, async () => {
        const project = await makeTestProject(org.home, `scopes-${kind}-`);
        const file = join(org.home, `${kind}-app.json`);
        await writeFile(file, JSON.stringify({ name: `File_${kind.slice(0, 6)}`, scopes: ['api', scope, 'refresh_token'] }));
        org.emulator.clearRequests();
        const request: CreateAppRequest = { definitionFile: file, certificateDays: 30, waitMinutes: 1 };
        const error = await createApp(request, ctx(kind, project)).then(
          () => expect.fail('expected an error'),
          (e: ErrorWithActions) => e
        );
        expect(error.name).to.equal('ScopeNotForKindError');
        expect(error.message).to.include(scope);
        const written = (await readdir(project, { recursive: true, withFileTypes: true }))
          .filter((entry) => entry.isFile())
          .map((entry) => relative(project, join(entry.parentPath, entry.name)));
        expect(written).to.deep.equal(['sfdx-project.json']);
        const changing = org.emulator.requests().filter((entry) => /deploy|create|update|upsert/i.test(entry.operation ?? ''));
        expect(changing).to.deep.equal([]);
      });
    }
  });
});
