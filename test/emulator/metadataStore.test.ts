import { expect } from 'chai';
import forge from 'node-forge';
import {
  CONNECTED_APP_CREATION_BLOCKED,
  type ComponentResult,
  makeId,
  MetadataStore,
  type ComponentChange,
  type OrgDirectory,
  type StoreSettings,
} from './metadataStore.js';

const ORG_ID = '00D5g000000TEST1EAA';

export const directory: OrgDirectory = {
  profileExists: (name) => ['system administrator', 'standard user'].includes(name.toLowerCase()),
  permissionSetExists: (name) => name === 'CI_Access',
  userExists: (username) => username === 'admin@example.com',
  org: { id: ORG_ID },
  profiles: [{ name: 'System Administrator' }, { name: 'Standard User' }],
  permissionSets: [{ name: 'CI_Access', label: 'CI Access' }],
};

let cachedPem: string | undefined;
/** A real self-signed certificate (small key: speed matters more than strength here). */
export function testCertificate(): string {
  if (cachedPem) return cachedPem;
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date();
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'test' }]);
  cert.setIssuer([{ name: 'commonName', value: 'test' }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  cachedPem = forge.pki.certificateToPem(cert);
  return cachedPem;
}

export function connectedApp(extra: Record<string, unknown> = {}, oauth: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    contactEmail: 'ci@example.com',
    label: 'CI App',
    oauthConfig: {
      callbackUrl: 'http://localhost:1717/OauthRedirect\nhttp://localhost:1718/cb',
      isAdminApproved: true,
      scopes: ['Api', 'Web', 'RefreshToken'],
      ...oauth,
    },
    profileName: ['System Administrator'],
    ...extra,
  };
}

export function ecaFiles(app: string, global: Record<string, unknown> = {}): ComponentChange[] {
  return [
    { type: 'ExternalClientApplication', fullName: app, content: { contactEmail: 'a@b.c', distributionState: 'Local', label: app } },
    {
      type: 'ExtlClntAppGlobalOauthSettings',
      fullName: `${app}_glbl`,
      content: { callbackUrl: 'http://localhost:1717/OauthRedirect', externalClientApplication: app, isPkceRequired: false, label: 'g', ...global },
    },
    { type: 'ExtlClntAppOauthSettings', fullName: `${app}_oauth`, content: { commaSeparatedOauthScopes: 'Api, Web, RefreshToken', externalClientApplication: app, label: 'o' } },
  ];
}

