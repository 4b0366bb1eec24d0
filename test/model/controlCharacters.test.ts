/*
 * Control characters are refused in every setting before anything is written or sent: XML 1.0 cannot carry most of
 * them, and printed they drive the terminal (ESC sequences, BEL).
 */
import { expect } from 'chai';
import { buildAppDefinition, type AppDefinitionInput } from '../../src/model/appDefinition.js';
import { parseDefinitionDocument } from '../../src/model/definitionDocument.js';

const base: AppDefinitionInput = { name: 'Some_App', contactEmail: 'a@example.com', profiles: ['System Administrator'] };

const refusal = (run: () => unknown): (Error & { actions?: string[] }) | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as Error & { actions?: string[] };
  }
};

describe('control characters in settings', () => {
  for (const [setting, input, code] of [
    ['label', { label: 'Red\u001b[31m label' }, 'U+001B'],
    ['description', { description: 'ring\u0007' }, 'U+0007'],
    ['contactEmail', { contactEmail: 'a\u0000@example.com' }, 'U+0000'],
    ['callbackUrls[1]', { callbackUrls: ['https://ok.example.com/cb', 'https://x.example.com/\u009bcb'] }, 'U+009B'],
    ['idToken.audiences[0]', { idToken: { audiences: ['aud\u007f'] } }, 'U+007F'],
  ] as Array<[string, Partial<AppDefinitionInput>, string]>) {
    it(`refuses one in ${setting}, naming the setting and the character`, () => {
      const error = refusal(() => buildAppDefinition({ ...base, ...input }, { kind: 'ExternalClientApplication' }));
      expect(error?.name).to.equal('ControlCharacterError');
      expect(error?.message).to.include(setting).and.include(code);
      expect(error?.actions?.join(' ')).to.match(/without it/);
    });
  }

  it('accepts line breaks and tabs where text may have them (a description)', () => {
    const { definition } = buildAppDefinition({ ...base, description: 'two\nlines\tand a tab' }, { kind: 'ConnectedApp' });
    expect(definition.description).to.equal('two\nlines\tand a tab');
  });

  it('refuses one coming from a definition file too, before anything is sent', () => {
    const { settings } = parseDefinitionDocument(JSON.parse('{"name":"File_App","label":"bad\\u001b[2J"}'), 'app.json');
    const error = refusal(() => buildAppDefinition({ ...base, ...(settings as AppDefinitionInput) }, { kind: 'ConnectedApp' }));
    expect(error?.name).to.equal('ControlCharacterError');
  });
});
