import { expect } from 'chai';
import { QuerySource, Row, SObjectSchema, SoqlError, executeSoql } from './soql.js';

const profiles: Row[] = [
  { Id: '00eA', Name: 'System Administrator' },
  { Id: '00eB', Name: 'Standard User' },
];
const users: Row[] = [
  { Id: '005A', Username: 'ada@x.org', IsActive: true, Age: 40, ProfileId: '00eA', Profile: profiles[0] },
  { Id: '005B', Username: 'bob@x.org', IsActive: false, Age: 30, ProfileId: '00eB', Profile: profiles[1] },
  { Id: '005C', Username: 'cy@y.org', IsActive: true, Age: null, ProfileId: null, Profile: null },
];
const schemas: SObjectSchema[] = [
  { name: 'User', fields: ['Id', 'Username', 'IsActive', 'Age', 'ProfileId'], relationships: { Profile: 'Profile' } },
  { name: 'Profile', fields: ['Id', 'Name'] },
];
const source: QuerySource = {
  schema: (n) => schemas.find((s) => s.name.toLowerCase() === n.toLowerCase()),
  rows: (n) => (n === 'User' ? users : profiles),
};
const run = (q: string): ReturnType<typeof executeSoql> => executeSoql(q, source, { apiVersion: '66.0' });
const ids = (q: string): unknown[] => run(q).records.map((r) => r.Id);

function soqlError(q: string): SoqlError {
  try {
    run(q);
  } catch (e) {
    if (e instanceof SoqlError) return e;
    throw e;
  }
  throw new Error(`no error for ${q}`);
}

describe('emulator SOQL engine', () => {
  it('selects fields in canonical case with attributes, nesting relationship fields', () => {
    const result = run("select id, profile.name from user where username = 'ADA@x.org'");
    expect(result).to.deep.equal({
      totalSize: 1,
      done: true,
      records: [
        {
          attributes: { type: 'User', url: '/services/data/v66.0/sobjects/User/005A' },
          Id: '005A',
          Profile: { attributes: { type: 'Profile', url: '/services/data/v66.0/sobjects/Profile/00eA' }, Name: 'System Administrator' },
        },
      ],
    });
  });

  it('gives a null relationship for a null parent', () => {
    expect(run("SELECT Profile.Name FROM User WHERE Id = '005C'").records[0].Profile).to.equal(null);
  });

  it('filters with IN, NOT IN, LIKE, !=, <>, comparisons, booleans, null, AND/OR/NOT and parentheses', () => {
    expect(ids("SELECT Id FROM User WHERE Id IN ('005A', '005C')")).to.deep.equal(['005A', '005C']);
    expect(ids("SELECT Id FROM User WHERE Id NOT IN ('005A')")).to.deep.equal(['005B', '005C']);
    expect(ids("SELECT Id FROM User WHERE Username LIKE '%@X.org'")).to.deep.equal(['005A', '005B']);
    expect(ids("SELECT Id FROM User WHERE Username LIKE 'b_b%'")).to.deep.equal(['005B']);
    expect(ids('SELECT Id FROM User WHERE IsActive = true')).to.deep.equal(['005A', '005C']);
    expect(ids('SELECT Id FROM User WHERE IsActive != TRUE')).to.deep.equal(['005B']);
    expect(ids('SELECT Id FROM User WHERE Age > 35')).to.deep.equal(['005A']);
    expect(ids('SELECT Id FROM User WHERE Age <= 30')).to.deep.equal(['005B']);
    expect(ids('SELECT Id FROM User WHERE ProfileId = null')).to.deep.equal(['005C']);
    expect(ids('SELECT Id FROM User WHERE ProfileId <> null')).to.deep.equal(['005A', '005B']);
    expect(ids("SELECT Id FROM User WHERE Profile.Name = 'Standard User' OR (IsActive = true AND NOT Age = null)")).to.deep.equal(['005A', '005B']);
    expect(ids("SELECT Id FROM User WHERE IsActive = true AND (Id = '005A' OR Id = '005B')")).to.deep.equal(['005A']);
  });

  it('orders (nulls first ascending, last descending), limits and offsets', () => {
    expect(ids('SELECT Id FROM User ORDER BY Age')).to.deep.equal(['005C', '005B', '005A']);
    expect(ids('SELECT Id FROM User ORDER BY Age DESC')).to.deep.equal(['005A', '005B', '005C']);
    expect(ids('SELECT Id FROM User ORDER BY Age ASC NULLS LAST LIMIT 2')).to.deep.equal(['005B', '005A']);
    expect(ids('SELECT Id FROM User ORDER BY Username DESC LIMIT 1 OFFSET 1')).to.deep.equal(['005B']);
  });

  it('counts with COUNT()', () => {
    expect(run('SELECT COUNT() FROM User WHERE IsActive = true')).to.deep.equal({ totalSize: 2, done: true, records: [] });
  });

  it('reports an unknown object as INVALID_TYPE, pointing at it', () => {
    const e = soqlError('SELECT Id FROM Nope');
    expect(e.errorCode).to.equal('INVALID_TYPE');
    expect(e.message).to.equal(
      "\nSELECT Id FROM Nope\n               ^\nERROR at Row:1:Column:16\nsObject type 'Nope' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."
    );
  });

  it('reports unknown fields and relationships as INVALID_FIELD and bad syntax as MALFORMED_QUERY', () => {
    expect(soqlError('SELECT Foo FROM User').errorCode).to.equal('INVALID_FIELD');
    expect(soqlError('SELECT Foo FROM User').message).to.include("No such column 'Foo' on entity 'User'");
    expect(soqlError('SELECT Manager.Name FROM User').errorCode).to.equal('INVALID_FIELD');
    expect(soqlError("SELECT Id FROM User WHERE Foo = 'x'").errorCode).to.equal('INVALID_FIELD');
    expect(soqlError('SELECT Id User').errorCode).to.equal('MALFORMED_QUERY');
    expect(soqlError("SELECT Id FROM User WHERE Id = 'open").errorCode).to.equal('MALFORMED_QUERY');
    expect(soqlError('SELECT Id FROM User LIMIT').errorCode).to.equal('MALFORMED_QUERY');
    expect(soqlError('SELECT Id FROM User WHERE Id ~ 1').errorCode).to.equal('MALFORMED_QUERY');
  });
});
