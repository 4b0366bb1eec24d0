/*
 * How the org lane gets at the user's org without touching the user's sf setup.
 *
 * The user's HOME is used for exactly two read-only commands, with the project's own sf binary:
 * `sf org display --target-org <alias>` and `sf org auth show-access-token --target-org <alias>` (which refresh the
 * access token when needed, as every sf command does). Everything else runs in throwaway HOMEs (SfSession from the
 * e2e harness: the compiled plugin linked, quiet settings) where the org is authorized from that access token with
 * `sf org login access-token`, under the user's alias, so the lane's commands read as the user would type them.
 *
 * Why not the user's HOME: sf keeps one auth file per username, and a JWT login with a new app (create --login jwt,
 * rotate-certificate --login) as the same user would replace the user's own authorization with one through an app the
 * lane deletes minutes later. In a throwaway HOME that replacement is harmless, and linking the plugin there leaves
 * the user's installed plugins alone. The access token never leaves memory and the environment of the sf processes
 * that log in with it; it is never logged out or revoked (it is the user's session). Authorizing once and copying
 * that HOME (SfSession.clone) for each other HOME the lane needs keeps it to one access-token login per run.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { binDir, parseSfJson, SfSession, type SfJsonOutput } from '../e2e/harness.js';

/** The org as the user's own auth describes it. */
export type UserOrg = {
  targetOrg: string;
  username: string;
  orgId: string;
  instanceUrl: string;
  apiVersion?: string;
};

/** What `sf org login access-token` learns about the org. */
export type OrgDetails = UserOrg & {
  isSandbox: boolean;
  isScratch: boolean;
  edition?: string;
  orgName?: string;
  instanceName?: string;
  /** The instance URL is on this machine (the emulator): not evidence about Salesforce. */
  local: boolean;
};

type AccessTokenLogin = {
  username: string;
  orgId: string;
  instanceUrl: string;
  instanceApiVersion?: string;
  isSandbox?: boolean;
  isScratch?: boolean;
  orgEdition?: string;
  name?: string;
  instanceName?: string;
};

/** Settings that keep sf from starting background work (an update check, autoupdate) for the user-side reads. */
const QUIET = {
  SF_DISABLE_AUTOUPDATE: 'true',
  SF_AUTOUPDATE_DISABLE: 'true',
  SF_SKIP_NEW_VERSION_CHECK: 'true',
  FORCE_COLOR: '0',
  NO_COLOR: '1',
};

/** `sf <args> --json` with the user's environment (their HOME, their keychain settings). */
async function userSf<T>(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<SfJsonOutput<T>> {
  return new Promise((resolveRun) => {
    execFile(
      join(binDir, 'sf'),
      [...args, '--json'],
      // The project's Node first on PATH, as npm scripts have it: sf's launcher runs on whatever `node` PATH finds.
      { env: { ...env, ...QUIET, PATH: `${binDir}:${env.PATH ?? ''}` }, cwd, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        try {
          resolveRun(parseSfJson<T>(stdout));
        } catch {
          const why = stderr.trim().split('\n').slice(0, 3).join(' ') || (error?.message ?? 'no output');
          resolveRun({ status: 1, name: 'NoJson', message: `sf printed no JSON: ${why.slice(0, 500)}` });
        }
      }
    );
  });
}

const isLocal = (url: string): boolean => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

export class OrgAccess {
  private constructor(public readonly user: UserOrg, private readonly accessToken: string) {}

  /**
   * Reads the target org from the user's own sf setup: `env` is the user's environment (HOME included), `cwd` a
   * directory outside any project.
   */
  public static async read(targetOrg: string, env: NodeJS.ProcessEnv, cwd: string): Promise<OrgAccess> {
    // One after the other: either may refresh the access token and rewrite the user's auth file.
    const display = await userSf<{ username: string; id: string; instanceUrl: string; apiVersion?: string }>(
      ['org', 'display', '--target-org', targetOrg],
      env,
      cwd
    );
    if (display.status !== 0 || !display.result) {
      throw new Error(
        `sf org display --target-org ${targetOrg} failed: ${display.message ?? 'no result'}\n` +
          `Authorize the org first, for example: sf org login web --alias ${targetOrg}`
      );
    }
    const token = await userSf<{ accessToken: string }>(['org', 'auth', 'show-access-token', '--target-org', targetOrg], env, cwd);
    if (token.status !== 0 || !token.result?.accessToken) {
      throw new Error(`sf org auth show-access-token --target-org ${targetOrg} failed: ${token.message ?? 'no access token'}`);
    }
    const { username, id, instanceUrl, apiVersion } = display.result;
    return new OrgAccess({ targetOrg, username, orgId: id, instanceUrl: instanceUrl.replace(/\/+$/, ''), apiVersion }, token.result.accessToken);
  }

  /**
   * A throwaway HOME with the plugin linked and the org authorized from the user's access token under the user's
   * alias. Returns the session and what the login learnt about the org. The lane's other HOMEs are copies of this
   * one (SfSession.clone).
   */
  public async authorize(): Promise<{ session: SfSession; details: OrgDetails }> {
    const session = await SfSession.create({ linkPlugin: true });
    try {
      // Under the user's alias, so commands read as the user types them; a username needs no alias.
      const alias = this.user.targetOrg === this.user.username ? [] : ['--alias', this.user.targetOrg];
      const login = await session.json<AccessTokenLogin>(
        ['org', 'login', 'access-token', '--instance-url', this.user.instanceUrl, '--no-prompt', ...alias],
        { env: { SF_ACCESS_TOKEN: this.accessToken } }
      );
      const result = login.json.result;
      if (login.json.status !== 0 || !result) {
        throw new Error(`sf org login access-token failed in the lane's HOME: ${login.json.message ?? 'no result'}`);
      }
      if (result.username !== this.user.username) {
        throw new Error(`the access token of ${this.user.targetOrg} belongs to ${result.username}, not ${this.user.username}`);
      }
      return {
        session,
        details: {
          ...this.user,
          apiVersion: result.instanceApiVersion ?? this.user.apiVersion,
          isSandbox: result.isSandbox === true,
          isScratch: result.isScratch === true,
          edition: result.orgEdition ?? undefined,
          orgName: result.name ?? undefined,
          instanceName: result.instanceName ?? undefined,
          local: isLocal(this.user.instanceUrl),
        },
      };
    } catch (error) {
      await session.dispose();
      throw error;
    }
  }
}

/**
 * Orgs the lane runs in without being told twice: sandboxes, scratch orgs and Developer Edition orgs. It creates and
 * deletes apps, so any other production org needs --allow-production.
 */
export function needsProductionConsent(org: OrgDetails): boolean {
  return !org.isSandbox && !org.isScratch && !/developer/i.test(org.edition ?? '');
}
