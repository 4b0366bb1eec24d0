/*
 * The sf logins saved on this computer that go through a given app: deleting the app ends them (their refresh
 * tokens and JWT logins are the app's), so delete must know before it removes the one the user works with.
 */
import type { Connection } from '@salesforce/core';
import { StateAggregator } from '@salesforce/core';

export type SavedLogin = { username: string; aliases: string[] };

/** Org IDs compare by their first 15 characters (the 18-character form adds a checksum). */
const sameOrg = (a?: string, b?: string): boolean => a !== undefined && b !== undefined && a.slice(0, 15) === b.slice(0, 15);

/** Saved logins to the connection's org whose client ID is the app's consumer key. */
export async function savedLoginsUsing(conn: Connection, consumerKey: string | undefined): Promise<SavedLogin[]> {
  if (!consumerKey) return [];
  const orgId = conn.getAuthInfoFields().orgId;
  const state = await StateAggregator.getInstance();
  const auths = await state.orgs.readAll();
  return auths
    .filter((auth) => auth.clientId === consumerKey && sameOrg(auth.orgId, orgId) && auth.username)
    .map((auth) => ({ username: auth.username!, aliases: state.aliases.getAll(auth.username!) }));
}
