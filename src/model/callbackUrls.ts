/*
 * The callback URL sf's own logins use: `sf org login web` listens on http://localhost:<oauthLocalPort>/OauthRedirect.
 */

/** @salesforce/core's WebOAuthServer uses 1717 when sfdx-project.json sets no oauthLocalPort. */
export const DEFAULT_OAUTH_LOCAL_PORT = 1717;

export const callbackUrlForPort = (port: number): string => `http://localhost:${port}/OauthRedirect`;