describe('MetadataStore', () => {
  let clock: number;
  let settings: StoreSettings;
  let store: MetadataStore;
  const now = (): number => clock;

  beforeEach(() => {
    clock = 1_700_000_000_000;
    settings = { liveDelayMs: 0, allowConnectedAppCreation: true };
    store = new MetadataStore(directory, settings, now);
  });

  function save(changes: ComponentChange[], mode: 'create' | 'update' | 'upsert' | 'deploy' = 'upsert'): ComponentResult[] {
    return store.save(changes, { mode, allOrNothing: mode === 'deploy' });
  }

  function messages(changes: ComponentChange[], mode: 'create' | 'update' | 'upsert' | 'deploy' = 'upsert'): string[] {
    return save(changes, mode).flatMap((r) => r.errors.map((e) => e.message));
  }

  it('makes 18-character Ids with the case-safety suffix', () => {
    const id = makeId('0H4', 1);
    expect(id).to.have.length(18);
    expect(id.startsWith('0H4')).to.equal(true);
    expect(makeId('001', 1)).to.not.equal(makeId('001', 2));
  });

  describe('connected apps', () => {
    it('creates with a generated consumer key and secret, and never reads the secret back', () => {
      const [result] = save([{ type: 'ConnectedApp', fullName: 'CI_App', content: connectedApp() }], 'create');
      expect(result).to.include({ success: true, created: true, changed: false });
      expect(result.id).to.match(/^0H4\w{15}$/);
      const read = store.read('ConnectedApp', 'CI_App') as { fullName: string; oauthConfig: Record<string, unknown> };
      expect(read.fullName).to.equal('CI_App');
      expect(read.oauthConfig.consumerKey).to.match(/^3MVG9[A-Za-z0-9._]{80}$/);
      expect(read.oauthConfig).to.not.have.property('consumerSecret');
      expect(JSON.stringify(store.toJSON())).to.match(/"consumerSecret":"[0-9A-F]{64}"/);
      const lookup = store.lookupApp(read.oauthConfig.consumerKey as string);
      expect(lookup.state).to.equal('live');
      if (lookup.state === 'live') {
        expect(lookup.app).to.deep.include({
          kind: 'ConnectedApp',
          name: 'CI_App',
          callbackUrls: ['http://localhost:1717/OauthRedirect', 'http://localhost:1718/cb'],
          scopes: ['Api', 'Web', 'RefreshToken'],
          permittedUsers: 'AdminApprovedPreAuthorized',
          profiles: ['System Administrator'],
          permissionSets: [],
          isSecretRequiredForRefreshToken: true,
          isPkceRequired: false,
          enabled: true,
        });
        expect(lookup.app.consumerSecret).to.match(/^[0-9A-F]{64}$/);
      }
    });

    it('keeps a consumer key and secret chosen at creation; an update may omit them but not change them', () => {
      save([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp({}, { consumerKey: 'myKey12345', consumerSecret: 'mySecret123' }) }], 'create');
      const update = save([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp({ description: 'd' }) }], 'update');
      expect(update[0]).to.include({ success: true, changed: true, created: false });
      const lookup = store.lookupApp('myKey12345');
      expect(lookup.state === 'live' && lookup.app.consumerSecret).to.equal('mySecret123');
      expect(messages([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp({}, { consumerKey: 'otherKey123' }) }], 'update')).to.deep.equal([
        'You cannot provide a Consumer Key',
      ]);
      expect(messages([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp({}, { consumerSecret: 'otherSecret1' }) }], 'update')).to.deep.equal([
        "You can't change the consumer secret of an existing connected app.",
      ]);
    });

    it('reports an unchanged update as not changed', () => {
      save([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp() }]);
      const [again] = save([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp() }]);
      expect(again).to.include({ success: true, created: false, changed: false });
    });

    it('refuses a consumer key another app already has (connected app or ECA)', () => {
      save([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp({}, { consumerKey: 'sharedKey123' }) }]);
      expect(messages([{ type: 'ConnectedApp', fullName: 'B', content: connectedApp({}, { consumerKey: 'sharedKey123' }) }])).to.deep.equal([
        'The consumer key is already taken.',
      ]);
      expect(messages(ecaFiles('Eca', { consumerKey: 'sharedKey123' }), 'deploy')).to.deep.equal(['The consumer key is already taken.']);
      expect(save([{ type: 'ConnectedApp', fullName: 'B', content: connectedApp({}, { consumerKey: 'sharedKey123' }) }])[0].errors[0].statusCode).to.equal('DUPLICATE_VALUE');
    });

    it('checks pre-authorized profiles, permission sets and the client credentials user against the org', () => {
      expect(
        messages([
          {
            type: 'ConnectedApp',
            fullName: 'A',
            content: connectedApp(
              { profileName: ['System Administrator', 'Ghost Profile'], permissionSetName: ['Nope_PS'] },
              { isClientCredentialEnabled: true, oauthClientCredentialUser: 'ghost@example.com' }
            ),
          },
        ])
      ).to.deep.equal([
        'In field: profileName - no Profile named Ghost Profile found',
        'In field: permissionSetName - no PermissionSet named Nope_PS found',
        'In field: oauthClientCredentialUser - no User named ghost@example.com found',
      ]);
      expect(save([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp({ permissionSetName: ['CI_Access'] }, { isClientCredentialEnabled: true, oauthClientCredentialUser: 'admin@example.com' }) }])[0].success).to.equal(true);
    });

    it('requires isAdminApproved for pre-authorized profiles and permission sets', () => {
      const errors = save([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp({}, { isAdminApproved: false }) }])[0].errors;
      expect(errors).to.have.length(1);
      expect(errors[0].statusCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
      expect(errors[0].message).to.match(/isAdminApproved/);
      const selfAuthorized = save([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp({ profileName: undefined }, { isAdminApproved: false }) }]);
      expect(selfAuthorized[0].success).to.equal(true);
    });

    it('requires a callback URL when OAuth is configured', () => {
      expect(messages([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp({}, { callbackUrl: undefined }) }])).to.deep.equal([
        'Required field is missing: callbackUrl',
      ]);
    });

    it('accepts a certificate as full PEM or bare base64 body, and rejects anything else', () => {
      const pem = testCertificate();
      const body = pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
      expect(save([{ type: 'ConnectedApp', fullName: 'Pem', content: connectedApp({}, { certificate: pem }) }])[0].success).to.equal(true);
      expect(save([{ type: 'ConnectedApp', fullName: 'Body', content: connectedApp({}, { certificate: body }) }])[0].success).to.equal(true);
      const key = (store.read('ConnectedApp', 'Body') as { oauthConfig: { consumerKey: string } }).oauthConfig.consumerKey;
      const lookup = store.lookupApp(key);
      expect(lookup.state === 'live' && lookup.app.certificatePem?.startsWith('-----BEGIN CERTIFICATE-----')).to.equal(true);
      expect(messages([{ type: 'ConnectedApp', fullName: 'Bad', content: connectedApp({}, { certificate: 'not a certificate' }) }])).to.deep.equal([
        'The certificate is not a valid PEM-encoded X.509 certificate.',
      ]);
    });

    it('blocks creating connected apps on every path when creation is not allowed, but not updates, deletes or seeds', () => {
      save([{ type: 'ConnectedApp', fullName: 'Existing', content: connectedApp() }]);
      settings.allowConnectedAppCreation = false;
      for (const mode of ['create', 'upsert', 'deploy'] as const) {
        const [result] = save([{ type: 'ConnectedApp', fullName: 'New_App', content: connectedApp() }], mode);
        expect(result.success, mode).to.equal(false);
        expect(result.errors[0]).to.deep.include({ message: CONNECTED_APP_CREATION_BLOCKED, statusCode: 'FIELD_INTEGRITY_EXCEPTION' });
      }
      expect(store.read('ConnectedApp', 'New_App')).to.equal(undefined);
      expect(save([{ type: 'ConnectedApp', fullName: 'Existing', content: connectedApp({ description: 'changed' }) }], 'update')[0].success).to.equal(true);
      expect(save([{ type: 'ConnectedApp', fullName: 'Existing', content: connectedApp({ description: 'again' }) }], 'upsert')[0].success).to.equal(true);
      store.seed('ConnectedApp', 'Seeded', connectedApp());
      expect(store.read('ConnectedApp', 'Seeded')).to.not.equal(undefined);
      expect(store.delete('ConnectedApp', ['Existing'])[0].success).to.equal(true);
      expect(store.read('ConnectedApp', 'Existing')).to.equal(undefined);
    });

    it('distinguishes create and update modes', () => {
      save([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp() }], 'create');
      expect(save([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp() }], 'create')[0].errors[0].statusCode).to.equal('DUPLICATE_DEVELOPER_NAME');
      expect(messages([{ type: 'ConnectedApp', fullName: 'Missing', content: connectedApp() }], 'update')).to.deep.equal([
        'In field: fullName - no ConnectedApp named Missing found',
      ]);
      expect(store.delete('ConnectedApp', ['Missing'])[0].success).to.equal(false);
    });
  });

  describe('live delay', () => {
    it('answers pending for a new app until the delay has passed', () => {
      settings.liveDelayMs = 60_000;
      save([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp({}, { consumerKey: 'delayedKey1' }) }]);
      const pending = store.lookupApp('delayedKey1');
      expect(pending).to.deep.include({ state: 'pending', liveAt: clock + 60_000 });
      expect(store.allApps()[0].live).to.equal(false);
      clock += 59_999;
      expect(store.lookupApp('delayedKey1').state).to.equal('pending');
      clock += 1;
      expect(store.lookupApp('delayedKey1').state).to.equal('live');
      expect(store.allApps()[0].live).to.equal(true);
      expect(store.lookupApp('someOtherKey').state).to.equal('unknown');
    });

    it('keeps the previous configuration of a changed app until the change is live', () => {
      save([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp({}, { consumerKey: 'changingKey1' }) }]);
      settings.liveDelayMs = 1000;
      save([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp({ profileName: ['Standard User'] }) }]);
      const before = store.lookupApp('changingKey1');
      expect(before.state === 'live' && before.app.profiles).to.deep.equal(['System Administrator']);
      clock += 1000;
      const after = store.lookupApp('changingKey1');
      expect(after.state === 'live' && after.app.profiles).to.deep.equal(['Standard User']);
    });

    it('seeds apps live at once unless asked otherwise', () => {
      settings.liveDelayMs = 60_000;
      store.seed('ConnectedApp', 'Seeded', connectedApp({}, { consumerKey: 'seededKey12' }));
      expect(store.lookupApp('seededKey12').state).to.equal('live');
      store.seed('ConnectedApp', 'Later', connectedApp({}, { consumerKey: 'laterKey123' }), { live: false });
      expect(store.lookupApp('laterKey123').state).to.equal('pending');
      // seeding one app does not make another app's pending change live
      store.seed('ConnectedApp', 'Third', connectedApp({}, { consumerKey: 'thirdKey123' }));
      expect(store.lookupApp('laterKey123').state).to.equal('pending');
    });
  });

  describe('external client apps', () => {
    it('deploys header and satellites together, generating credentials, links and default policies', () => {
      const results = save(ecaFiles('My_Eca', { certificate: testCertificate() }), 'deploy');
      expect(results.map((r) => r.success)).to.deep.equal([true, true, true]);
      expect(store.read('ExternalClientApplication', 'My_Eca')).to.deep.include({ orgScopedExternalApp: `${ORG_ID}:My_Eca` });
      expect(store.read('ExtlClntAppOauthSettings', 'My_Eca_oauth')).to.deep.include({ oauthLink: `${ORG_ID}:My_Eca` });
      const global = store.read('ExtlClntAppGlobalOauthSettings', 'My_Eca_glbl') as Record<string, unknown>;
      expect(global.consumerKey).to.match(/^3MVG9/);
      expect(global).to.not.have.property('consumerSecret');
      // Named after the OAuth settings, as Setup-made apps show (<App>Settings -> <App>Settings_defaultPolicy).
      expect(store.read('ExtlClntAppOauthConfigurablePolicies', 'My_Eca_defaultPolicy')).to.equal(undefined);
      expect(store.read('ExtlClntAppOauthConfigurablePolicies', 'My_Eca_oauth_defaultPolicy')).to.deep.include({
        label: 'My_Eca_oauth_defaultPolicy',
        externalClientApplication: 'My_Eca',
        permittedUsersPolicyType: 'AllSelfAuthorized',
        refreshTokenPolicyType: 'SpecificLifetime',
        refreshTokenValidityPeriod: 365,
        refreshTokenValidityUnit: 'Days',
        ipRelaxationPolicyType: 'Enforce',
      });
      const lookup = store.lookupApp(global.consumerKey as string);
      expect(lookup.state).to.equal('live');
      if (lookup.state === 'live') {
        expect(lookup.app).to.deep.include({
          kind: 'ExternalClientApplication',
          name: 'My_Eca',
          scopes: ['Api', 'Web', 'RefreshToken'],
          permittedUsers: 'AllSelfAuthorized',
          isPkceRequired: false,
          enabled: true,
        });
        expect(lookup.app.consumerSecret).to.match(/^[0-9A-F]{64}$/);
        expect(lookup.app.certificatePem).to.include('BEGIN CERTIFICATE');
      }
    });

    it('derives permitted users, profiles and the enabled switch from the policies', () => {
      save(ecaFiles('E', { consumerKey: 'ecaKey12345' }), 'deploy');
      save([
        {
          type: 'ExtlClntAppOauthConfigurablePolicies',
          fullName: 'E_plcy',
          content: { commaSeparatedPermissionSet: 'CI_Access', commaSeparatedProfile: 'System Administrator, Standard User', externalClientApplication: 'E', permittedUsersPolicyType: 'AdminApprovedPreAuthorized' },
        },
        { type: 'ExtlClntAppConfigurablePolicies', fullName: 'E_app', content: { externalClientApplication: 'E', isEnabled: true, isOauthPluginEnabled: false } },
      ]);
      // The deployed policy replaces the one the org generated.
      expect(store.read('ExtlClntAppOauthConfigurablePolicies', 'E_oauth_defaultPolicy')).to.equal(undefined);
      expect(store.list('ExtlClntAppOauthConfigurablePolicies').map((c) => c.fullName)).to.deep.equal(['E_plcy']);
      const lookup = store.lookupApp('ecaKey12345');
      expect(lookup.state === 'live' && lookup.app).to.deep.include({
        permittedUsers: 'AdminApprovedPreAuthorized',
        profiles: ['System Administrator', 'Standard User'],
        permissionSets: ['CI_Access'],
        enabled: false,
      });
    });

    it('rejects satellites whose app does not exist', () => {
      const results = save([{ type: 'ExtlClntAppOauthSettings', fullName: 'X_oauth', content: { externalClientApplication: 'Nope' } }]);
      expect(results[0].errors[0]).to.deep.equal({
        statusCode: 'INVALID_CROSS_REFERENCE_KEY',
        message: 'In field: externalClientApplication - no ExternalClientApplication named Nope found',
        fields: ['externalClientApplication'],
      });
    });

    it('rejects global OAuth settings without OAuth settings in the org or the same deployment', () => {
      const [header, global] = ecaFiles('G');
      const results = save([header, global], 'deploy');
      expect(results[1].errors[0].message).to.equal(
        "The external client app configured in your global OAuth Settings doesn't have a valid OAuth settings configuration."
      );
      // all or nothing: the header was not saved either
      expect(store.read('ExternalClientApplication', 'G')).to.equal(undefined);
    });

    it('refuses a wrong orgScopedExternalApp or oauthLink and keeps the generated ones on redeploy', () => {
      save(ecaFiles('L'), 'deploy');
      expect(save(ecaFiles('L'), 'deploy').every((r) => r.success)).to.equal(true);
      const [header, , oauth] = ecaFiles('L');
      expect(save([{ ...header, content: { ...header.content, orgScopedExternalApp: '00DOTHERORG0000AAA:L' } }])[0].errors[0].fields).to.deep.equal(['orgScopedExternalApp']);
      expect(save([{ ...oauth, content: { ...oauth.content, oauthLink: '00DOTHERORG0000AAA:L' } }])[0].errors[0].fields).to.deep.equal(['oauthLink']);
      expect(save([{ ...header, content: { ...header.content, orgScopedExternalApp: `${ORG_ID}:L` } }])[0].success).to.equal(true);
    });

    it('checks policy profiles, permission sets and client credentials user', () => {
      save(ecaFiles('P'), 'deploy');
      expect(
        messages([
          {
            type: 'ExtlClntAppOauthConfigurablePolicies',
            fullName: 'P_plcy',
            content: { clientCredentialsFlowUser: 'ghost@x.com', commaSeparatedPermissionSet: 'Ghost_PS', commaSeparatedProfile: 'Ghost', externalClientApplication: 'P' },
          },
        ])
      ).to.deep.equal([
        'In field: commaSeparatedProfile - no Profile named Ghost found',
        'In field: commaSeparatedPermissionSet - no PermissionSet named Ghost_PS found',
        'In field: clientCredentialsFlowUser - no User named ghost@x.com found',
      ]);
    });

    it('cannot change an ECA consumer key except by rotation', () => {
      save(ecaFiles('R', { consumerKey: 'rotateKey123' }), 'deploy');
      const [, global] = ecaFiles('R');
      expect(messages([{ ...global, content: { ...global.content, consumerKey: 'differentKey1' } }])).to.deep.equal([
        "You can't change the consumer key of an existing external client app.",
      ]);
      const rotate = [{ ...global, content: { ...global.content, shouldRotateConsumerKey: true } }];
      // Rotation warns; only a deploy with ignoreWarnings gets past the warning.
      expect(messages(rotate, 'deploy')[0]).to.include('ignore warnings');
      expect(messages(rotate, 'upsert')[0]).to.include('ignore warnings');
      expect(store.lookupApp('rotateKey123').state).to.equal('live');
      expect(store.save(rotate, { mode: 'deploy', allOrNothing: true, ignoreWarnings: true })[0].success).to.equal(true);
      const read = store.read('ExtlClntAppGlobalOauthSettings', 'R_glbl') as Record<string, unknown>;
      expect(read.consumerKey).to.not.equal('rotateKey123');
      // The old key answers until the new one is live (liveDelayMs is 0 here), then it is unknown.
      expect(store.lookupApp('rotateKey123').state).to.equal('unknown');
      expect(store.lookupApp(read.consumerKey as string).state).to.equal('live');
      expect(read.shouldRotateConsumerKey).to.equal(false);
    });

    it('removes the app and its satellites when the header is deleted', () => {
      save(ecaFiles('D', { consumerKey: 'deleteKey123' }), 'deploy');
      store.delete('ExternalClientApplication', ['D']);
      expect(store.list('ExtlClntAppOauthSettings')).to.deep.equal([]);
      expect(store.lookupApp('deleteKey123').state).to.equal('unknown');
    });
  });

  it('survives toJSON/fromJSON with apps, pending changes and secrets', () => {
    settings.liveDelayMs = 5000;
    save([{ type: 'ConnectedApp', fullName: 'A', content: connectedApp({}, { consumerKey: 'persistKey1', consumerSecret: 'persistSecret1' }) }]);
    const restored = MetadataStore.fromJSON(JSON.parse(JSON.stringify(store.toJSON())), directory, settings, now);
    expect(restored.lookupApp('persistKey1').state).to.equal('pending');
    clock += 5000;
    const lookup = restored.lookupApp('persistKey1');
    expect(lookup.state === 'live' && lookup.app.consumerSecret).to.equal('persistSecret1');
    expect(restored.read('ConnectedApp', 'A')).to.deep.equal(store.read('ConnectedApp', 'A'));
    // Ids keep counting after a restore
    restored.save([{ type: 'ConnectedApp', fullName: 'B', content: connectedApp() }], { mode: 'create', allOrNothing: false });
    expect(restored.describe('ConnectedApp', 'B')?.id).to.not.equal(restored.describe('ConnectedApp', 'A')?.id);
  });

  it('lists and reads profiles and permission sets from the org directory', () => {
    expect(store.list('Profile').map((p) => p.fullName)).to.deep.equal(['System Administrator', 'Standard User']);
    expect(store.read('PermissionSet', 'CI_Access')).to.deep.include({ fullName: 'CI_Access', label: 'CI Access' });
    expect(store.read('Profile', 'Nope')).to.equal(undefined);
  });
});
