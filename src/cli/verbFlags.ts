/*
 * Flags of the read and delete verbs, the same for both app kinds. Each command passes its own message bundle, so
 * the help text can speak of "connected app" or "External Client App" while the flags stay one definition.
 */
import { Flags } from '@salesforce/sf-plugins-core';
import type { Messages } from '@salesforce/core';

type Bundle = Messages<string>;

// Return types are what oclif infers from the builders; spelling them out would only repeat them.
/* eslint-disable @typescript-eslint/explicit-function-return-type */

export const orgFlags = () => ({
  'target-org': Flags.requiredOrg(),
  'api-version': Flags.orgApiVersion(),
});

const nameFlag = (messages: Bundle) =>
  Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), required: true });

export const displayFlags = (messages: Bundle) => ({
  ...orgFlags(),
  name: nameFlag(messages),
  'show-secret': Flags.boolean({
    summary: messages.getMessage('flags.show-secret.summary'),
    description: messages.getMessage('flags.show-secret.description'),
    default: false,
  }),
});

export const deleteFlags = (messages: Bundle) => ({
  ...orgFlags(),
  name: nameFlag(messages),
  'no-prompt': Flags.boolean({ char: 'p', summary: messages.getMessage('flags.no-prompt.summary'), default: false }),
  'delete-source-files': Flags.boolean({
    summary: messages.getMessage('flags.delete-source-files.summary'),
    description: messages.getMessage('flags.delete-source-files.description'),
    default: false,
  }),
});
