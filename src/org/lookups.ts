/*
 * What the plugin asks the org before it writes or deploys anything: who the target user is, which profiles and
 * permission sets exist, and whether a user is covered by an app's pre-authorization.
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
type AssignmentRecord = { PermissionSet?: { Name?: string } | null };

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
    permissionSets: assignments.records
      .map((assignment) => assignment.PermissionSet?.Name)
      .filter((name): name is string => typeof name === 'string'),
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
