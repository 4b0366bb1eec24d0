/*
 * The pure halves of update, without an org: what differs between two versions of an app (settings and metadata
 * elements), and how those element changes are written into content someone else holds.
 */
import { expect } from 'chai';
import { diffContent, settingChanges } from '../../../src/verbs/update/diff.js';
import { applyElementChanges, withoutEmptyLists } from '../../../src/verbs/update/merge.js';
import { buildConnectedApp } from '../../../src/metadata/connectedApp.js';
import { sameCertificate } from '../../../src/util/pem.js';
import { defaultDefinition } from '../../shared/appFixtures.js';

describe('update diff', () => {
  it('names each setting that changed, in the definition file words, flows by their path', () => {
    const before = defaultDefinition();
    const after = {
      ...before,
      callbackUrls: [...before.callbackUrls, 'https://ci.example.com/cb'],
      flows: { ...before.flows, namedUserJwt: true },
      sessionTimeoutMinutes: 30,
    };
    const changes = settingChanges(before, after);
    expect(changes.map((c) => c.setting)).to.deep.equal(['callbackUrls', 'sessionTimeoutMinutes', 'flows.namedUserJwt']);
    expect(changes.find((c) => c.setting === 'flows.namedUserJwt')).to.deep.equal({
      setting: 'flows.namedUserJwt',
      before: false,
      after: true,
    });
  });

  it('sees no change when only the certificate PEM line breaks differ', () => {
    const body = 'MIIBfakeMIIBfakeMIIBfake';
    const a = `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
    const b = `-----BEGIN CERTIFICATE-----\r\n${body.slice(0, 8)}\r\n${body.slice(8)}\r\n-----END CERTIFICATE-----`;
    expect(sameCertificate(a, b)).to.equal(true);
    const before = { ...defaultDefinition(), certificate: a };
    expect(settingChanges(before, { ...before, certificate: b })).to.deep.equal([]);
    expect(settingChanges(before, { ...before, certificate: a.replace('fake', 'other') })).to.have.length(1);
  });

  it('diffs nested elements one by one, and reports removed and added ones', () => {
    const changes = diffContent(
      'ConnectedApp',
      { label: 'A', oauthConfig: { callbackUrl: 'x', isPkceRequired: false }, gone: 1 },
      { label: 'A', oauthConfig: { callbackUrl: 'y', isPkceRequired: false }, added: true }
    );
    expect(changes).to.deep.equal([
      { type: 'ConnectedApp', path: ['oauthConfig', 'callbackUrl'], before: 'x', after: 'y' },
      { type: 'ConnectedApp', path: ['added'], before: undefined, after: true },
      { type: 'ConnectedApp', path: ['gone'], before: 1, after: undefined },
    ]);
  });

  it('finds exactly the flow element a switch maps to in built metadata', () => {
    const before = defaultDefinition();
    const after = { ...before, flows: { ...before.flows, requireSecretForWebServer: true } };
    const changes = diffContent('ConnectedApp', buildConnectedApp(before).content, buildConnectedApp(after).content);
    expect(changes).to.deep.equal([
      { type: 'ConnectedApp', path: ['oauthConfig', 'isConsumerSecretOptional'], before: true, after: false },
    ]);
  });
});

describe('update merge', () => {
  const reference = { a: 1, b: { x: 1, y: 2, z: 3 }, c: 3 };

  it('replaces a value in place and keeps every element it was not asked about, unknown ones included', () => {
    const held = { a: 0, unknownToUs: 'kept', b: { x: 0, z: 3 }, c: 3 };
    const merged = applyElementChanges(held, [{ type: 'T', path: ['a'], before: 0, after: 1 }], reference);
    expect(merged).to.deep.equal({ a: 1, unknownToUs: 'kept', b: { x: 0, z: 3 }, c: 3 });
    expect(held.a).to.equal(0);
  });

  it('puts a new element where the reference order says, inside a nested holder', () => {
    const merged = applyElementChanges({ b: { x: 0, z: 3 } }, [{ type: 'T', path: ['b', 'y'], after: 2 }], reference);
    expect(Object.keys(merged.b as object)).to.deep.equal(['x', 'y', 'z']);
  });

  it('keeps the holder own order of the elements it already has (a user file in any order)', () => {
    const held = { c: 3, a: 0 };
    const merged = applyElementChanges(held, [{ type: 'T', path: ['a'], before: 0, after: 1 }], reference);
    expect(Object.keys(merged)).to.deep.equal(['c', 'a']);
  });

  it('removes an element the change takes away', () => {
    const merged = applyElementChanges({ a: 1, c: 3 }, [{ type: 'T', path: ['a'], before: 1, after: undefined }], reference);
    expect(merged).to.deep.equal({ c: 3 });
  });

  it('merges a list: items the holder has that the change did not touch stay', () => {
    const merged = applyElementChanges(
      { scopes: ['Api', 'Chatter', 'Web'] },
      [{ type: 'T', path: ['scopes'], before: ['Api', 'Web'], after: ['Api', 'RefreshToken'] }],
      { scopes: [] }
    );
    expect(merged.scopes).to.deep.equal(['Api', 'Chatter', 'RefreshToken']);
  });

  it('drops the empty lists jsforce adds for absent repeatable elements, at any depth', () => {
    expect(withoutEmptyLists({ a: [], b: { c: [], d: 1 }, e: [1] })).to.deep.equal({ b: { d: 1 }, e: [1] });
  });
});
