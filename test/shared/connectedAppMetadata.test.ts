import { expect } from 'chai';
import { unsupportedSettings } from '../../src/model/settings.js';
import {
  buildConnectedApp,
  fromConnectedAppRefreshTokenPolicy,
  readConnectedApp,
  toConnectedAppRefreshTokenPolicy,
} from '../../src/metadata/connectedApp.js';
import { parseSourceXml, toSourceXml } from '../../src/metadata/xml.js';
import { validateXmlDocument } from '../emulator/metadataSchema.js';
import { ORDER, PEM, defaultDefinition, fullDefinition, orderProblems } from './appFixtures.js';

describe('connectedAppMetadata', () => {
  it('builds the defaults in xsd:sequence order with the Salesforce DX guide settings', () => {
    const component = buildConnectedApp(defaultDefinition());
    expect(component.type).to.equal('ConnectedApp');
    expect(component.fullName).to.equal('CI_App');
    expect(Object.keys(component.content)).to.deep.equal([
      'contactEmail',
      'label',
      'oauthConfig',
      'oauthPolicy',
      'profileName',
      'sessionPolicy',
    ]);
    const oauth = component.content.oauthConfig as Record<string, unknown>;
    expect(orderProblems(oauth, ORDER.ConnectedAppOauthConfig)).to.deep.equal([]);
    expect(oauth).to.include({
      callbackUrl: 'http://localhost:1717/OauthRedirect',
      certificate: PEM,
      consumerKey: 'Key12345678',
      isAdminApproved: true,
      isConsumerSecretOptional: true,
      isPkceRequired: false,
      isClientCredentialEnabled: false,
    });
    expect(oauth.scopes).to.deep.equal(['Api', 'Web', 'RefreshToken']);
    expect(oauth).not.to.have.property('consumerSecret');
    expect(oauth).not.to.have.property('oauthClientCredentialUser');
    expect(component.content.oauthPolicy).to.deep.equal({
      ipRelaxation: 'ENFORCE',
      refreshTokenPolicy: 'specific_lifetime:90:DAYS',
    });
    expect(component.content.sessionPolicy).to.deep.equal({ sessionTimeout: 15 });
    expect(component.content.profileName).to.deep.equal(['System Administrator']);
  });

  it('with every option set, every level is in sequence order', () => {
    const { content } = buildConnectedApp(fullDefinition());
    expect(orderProblems(content, ORDER.ConnectedApp)).to.deep.equal([]);
    const oauth = content.oauthConfig as Record<string, unknown>;
    expect(Object.keys(oauth)).to.deep.equal(ORDER.ConnectedAppOauthConfig);
    expect(Object.keys(oauth.idTokenConfig as object)).to.deep.equal(ORDER.ConnectedAppOauthIdToken);
    expect(Object.keys(oauth.assetTokenConfig as object)).to.deep.equal(ORDER.ConnectedAppOauthAssetToken);
    expect(orderProblems(content.oauthPolicy as Record<string, unknown>, ORDER.ConnectedAppOauthPolicy)).to.deep.equal([]);
    expect(Object.keys(content)).to.deep.equal([
      'contactEmail',
      'contactPhone',
      'description',
      'label',
      'oauthConfig',
      'oauthPolicy',
      'permissionSetName',
      'profileName',
      'sessionPolicy',
    ]);
    expect(oauth.callbackUrl).to.equal('http://localhost:1717/OauthRedirect\nhttps://example.com/cb\nmyapp://callback');
    expect(oauth.isConsumerSecretOptional).to.equal(false);
    expect(oauth.isClientCredentialEnabled).to.equal(true);
    expect(oauth.oauthClientCredentialUser).to.equal('integration@example.com');
    expect(oauth.consumerSecret).to.equal('SecretValue123456');
    expect(content.oauthPolicy).to.deep.equal({
      ipRelaxation: 'BYPASS_2FACTOR',
      refreshTokenPolicy: 'specific_inactivity:7:HOURS',
    });
  });

  it('keeps the consumer secret out of the source form', () => {
    const component = buildConnectedApp(fullDefinition(), { forSource: true });
    expect(toSourceXml(component)).not.to.include('SecretValue123456');
    expect(toSourceXml(component)).to.include('<consumerKey>00012345678</consumerKey>');
  });

  it('pre-authorizes profiles and permission sets only for admin-approved apps', () => {
    const def = { ...fullDefinition(), permittedUsers: 'AllSelfAuthorized' as const };
    const { content } = buildConnectedApp(def);
    expect(content).not.to.have.property('profileName');
    expect(content).not.to.have.property('permissionSetName');
    expect((content.oauthConfig as Record<string, unknown>).isAdminApproved).to.equal(false);
  });

  it('omits the session policy when no timeout is set', () => {
    const { content } = buildConnectedApp({ ...defaultDefinition(), sessionTimeoutMinutes: undefined });
    expect(content).not.to.have.property('sessionPolicy');
  });

  it('reports the device flow as a setting it cannot carry', () => {
    expect(unsupportedSettings('ConnectedApp', fullDefinition())).to.deep.equal(['flows.deviceFlow']);
    expect(unsupportedSettings('ConnectedApp', defaultDefinition())).to.deep.equal([]);
  });

  it('spells refresh token policies as ConnectedAppOauthPolicy does, and reads them back', () => {
    expect(toConnectedAppRefreshTokenPolicy({ type: 'infinite' })).to.equal('infinite');
    expect(toConnectedAppRefreshTokenPolicy({ type: 'zero' })).to.equal('zero');
    expect(toConnectedAppRefreshTokenPolicy({ type: 'specificLifetime', value: 3, unit: 'months' })).to.equal(
      'specific_lifetime:3:MONTHS'
    );
    expect(fromConnectedAppRefreshTokenPolicy('specific_inactivity:7:DAYS')).to.deep.equal({
      type: 'specificInactivity',
      value: 7,
      unit: 'days',
    });
    expect(fromConnectedAppRefreshTokenPolicy('enforceIpRanges')).to.equal(undefined);
  });

  it('reads back what it builds (through XML too), except the device flow it cannot carry', () => {
    for (const def of [defaultDefinition(), fullDefinition()]) {
      const component = buildConnectedApp(def);
      const expected = { ...def, flows: { ...def.flows, deviceFlow: false } };
      expect(readConnectedApp(component.content, 'x')).to.deep.equal({ ...expected, name: 'x' });
      const parsed = parseSourceXml(toSourceXml(component));
      expect(readConnectedApp(parsed.content, def.name)).to.deep.equal(expected);
    }
  });

  it('reads a retrieve tolerantly: text booleans, \\r separators, synonyms and unknown scopes, defaults', () => {
    const def = readConnectedApp(
      {
        contactEmail: 'a@b.co',
        label: 'Retrieved',
        oauthConfig: {
          callbackUrl: 'https://a.example.com\r\nhttps://b.example.com\rmyapp://c',
          consumerKey: '3MVG9abc',
          isAdminApproved: 'true',
          isConsumerSecretOptional: 'false',
          scopes: 'Api',
          futureField: 'x',
        },
      },
      'Retrieved_App'
    );
    expect(def.callbackUrls).to.deep.equal(['https://a.example.com', 'https://b.example.com', 'myapp://c']);
    expect(def.scopes).to.deep.equal(['Api']);
    expect(def.permittedUsers).to.equal('AdminApprovedPreAuthorized');
    expect(def.flows.requireSecretForWebServer).to.equal(true);
    expect(def.flows.requireSecretForRefreshToken).to.equal(true);
    expect(def.refreshTokenPolicy).to.deep.equal({ type: 'infinite' });
    expect(def.ipRelaxation).to.equal('ENFORCE');
    expect(def.sessionTimeoutMinutes).to.equal(undefined);
  });

  it("passes the emulator's v63 schema check (order, types, enums)", () => {
    for (const def of [defaultDefinition(), fullDefinition()]) {
      for (const forSource of [false, true]) {
        const result = validateXmlDocument(toSourceXml(buildConnectedApp(def, { forSource })));
        expect(result.type).to.equal('ConnectedApp');
        expect(result.problems, def.name).to.deep.equal([]);
      }
    }
  });
});
