import { expect } from 'chai';
import {
  componentToXmlDocument,
  normalizeOrder,
  parseComponentObject,
  validateComponent,
  validateXmlDocument,
} from './metadataSchema.js';

const NS = 'http://soap.sforce.com/2006/04/metadata';

function doc(type: string, body: string, ns = NS): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${type} xmlns="${ns}">${body}</${type}>`;
}

const GOOD_CA = doc(
  'ConnectedApp',
  '<contactEmail>ci@example.com</contactEmail><label>CI</label>' +
    '<oauthConfig><callbackUrl>http://localhost:1717/OauthRedirect</callbackUrl><isAdminApproved>true</isAdminApproved>' +
    '<scopes>Api</scopes><scopes>Web</scopes><scopes>RefreshToken</scopes></oauthConfig>' +
    '<oauthPolicy><ipRelaxation>ENFORCE</ipRelaxation><refreshTokenPolicy>specific_lifetime:3:HOURS</refreshTokenPolicy></oauthPolicy>' +
    '<profileName>System Administrator</profileName>'
);

describe('metadataSchema', () => {
  describe('validateXmlDocument', () => {
    it('accepts a well-formed connected app in sequence order', () => {
      expect(validateXmlDocument(GOOD_CA)).to.deep.equal({ type: 'ConnectedApp', problems: [] });
    });

    it('accepts a full ECA file set', () => {
      const files = [
        doc('ExternalClientApplication', '<contactEmail>a@b.c</contactEmail><distributionState>Local</distributionState><isProtected>false</isProtected><label>My</label>'),
        doc('ExtlClntAppGlobalOauthSettings', '<callbackUrl>http://localhost:1717/OauthRedirect</callbackUrl><externalClientApplication>My</externalClientApplication><isConsumerSecretOptional>false</isConsumerSecretOptional><isPkceRequired>true</isPkceRequired><label>g</label><shouldRotateConsumerKey>false</shouldRotateConsumerKey>'),
        doc('ExtlClntAppOauthSettings', '<commaSeparatedOauthScopes>Api, Web, RefreshToken</commaSeparatedOauthScopes><externalClientApplication>My</externalClientApplication><label>o</label>'),
        doc('ExtlClntAppOauthConfigurablePolicies', '<commaSeparatedProfile>System Administrator</commaSeparatedProfile><externalClientApplication>My</externalClientApplication><ipRelaxationPolicyType>Enforce</ipRelaxationPolicyType><label>p</label><permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType><refreshTokenPolicyType>SpecificLifetime</refreshTokenPolicyType><refreshTokenValidityPeriod>1</refreshTokenValidityPeriod><refreshTokenValidityUnit>Days</refreshTokenValidityUnit>'),
        doc('ExtlClntAppConfigurablePolicies', '<externalClientApplication>My</externalClientApplication><isEnabled>true</isEnabled><isOauthPluginEnabled>true</isOauthPluginEnabled><label>c</label>'),
      ];
      for (const file of files) expect(validateXmlDocument(file).problems, file).to.deep.equal([]);
    });

    it('reports the fullName when present', () => {
      const result = validateXmlDocument(doc('ConnectedApp', '<fullName>X</fullName><contactEmail>a@b.c</contactEmail><label>X</label>'));
      expect(result.fullName).to.equal('X');
      expect(result.problems).to.deep.equal([]);
    });

    it('rejects an unknown element with the parser message naming the type', () => {
      const result = validateXmlDocument(doc('ConnectedApp', '<contactEmail>a@b.c</contactEmail><foo>1</foo><label>X</label>'));
      expect(result.problems).to.deep.equal([`Element {${NS}}foo invalid at this location in type ConnectedApp`]);
    });

    it('names the nested type for a misplaced nested element (callbackUrl does not belong in ExtlClntAppOauthSettings)', () => {
      const result = validateXmlDocument(
        doc('ExtlClntAppOauthSettings', '<callbackUrl>x</callbackUrl><externalClientApplication>My</externalClientApplication>')
      );
      expect(result.problems).to.deep.equal([`Element {${NS}}callbackUrl invalid at this location in type ExtlClntAppOauthSettings`]);
    });

    it('rejects elements out of sequence order (as a retrieve writes files), unless read the way a zip deploy reads them', () => {
      const misordered = doc('ConnectedApp', '<label>X</label><contactEmail>a@b.c</contactEmail>');
      const result = validateXmlDocument(misordered);
      expect(result.problems).to.deep.equal([`Element {${NS}}contactEmail invalid at this location in type ConnectedApp`]);
      expect(validateXmlDocument(misordered, { source: 'deploy' }).problems).to.deep.equal([]);
    });

    it('rejects out-of-order elements inside nested types', () => {
      const result = validateXmlDocument(
        doc('ConnectedApp', '<contactEmail>a@b.c</contactEmail><label>X</label><oauthConfig><scopes>Api</scopes><callbackUrl>u</callbackUrl></oauthConfig>')
      );
      expect(result.problems).to.deep.equal([`Element {${NS}}callbackUrl invalid at this location in type ConnectedAppOauthConfig`]);
    });

    it('accepts repeated repeatable elements but rejects a repeated single element', () => {
      expect(validateXmlDocument(doc('ConnectedApp', '<contactEmail>a</contactEmail><label>X</label><profileName>A</profileName><profileName>B</profileName>')).problems).to.deep.equal([]);
      expect(validateXmlDocument(doc('ConnectedApp', '<contactEmail>a</contactEmail><label>X</label><label>Y</label>')).problems).to.deep.equal([
        `Element {${NS}}label invalid at this location in type ConnectedApp`,
      ]);
    });

    it('rejects bad booleans and ints with the xsd wording', () => {
      const result = validateXmlDocument(
        doc('ExtlClntAppOauthConfigurablePolicies', '<externalClientApplication>My</externalClientApplication><isClientCredentialsFlowEnabled>yes</isClientCredentialsFlowEnabled><refreshTokenValidityPeriod>ten</refreshTokenValidityPeriod>')
      );
      expect(result.problems).to.deep.equal([
        "'yes' is not a valid value for the type xsd:boolean",
        "'ten' is not a valid value for the type xsd:int",
      ]);
    });

    it('rejects bad enum values with the enum name', () => {
      const result = validateXmlDocument(
        doc('ConnectedApp', '<contactEmail>a</contactEmail><label>X</label><oauthConfig><callbackUrl>u</callbackUrl><scopes>Api</scopes><scopes>api</scopes></oauthConfig>')
      );
      expect(result.problems).to.deep.equal(["'api' is not a valid value for the enum 'ConnectedAppOauthAccessScope'"]);
      expect(
        validateXmlDocument(doc('ExtlClntAppOauthConfigurablePolicies', '<externalClientApplication>My</externalClientApplication><permittedUsersPolicyType>AdminApproved</permittedUsersPolicyType>')).problems
      ).to.deep.equal(["'AdminApproved' is not a valid value for the enum 'PermittedUsersPolicyType'"]);
    });

    it('reports missing required fields, nested ones too', () => {
      const result = validateXmlDocument(doc('ConnectedApp', '<label>X</label><oauthConfig><scopes>Api</scopes></oauthConfig><oauthPolicy><ipRelaxation>ENFORCE</ipRelaxation></oauthPolicy>'));
      expect(result.problems).to.have.members([
        'Required field is missing: callbackUrl',
        'Required field is missing: refreshTokenPolicy',
        'Required field is missing: contactEmail',
      ]);
      expect(validateXmlDocument(doc('ExtlClntAppConfigurablePolicies', '<label>c</label>')).problems).to.have.members([
        'Required field is missing: externalClientApplication',
        'Required field is missing: isEnabled',
      ]);
    });

    it('checks the documented string-valued enums', () => {
      const bad = validateXmlDocument(
        doc('ConnectedApp', '<contactEmail>a</contactEmail><label>X</label><oauthPolicy><ipRelaxation>enforceIpRanges</ipRelaxation><refreshTokenPolicy>specific_lifetime:3:WEEKS</refreshTokenPolicy></oauthPolicy><sessionPolicy><policyAction>Deny</policyAction></sessionPolicy>')
      );
      expect(bad.problems).to.deep.equal([
        "'enforceIpRanges' is not a valid value for the field ipRelaxation",
        "'specific_lifetime:3:WEEKS' is not a valid value for the field refreshTokenPolicy",
        "'Deny' is not a valid value for the field policyAction",
      ]);
      for (const policy of ['zero', 'infinite', 'specific_inactivity:7:DAYS', 'specific_lifetime:12:MONTHS']) {
        const ok = validateXmlDocument(doc('ConnectedApp', `<contactEmail>a</contactEmail><label>X</label><oauthPolicy><ipRelaxation>BYPASS_2FACTOR</ipRelaxation><refreshTokenPolicy>${policy}</refreshTokenPolicy></oauthPolicy>`));
        expect(ok.problems, policy).to.deep.equal([]);
      }
      const eca = validateXmlDocument(
        doc('ExtlClntAppOauthConfigurablePolicies', '<externalClientApplication>My</externalClientApplication><ipRelaxationPolicyType>ENFORCE</ipRelaxationPolicyType><refreshTokenValidityUnit>Weeks</refreshTokenValidityUnit>')
      );
      expect(eca.problems).to.deep.equal([
        "'ENFORCE' is not a valid value for the field ipRelaxationPolicyType",
        "'Weeks' is not a valid value for the field refreshTokenValidityUnit",
      ]);
      const scopes = validateXmlDocument(doc('ExtlClntAppOauthSettings', '<commaSeparatedOauthScopes>Api, web</commaSeparatedOauthScopes><externalClientApplication>My</externalClientApplication>'));
      expect(scopes.problems).to.deep.equal([
        "'Api, web' is not a valid value for the field commaSeparatedOauthScopes (not a documented scope name: 'web')",
      ]);
    });

    it('requires the metadata namespace and a known root type', () => {
      expect(validateXmlDocument(doc('ConnectedApp', '<contactEmail>a</contactEmail><label>X</label>', 'urn:other')).problems).to.deep.equal([
        `The root element ConnectedApp must be in the namespace ${NS}`,
      ]);
      expect(validateXmlDocument('<ConnectedApp><contactEmail>a</contactEmail><label>X</label></ConnectedApp>').problems).to.have.length(1);
      expect(validateXmlDocument(doc('CustomThing', '')).problems).to.deep.equal(["Unknown type name 'CustomThing' specified"]);
      expect(validateXmlDocument('<ConnectedApp>').problems[0]).to.match(/^Error parsing file: /);
    });
  });

  describe('validateComponent on objects', () => {
    const app = { fullName: 'X', label: 'X', contactEmail: 'a@b.c', oauthConfig: { scopes: ['Api'], callbackUrl: 'u', isAdminApproved: true } };

    it('checks key order for CRUD calls (bound to the WSDL sequence) and ignores it for a zip deploy and stored content', () => {
      expect(validateComponent('ConnectedApp', app, { source: 'crud' }).map((p) => p.message)).to.deep.equal([
        `Element {${NS}}contactEmail invalid at this location in type ConnectedApp`,
        `Element {${NS}}callbackUrl invalid at this location in type ConnectedAppOauthConfig`,
        `Element {${NS}}isAdminApproved invalid at this location in type ConnectedAppOauthConfig`,
      ]);
      expect(validateComponent('ConnectedApp', app, { source: 'deploy' })).to.deep.equal([]);
      expect(validateComponent('ConnectedApp', app, { source: 'store' })).to.deep.equal([]);
      const inOrder = normalizeOrder('ConnectedApp', app);
      expect(validateComponent('ConnectedApp', inOrder, { source: 'crud' })).to.deep.equal([]);
    });

    it('accepts the element order of a Salesforce sample project in a zip deploy (certificate after consumerKey, scopes before isAdminApproved)', () => {
      // trailheadapps/ready-to-fly force-app/main/default/applications/slackApp2.connectedApp-meta.xml, shortened.
      const sample = doc(
        'ConnectedApp',
        '<contactEmail>a@b.c</contactEmail><description>d</description><label>L</label><logoUrl>https://x/l.png</logoUrl>' +
          '<oauthConfig><callbackUrl>https://x.example.com/oauthcallback</callbackUrl><consumerKey>NjA2MTg5ODM=</consumerKey>' +
          '<certificate>c</certificate><consumerSecret>13323244227443687000</consumerSecret><scopes>Basic</scopes><scopes>Full</scopes>' +
          '<scopes>RefreshToken</scopes><isAdminApproved>true</isAdminApproved><isConsumerSecretOptional>false</isConsumerSecretOptional>' +
          '<isIntrospectAllTokens>false</isIntrospectAllTokens></oauthConfig><permissionSetName>P</permissionSetName>'
      );
      expect(validateXmlDocument(sample, { source: 'deploy' }).problems).to.deep.equal([]);
      expect(validateXmlDocument(sample).problems).to.deep.equal([
        `Element {${NS}}certificate invalid at this location in type ConnectedAppOauthConfig`,
        `Element {${NS}}isAdminApproved invalid at this location in type ConnectedAppOauthConfig`,
        `Element {${NS}}isConsumerSecretOptional invalid at this location in type ConnectedAppOauthConfig`,
        `Element {${NS}}isIntrospectAllTokens invalid at this location in type ConnectedAppOauthConfig`,
      ]);
    });

    it('still checks types, enums, unknown and required fields for CRUD', () => {
      const problems = validateComponent(
        'ConnectedApp',
        { fullName: 'X', label: 'X', bogus: 'y', oauthConfig: { callbackUrl: 'u', isAdminApproved: 'maybe', scopes: ['Nope'] } },
        { source: 'crud' }
      );
      expect(problems.map((p) => [p.kind, p.message])).to.deep.equal([
        ['parse', `Element {${NS}}bogus invalid at this location in type ConnectedApp`],
        ['parse', "'maybe' is not a valid value for the type xsd:boolean"],
        ['parse', "'Nope' is not a valid value for the enum 'ConnectedAppOauthAccessScope'"],
        ['required', 'Required field is missing: contactEmail'],
      ]);
      expect(problems[3].statusCode).to.equal('REQUIRED_FIELD_MISSING');
    });

    it('converts leaf strings to typed values', () => {
      const { content } = parseComponentObject('ExtlClntAppOauthConfigurablePolicies', { externalClientApplication: 'A', isNamedUserJwtEnabled: 'false', refreshTokenValidityPeriod: '365' }, { source: 'crud' });
      expect(content).to.deep.equal({ externalClientApplication: 'A', isNamedUserJwtEnabled: false, refreshTokenValidityPeriod: 365 });
    });

    it('accepts loosely typed nested parts like samlConfig', () => {
      const problems = validateComponent('ConnectedApp', { contactEmail: 'a', label: 'X', samlConfig: { acsUrl: 'https://x', certificate: 'c' } }, { source: 'deploy' });
      expect(problems).to.deep.equal([]);
    });
  });

  it('writes components in sequence order so they validate again', () => {
    const content = normalizeOrder('ConnectedApp', {
      profileName: ['A', 'B'],
      oauthConfig: { scopes: ['Api', 'Web'], isAdminApproved: true, callbackUrl: 'http://x?a=1&b=2' },
      label: 'X',
      contactEmail: 'a@b.c',
    });
    const xml = componentToXmlDocument('ConnectedApp', content);
    expect(xml.indexOf('<contactEmail>')).to.be.lessThan(xml.indexOf('<label>'));
    expect(xml).to.include('&amp;b=2');
    expect(validateXmlDocument(xml).problems).to.deep.equal([]);
  });
});
