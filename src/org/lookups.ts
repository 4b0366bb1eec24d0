/*
 * What the plugin asks the org before it writes or deploys anything: who the target user is, which profiles and
 * permission sets exist, whether an External Client App has the name already, and whether a user is covered by an
 * app's pre-authorization. create asks it all in one REST composite request (lookUpOrg).
 */
import { Messages, type Connection } from '@salesforce/core';
import type { OAuthAppDefinition } from '../model/appModel.js';
import { soqlList, soqlString } from '../util/soql.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.validation');

export type OrgUser = {
  id: string;
  username: string;
  email?: string;
  profileName?: string;
  permissionSets: string[];
  /** Inactive users cannot log in; SOQL still returns them. */
  isActive: boolean;
};


type UserRecord = { Id: string; Username: string; Email?: string; IsActive?: boolean; Profile?: { Name?: string } | null };
type AssignmentRecord = { PermissionSet?: { Name?: string } | null; Assignee?: { Username?: string } | null };

const permissionSetNames = (assignments: AssignmentRecord[]): string[] =>
  assignments.map((assignment) => assignment.PermissionSet?.Name).filter((name): name is string => typeof name === 'string');

/** Looks a user up by username, with the profile and the permission sets assigned to them. */
export async function findUser(conn: Connection, username: string): Promise<OrgUser | undefined> {
  const users = await conn.query<UserRecord>(
    `SELECT Id, Username, Email, IsActive, Profile.Name FROM User WHERE Username = ${soqlString(username)}`
  );
  const record = users.records[0];
  if (!record) return undefined;
  const assignments = await conn.query<AssignmentRecord>(
    `SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE AssigneeId = ${soqlString(record.Id)}`
  );
  return {
    id: record.Id,
    username: record.Username,
    email: record.Email,
    profileName: record.Profile?.Name ?? undefined,
    isActive: record.IsActive !== false,
    permissionSets: permissionSetNames(assignments.records),
  };
}

/** Returns the names from the list that the org does not have (compared case-insensitively, as Salesforce does). */
export async function findMissing(
  conn: Connection,
  object: 'Profile' | 'PermissionSet',
  names: string[]
): Promise<string[]> {
  if (names.length === 0) return [];
  const result = await conn.query<{ Name: string }>(
    `SELECT Name FROM ${object} WHERE Name IN ${soqlList(names)}`
  );
  const found = new Set(result.records.map((r) => r.Name.toLowerCase()));
  return names.filter((name) => !found.has(name.toLowerCase()));
}

/** True when the user's profile or one of their permission sets is among the pre-authorized ones. */
export function isPreAuthorized(user: OrgUser, profiles: string[], permissionSets: string[]): boolean {
  const lower = (values: string[]): Set<string> => new Set(values.map((v) => v.toLowerCase()));
  const profileSet = lower(profiles);
  const permissionSetSet = lower(permissionSets);
  return (
    (user.profileName !== undefined && profileSet.has(user.profileName.toLowerCase())) ||
    user.permissionSets.some((name) => permissionSetSet.has(name.toLowerCase()))
  );
}

/** The client credentials run-as user must exist in the org: checked before anything is deployed (a read only). */
export async function assertClientCredentialsUserExists(conn: Connection, definition: OAuthAppDefinition): Promise<void> {
  const username = definition.flows.clientCredentialsUser;
  if (username === undefined) return;
  if (!(await findUser(conn, username))) throw messages.createError('error.UnknownClientCredentialsUser', [username]);
}

/** What create needs to know from the org before it writes anything. */
export type LookupRequest = {
  usernames: string[];
  profiles: string[];
  permissionSets: string[];
  /** An External Client App name whose existence is asked (its header is an sObject row as well as metadata). */
  externalClientApp?: string;
};

export type OrgLookups = {
  /** By lower-case username (usernames compare case-insensitively, as SOQL does). */
  users: Map<string, OrgUser>;
  /** Lower-case names of the profiles and permission sets asked for, and of those the org has. */
  profiles: { asked: Set<string>; found: Set<string> };
  permissionSets: { asked: Set<string>; found: Set<string> };
  /** Whether the External Client App asked for exists (undefined when none was asked). */
  externalClientAppExists?: boolean;
};

type QueryResult<T> = { records: T[] };
type CompositeResponse = { compositeResponse: Array<{ referenceId: string; httpStatusCode: number; body: unknown }> };

