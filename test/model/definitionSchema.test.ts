/*
 * The definition file's unknown-key check looks keys up as the schema's own properties, never inherited ones.
 */
import { expect } from 'chai';
import { parseDefinitionDocument } from '../../src/model/definitionDocument.js';

const INHERITED_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

describe('definition file keys', () => {
  for (const key of INHERITED_NAMES) {
    it(`refuses "${key}" as a setting, at the top level and inside flows, naming it`, () => {
      for (const text of [`{"name":"Some_App","${key}":1}`, `{"name":"Some_App","flows":{"${key}":true}}`]) {
        // JSON.parse makes every key an own property, "__proto__" included, as a file read from disk would.
        const document = JSON.parse(text) as unknown;
        const error = ((): Error | undefined => {
          try {
            parseDefinitionDocument(document, 'app.json');
            return undefined;
          } catch (e) {
            return e as Error;
          }
        })();
        expect(error?.name, text).to.equal('InvalidDefinitionFileError');
        expect(error?.message, text).to.include(key).and.include('is not a setting');
      }
    });
  }
});
