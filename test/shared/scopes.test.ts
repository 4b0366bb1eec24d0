import { expect } from 'chai';
import { parseScopes, toMetadataScope, toOAuthScopeNames, validScopeNames } from '../../src/model/scopes.js';

describe('scopes', () => {
  it('maps the OAuth names users know to the Metadata API enum', () => {
    expect(parseScopes(['api', 'web', 'refresh_token'])).to.deep.equal(['Api', 'Web', 'RefreshToken']);
    expect(parseScopes('full openid chatter_api visualforce custom_permissions')).to.deep.equal([
      'Full',
      'OpenID',
      'Chatter',
      'CustomApplications',
      'CustomPermissions',
    ]);
    expect(parseScopes('sfap_api,einstein_gpt_api,pwdless_login_api,cdp_identity_resolution_api')).to.deep.equal([
      'SFAP',
      'EinsteinGPT',
      'PwdlessLogin',
      'CDPIdentityResolution',
    ]);
  });

  it('accepts enum names in any case, and comma- or space-separated lists inside values', () => {
    expect(parseScopes(['API, Web', 'refreshtoken  OPENID'])).to.deep.equal(['Api', 'Web', 'RefreshToken', 'OpenID']);
    expect(parseScopes('cdpcalculatedinsight')).to.deep.equal(['CDPCalculatedInsight']);
  });

  it('collapses synonyms to what a retrieve returns, keeping first-seen order', () => {
    expect(parseScopes('offline_access api refresh_token OfflineAccess')).to.deep.equal(['RefreshToken', 'Api']);
    expect(parseScopes('email id profile phone address Profile Email')).to.deep.equal(['Basic']);
    expect(toMetadataScope('profile')).to.equal('Basic');
  });

  it('names every unknown scope and lists valid ones', () => {
    try {
      parseScopes('api, bogus, web nope');
      expect.fail('should throw');
    } catch (error) {
      const err = error as Error & { actions?: string[] };
      expect(err.name).to.equal('UnknownScopeError');
      expect(err.message).to.include('bogus, nope');
      expect(err.actions?.join(' ')).to.include('refresh_token');
    }
  });

  it('displays enum values as OAuth names', () => {
    expect(toOAuthScopeNames(['Api', 'Web', 'RefreshToken', 'Basic', 'CustomApplications', 'OfflineAccess'])).to.deep.equal([
      'api',
      'web',
      'refresh_token',
      'id',
      'visualforce',
      'offline_access',
    ]);
  });

  it('every valid name parses and maps back to a name that parses to the same scope', () => {
    for (const name of validScopeNames()) {
      const [scope] = parseScopes(name);
      expect(parseScopes(toOAuthScopeNames([scope])), name).to.deep.equal([scope]);
    }
  });
});
