/*
 * The flags both create commands share: one definition, so `sf connected-app create` and
 * `sf external-client-app create` take the same flags with the same meaning.
 */
import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.create');

const APP_GROUP = 'App';
const OAUTH_GROUP = 'OAuth';
const CERT_GROUP = 'Certificate';
const LOGIN_GROUP = 'Login';

// The return type is what oclif infers from the builders; spelling it out would only repeat them.
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function createFlags(defaultWaitMinutes: number) {
  return {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({
      char: 'n',
      summary: messages.getMessage('flags.name.summary'),
      required: true,
      helpGroup: APP_GROUP,
    }),
    label: Flags.string({ char: 'l', summary: messages.getMessage('flags.label.summary'), helpGroup: APP_GROUP }),
    description: Flags.string({ summary: messages.getMessage('flags.description.summary'), helpGroup: APP_GROUP }),
    'contact-email': Flags.string({
      summary: messages.getMessage('flags.contact-email.summary'),
      helpGroup: APP_GROUP,
    }),
    'callback-url': Flags.string({
      summary: messages.getMessage('flags.callback-url.summary'),
      multiple: true,
      helpGroup: OAUTH_GROUP,
    }),
    scopes: Flags.string({
      summary: messages.getMessage('flags.scopes.summary'),
      multiple: true,
      delimiter: ',',
      helpGroup: OAUTH_GROUP,
    }),
    profile: Flags.string({
      summary: messages.getMessage('flags.profile.summary'),
      multiple: true,
      helpGroup: OAUTH_GROUP,
    }),
    'permission-set': Flags.string({
      summary: messages.getMessage('flags.permission-set.summary'),
      multiple: true,
      helpGroup: OAUTH_GROUP,
    }),
    'refresh-token-policy': Flags.string({
      summary: messages.getMessage('flags.refresh-token-policy.summary'),
      helpGroup: OAUTH_GROUP,
    }),
    'session-timeout': Flags.integer({
      summary: messages.getMessage('flags.session-timeout.summary'),
      min: 1,
      helpGroup: OAUTH_GROUP,
    }),
    'certificate-file': Flags.file({
      summary: messages.getMessage('flags.certificate-file.summary'),
      exists: true,
      exclusive: ['no-certificate'],
      helpGroup: CERT_GROUP,
    }),
    'jwt-key-file': Flags.file({
      summary: messages.getMessage('flags.jwt-key-file.summary'),
      exclusive: ['no-certificate'],
      helpGroup: CERT_GROUP,
    }),
    'no-certificate': Flags.boolean({
      summary: messages.getMessage('flags.no-certificate.summary'),
      helpGroup: CERT_GROUP,
    }),
    'certificate-days': Flags.integer({
      summary: messages.getMessage('flags.certificate-days.summary'),
      min: 1,
      max: 3650,
      default: 365,
      helpGroup: CERT_GROUP,
    }),
    'output-dir': Flags.directory({
      summary: messages.getMessage('flags.output-dir.summary'),
      helpGroup: CERT_GROUP,
    }),
    'secret-file': Flags.file({
      summary: messages.getMessage('flags.secret-file.summary'),
      helpGroup: OAUTH_GROUP,
    }),
    'show-secret': Flags.boolean({
      summary: messages.getMessage('flags.show-secret.summary'),
      helpGroup: OAUTH_GROUP,
    }),
    overwrite: Flags.boolean({ summary: messages.getMessage('flags.overwrite.summary'), helpGroup: APP_GROUP }),
    login: Flags.option({
      summary: messages.getMessage('flags.login.summary'),
      options: ['jwt', 'web'] as const,
      helpGroup: LOGIN_GROUP,
    })(),
    username: Flags.string({
      summary: messages.getMessage('flags.username.summary'),
      dependsOn: ['login'],
      helpGroup: LOGIN_GROUP,
    }),
    'instance-url': Flags.url({
      summary: messages.getMessage('flags.instance-url.summary'),
      dependsOn: ['login'],
      helpGroup: LOGIN_GROUP,
    }),
    alias: Flags.string({
      char: 'a',
      summary: messages.getMessage('flags.alias.summary'),
      dependsOn: ['login'],
      helpGroup: LOGIN_GROUP,
    }),
    'set-default': Flags.boolean({
      char: 's',
      summary: messages.getMessage('flags.set-default.summary'),
      dependsOn: ['login'],
      helpGroup: LOGIN_GROUP,
    }),
    'set-default-dev-hub': Flags.boolean({
      char: 'd',
      summary: messages.getMessage('flags.set-default-dev-hub.summary'),
      dependsOn: ['login'],
      helpGroup: LOGIN_GROUP,
    }),
    wait: Flags.duration({
      char: 'w',
      unit: 'minutes',
      min: 0,
      defaultValue: defaultWaitMinutes,
      summary: messages.getMessage('flags.wait.summary'),
      description: messages.getMessage('flags.wait.description'),
      helpGroup: LOGIN_GROUP,
    }),
  };
}
