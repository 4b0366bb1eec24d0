/*
 * The Spring '26 connected-app creation block has no published wording (docs/salesforce-facts.md#f-ca-creation-block):
 * create must recognise it by meaning, whatever the org says, and only it.
 */
import { expect } from 'chai';
import { createApp, isCreationBlock, type CreateAppContext } from '../../../src/verbs/create/createApp.js';
import { startEmulatorOrg, type EmulatorOrg, makeTestProject } from '../../shared/emulatorOrg.js';

const BLOCK_WORDINGS = [
  "You can't create a connected app. Create an external client app instead.",
  'Creation of new connected apps is restricted in this org. Contact Salesforce Support to enable it.',
  'Connected Apps are no longer available for new development; use External Client Apps.',
  'New connected apps cannot be created in this organization.',
];

const OTHER_REFUSALS = [
  'Insufficient access rights on cross-reference id',
  'The consumer key is already taken.',
  'You cannot provide a Consumer Key',
  'Connected App label is too long',
  'Required field is missing: contactEmail',
];

describe('connected app creation block', function () {
  this.timeout(60_000);

  it('is recognised in every wording that refuses creating connected apps or points to support or ECAs', () => {
    for (const wording of BLOCK_WORDINGS) expect(isCreationBlock(wording), wording).to.equal(true);
  });

  it('is not mistaken for another refusal of a connected app', () => {
    for (const wording of OTHER_REFUSALS) expect(isCreationBlock(wording), wording).to.equal(false);
  });

  describe('against an org that refuses, in three wordings', () => {
    let org: EmulatorOrg;
    before(async () => {
      org = await startEmulatorOrg();
    });
    after(async () => {
      org.emulator.state.updateSettings({ allowConnectedAppCreation: true, connectedAppBlockMessage: undefined });
      await org?.close();
    });

    for (const [index, wording] of BLOCK_WORDINGS.slice(1).entries()) {
      it(`create says to make an External Client App (${index + 1}): ${wording}`, async () => {
        org.emulator.state.updateSettings({ allowConnectedAppCreation: false, connectedAppBlockMessage: wording });
        const cwd = await makeTestProject(org.home, 'block-');
        const context: CreateAppContext = {
          kind: 'ConnectedApp',
          conn: org.conn,
          orgUsername: org.emulator.username,
          orgInstanceUrl: org.emulator.instanceUrl,
          apiVersion: org.conn.getApiVersion(),
          cwd,
          argv: ['--name', `Blocked_${index}`, '-o', 'my-org'],
        };
        const error = await createApp({ name: `Blocked_${index}`, certificateDays: 30, waitMinutes: 1 }, context).then(
          () => expect.fail('the org refused'),
          (e: Error & { actions?: string[] }) => e
        );
        expect(error.name).to.equal('ConnectedAppCreationBlockedError');
        expect(error.message).to.include(wording);
        expect(error.actions?.[0]).to.include(`sf external-client-app create --name Blocked_${index} -o my-org`);
      });
    }
  });
});
