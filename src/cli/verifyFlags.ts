/*
 * Flags of both verify commands: the app, the org, and the login to check (who, where, with which key).
 */
import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import type { Interfaces } from '@oclif/core';
import { orgFlags } from './verbFlags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.verify');

// The return type is what oclif infers from the builders; spelling it out would only repeat them.
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export const verifyFlags = (kindMessages: Messages<string>) => ({
  ...orgFlags(),
  name: Flags.string({ char: 'n', summary: kindMessages.getMessage('flags.name.summary'), required: true }),
  // Not `exists: true`: a key file that is not there is one of the things verify reports, with its fix.
  'jwt-key-file': Flags.file({ summary: messages.getMessage('flags.jwt-key-file.summary') }),
  username: Flags.string({ summary: messages.getMessage('flags.username.summary') }),
  'instance-url': Flags.url({ summary: messages.getMessage('flags.instance-url.summary') }),
  'login-check': Flags.boolean({
    summary: messages.getMessage('flags.login-check.summary'),
    description: messages.getMessage('flags.login-check.description'),
    dependsOn: ['jwt-key-file'],
  }),
});

export type VerifyFlagValues = Interfaces.InferredFlags<ReturnType<typeof verifyFlags>>;
