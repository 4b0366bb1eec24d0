/*
 * The one next step that works for a new app: the sf login its flows allow (sf org login jwt with its key, or
 * sf org login web when it has the callback URL sf's web login listens on), else the client credentials token
 * request, else none. Suggesting a login the app refuses would send the user into a dead end.
 */
import type { OAuthAppDefinition } from '../../model/appModel.js';
import type { ProjectContext } from '../../files/project.js';
import { quote } from './deploy.js';
import type { CreateAppResult } from './types.js';

export type NextStep = {
  /** How the app can be used right away; `none` when no flow fits a command-line login. */
  method: CreateAppResult['loginMethod'];
  /** The command to run; absent for `none`. */
  command?: string;
};

export type NextStepInput = {
  definition: OAuthAppDefinition;
  project: Pick<ProjectContext, 'defaultCallbackUrl'>;
  clientId: string;
  privateKeyPath?: string;
  username: string;
  /** Where sf logs in: --instance-url, else the target org's instance URL (the app lives there). */
  loginUrl: string;
  /** The org's own (My Domain) URL: the client credentials flow works only there. */
  orgUrl: string;
  secretFile?: string;
};

/** Whether `sf org login web --client-id` can work: the app must allow the redirect sf's local listener uses. */
export const webLoginWorks = (definition: OAuthAppDefinition, project: Pick<ProjectContext, 'defaultCallbackUrl'>): boolean =>
  definition.callbackUrls.includes(project.defaultCallbackUrl);

export function nextStep(input: NextStepInput): NextStep {
  const { definition, clientId, loginUrl } = input;
  if (definition.certificate && input.privateKeyPath && definition.permittedUsers === 'AdminApprovedPreAuthorized') {
    return {
      method: 'jwt',
      command: `sf org login jwt --client-id ${clientId} --jwt-key-file ${quote(input.privateKeyPath)} --username ${input.username} --instance-url ${loginUrl}`,
    };
  }
  if (webLoginWorks(definition, input.project)) {
    return { method: 'web', command: `sf org login web --client-id ${clientId} --instance-url ${loginUrl}` };
  }
  if (definition.flows.clientCredentialsUser) {
    // $(cat ...) drops the file's trailing newline, which curl's @file forms would send.
    const secret = input.secretFile ? `$(cat ${quote(input.secretFile)})` : '<consumer secret>';
    return {
      method: 'client-credentials',
      command: `curl -s ${input.orgUrl}/services/oauth2/token -d grant_type=client_credentials -d client_id=${clientId} -d "client_secret=${secret}"`,
    };
  }
  return { method: 'none' };
}
