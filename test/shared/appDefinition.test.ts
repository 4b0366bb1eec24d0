import { expect } from 'chai';
import { buildAppDefinition, type AppDefinitionInput, type AppDefinitionContext } from '../../src/model/appDefinition.js';
import { describeRefreshTokenPolicy, parseIpRelaxation, parseRefreshTokenPolicy } from '../../src/model/valueRules.js';

const context: AppDefinitionContext = {
  kind: 'ConnectedApp',
  defaultCallbackUrl: 'http://localhost:1717/OauthRedirect',
  defaultContactEmail: 'admin@example.com',
  defaultProfile: 'System Administrator',
};

function errorOf(input: Partial<AppDefinitionInput>, ctx: AppDefinitionContext = context): Error & { actions?: string[] } {
  try {
    buildAppDefinition({ name: 'CI_App', ...input }, ctx);
  } catch (error) {
    return error as Error & { actions?: string[] };
  }
  throw new Error(`no error for ${JSON.stringify(input)}`);
}

describe('appDefinition', () => {
  it('defaults follow the Salesforce DX setup for the CLI', () => {
    const { definition, warnings, unsupportedSettings } = buildAppDefinition({ name: 'CI_App' }, context);
    expect(definition).to.deep.equal({
      name: 'CI_App',
      label: 'CI App',
      contactEmail: 'admin@example.com',
      callbackUrls: ['http://localhost:1717/OauthRedirect'],
      scopes: ['Api', 'Web', 'RefreshToken'],
      permittedUsers: 'AdminApprovedPreAuthorized',
      profiles: ['System Administrator'],
      permissionSets: [],
      refreshTokenPolicy: { type: 'specificLifetime', value: 90, unit: 'days' },
      sessionTimeoutMinutes: 15,
      ipRelaxation: 'ENFORCE',
      flows: {
        deviceFlow: false,
        codeCredential: false,
        codeCredentialPostOnly: false,
        requireSecretForWebServer: false,
        requireSecretForRefreshToken: false,
        requireSecretForTokenExchange: false,
        pkceRequired: false,
        refreshTokenRotation: false,
        tokenExchange: false,
        introspectAllTokens: false,
        namedUserJwt: false,
      },
    });
    expect(warnings).to.deep.equal([]);
    expect(unsupportedSettings).to.deep.equal([]);
  });

  it('ECAs require PKCE by default; the default callback follows the project port', () => {
    const { definition } = buildAppDefinition(
      { name: 'CI_App' },
      { ...context, kind: 'ExternalClientApplication', defaultCallbackUrl: 'http://localhost:1919/OauthRedirect' }
    );
    expect(definition.flows.pkceRequired).to.equal(true);
    expect(definition.callbackUrls).to.deep.equal(['http://localhost:1919/OauthRedirect']);
  });

  it('takes what the user gives', () => {
    const { definition } = buildAppDefinition(
      {
        name: 'My_App2',
        label: 'My App',
        contactEmail: 'me@example.org',
        callbackUrls: ['https://example.com/cb', 'myapp://done', 'http://127.0.0.1:8080/cb'],
        scopes: ['api', 'refresh_token,offline_access'],
        permissionSets: ['CI_Access'],
        refreshTokenPolicy: 'inactive:7d',
        sessionTimeoutMinutes: 60,
        ipRelaxation: 'bypass-2fa',
        clientCredentials: true,
        clientCredentialsUser: 'int@example.org',
        requireSecretForWebServer: true,
        singleLogoutUrl: 'https://example.com/logout',
      },
      context
    );
    expect(definition).to.include({ name: 'My_App2', label: 'My App', contactEmail: 'me@example.org' });
    expect(definition.scopes).to.deep.equal(['Api', 'RefreshToken']);
    // Permission sets given: the user's profile is not added.
    expect(definition.profiles).to.deep.equal([]);
    expect(definition.permissionSets).to.deep.equal(['CI_Access']);
    expect(definition.refreshTokenPolicy).to.deep.equal({ type: 'specificInactivity', value: 7, unit: 'days' });
    expect(definition.ipRelaxation).to.equal('BYPASS_2FACTOR');
    expect(definition.flows.clientCredentialsUser).to.equal('int@example.org');
    expect(definition.flows.requireSecretForWebServer).to.equal(true);
    expect(definition.singleLogoutUrl).to.equal('https://example.com/logout');
  });

  describe('refresh token policy syntax', () => {
    const cases: Array<[string, ReturnType<typeof parseRefreshTokenPolicy>]> = [
      ['90d', { type: 'specificLifetime', value: 90, unit: 'days' }],
      ['12h', { type: 'specificLifetime', value: 12, unit: 'hours' }],
      ['6mo', { type: 'specificLifetime', value: 6, unit: 'months' }],
      ['6m', { type: 'specificLifetime', value: 6, unit: 'months' }],
      ['90 days', { type: 'specificLifetime', value: 90, unit: 'days' }],
      ['expire-after:90:days', { type: 'specificLifetime', value: 90, unit: 'days' }],
      ['specific_lifetime:3:HOURS', { type: 'specificLifetime', value: 3, unit: 'hours' }],
      ['inactive:7d', { type: 'specificInactivity', value: 7, unit: 'days' }],
      ['inactive:7:days', { type: 'specificInactivity', value: 7, unit: 'days' }],
      ['INFINITE', { type: 'infinite' }],
      ['zero', { type: 'zero' }],
    ];
    for (const [text, policy] of cases) {
      it(`reads ${text}`, () => expect(parseRefreshTokenPolicy(text)).to.deep.equal(policy));
    }

    it('describes policies in the same syntax, and that reads back', () => {
      for (const [, policy] of cases) {
        expect(parseRefreshTokenPolicy(describeRefreshTokenPolicy(policy))).to.deep.equal(policy);
      }
      expect(describeRefreshTokenPolicy({ type: 'specificLifetime', value: 90, unit: 'days' })).to.equal('90d');
    });

    it('rejects nonsense and out-of-range numbers', () => {
      expect(errorOf({ refreshTokenPolicy: 'soon' }).name).to.equal('InvalidRefreshTokenPolicyError');
      expect(errorOf({ refreshTokenPolicy: '90 weeks' }).name).to.equal('InvalidRefreshTokenPolicyError');
      expect(errorOf({ refreshTokenPolicy: '0d' }).name).to.equal('RefreshTokenPolicyOutOfRangeError');
      expect(errorOf({ refreshTokenPolicy: '5000d' }).name).to.equal('RefreshTokenPolicyOutOfRangeError');
    });

    it('warns about lifetimes beyond 90 days', () => {
      expect(buildAppDefinition({ name: 'A', refreshTokenPolicy: '6mo' }, context).warnings).to.have.length(1);
      expect(buildAppDefinition({ name: 'A', refreshTokenPolicy: 'infinite' }, context).warnings).to.have.length(1);
      expect(buildAppDefinition({ name: 'A', refreshTokenPolicy: '2160h' }, context).warnings).to.deep.equal([]);
    });
  });

  it('reads IP relaxation words', () => {
    expect(parseIpRelaxation('Enforce')).to.equal('ENFORCE');
    expect(parseIpRelaxation('ENFORCE_RELAXREFRESH')).to.equal('ENFORCE_RELAXREFRESH');
    expect(parseIpRelaxation('relax-refresh')).to.equal('ENFORCE_RELAXREFRESH');
    expect(errorOf({ ipRelaxation: 'sometimes' }).name).to.equal('InvalidIpRelaxationError');
  });

  describe('validation errors', () => {
    it('API name', () => {
      for (const name of ['1App', '_App', 'App_', 'My__App', 'My-App', 'My App', '']) {
        expect(errorOf({ name }).name, name).to.equal('InvalidAppNameError');
      }
      expect(errorOf({ name: 'A'.repeat(81) }).name).to.equal('AppNameTooLongError');
      expect(() => buildAppDefinition({ name: 'A'.repeat(80) }, context)).not.to.throw();
      // An ECA's name needs room for its satellites' suffixes.
      expect(errorOf({ name: 'A'.repeat(71) }, { ...context, kind: 'ExternalClientApplication' }).name).to.equal(
        'AppNameTooLongError'
      );
    });

    it('label length', () => {
      expect(errorOf({ label: 'x'.repeat(81) }).name).to.equal('LabelTooLongError');
    });

    it('callback URLs: scheme, plain http only for localhost, total length', () => {
      for (const url of ['not a url', 'javascript:alert(1)', 'https://', 'file:///etc/passwd']) {
        expect(errorOf({ callbackUrls: [url] }).name, url).to.equal('InvalidCallbackUrlError');
      }
      expect(errorOf({ callbackUrls: ['http://example.com/cb'] }).name).to.equal('InsecureCallbackUrlError');
      const long = Array.from({ length: 20 }, (_, i) => `https://example.com/${'x'.repeat(90)}${i}`);
      expect(errorOf({ callbackUrls: long }).name).to.equal('CallbackUrlsTooLongError');
      expect(
        buildAppDefinition({ name: 'A', callbackUrls: ['http://localhost:1717/OauthRedirect', 'com.example.app:/cb'] }, context)
          .definition.callbackUrls
      ).to.have.length(2);
    });

    it('contact email', () => {
      expect(errorOf({ contactEmail: 'not-an-email' }).name).to.equal('InvalidContactEmailError');
      expect(errorOf({}, { ...context, defaultContactEmail: undefined }).name).to.equal('ContactEmailRequiredError');
      // An ECA header may go without one.
      expect(
        buildAppDefinition({ name: 'A' }, { ...context, kind: 'ExternalClientApplication', defaultContactEmail: undefined })
          .definition.contactEmail
      ).to.equal(undefined);
    });

    it('session timeout must be one Salesforce offers', () => {
      const error = errorOf({ sessionTimeoutMinutes: 45 });
      expect(error.name).to.equal('InvalidSessionTimeoutError');
      expect(error.actions?.join(' ')).to.include('15, 30, 60, 120, 240, 480, 720, 1440');
    });

    it('scopes', () => {
      expect(errorOf({ scopes: ['api', 'superpowers'] }).name).to.equal('UnknownScopeError');
      expect(errorOf({ scopes: [' , '] }).name).to.equal('NoScopesError');
    });

    it('ID token validity 1-720; the openid scope is added with a warning', () => {
      expect(errorOf({ idToken: { validityMinutes: 0 } }).name).to.equal('InvalidIdTokenValidityError');
      expect(errorOf({ idToken: { validityMinutes: 721 } }).name).to.equal('InvalidIdTokenValidityError');
      const built = buildAppDefinition({ name: 'A', idToken: { audiences: ['https://x'] } }, context);
      expect(built.definition.scopes).to.deep.equal(['Api', 'Web', 'RefreshToken', 'OpenID']);
      expect(built.definition.idToken).to.deep.equal({
        validityMinutes: 2,
        audiences: ['https://x'],
        includeStandardClaims: true,
        includeCustomAttributes: false,
        includeCustomPermissions: false,
      });
      expect(built.warnings.join(' ')).to.include('openid');
    });

    it('asset tokens need api and openid scopes, a signing certificate and a validity', () => {
      const error = errorOf({ scopes: ['web'], assetToken: { signingCertificate: 'Signer' } });
      expect(error.name).to.equal('AssetTokenScopesError');
      expect(error.message).to.include('api, openid');
      expect(errorOf({ scopes: ['api', 'openid'], assetToken: { signingCertificate: ' ' } }).name).to.equal(
        'InvalidAssetTokenError'
      );
      const ok = buildAppDefinition({ name: 'A', scopes: ['api', 'openid'], assetToken: { signingCertificate: 'Signer' } }, context);
      expect(ok.definition.assetToken?.signingCertificate).to.equal('Signer');
    });

    it('single logout URL must be https', () => {
      expect(errorOf({ singleLogoutUrl: 'http://example.com/logout' }).name).to.equal('InvalidSingleLogoutUrlError');
      expect(errorOf({ singleLogoutUrl: 'logout' }).name).to.equal('InvalidSingleLogoutUrlError');
    });

    it('client credentials need a run-as user', () => {
      expect(errorOf({ clientCredentials: true }).name).to.equal('ClientCredentialsUserRequiredError');
    });

    it('client credentials: a run-as user given without the switch turns the flow on; the switch off drops the user', () => {
      expect(errorOf({ clientCredentialsUser: '  ' }).name).to.equal('ClientCredentialsUserRequiredError');
      const on = buildAppDefinition({ name: 'A', clientCredentialsUser: 'run@example.com' }, context);
      expect(on.definition.flows.clientCredentialsUser).to.equal('run@example.com');
      const off = buildAppDefinition({ name: 'A', clientCredentials: false, clientCredentialsUser: 'run@example.com' }, context);
      expect(off.definition.flows.clientCredentialsUser).to.equal(undefined);
    });

    it('switches without their flow are refused, naming the flag that turns the flow on', () => {
      const postOnly = errorOf({ codeCredentialPostOnly: true });
      expect(postOnly.name).to.equal('SwitchNeedsFlowError');
      expect(postOnly.message).to.include('codeCredentialPostOnly').and.include('codeCredential');
      expect(postOnly.actions!.join(' ')).to.include('--code-credential');
      const exchange = errorOf({ requireSecretForTokenExchange: true });
      expect(exchange.actions!.join(' ')).to.include('--token-exchange');
      expect(buildAppDefinition({ name: 'A', tokenExchange: true, requireSecretForTokenExchange: true }, context).definition.flows)
        .to.include({ tokenExchange: true, requireSecretForTokenExchange: true });
    });

    it('contact phone: digits and phone punctuation, at most 40 characters', () => {
      expect(buildAppDefinition({ name: 'A', contactPhone: '+1 (415) 555-0100 x12' }, context).definition.contactPhone).to.equal('+1 (415) 555-0100 x12');
      expect(errorOf({ contactPhone: 'call me' }).name).to.equal('InvalidContactPhoneError');
      expect(errorOf({ contactPhone: '1'.repeat(41) }).actions!.join(' ')).to.include('40');
    });

    it('callback URLs: the My Domain URL is added when asked for, and must be known', () => {
      const withDomain = { ...context, myDomainUrl: 'https://acme.my.salesforce.com/' };
      expect(buildAppDefinition({ name: 'A', callbackUrlMyDomain: true }, withDomain).definition.callbackUrls).to.deep.equal([
        'https://acme.my.salesforce.com',
      ]);
      expect(
        buildAppDefinition({ name: 'A', callbackUrlMyDomain: true, callbackUrls: ['https://acme.my.salesforce.com', 'myapp://cb'] }, withDomain)
          .definition.callbackUrls
      ).to.deep.equal(['https://acme.my.salesforce.com', 'myapp://cb']);
      expect(errorOf({ callbackUrlMyDomain: true }).name).to.equal('MyDomainUnknownError');
      // The 2000-character limit counts the My Domain URL too.
      const long = `https://x.example.com/${'a'.repeat(1960)}`;
      expect(errorOf({ callbackUrls: [long], callbackUrlMyDomain: true }, withDomain).name).to.equal('CallbackUrlsTooLongError');
    });

    it('asset tokens without a signing certificate are refused with the flag to give', () => {
      const error = errorOf({ scopes: ['api', 'openid'], assetToken: { validityMinutes: 5 } });
      expect(error.name).to.equal('InvalidAssetTokenError');
      expect(error.actions!.join(' ')).to.include('--asset-token-signing-certificate');
    });

    it('a setting the kind cannot carry is an error when the user insisted on it', () => {
      const error = errorOf({ deviceFlow: true }, { ...context, insistedSettings: ['flows.deviceFlow'] });
      expect(error.name).to.equal('UnsupportedSettingError');
      expect(error.message).to.include('flows.deviceFlow');
    });

    it('consumer key format', () => {
      expect(errorOf({ consumerKey: 'short' }).name).to.equal('InvalidConsumerKeyError');
      expect(errorOf({ consumerKey: 'has+plus/slash' }).name).to.equal('InvalidConsumerKeyError');
    });

    it('admin-approved apps need someone pre-authorized', () => {
      expect(errorOf({}, { ...context, defaultProfile: undefined }).name).to.equal('NoPreAuthorizationError');
    });

    it('every error carries an action', () => {
      const inputs: Array<Partial<AppDefinitionInput>> = [
        { name: '1x' },
        { callbackUrls: ['http://example.com'] },
        { sessionTimeoutMinutes: 7 },
        { refreshTokenPolicy: 'x' },
        { clientCredentials: true },
        { contactPhone: 'phone' },
        { codeCredentialPostOnly: true },
        { callbackUrlMyDomain: true },
        { idToken: { validityMinutes: 0 } },
        { scopes: ['api'], assetToken: { signingCertificate: 'S' } },
        { singleLogoutUrl: 'http://x.example.com' },
        { scopes: ['nope'] },
        { deviceFlow: true, name: 'Insisted' },
      ];
      const insisting = { ...context, insistedSettings: ['flows.deviceFlow'] };
      for (const input of inputs) expect((errorOf(input, insisting).actions ?? []).length, JSON.stringify(input)).to.be.greaterThan(0);
    });
  });

  it('self-authorized apps drop pre-authorization with a warning', () => {
    const built = buildAppDefinition(
      { name: 'A', permittedUsers: 'AllSelfAuthorized', profiles: ['Standard User'] },
      context
    );
    expect(built.definition.profiles).to.deep.equal([]);
    expect(built.warnings).to.have.length(1);
  });

  it('the device flow on a connected app is reported as unsupported', () => {
    const built = buildAppDefinition({ name: 'A', deviceFlow: true }, context);
    expect(built.unsupportedSettings).to.deep.equal(['flows.deviceFlow']);
    expect(built.warnings.join(' ')).to.include('flows.deviceFlow');
    const eca = buildAppDefinition({ name: 'A', deviceFlow: true }, { ...context, kind: 'ExternalClientApplication' });
    expect(eca.unsupportedSettings).to.deep.equal([]);
    expect(eca.definition.flows.deviceFlow).to.equal(true);
  });
});
