/*
 * REST API of the emulated org: version list, version resources, query and tooling query (through soql.ts),
 * sObject rows by id, the composite resource (composite.ts), and the Connect REST OAuth credentials resources for
 * External Client Apps.
 */
import type { AppStore, OrgState, StoredUser } from './state.js';
import type { StagedRecord } from './stagedCredentials.js';
import { EmulatorReply, EmulatorRequest, bearerToken, jsonReply, restErrorReply } from './http.js';
import { QuerySource, Row, SObjectSchema, SoqlError, executeSoql } from './soql.js';
import { toId18 } from './state.js';
import { handleComposite } from './composite.js';

export const MIN_API_VERSION = 20;
export const MAX_API_VERSION = 66;

export type RestContext = { state: OrgState<AppStore>; instanceUrl: string };

/** Release label of an API version: 66.0 is Spring '26, 65.0 Winter '26, 64.0 Summer '25, three a year. */
export function releaseLabel(version: number): string {
  const season = ['Spring', 'Summer', 'Winter'][version % 3];
  const year = season === 'Spring' ? (version - 66) / 3 + 26 : season === 'Summer' ? (version - 64) / 3 + 25 : (version - 65) / 3 + 26;
  return `${season} '${String(year).padStart(2, '0')}`;
}

export function versionList(): Array<{ label: string; url: string; version: string }> {
  const out = [];
  for (let v = MIN_API_VERSION; v <= MAX_API_VERSION; v++) {
    out.push({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return out;
}

const NOT_FOUND = (): EmulatorReply => restErrorReply(404, 'NOT_FOUND', 'The requested resource does not exist');

function invalidSession(): EmulatorReply {
  return restErrorReply(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
}

const SCHEMAS: SObjectSchema[] = [
  {
    name: 'Organization',
    fields: ['Id', 'Name', 'InstanceName', 'IsSandbox', 'TrialExpirationDate', 'NamespacePrefix', 'OrganizationType', 'CreatedDate', 'LanguageLocaleKey', 'TimeZoneSidKey', 'Country'],
  },
  {
    name: 'User',
    fields: ['Id', 'Username', 'Email', 'FirstName', 'LastName', 'Name', 'Alias', 'ProfileId', 'IsActive', 'UserType', 'CreatedDate', 'LastModifiedDate', 'TimeZoneSidKey', 'LocaleSidKey', 'LanguageLocaleKey', 'EmailEncodingKey'],
    relationships: { Profile: 'Profile' },
  },
  { name: 'Profile', fields: ['Id', 'Name', 'UserType', 'Description', 'CreatedDate', 'LastModifiedDate'] },
  {
    name: 'PermissionSet',
    fields: ['Id', 'Name', 'Label', 'Description', 'IsOwnedByProfile', 'ProfileId', 'NamespacePrefix', 'CreatedDate', 'LastModifiedDate'],
  },
  {
    name: 'PermissionSetAssignment',
    fields: ['Id', 'AssigneeId', 'PermissionSetId', 'IsActive'],
    relationships: { Assignee: 'User', PermissionSet: 'PermissionSet' },
  },
  {
    name: 'ScratchOrgInfo',
    fields: ['Id', 'Status', 'OrgName', 'Edition', 'SignupUsername', 'ScratchOrg', 'ExpirationDate', 'CreatedDate', 'LoginUrl', 'ConnectedAppConsumerKey', 'ConnectedAppCallbackUrl'],
  },
  {
    name: 'SandboxProcess',
    fields: ['Id', 'Status', 'SandboxName', 'SandboxInfoId', 'LicenseType', 'CreatedDate', 'CopyProgress', 'SandboxOrganization', 'SourceId', 'Description', 'EndDate', 'Features'],
  },
  {
    name: 'ConnectedApplication',
    fields: ['Id', 'Name', 'CreatedDate', 'LastModifiedDate', 'CreatedById', 'LastModifiedById', 'OptionsAllowAdminApprovedUsersOnly', 'OptionsRefreshTokenValidityMetric', 'RefreshTokenValidityPeriod', 'StartUrl', 'MobileStartUrl'],
  },
  {
    name: 'ExternalClientApplication',
    fields: ['Id', 'DeveloperName', 'MasterLabel', 'NamespacePrefix', 'CreatedDate', 'LastModifiedDate', 'CreatedById', 'LastModifiedById'],
  },
];

/**
 * Objects reachable through the regular query resource and through the tooling query resource. Not
 * ExternalClientApplication: only the regular query of it is seen in public tools (docs/salesforce-facts.md#f-eca-sobject).
 */
const TOOLING_OBJECTS = new Set(['SandboxProcess', 'User', 'Profile', 'PermissionSet', 'Organization']);

function querySource(ctx: RestContext, tooling: boolean): QuerySource {
  const { state } = ctx;
  return {
    schema(name: string): SObjectSchema | undefined {
      const schema = SCHEMAS.find((s) => s.name.toLowerCase() === name.toLowerCase());
      if (!schema) return undefined;
      if (tooling && !TOOLING_OBJECTS.has(schema.name)) return undefined;
      // Only a Dev Hub has ScratchOrgInfo: the CLI reads INVALID_TYPE as "not a Dev Hub".
      if (schema.name === 'ScratchOrgInfo' && !state.settings.isDevHub) return undefined;
      return schema;
    },
    rows: (name: string) => rowsOf(ctx, name),
  };
}

function userRow(state: OrgState<AppStore>, u: StoredUser): Row {
  const profile = state.profileByName(u.profileName);
  return {
    Id: u.id,
    Username: u.username,
    Email: u.email,
    FirstName: u.firstName,
    LastName: u.lastName,
    Name: `${u.firstName} ${u.lastName}`,
    Alias: u.alias,
    ProfileId: profile?.id ?? null,
    Profile: profile ? profileRow(profile) : null,
    IsActive: u.isActive,
    UserType: 'Standard',
    CreatedDate: sfDate(u.createdDate),
    LastModifiedDate: sfDate(u.createdDate),
    TimeZoneSidKey: 'America/Los_Angeles',
    LocaleSidKey: 'en_US',
    LanguageLocaleKey: 'en_US',
    EmailEncodingKey: 'UTF-8',
  };
}

function profileRow(p: { id: string; name: string; userType: string; description: string }): Row {
  return { Id: p.id, Name: p.name, UserType: p.userType, Description: p.description, CreatedDate: null, LastModifiedDate: null };
}

/** REST dates look like 2024-01-31T12:00:00.000+0000. */
export function sfDate(iso: string): string {
  return iso.replace(/Z$/, '+0000');
}

function rowsOf(ctx: RestContext, name: string): Row[] {
  const { state } = ctx;
  const created = sfDate(state.org.createdDate);
  switch (name) {
    case 'Organization':
      return [
        {
          Id: state.org.id,
          Name: state.org.name,
          InstanceName: state.org.instanceName,
          IsSandbox: state.org.isSandbox,
          TrialExpirationDate: null,
          NamespacePrefix: state.org.namespacePrefix,
          OrganizationType: state.org.organizationType,
          CreatedDate: created,
          LanguageLocaleKey: 'en_US',
          TimeZoneSidKey: 'America/Los_Angeles',
          Country: 'US',
        },
      ];
    case 'User':
      return state.users.map((u) => userRow(state, u));
    case 'Profile':
      return state.profiles.map((p) => ({ ...profileRow(p), CreatedDate: created, LastModifiedDate: created }));
    case 'PermissionSet':
      return state.permissionSets.map((p) => ({
        Id: p.id,
        Name: p.name,
        Label: p.label,
        Description: p.description,
        IsOwnedByProfile: false,
        ProfileId: null,
        NamespacePrefix: null,
        CreatedDate: created,
        LastModifiedDate: created,
      }));
    case 'PermissionSetAssignment':
      return state.users.flatMap((u) =>
        u.permissionSets.map((psName) => {
          const ps = state.permissionSetByName(psName);
          // Assignment ids (0Pa) derived from user and permission set so they stay stable across queries.
          const id = toId18(`0Pa${u.id.slice(9, 15)}${(ps?.id ?? '').slice(9, 15).padEnd(6, '0')}`);
          return {
            Id: id,
            AssigneeId: u.id,
            PermissionSetId: ps?.id ?? null,
            IsActive: true,
            Assignee: userRow(state, u),
            PermissionSet: ps ? { Id: ps.id, Name: ps.name, Label: ps.label, Description: ps.description, IsOwnedByProfile: false } : null,
          };
        })
      );
    case 'ConnectedApplication':
      return appsOf(ctx, 'ConnectedApp').map(({ summary, label }) => ({
        Id: summary.id,
        Name: label,
        CreatedDate: sfDate(summary.createdDate),
        LastModifiedDate: sfDate(summary.lastModifiedDate),
        CreatedById: state.adminUser.id,
        LastModifiedById: state.adminUser.id,
        OptionsAllowAdminApprovedUsersOnly: summary.app.permittedUsers === 'AdminApprovedPreAuthorized',
        OptionsRefreshTokenValidityMetric: false,
        RefreshTokenValidityPeriod: null,
        StartUrl: null,
        MobileStartUrl: null,
      }));
    case 'ExternalClientApplication':
      return appsOf(ctx, 'ExternalClientApplication').map(({ summary, label }) => ({
        Id: summary.id,
        DeveloperName: summary.app.name,
        MasterLabel: label,
        NamespacePrefix: null,
        CreatedDate: sfDate(summary.createdDate),
        LastModifiedDate: sfDate(summary.lastModifiedDate),
        CreatedById: state.adminUser.id,
        LastModifiedById: state.adminUser.id,
      }));
    default:
      // ScratchOrgInfo, SandboxProcess: the emulated org has none.
      return [];
  }
}

type AppRow = { summary: ReturnType<AppStore['allApps']>[number]; label: string };

/** Deployed apps of one kind; the sObject rows exist at once, even before the OAuth side goes live. */
function appsOf(ctx: RestContext, kind: 'ConnectedApp' | 'ExternalClientApplication'): AppRow[] {
  return ctx.state.store
    .allApps()
    .filter((a) => a.app.kind === kind)
    .map((summary) => {
      const label = ctx.state.store.read(kind, summary.app.name)?.label;
      return { summary, label: typeof label === 'string' ? label : summary.app.name };
    });
}

function runQuery(req: EmulatorRequest, ctx: RestContext, version: string, tooling: boolean): EmulatorReply {
  const q = req.query.get('q');
  if (!q) return restErrorReply(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  try {
    return jsonReply(200, executeSoql(q, querySource(ctx, tooling), { apiVersion: version }));
  } catch (error) {
    if (error instanceof SoqlError) return restErrorReply(400, error.errorCode, error.message);
    throw error;
  }
}

function sobjectRow(ctx: RestContext, version: string, type: string, id: string, fields: string | null): EmulatorReply {
  const schema = querySource(ctx, false).schema(type);
  if (!schema) return restErrorReply(404, 'NOT_FOUND', 'The requested resource does not exist');
  const row = rowsOf(ctx, schema.name).find((r) => r.Id === id || (typeof r.Id === 'string' && r.Id.slice(0, 15) === id));
  if (!row) return NOT_FOUND();
  const wanted = fields ? fields.split(',').map((f) => f.trim()) : schema.fields;
  const out: Row = { attributes: { type: schema.name, url: `/services/data/v${version}/sobjects/${schema.name}/${String(row.Id)}` } };
  for (const f of wanted) {
    const canonical = schema.fields.find((x) => x.toLowerCase() === f.toLowerCase());
    if (!canonical) return restErrorReply(400, 'INVALID_FIELD', `No such column '${f}' on sobject of type ${schema.name}`);
    out[canonical] = row[canonical] ?? null;
  }
  return jsonReply(200, out);
}

/** The OAuth consumer id of an ECA: derived from the app id. Key prefix 0Oc is UNCONFIRMED (docs/salesforce-facts.md#f-eca-credentials-rest). */
function consumerIdOf(appId: string): string {
  return toId18(`0Oc${appId.slice(3, 15)}`);
}

function ecaById(ctx: RestContext, appId: string): AppRow | undefined {
  return appsOf(ctx, 'ExternalClientApplication').find((a) => a.summary.id === appId || a.summary.id.slice(0, 15) === appId);
}

/**
 * Connect REST OAuth usage and credentials resources (docs/salesforce-facts.md#f-eca-credentials-rest). Everything
 * needs the External Client App Developer permission. The credentials resource (/apps/oauth/credentials/..., keys
 * included) is refused as a whole unless the org setting "Allow access to External Client App consumer secrets via
 * REST API" is on: Salesforce Help lists the setting as a prerequisite of the resource, not of the secret part only.
 * Secrets also need View Client Secret.
 * UNCONFIRMED: the exact error codes and wording; FUNCTIONALITY_NOT_ENABLED and INSUFFICIENT_ACCESS are the closest
 * REST codes.
 */
function oauthApps(req: EmulatorRequest, ctx: RestContext, user: StoredUser, version: string, rest: string[]): EmulatorReply {
  const { state } = ctx;
  const v = Number(version);
  if (!state.userHasPermission(user, 'ExternalClientAppDeveloper')) {
    return restErrorReply(403, 'INSUFFICIENT_ACCESS', "You don't have permission to manage External Client App OAuth credentials.");
  }
  const base = `/services/data/v${version}/apps/oauth`;
  if (rest[0] === 'usage' && rest.length === 1) {
    if (v < 59) return NOT_FOUND();
    const page = Number(req.query.get('page') ?? '0');
    const pageSize = Number(req.query.get('pageSize') ?? '100');
    // UNCONFIRMED whether a never-used ECA is listed (docs/salesforce-facts.md#f-eca-credentials-rest); listing every
    // deployed ECA keeps lookups working.
    const all = appsOf(ctx, 'ExternalClientApplication');
    const apps = all.slice(page * pageSize, (page + 1) * pageSize).map((a) => ({
      developerName: a.summary.app.name,
      identifier: a.summary.id,
      name: a.label,
      type: 'ExternalClientApplication',
      url: `${base}/usage/${a.summary.id}`,
    }));
    const hasNext = (page + 1) * pageSize < all.length;
    return jsonReply(200, {
      apps,
      currentPageUrl: `${base}/usage?page=${page}&pageSize=${pageSize}`,
      nextPageUrl: hasNext ? `${base}/usage?page=${page + 1}&pageSize=${pageSize}` : null,
    });
  }
  const staged = rest[0] === 'credentials' && rest[3] === 'staged';
  if (!staged && req.method !== 'GET') return methodNotAllowed(req, 'GET,HEAD');
  if (rest[0] !== 'credentials' || rest.length < 2 || rest.length > 5 || (rest.length > 3 && !staged) || v < 60) return NOT_FOUND();
  if (!state.settings.ecaSecretRestAccess) {
    return restErrorReply(
      403,
      'FUNCTIONALITY_NOT_ENABLED',
      'Access to External Client App OAuth credentials via REST API is turned off. Turn on "Allow access to External Client App consumer secrets via REST API" in External Client App Settings.'
    );
  }
  const eca = ecaById(ctx, rest[1]);
  if (!eca) return NOT_FOUND();
  const consumerId = consumerIdOf(eca.summary.id);
  const url = `${base}/credentials/${eca.summary.id}/${consumerId}`;
  if (rest.length === 2) {
    const consumer = { id: consumerId, key: eca.summary.app.consumerKey, name: eca.label, url };
    return jsonReply(200, { consumers: [v >= 65 ? { ...consumer, stagedCredentialsUrl: `${url}/staged` } : consumer] });
  }
  if (rest[2] !== consumerId && rest[2] !== consumerId.slice(0, 15)) return NOT_FOUND();
  if (staged) return stagedCredentials(req, ctx, user, { version: v, app: eca.summary.app.name, url, id: rest[4] });
  const part = (req.query.get('part') ?? 'key').toLowerCase();
  if (!['key', 'secret', 'keyandsecret'].includes(part)) {
    return restErrorReply(400, 'ILLEGAL_QUERY_PARAMETER_VALUE', `Invalid value for part: ${part}. Valid values are key, secret, keyandsecret.`);
  }
  if (part !== 'key' && !state.userHasPermission(user, 'ViewClientSecret')) {
    return restErrorReply(403, 'INSUFFICIENT_ACCESS', 'You need the View Client Secret permission to see consumer secrets.');
  }
  const body: Record<string, unknown> = { id: consumerId, name: eca.label, url };
  if (part !== 'secret') body.key = eca.summary.app.consumerKey;
  if (part !== 'key') body.secret = eca.summary.app.consumerSecret ?? null;
  if (v >= 65) body.stagedCredentialsUrl = `${url}/staged`;
  return jsonReply(200, body);
}

/** Handles /services/data and everything under it. */
export function handleRest(req: EmulatorRequest, ctx: RestContext): EmulatorReply {
  const segments = req.path.split('/').filter(Boolean).slice(2); // drop services, data
  if (segments.length === 0) {
    // The version list is public on real orgs; the CLI sends its token anyway.
    return jsonReply(200, versionList());
  }
  const m = /^v(\d+)\.0$/.exec(segments[0]);
  const versionNumber = m ? Number(m[1]) : NaN;
  if (!m || versionNumber < MIN_API_VERSION || versionNumber > MAX_API_VERSION) return NOT_FOUND();
  const version = `${versionNumber}.0`;
  const token = bearerToken(req.headers);
  const user = token ? ctx.state.sessionUser(token) : undefined;
  if (!user) return invalidSession();
  const rest = segments.slice(1);
  const base = `/services/data/v${version}`;
  if (rest.length === 0) {
    return jsonReply(200, {
      tooling: `${base}/tooling`,
      metadata: `${base}/metadata`,
      query: `${base}/query`,
      queryAll: `${base}/queryAll`,
      sobjects: `${base}/sobjects`,
      connect: `${base}/connect`,
      limits: `${base}/limits`,
    });
  }
  if (rest[0] === 'composite' && rest.length === 1) {
    if (versionNumber < 34) return NOT_FOUND();
    return handleComposite(req, (sub) => handleRest(sub, ctx));
  }
  if (rest[0] === 'apps' && rest[1] === 'oauth') return oauthApps(req, ctx, user, version, rest.slice(2));
  if (req.method !== 'GET') return methodNotAllowed(req, 'GET,HEAD');
  if ((rest[0] === 'query' || rest[0] === 'queryAll') && rest.length === 1) return runQuery(req, ctx, version, false);
  if (rest[0] === 'tooling' && rest[1] === 'query' && rest.length === 2) return runQuery(req, ctx, version, true);
  if (rest[0] === 'sobjects' && rest.length === 3) return sobjectRow(ctx, version, rest[1], rest[2], req.query.get('fields'));
  return NOT_FOUND();
}

function methodNotAllowed(req: EmulatorRequest, allowed: string): EmulatorReply {
  return restErrorReply(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are ${allowed}`);
}

/**
 * The staged credentials resources (65.0+; docs/salesforce-facts.md#f-eca-staged-credentials). Help lists External
 * Client App Developer and View Client Secret for staging, rotating and deleting: the emulator asks both for every
 * method. Shapes, strictest reading: GET of an empty slot answers 404; the POST answer carries the new key and secret
 * but no id (the slot must be read for it); GET never returns a secret; PATCH takes exactly {"command":"rotate"};
 * POST takes no body (an empty JSON object, as public clients send, is accepted).
 */
function stagedCredentials(
  req: EmulatorRequest,
  ctx: RestContext,
  user: StoredUser,
  target: { version: number; app: string; url: string; id?: string }
): EmulatorReply {
  const slots = ctx.state.store.staged;
  if (target.version < 65 || !slots) return NOT_FOUND();
  if (!ctx.state.userHasPermission(user, 'ViewClientSecret')) {
    return restErrorReply(403, 'INSUFFICIENT_ACCESS', 'You need the View Client Secret permission to manage staged OAuth credentials.');
  }
  const base = `${target.url}/staged`;
  const shown = (record: StagedRecord, withSecret: boolean): Record<string, unknown> => ({
    createdBy: record.createdBy,
    createdDate: record.createdDate,
    expirationDate: record.expirationDate,
    ...(withSecret ? {} : { id: record.id }),
    key: record.key,
    ...(withSecret ? { secret: record.secret } : {}),
    stagedCredentialsUrl: withSecret ? base : `${base}/${record.id}`,
    state: slots.stateOf(record),
    url: target.url,
  });
  const failed = (outcome: { status: number; errorCode: string; error: string }): EmulatorReply =>
    restErrorReply(outcome.status, outcome.errorCode, outcome.error);
  const current = slots.slot(target.app);
  if (target.id === undefined) {
    if (req.method === 'GET') {
      return current ? jsonReply(200, { stagedCredentials: [shown(current, false)], url: base }) : NOT_FOUND();
    }
    if (req.method !== 'POST') return methodNotAllowed(req, 'GET,POST');
    if (req.body.trim() !== '' && req.body.trim() !== '{}') {
      return restErrorReply(400, 'JSON_PARSER_ERROR', 'This resource does not take a request body.');
    }
    const outcome = slots.stage(target.app, user.id);
    if ('error' in outcome) return failed(outcome);
    return jsonReply(201, { stagedCredentials: [shown(outcome.record, true)], url: base });
  }
  if (!current || current.id !== target.id) return NOT_FOUND();
  if (req.method === 'GET') return jsonReply(200, shown(current, false));
  if (req.method === 'DELETE') {
    slots.delete(target.app, target.id);
    return { status: 204, body: '' };
  }
  if (req.method !== 'PATCH') return methodNotAllowed(req, 'GET,PATCH,DELETE');
  let command: unknown;
  try {
    command = (JSON.parse(req.body) as { command?: unknown }).command;
  } catch {
    return restErrorReply(400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON.');
  }
  if (command !== 'rotate') return restErrorReply(400, 'INVALID_INPUT', 'command must be rotate.');
  const outcome = slots.rotate(target.app, target.id, user.id);
  if ('error' in outcome) return failed(outcome);
  return jsonReply(200, shown(outcome.record, false));
}
