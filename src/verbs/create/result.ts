/*
 * What create reports: the app as deployed, where its files are, and the command that logs in with it.
 */
import type { DeployOutcome } from '../../org/deploy.js';
import { describePermittedUsers, describeRefreshTokenPolicy } from '../../model/valueRules.js';
import { toOAuthScopeNames } from '../../model/scopes.js';
import { nextStep } from './nextStep.js';
import type { CreateAppContext, CreateAppFlags, CreateAppResult, CreationPlan } from './types.js';

export function describeResult(
  plan: CreationPlan,
  flags: CreateAppFlags,
  context: CreateAppContext,
  done: { consumerKey: string; outcome: DeployOutcome; writtenSource: string[]; warnings: string[] }
): CreateAppResult {
  const { definition } = plan;
  // The app lives in the target org: its logins go to that org's instance URL (its My Domain) unless --instance-url
  // says otherwise. sfdx-project.json's sfdcLoginUrl is for other logins (sf project generate writes
  // https://login.salesforce.com there, which a sandbox or an app not yet propagated there refuses).
  const loginUrl = flags.instanceUrl ?? context.orgInstanceUrl;
  const privateKeyPath = plan.keyPlan?.privateKeyPath ?? flags.jwtKeyFile;
  // A dry run has no consumer key yet.
  const clientId = done.consumerKey || '<consumer key>';
  const next = nextStep({
    definition,
    project: plan.project,
    clientId,
    privateKeyPath,
    username: plan.loginUser.username,
    loginUrl,
    orgUrl: context.orgInstanceUrl,
    secretFile: flags.secretFile,
  });
  return {
    kind: context.kind,
    name: definition.name,
    label: definition.label,
    consumerKey: done.consumerKey,
    ...(flags.showSecret && definition.consumerSecret ? { consumerSecret: definition.consumerSecret } : {}),
    ...(flags.secretFile ? { secretFile: flags.secretFile } : {}),
    callbackUrls: definition.callbackUrls,
    scopes: toOAuthScopeNames(definition.scopes),
    permittedUsers: describePermittedUsers(definition.permittedUsers),
    profiles: definition.profiles,
    permissionSets: definition.permissionSets,
    refreshTokenPolicy: describeRefreshTokenPolicy(definition.refreshTokenPolicy),
    sessionTimeoutMinutes: definition.sessionTimeoutMinutes,
    certificatePath: plan.keyPlan?.certificatePath ?? flags.certificateFile,
    privateKeyPath,
    certificateExpires: (plan.generated?.notAfter ?? plan.certificateFromUser?.info.notAfter)?.toISOString(),
    metadataPath: done.writtenSource[0],
    metadataPaths: done.writtenSource,
    deploy: { method: done.outcome.method, id: done.outcome.id, requests: done.outcome.requests },
    loginUrl,
    loginMethod: next.method,
    ...(next.command ? { loginCommand: next.command } : {}),
    warnings: done.warnings,
  };
}
