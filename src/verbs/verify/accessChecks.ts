/*
 * Who may log in with the app, and with what: the scopes sf needs (docs/salesforce-facts.md#f-sfdx-cli-app-settings,
 * #f-refresh-token-scope), admin approval with the login user pre-authorized by profile or an assigned permission set
 * (#f-jwt-preauthorization), the user itself (there and active), and the callback URL `sf org login web` redirects to
 * (#f-web-login, #f-oauth-local-port).
 */
import type { MetadataScope } from '../../model/appModel.js';
import { callbackUrlForPort } from '../../model/callbackUrls.js';
import { toOAuthScopeNames } from '../../model/scopes.js';
import { isPreAuthorized } from '../../org/lookups.js';
import type { VerifyCheck, VerifyFacts } from './types.js';
import { unknownSetting } from './appChecks.js';
import { appCommand, sfCommand } from './fixes.js';
import { check } from './messages.js';

/** What a scope sf needs is satisfied by: `full` includes api and web, but not refresh_token. */
const SATISFIED_BY: Record<'Api' | 'RefreshToken' | 'Web', readonly MetadataScope[]> = {
  Api: ['Api', 'Full'],
  RefreshToken: ['RefreshToken'],
  Web: ['Web', 'Full'],
};

export function accessChecks(facts: VerifyFacts): VerifyCheck[] {
  return [scopesCheck(facts), permittedUsersCheck(facts), ...userChecks(facts), callbackCheck(facts)];
}

function scopesCheck(facts: VerifyFacts): VerifyCheck {
  const unknown = unknownSetting(facts, 'scopes', 'scopes');
  if (unknown) return unknown;
  const scopes = facts.record!.definition.scopes;
  const lacking = (needed: ReadonlyArray<keyof typeof SATISFIED_BY>): MetadataScope[] =>
    needed.filter((scope) => !SATISFIED_BY[scope].some((s) => scopes.includes(s)));
  const forJwt = lacking(['Api', 'RefreshToken']);
  const forWeb = lacking(['Web']);
  const fix = (missing: MetadataScope[]): string => appCommand(facts, 'update', '--add-scopes', toOAuthScopeNames(missing).join(','));
  const has = toOAuthScopeNames(scopes).join(' ') || '-';
  if (forJwt.length > 0) {
    return check('scopes', 'fail', 'scopes.missing', [toOAuthScopeNames(forJwt).join(', '), has], fix([...forJwt, ...forWeb]));
  }
  if (forWeb.length > 0) return check('scopes', 'warn', 'scopes.noWeb', [has], fix(forWeb));
  return check('scopes', 'pass', 'scopes.ok', [has]);
}

function permittedUsersCheck(facts: VerifyFacts): VerifyCheck {
  const unknown = unknownSetting(facts, 'permitted-users', 'permittedUsers');
  if (unknown) return unknown;
  const { definition } = facts.record!;
  if (definition.permittedUsers === 'AdminApprovedPreAuthorized') return check('permitted-users', 'pass', 'permittedUsers.ok');
  const profile = facts.user?.profileName;
  return check(
    'permitted-users',
    'fail',
    'permittedUsers.selfAuthorized',
    [],
    appCommand(facts, 'update', '--permitted-users', 'admin-approved', ...(profile ? ['--add-profile', profile] : []))
  );
}

function userChecks(facts: VerifyFacts): VerifyCheck[] {
  const { username } = facts.options;
  const user = facts.user;
  if (!user) {
    const list = sfCommand(facts, 'data', 'query', '--query', 'SELECT Username, Profile.Name FROM User WHERE IsActive = true');
    return [check('user', 'fail', 'user.missing', [username], list)];
  }
  const userCheck = user.isActive
    ? check('user', 'pass', 'user.active', [username, user.profileName ?? '-'])
    : check(
        'user',
        'fail',
        'user.inactive',
        [username],
        sfCommand(facts, 'data', 'update', 'record', '--sobject', 'User', '--record-id', user.id, '--values', 'IsActive=true')
      );
  return [userCheck, preAuthorizationCheck(facts)];
}

function preAuthorizationCheck(facts: VerifyFacts): VerifyCheck {
  const unknown = unknownSetting(facts, 'pre-authorization', 'profiles');
  if (unknown) return unknown;
  const user = facts.user!;
  const { profiles, permissionSets } = facts.record!.definition;
  const tokens = [
    facts.options.username,
    user.profileName ?? '-',
    user.permissionSets.join(', ') || '-',
    profiles.join(', ') || '-',
    permissionSets.join(', ') || '-',
  ];
  if (isPreAuthorized(user, profiles, permissionSets)) return check('pre-authorization', 'pass', 'preAuthorization.ok', tokens);
  // Assigning one of the app's permission sets touches only this user; adding the profile admits everyone who has it.
  const fix =
    permissionSets.length > 0
      ? sfCommand(facts, 'org', 'assign', 'permset', '--name', permissionSets[0], '--on-behalf-of', facts.options.username)
      : appCommand(facts, 'update', '--add-profile', user.profileName ?? '<profile>');
  return check('pre-authorization', 'fail', 'preAuthorization.missing', tokens, fix);
}

function callbackCheck(facts: VerifyFacts): VerifyCheck {
  const unknown = unknownSetting(facts, 'callback-url', 'callbackUrls');
  if (unknown) return unknown;
  const wanted = callbackUrlForPort(facts.oauthLocalPort);
  const urls = facts.record!.definition.callbackUrls;
  return urls.includes(wanted)
    ? check('callback-url', 'pass', 'callbackUrl.ok', [wanted])
    : check('callback-url', 'warn', 'callbackUrl.missing', [wanted, urls.join(' ') || '-'], appCommand(facts, 'update', '--add-callback-url', wanted));
}
