/*
 * The settings table is the one place a setting is described: these tests hold everything that must agree with it
 * (the definition file's JSON schema, the messages, the presets, the model's flow switches, each kind's metadata).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Messages } from '@salesforce/core';
import {
  FLOW_KEYS,
  FLOW_SWITCH_ROWS,
  FLOW_SWITCHES,
  SETTINGS,
  SETTING_FLAGS,
  settingFlagsOf,
  type SettingRow,
} from '../../src/model/settings.js';
import { PRESET_NAMES, presetSettings } from '../../src/model/presets.js';
import type { AppKind } from '../../src/model/appModel.js';
import { buildAppDefinition } from '../../src/model/appDefinition.js';
import { flowElements, readFlowSwitches } from '../../src/metadata/flowElements.js';
import { appKindInfo } from '../../src/metadata/appKinds.js';
import { createFlags } from '../../src/cli/createFlags.js';
import { updateFlags } from '../../src/cli/updateFlags.js';
import { EDITABLE_FLAGS } from '../../src/cli/settingFlags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const createMessages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create');
const updateMessages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');

type Schema = { properties: Record<string, Schema> };
const schema = JSON.parse(
  readFileSync(new URL('../../schemas/app-definition.schema.json', import.meta.url), 'utf8')
) as Schema;

const KINDS: AppKind[] = ['ConnectedApp', 'ExternalClientApplication'];
const rows = SETTING_FLAGS.map((flag) => [flag, SETTINGS[flag] as SettingRow] as const);
const paths = rows.map(([, row]) => row.path);
/** Keys of the definition file that are not settings of a flag: the app's name, certificate, and display's extras. */
const NOT_FLAG_SETTINGS = ['$schema', 'name', 'certificate', 'noCertificate', 'kind', 'consumerKey', 'consumerSecret', 'certificateExpires', 'unknownSettings'];

describe('settings table', () => {
  it('the definition file schema has exactly the table settings, top level and in each section', () => {
    const topLevel = [...new Set(paths.map((path) => path.split('.')[0]))];
    expect(Object.keys(schema.properties).sort()).to.deep.equal([...topLevel, ...NOT_FLAG_SETTINGS].sort());
    for (const section of ['flows', 'idToken', 'assetToken']) {
      const inTable = paths.filter((path) => path.startsWith(`${section}.`)).map((path) => path.slice(section.length + 1));
      expect(Object.keys(schema.properties[section].properties).sort(), section).to.deep.equal(inTable.sort());
    }
  });

  it('every setting flag has its summary, and every list update edits has add- and remove- summaries', () => {
    for (const [flag] of rows) expect(createMessages.messages.has(`flags.${flag}.summary`), flag).to.equal(true);
    for (const flag of EDITABLE_FLAGS) {
      for (const edit of ['add', 'remove']) {
        expect(updateMessages.messages.has(`flags.${edit}-${flag}.summary`), `${edit}-${flag}`).to.equal(true);
      }
    }
  });

  it('presets set only settings the table knows', () => {
    const layerKeys = new Set([...paths.map((path) => path.replace(/^flows\./, '').split('.')[0]), 'noCertificate']);
    for (const name of PRESET_NAMES) {
      for (const key of Object.keys(presetSettings(name))) expect(layerKeys.has(key), `${name}: ${key}`).to.equal(true);
    }
  });

  it('the flow switches are exactly the model flows, each with the client credentials run-as user beside them', () => {
    const { definition } = buildAppDefinition({ name: 'Flows_App', contactEmail: 'a@example.com', profiles: ['Admin'] }, { kind: 'ConnectedApp' });
    expect([...FLOW_SWITCHES].sort()).to.deep.equal(Object.keys(definition.flows).sort());
    expect(FLOW_KEYS).to.include.members([...FLOW_SWITCHES, 'clientCredentials', 'clientCredentialsUser']);
  });

  for (const kind of KINDS) {
    describe(kind, () => {
      const info = appKindInfo(kind);
      const supported = settingFlagsOf(kind);

      it('its create and update commands offer exactly the setting flags the kind supports', () => {
        const create = Object.keys(createFlags(kind, 10));
        const update = Object.keys(updateFlags(kind));
        for (const [flag, row] of rows) {
          const expected = !row.kinds || row.kinds.includes(kind);
          expect(supported.includes(flag), flag).to.equal(expected);
          expect(create.includes(flag), `create --${flag}`).to.equal(expected);
          expect(update.includes(flag), `update --${flag}`).to.equal(expected);
        }
      });

      it('each flow switch it carries goes to its metadata element and reads back, on and off', () => {
        const carried = FLOW_SWITCH_ROWS.filter((row) => row.element[kind]);
        expect(carried.length).to.be.greaterThan(0);
        for (const row of carried) {
          for (const on of [true, false]) {
            const { definition } = buildAppDefinition(
              { name: 'Flow_App', contactEmail: 'a@example.com', profiles: ['Admin'], [row.switch]: on, ...(row.switch === 'codeCredentialPostOnly' ? { codeCredential: true } : {}), ...(row.switch === 'requireSecretForTokenExchange' ? { tokenExchange: true } : {}) },
              { kind }
            );
            const elements = flowElements(definition.flows, kind);
            expect(elements[row.element[kind]!], `${row.switch}=${String(on)}`).to.equal(row.element.inverted ? !on : on);
            const holder = info.build(definition).find((c) => c.type === info.oauthSettings.type)!.content;
            const settings = info.oauthSettings.path.reduce<Record<string, unknown>>((h, k) => h[k] as Record<string, unknown>, holder);
            expect(settings[row.element[kind]!], `${row.switch} in the built ${info.oauthSettings.type}`).to.equal(elements[row.element[kind]!]);
            expect(readFlowSwitches(settings, kind)[row.switch], `${row.switch} read back`).to.equal(on);
          }
        }
      });
    });
  }
});
