/*
 * What `verify` works with: the facts it reads from the org and the files (gather.ts, reads only), and the checks
 * it makes of them (one module per group), each passed, warned about or failed, with the command that fixes it.
 */
import type { AppKind } from '../../model/appModel.js';
import type { AppRecord } from '../../org/inventory.js';
import type { OrgUser } from '../../org/lookups.js';
import type { PrivateKeyFile } from '../../files/privateKeyFile.js';
import type { ClassifiedLoginError } from '../../login/loginChain.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export type VerifyCheck = {
  /** Stable name of the check: app, components, certificate, key-file, scopes, login, ... */
  id: string;
  status: CheckStatus;
  message: string;
  /** The command to paste that fixes it (failures and warnings only, where one exists). */
  fix?: string;
};

export type VerifyOptions = {
  name: string;
  /** Username of the target org, for the fixes' --target-org. */
  targetOrg: string;
  /** Who logs in: --username, default the target org's user. */
  username: string;
  /** --instance-url, else the target org's instance URL (its My Domain), as create logs in. */
  loginUrl: string;
  jwtKeyFile?: string;
  loginCheck: boolean;
};

/** What the org and the files say, all read before any check is made. */
export type VerifyFacts = {
  kind: AppKind;
  options: VerifyOptions;
  now: Date;
  /** Undefined when the org has no app of this kind and name. */
  record?: AppRecord;
  consumerKey?: string;
  /** Undefined when the org has no such user. */
  user?: OrgUser;
  org: { instanceUrl: string; isSandbox?: boolean; isDevHub: boolean };
  oauthLocalPort: number;
  keyFile?: { path: string } & PrivateKeyFile;
  /** The answer to --login-check's token request. */
  login?: { ok: true } | { ok: false; classified: ClassifiedLoginError } | { ok: false; notTried: string };
};

export type VerifyResult = {
  kind: AppKind;
  name: string;
  username: string;
  loginUrl: string;
  checks: VerifyCheck[];
  passed: number;
  warnings: number;
  failed: number;
};