/** A subrequest's refusal as jsforce reports a query's: the error code as the name. */
function subrequestError(body: unknown, status: number): Error {
  const first = Array.isArray(body) ? (body[0] as { errorCode?: string; message?: string } | undefined) : undefined;
  const error = new Error(first?.message ?? `HTTP ${status}: ${JSON.stringify(body)}`);
  error.name = first?.errorCode ?? 'ERROR';
  return Object.assign(error, { errorCode: first?.errorCode });
}

/**
 * Runs independent queries in one request: the REST composite resource takes up to 5 queries and answers each with
 * its own status (docs/salesforce-facts.md#f-rest-composite). A single query goes as a plain query. Each query's
 * answer is its result or its refusal (as jsforce would have thrown it).
 */
export async function queryTogether(
  conn: Connection,
  queries: Record<string, string>
): Promise<Record<string, QueryResult<unknown> | Error>> {
  const entries = Object.entries(queries);
  if (entries.length === 1) {
    const [[referenceId, soql]] = entries;
    try {
      return { [referenceId]: await conn.query(soql) };
    } catch (error) {
      return { [referenceId]: error instanceof Error ? error : new Error(String(error)) };
    }
  }
  const base = `/services/data/v${conn.getApiVersion()}`;
  const response = await conn.requestPost<CompositeResponse>(`${base}/composite`, {
    allOrNone: false,
    compositeRequest: entries.map(([referenceId, soql]) => ({
      method: 'GET',
      url: `${base}/query?q=${encodeURIComponent(soql)}`,
      referenceId,
    })),
  });
  const results: Record<string, QueryResult<unknown> | Error> = {};
  for (const [referenceId] of entries) {
    const sub = response.compositeResponse.find((r) => r.referenceId === referenceId);
    results[referenceId] = !sub
      ? new Error(`The org's composite answer has no result for ${referenceId}.`)
      : sub.httpStatusCode >= 400
      ? subrequestError(sub.body, sub.httpStatusCode)
      : (sub.body as QueryResult<unknown>);
  }
  return results;
}

/** Users (with their permission sets), profiles, permission sets and the app's name, in one request. */
export async function lookUpOrg(conn: Connection, request: LookupRequest): Promise<OrgLookups> {
  const unique = (values: string[]): string[] => [...new Map(values.map((v) => [v.toLowerCase(), v])).values()];
  const usernames = unique(request.usernames);
  const profiles = unique(request.profiles);
  const permissionSets = unique(request.permissionSets);
  const queries: Record<string, string> = {
    users: `SELECT Id, Username, Email, IsActive, Profile.Name FROM User WHERE Username IN ${soqlList(usernames)}`,
    assignments: `SELECT Assignee.Username, PermissionSet.Name FROM PermissionSetAssignment WHERE Assignee.Username IN ${soqlList(usernames)}`,
  };
  if (profiles.length > 0) queries.profiles = `SELECT Name FROM Profile WHERE Name IN ${soqlList(profiles)}`;
  if (permissionSets.length > 0) queries.permissionSets = `SELECT Name FROM PermissionSet WHERE Name IN ${soqlList(permissionSets)}`;
  if (request.externalClientApp !== undefined) {
    queries.app = `SELECT Id FROM ExternalClientApplication WHERE DeveloperName = ${soqlString(request.externalClientApp)}`;
  }
  const answers = await queryTogether(conn, queries);
  const records = <T>(key: string): T[] => {
    const answer = answers[key];
    if (answer instanceof Error) throw answer;
    return (answer?.records ?? []) as T[];
  };
  const assignments = records<AssignmentRecord>('assignments');
  const users = new Map<string, OrgUser>();
  for (const record of records<UserRecord>('users')) {
    const mine = assignments.filter((a) => a.Assignee?.Username?.toLowerCase() === record.Username.toLowerCase());
    users.set(record.Username.toLowerCase(), {
      id: record.Id,
      username: record.Username,
      email: record.Email,
      profileName: record.Profile?.Name ?? undefined,
      isActive: record.IsActive !== false,
      permissionSets: permissionSetNames(mine),
    });
  }
  const lower = (values: string[]): Set<string> => new Set(values.map((v) => v.toLowerCase()));
  const names = (key: string, asked: string[]): { asked: Set<string>; found: Set<string> } => ({
    asked: lower(asked),
    found: lower(records<{ Name: string }>(key).map((r) => r.Name)),
  });
  return {
    users,
    profiles: names('profiles', profiles),
    permissionSets: names('permissionSets', permissionSets),
    // A refused app query leaves the question open: the caller reads the app's metadata instead.
    externalClientAppExists: answers.app && !(answers.app instanceof Error) ? answers.app.records.length > 0 : undefined,
  };
}
