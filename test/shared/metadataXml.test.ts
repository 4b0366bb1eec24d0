import { expect } from 'chai';
import { parseSourceXml, toSourceXml } from '../../src/metadata/xml.js';
import { buildConnectedApp } from '../../src/metadata/connectedApp.js';
import { buildExternalClientApp } from '../../src/metadata/externalClientApp.js';
import { defaultDefinition, fullDefinition } from './appFixtures.js';

describe('metadataXml', () => {
  it('writes a retrieve-style document: declaration, namespace, 4-space indent, repeated elements', () => {
    const xml = toSourceXml({
      type: 'ConnectedApp',
      content: { contactEmail: 'a@b.co', label: 'L', oauthConfig: { callbackUrl: 'x', scopes: ['Api', 'Web'] } },
    });
    expect(xml).to.equal(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">',
        '    <contactEmail>a@b.co</contactEmail>',
        '    <label>L</label>',
        '    <oauthConfig>',
        '        <callbackUrl>x</callbackUrl>',
        '        <scopes>Api</scopes>',
        '        <scopes>Web</scopes>',
        '    </oauthConfig>',
        '</ConnectedApp>',
        '',
      ].join('\n')
    );
  });

  it('escapes text and omits undefined values', () => {
    const xml = toSourceXml({ type: 'X', content: { label: 'a & <b> "c"', description: undefined } });
    expect(xml).to.include('<label>a &amp; &lt;b&gt; "c"</label>');
    expect(xml).not.to.include('description');
    expect(parseSourceXml(xml).content).to.deep.equal({ label: 'a & <b> "c"' });
  });

  it('round-trips every component the builders make, losslessly', () => {
    const components = [
      buildConnectedApp(defaultDefinition()),
      buildConnectedApp(fullDefinition()),
      ...buildExternalClientApp(defaultDefinition('ExternalClientApplication')),
      ...buildExternalClientApp(fullDefinition()),
    ];
    for (const component of components) {
      const parsed = parseSourceXml(toSourceXml(component));
      expect(parsed.type).to.equal(component.type);
      expect(parsed.content, component.type).to.deep.equal(component.content);
      // Order is part of the content.
      expect(JSON.stringify(parsed.content)).to.equal(JSON.stringify(component.content));
    }
  });

  it('keeps newlines, carriage returns and a PEM trailing newline', () => {
    const content = { callbackUrl: 'https://a\nhttps://b', certificate: '-----BEGIN-----\nAA\n', note: 'a\r\nb' };
    expect(parseSourceXml(toSourceXml({ type: 'X', content })).content).to.deep.equal(content);
  });

  it('reads a retrieve: single repeatable element as an array, typed booleans and ints, digits kept as text', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>a@b.co</contactEmail>
    <label>L</label>
    <oauthConfig>
        <callbackUrl>http://localhost:1717/OauthRedirect</callbackUrl>
        <consumerKey>12345678</consumerKey>
        <isAdminApproved>true</isAdminApproved>
        <scopes>Api</scopes>
    </oauthConfig>
    <sessionPolicy>
        <sessionTimeout>15</sessionTimeout>
    </sessionPolicy>
    <profileName>System Administrator</profileName>
</ConnectedApp>
`;
    const { type, content } = parseSourceXml(xml);
    expect(type).to.equal('ConnectedApp');
    expect(content.oauthConfig).to.deep.equal({
      callbackUrl: 'http://localhost:1717/OauthRedirect',
      consumerKey: '12345678',
      isAdminApproved: true,
      scopes: ['Api'],
    });
    expect(content.sessionPolicy).to.deep.equal({ sessionTimeout: 15 });
    expect(content.profileName).to.deep.equal(['System Administrator']);
  });

  it('keeps unknown elements, repeated unknown ones as arrays, in document order', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <callbackUrl>https://x</callbackUrl>
    <isDPopEnabled>false</isDPopEnabled>
    <futureThing>a</futureThing>
    <futureThing>b</futureThing>
    <emptyOne/>
    <label>g</label>
</ExtlClntAppGlobalOauthSettings>`;
    const { content } = parseSourceXml(xml);
    expect(Object.keys(content)).to.deep.equal(['callbackUrl', 'isDPopEnabled', 'futureThing', 'emptyOne', 'label']);
    expect(content.isDPopEnabled).to.equal(false);
    expect(content.futureThing).to.deep.equal(['a', 'b']);
    expect(content.emptyOne).to.equal('');
    const again = parseSourceXml(toSourceXml({ type: 'ExtlClntAppGlobalOauthSettings', content }));
    expect(again.content).to.deep.equal(content);
  });

  it('rejects text that is not XML', () => {
    expect(() => parseSourceXml('not xml at all')).to.throw();
  });
});
