/*
 * Flags of both rotate-certificate commands; External Client Apps add the consumer key/secret switches.
 */
import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import type { Interfaces } from '@oclif/core';
import { ROTATION_STEPS } from '../verbs/rotateCredentials.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');

// The return type is what oclif infers from the builders; spelling it out would only repeat them.
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function rotateCertificateFlags() {
  return {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), required: true }),
    'certificate-file': Flags.file({ summary: messages.getMessage('flags.certificate-file.summary'), exists: true }),
    'jwt-key-file': Flags.file({ summary: messages.getMessage('flags.jwt-key-file.summary') }),
    'output-dir': Flags.directory({ summary: messages.getMessage('flags.output-dir.summary') }),
    'certificate-days': Flags.integer({
      summary: messages.getMessage('flags.certificate-days.summary'),
      min: 1,
      max: 3650,
      default: 365,
    }),
    'if-expiring-within': Flags.integer({
      summary: messages.getMessage('flags.if-expiring-within.summary'),
      description: messages.getMessage('flags.if-expiring-within.description'),
      min: 0,
      max: 3650,
    }),
    login: Flags.boolean({ summary: messages.getMessage('flags.login.summary') }),
    username: Flags.string({ summary: messages.getMessage('flags.username.summary'), relationships: [{ type: 'all', flags: ['login'] }] }),
    'instance-url': Flags.url({ summary: messages.getMessage('flags.instance-url.summary'), relationships: [{ type: 'all', flags: ['login'] }] }),
    wait: Flags.duration({
      char: 'w',
      unit: 'minutes',
      min: 0,
      defaultValue: 10,
      summary: messages.getMessage('flags.wait.summary'),
    }),
  };
}

/** The consumer key/secret switches (External Client Apps only: a connected app's cannot be rotated by metadata). */
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function consumerRotationFlags() {
  return {
    'rotate-consumer-key': Flags.boolean({ summary: messages.getMessage('flags.rotate-consumer-key.summary') }),
    'rotate-consumer-secret': Flags.boolean({ summary: messages.getMessage('flags.rotate-consumer-secret.summary') }),
  };
}

/** The parsed flags of either rotate-certificate command (the consumer switches are External Client Apps' only). */
export type RotateFlagValues = Interfaces.InferredFlags<ReturnType<typeof rotateCertificateFlags>> &
  Partial<Interfaces.InferredFlags<ReturnType<typeof consumerRotationFlags>>>;

const credentialMessages = Messages.loadMessages('sf-plugin-oauth-apps', 'external-client-app.rotate-credentials');

/** Flags of `sf external-client-app rotate-credentials` (staged consumer key and secret rotation). */
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function rotateCredentialsFlags() {
  return {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({ char: 'n', summary: credentialMessages.getMessage('flags.name.summary'), required: true }),
    step: Flags.option({
      summary: credentialMessages.getMessage('flags.step.summary'),
      description: credentialMessages.getMessage('flags.step.description'),
      options: ROTATION_STEPS,
      required: true,
    })(),
    'secret-file': Flags.file({ summary: credentialMessages.getMessage('flags.secret-file.summary') }),
    'show-secret': Flags.boolean({ summary: credentialMessages.getMessage('flags.show-secret.summary') }),
  };
}

export type RotateCredentialsFlagValues = Interfaces.InferredFlags<ReturnType<typeof rotateCredentialsFlags>>;
