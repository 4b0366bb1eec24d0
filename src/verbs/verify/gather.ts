/*
 * Everything verify needs to know, read before any check is made. Reads only: Metadata API reads and lists, REST
 * queries, files on disk, and with --login-check one JWT bearer request whose token is thrown away (never saved as
 * an auth file). Nothing is created, changed or deployed.
 */
import type { Connection } from '@salesforce/core';
import type { AppKind } from '../../model/appModel.js';
import { DEFAULT_OAUTH_LOCAL_PORT } from '../../model/callbackUrls.js';
import { appKindInfo } from '../../metadata/appKinds.js';
import { readApp, RequestCounter } from '../../org/inventory.js';
import { findUser, isPreAuthorized } from '../../org/lookups.js';
import { readConsumerKey } from '../../org/consumerCredentials.js';
import { readPrivateKeyFile } from '../../files/privateKeyFile.js';
import { resolveProjectContext } from '../../files/project.js';
import { classifyLoginError } from '../../login/loginChain.js';
import { errorText, requestJwtToken } from '../../login/tokenEndpoint.js';
import { errorMessage } from '../../util/records.js';
import type { VerifyFacts, VerifyOptions } from './types.js';
import { words } from './messages.js';

export type GatherContext = { cwd: string; now?: Date; warn?: (message: string) => void };

const quiet = (): void => {};

/** IsSandbox from the Organization row; undefined when the org would not say. */
async function readOrg(conn: Connection): Promise<{ isSandbox?: boolean; isDevHub: boolean }> {
  const organization = conn
    .query<{ IsSandbox?: boolean }>('SELECT IsSandbox FROM Organization')
    .then((result) => result.records[0]?.IsSandbox)
    .catch(() => undefined);
  // As sf decides it: an org that answers a ScratchOrgInfo query is a Dev Hub (docs/salesforce-facts.md#f-cli-instance-url).
  const devHub = conn.query('SELECT Id FROM ScratchOrgInfo LIMIT 1').then(
    () => true,
    () => false
  );
  const [isSandbox, isDevHub] = await Promise.all([organization, devHub]);
  return { isSandbox: typeof isSandbox === 'boolean' ? isSandbox : undefined, isDevHub };
}

async function localPort(cwd: string, warn: (message: string) => void): Promise<number> {
  try {
    return (await resolveProjectContext(cwd)).oauthLocalPort;
  } catch (error) {
    warn(errorMessage(error));
    return DEFAULT_OAUTH_LOCAL_PORT;
  }
}

export async function gatherFacts(
  conn: Connection,
  kind: AppKind,
  options: VerifyOptions,
  context: GatherContext
): Promise<VerifyFacts> {
  const now = context.now ?? new Date();
  const warn = context.warn ?? quiet;
  const info = appKindInfo(kind);
  const orgFacts = readOrg(conn);
  // Every component that references the app: a missing satellite is one of the things verify looks for.
  const record = await readApp(conn, kind, options.name, { counter: new RequestCounter(), every: true, warn: quiet });
  const [org, user, oauthLocalPort, keyFile] = await Promise.all([
    orgFacts,
    findUser(conn, options.username),
    localPort(context.cwd, warn),
    options.jwtKeyFile ? readPrivateKeyFile(options.jwtKeyFile).then((file) => ({ path: options.jwtKeyFile!, ...file })) : undefined,
  ]);
  const facts: VerifyFacts = {
    kind,
    options,
    now,
    record,
    consumerKey: record?.consumerKey,
    user,
    org: { instanceUrl: conn.instanceUrl.replace(/\/+$/, ''), ...org },
    oauthLocalPort,
    keyFile,
  };
  if (!record || !options.loginCheck) return facts;
  if (!facts.consumerKey && info.credentialsOverRest) {
    const refusal = record.gaps.find((gap) => gap.type === info.consumerKey.type && gap.reason === 'unreadable')?.detail;
    facts.consumerKey = await readConsumerKey(conn, kind, options.name, warn, { alreadyRead: { refusal } }).catch(() => undefined);
  }
  facts.login = await tryLogin(facts);
  return facts;
}

/** One JWT bearer request, as `sf org login jwt` makes its first; the token it may bring is dropped. */
async function tryLogin(facts: VerifyFacts): Promise<VerifyFacts['login']> {
  const { options, record, user } = facts;
  if (!facts.consumerKey) return { ok: false, notTried: words('value.noConsumerKey') };
  if (!options.jwtKeyFile || facts.keyFile?.state !== 'key') return { ok: false, notTried: words('value.noKey') };
  try {
    await requestJwtToken({
      loginUrl: options.loginUrl,
      clientId: facts.consumerKey,
      username: options.username,
      privateKeyFile: options.jwtKeyFile,
    });
    return { ok: true };
  } catch (error) {
    const { definition } = record!;
    const preAuthorized =
      definition.permittedUsers === 'AdminApprovedPreAuthorized' &&
      user !== undefined &&
      isPreAuthorized(user, definition.profiles, definition.permissionSets);
    return { ok: false, classified: classifyLoginError(errorText(error), preAuthorized) };
  }
}
