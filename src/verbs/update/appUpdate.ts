/*
 * Changing an existing OAuth app of either kind, touching only what was asked.
 *
 * The org's components are read (readMetadata) and kept as plain objects. The change is worked out on the model
 * (OAuthAppDefinition): the app as the org has it, and the app as it should be. Both are built into metadata with
 * the create builders, and only the elements whose built value differs are written into the org's own content, so
 * every other element (including ones this plugin does not model, and spellings it would not use) goes back exactly
 * as the org had it. The project's source files get the same element changes merged into their own content.
 */
import { access, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Connection, Org } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import { Flags, type SfCommand } from '@salesforce/sf-plugins-core';
import type {
  AppKind,
  AssetTokenSettings,
  IdTokenSettings,
  MetadataComponent,
  OAuthAppDefinition,
  PermittedUsers,
} from '../../model/appModel.js';
import { appKindInfo } from '../../metadata/appKinds.js';
import { appNotFoundError, certificateExpiry, readApp, RequestCounter, type AppRecord } from '../../org/inventory.js';
import { findSourceFiles } from '../removeApp.js';
import {
  assertClientCredentialsUserExists,
  buildAppDefinition,
  describeRefreshTokenPolicy,
  type AppDefinitionInput,
} from '../../model/appDefinition.js';
import { createFlags, settingsFromFlags, type ParsedSettingFlags } from '../../cli/createFlags.js';
import { loadDefinitionFile, mergeSettings, type AppSettings } from '../../model/definitionFile.js';
import { deployZip, type DeployOutcome } from '../../org/deploy.js';
import { parseSourceXml, toSourceXml } from '../../metadata/xml.js';
import { parseScopes } from '../../model/scopes.js';
import { metadataTypeInfo } from '../../files/sourceFiles.js';
import { parseCertificatePem } from '../../files/certificate.js';
import { CERTIFICATE_FILE_NAME, DEFAULT_KEY_FOLDER, KEY_FILE_NAME } from '../../files/keyFiles.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');

/** The on/off flow switches of AppDefinitionInput (the client credentials user aside). */
const FLOW_SWITCHES = [
  'deviceFlow',
  'codeCredential',
  'codeCredentialPostOnly',
  'requireSecretForWebServer',
  'requireSecretForRefreshToken',
  'requireSecretForTokenExchange',
  'pkceRequired',
  'refreshTokenRotation',
  'tokenExchange',
  'introspectAllTokens',
  'namedUserJwt',
] as const;
type FlowSwitch = (typeof FLOW_SWITCHES)[number];

/** What the user asked to change. Lists: replace with the plain field, or add/remove items. Absent = unchanged. */
export type UpdateRequest = {
  label?: string;
  description?: string;
  contactEmail?: string;
  contactPhone?: string;
  callbackUrls?: string[];
  addCallbackUrls?: string[];
  removeCallbackUrls?: string[];
  /** Add the org's My Domain URL to the callback URLs. */
  callbackUrlMyDomain?: boolean;
  scopes?: string[];
  addScopes?: string[];
  removeScopes?: string[];
  permittedUsers?: PermittedUsers;
  profiles?: string[];
  addProfiles?: string[];
  removeProfiles?: string[];
  permissionSets?: string[];
  addPermissionSets?: string[];
  removePermissionSets?: string[];
  refreshTokenPolicy?: string;
  sessionTimeoutMinutes?: number;
  ipRelaxation?: string;
  /** true/false switches the flow on/off; the run-as user alone switches it on. */
  clientCredentials?: boolean;
  clientCredentialsUser?: string;
  /** Fields are merged over the app's own ID token settings; false switches ID tokens off. */
  idToken?: Partial<IdTokenSettings> | false;
  /** As idToken. */
  assetToken?: Partial<AssetTokenSettings> | false;
  /** An empty value removes it. */
  singleLogoutUrl?: string;
  /** PEM certificate (rotate-certificate, create --update-existing --certificate-file, a definition file). */
  certificatePem?: string;
  /** The definition file says the app has no certificate. */
  removeCertificate?: boolean;
  /**
   * Settings (model paths, flows.deviceFlow) named by a flag: one the app kind cannot carry is an error. From a
   * definition file it is only a warning, as in create.
   */
  insistedSettings?: string[];
} & { [flow in FlowSwitch]?: boolean };

export type SettingValue = string | number | boolean | string[];

/** One setting of the model that changes, in the words of the definition file. */
export type SettingChange = { setting: string; before?: SettingValue; after?: SettingValue };

/** One metadata element that changes. `path` goes from the component's root to the element. */
export type ElementChange = { type: string; path: string[]; before?: unknown; after?: unknown };

export type ComponentUpdate = {
  type: string;
  /** The org's name for the component (Setup names satellites differently from this plugin). */
  fullName: string;
  /** The org's content with the changes applied: what is sent. */
  content: Record<string, unknown>;
  /** Changes that also go into the project's source file. */
  changes: ElementChange[];
  /** Every element sent changed, dotted ("oauthConfig.callbackUrl"), rotation switches included. */
  elements: string[];
  /** The org has no component of this type for the app yet: the built one is sent. */
  isNew: boolean;
};

export type UpdatePlan = {
  kind: AppKind;
  name: string;
  record: AppRecord;
  before: OAuthAppDefinition;
  after: OAuthAppDefinition;
  settings: SettingChange[];
  components: ComponentUpdate[];
  /** Consumer key / secret rotation: the deploy must ignore warnings. */
  rotating: boolean;
  warnings: string[];
};

export type AppUpdateResult = {
  kind: AppKind;
  name: string;
  /** Settings that changed, before and after. Empty when the org already had what was asked. */
  changes: SettingChange[];
  /** Components sent to the org, with the elements that changed in each ("oauthConfig.callbackUrl"). */
  components: Array<{ type: string; fullName: string; elements: string[] }>;
  /** False when nothing differed (or in a dry run): no deploy, no file written. */
  deployed: boolean;
  /** True for --dry-run: `changes` and `components` say what an update would send. */
  dryRun?: boolean;
  deploy?: { method: 'updateMetadata' | 'deploy'; id?: string; requests: number };
  /** Project source files written back (absolute paths). */
  sourceFiles: string[];
  consumerKey?: string;
  warnings: string[];
};

/** A project source file and the XML it gets after an update. */
export type SourceFileWrite = { file: string; xml: string };

export type UpdateContext = {
  conn: Connection;
  kind: AppKind;
  apiVersion: string;
  cwd: string;
  /** How long an External Client App deploy may take, in ms. */
  deployWaitMs?: number;
  counter?: RequestCounter;
  warn?: (message: string) => void;
  /** Work out the changes and report them, but send nothing and write no file. */
  dryRun?: boolean;
};

type Loose = Record<string, unknown>;

const isRecord = (value: unknown): value is Loose => value !== null && typeof value === 'object' && !Array.isArray(value);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const asList = (value: unknown): unknown[] => (value === undefined || value === null || value === '' ? [] : Array.isArray(value) ? value : [value]);

// ---------------------------------------------------------------------------------------------------------------
// From the request to the definition the app should have.

/** A list after replace/add/remove. Undefined when the request leaves it alone. */
export function editList<T>(
  current: readonly T[],
  edit: { replace?: readonly T[]; add?: readonly T[]; remove?: readonly T[] },
  missing: (item: T) => void = (): void => {}
): T[] | undefined {
  if (edit.replace === undefined && !edit.add?.length && !edit.remove?.length) return undefined;
  const base = [...(edit.replace ?? current)];
  for (const item of edit.remove ?? []) if (!base.includes(item)) missing(item);
  const kept = base.filter((item) => !(edit.remove ?? []).includes(item));
  for (const item of edit.add ?? []) if (!kept.includes(item)) kept.push(item);
  return kept;
}

const trimAll = (values: string[] | undefined): string[] | undefined =>
  values?.map((value) => value.trim()).filter((value) => value.length > 0);

/** The lists after their edits; undefined where the request leaves a list alone. */
type EditedLists = {
  callbackUrls?: string[];
  scopes?: string[];
  profiles?: string[];
  permissionSets?: string[];
};

function editLists(current: OAuthAppDefinition, request: UpdateRequest, warnings: string[]): EditedLists {
  const notThere = (what: string) => (item: string): void => {
    warnings.push(messages.getMessage('warning.NothingToRemove', [what, item]));
  };
  const callbackUrls = editList(
    current.callbackUrls,
    { replace: trimAll(request.callbackUrls), add: trimAll(request.addCallbackUrls), remove: trimAll(request.removeCallbackUrls) },
    notThere('callback URL')
  );
  if (callbackUrls?.length === 0) throw messages.createError('error.NoCallbackUrls');
  const parse = (values: string[] | undefined): string[] | undefined => (values?.length ? parseScopes(values) : undefined);
  const scopes = editList<string>(
    current.scopes,
    { replace: request.scopes ? parse(request.scopes) ?? [] : undefined, add: parse(request.addScopes), remove: parse(request.removeScopes) },
    notThere('scope')
  );
  if (scopes?.length === 0) throw messages.createError('error.NoScopes');
  const profiles = editList(
    current.profiles,
    { replace: trimAll(request.profiles), add: trimAll(request.addProfiles), remove: trimAll(request.removeProfiles) },
    notThere('profile')
  );
  const permissionSets = editList(
    current.permissionSets,
    { replace: trimAll(request.permissionSets), add: trimAll(request.addPermissionSets), remove: trimAll(request.removePermissionSets) },
    notThere('permission set')
  );
  return { callbackUrls, scopes, profiles, permissionSets };
}

/** A token section after the request: the app's own fields with the requested ones over them. */
function mergedToken<T extends object>(current: T | undefined, requested: Partial<T> | false | undefined): Partial<T> | undefined {
  if (requested === undefined || requested === false) return undefined;
  const given = Object.fromEntries(Object.entries(requested).filter(([, value]) => value !== undefined)) as Partial<T>;
  return { ...(current ?? {}), ...given };
}

/** What the request asks for, beyond plain values: which groups of settings it touches. */
type Asked = { lists: EditedLists; callbacks: boolean; preAuthorization: boolean; flows: boolean; tokens: boolean };

function whatIsAsked(current: OAuthAppDefinition, request: UpdateRequest, warnings: string[]): Asked {
  const lists = editLists(current, request, warnings);
  return {
    lists,
    callbacks: lists.callbackUrls !== undefined || request.callbackUrlMyDomain === true,
    preAuthorization: lists.profiles !== undefined || lists.permissionSets !== undefined || request.permittedUsers !== undefined,
    flows: request.clientCredentials !== undefined || request.clientCredentialsUser !== undefined || FLOW_SWITCHES.some((flow) => request[flow] !== undefined),
    tokens: request.idToken !== undefined || request.assetToken !== undefined,
  };
}

/**
 * Create's input for the request. What the request leaves alone is passed in a form that validates and is then
 * ignored; what it touches is passed whole (the app's values with the requested ones over them), so rules that
 * span settings (a sub-switch needs its flow, asset tokens need api and openid) judge the result.
 */
function updateInput(current: OAuthAppDefinition, request: UpdateRequest, asked: Asked): AppDefinitionInput {
  const { lists } = asked;
  const permittedUsers = request.permittedUsers ?? current.permittedUsers;
  // Switching to "all users may self-authorize" drops the pre-authorized lists, unless the user edits them too.
  const keepLists = permittedUsers === 'AdminApprovedPreAuthorized' || lists.profiles !== undefined || lists.permissionSets !== undefined;
  const flows: Partial<AppDefinitionInput> = asked.flows
    ? {
        ...Object.fromEntries(FLOW_SWITCHES.map((flow) => [flow, request[flow] ?? current.flows[flow]])),
        clientCredentials: request.clientCredentials,
        clientCredentialsUser: request.clientCredentialsUser ?? current.flows.clientCredentialsUser,
      }
    : {};
  return {
    name: current.name,
    label: request.label ?? current.label,
    description: request.description,
    contactEmail: request.contactEmail,
    contactPhone: request.contactPhone,
    callbackUrls: asked.callbacks ? lists.callbackUrls ?? current.callbackUrls : undefined,
    callbackUrlMyDomain: request.callbackUrlMyDomain,
    scopes: lists.scopes ?? (asked.tokens ? current.scopes : undefined),
    // Not asked: self-authorized needs no lists, so it validates without them.
    permittedUsers: asked.preAuthorization ? permittedUsers : 'AllSelfAuthorized',
    profiles: asked.preAuthorization && keepLists ? lists.profiles ?? current.profiles : undefined,
    permissionSets: asked.preAuthorization && keepLists ? lists.permissionSets ?? current.permissionSets : undefined,
    refreshTokenPolicy: request.refreshTokenPolicy,
    sessionTimeoutMinutes: request.sessionTimeoutMinutes,
    ipRelaxation: request.ipRelaxation,
    ...flows,
    idToken: mergedToken(current.idToken, request.idToken),
    assetToken: mergedToken(current.assetToken, request.assetToken),
    singleLogoutUrl: request.singleLogoutUrl,
  };
}

/** The settings the request touches, taken from the validated definition; all others stay as the app has them. */
function takeAsked(current: OAuthAppDefinition, taken: OAuthAppDefinition, request: UpdateRequest, asked: Asked): OAuthAppDefinition {
  const next: OAuthAppDefinition = { ...current };
  const plain = ['label', 'description', 'contactEmail', 'contactPhone', 'refreshTokenPolicy', 'sessionTimeoutMinutes', 'ipRelaxation', 'singleLogoutUrl'] as const;
  for (const setting of plain) if (request[setting] !== undefined) Object.assign(next, { [setting]: taken[setting] });
  if (asked.callbacks) next.callbackUrls = taken.callbackUrls;
  // An ID token brings the openid scope with it (create's rule): the scopes change then too.
  if (asked.lists.scopes !== undefined || asked.tokens) next.scopes = taken.scopes;
  if (asked.preAuthorization) {
    next.permittedUsers = taken.permittedUsers;
    next.profiles = taken.profiles;
    next.permissionSets = taken.permissionSets;
  }
  if (asked.flows) next.flows = { ...taken.flows };
  if (request.idToken !== undefined) next.idToken = taken.idToken;
  if (request.assetToken !== undefined) next.assetToken = taken.assetToken;
  if (request.certificatePem !== undefined) next.certificate = request.certificatePem;
  else if (request.removeCertificate) delete next.certificate;
  for (const key of ['description', 'contactPhone', 'singleLogoutUrl', 'idToken', 'assetToken', 'certificate'] as const) {
    if (next[key] === undefined) delete next[key];
  }
  return next;
}

/**
 * The definition after the request, validated by the same rules as create. Only settings the request names are taken
 * from the validated result: create's defaults never leak into an update. A setting the kind cannot carry is an error
 * when a flag named it, and from a definition file a warning, the app keeping its own value.
 */
export function applyUpdateRequest(
  current: OAuthAppDefinition,
  request: UpdateRequest,
  kind: AppKind,
  options: { myDomainUrl?: string } = {}
): { definition: OAuthAppDefinition; warnings: string[] } {
  const warnings: string[] = [];
  const asked = whatIsAsked(current, request, warnings);
  const built = buildAppDefinition(updateInput(current, request, asked), {
    kind,
    defaultContactEmail: current.contactEmail ?? 'unchanged@example.com',
    myDomainUrl: options.myDomainUrl,
    insistedSettings: request.insistedSettings,
  });
  const next = takeAsked(current, built.definition, request, asked);
  for (const setting of built.unsupportedSettings) {
    const [group, key] = setting.split('.');
    if (group === 'flows' && key) Object.assign(next.flows, { [key]: current.flows[key as keyof OAuthAppDefinition['flows']] });
    else Object.assign(next, { [setting]: current[setting as keyof OAuthAppDefinition] });
  }
  return { definition: next, warnings: [...warnings, ...built.warnings] };
}

// ---------------------------------------------------------------------------------------------------------------
// Settings and elements that differ.

const SETTINGS: Array<keyof OAuthAppDefinition> = [
  'label',
  'description',
  'contactEmail',
  'contactPhone',
  'callbackUrls',
  'scopes',
  'certificate',
  'permittedUsers',
  'profiles',
  'permissionSets',
  'refreshTokenPolicy',
  'sessionTimeoutMinutes',
  'ipRelaxation',
  'idToken',
  'assetToken',
  'singleLogoutUrl',
];

function displayValue(setting: string, value: unknown): SettingValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (setting === 'refreshTokenPolicy') return describeRefreshTokenPolicy(value as OAuthAppDefinition['refreshTokenPolicy']);
  if (setting === 'certificate') return describeCertificate(String(value));
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'object') return JSON.stringify(value);
  return value as string | number | boolean;
}

/** A certificate in a line: its expiry and the start of its SHA-256 fingerprint. */
export function describeCertificate(certificate: string): string {
  const expires = certificateExpiry(certificate);
  try {
    const pem = certificate.includes('-----BEGIN') ? certificate : `-----BEGIN CERTIFICATE-----\n${certificate}\n-----END CERTIFICATE-----\n`;
    const { info } = parseCertificatePem(pem);
    return `SHA-256 ${info.fingerprint256.slice(0, 23)}..., expires ${expires ?? '?'}`;
  } catch {
    return `unreadable certificate (${certificate.length} characters)`;
  }
}

/** Two certificates are the same when their DER bytes are (PEM line breaks and trailing newlines aside). */
export function sameCertificate(a: string | undefined, b: string | undefined): boolean {
  const body = (pem: string | undefined): string =>
    (pem ?? '').replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return body(a) === body(b);
}

export function settingChanges(before: OAuthAppDefinition, after: OAuthAppDefinition): SettingChange[] {
  const changes: SettingChange[] = [];
  for (const setting of SETTINGS) {
    const [a, b] = [before[setting], after[setting]];
    if (setting === 'certificate' ? sameCertificate(a as string, b as string) : same(a, b)) continue;
    changes.push(compactChange({ setting, before: displayValue(setting, a), after: displayValue(setting, b) }));
  }
  for (const flow of Object.keys({ ...before.flows, ...after.flows }) as Array<keyof OAuthAppDefinition['flows']>) {
    if (same(before.flows[flow], after.flows[flow])) continue;
    changes.push(compactChange({ setting: `flows.${flow}`, before: displayValue(flow, before.flows[flow]), after: displayValue(flow, after.flows[flow]) }));
  }
  return changes;
}

const compactChange = (change: SettingChange): SettingChange =>
  Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) as SettingChange;

/** Elements whose values differ between two versions of one built component (objects compared element by element). */
export function diffContent(type: string, before: Loose, after: Loose, path: string[] = []): ElementChange[] {
  const changes: ElementChange[] = [];
  for (const key of new Set([...Object.keys(after), ...Object.keys(before)])) {
    const [b, a] = [before[key], after[key]];
    if (same(b, a)) continue;
    if (isRecord(b) && isRecord(a)) changes.push(...diffContent(type, b, a, [...path, key]));
    else changes.push({ type, path: [...path, key], before: b, after: a });
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing element changes into content the org (or a file) holds.

/** Sets a key, placing a new one where the reference order puts it (xsd:sequence order, as the builders emit it). */
/* eslint-disable no-param-reassign -- edits the holder in place, nested objects included */
function placeKey(target: Loose, key: string, value: unknown, order: string[]): void {
  if (key in target) {
    target[key] = value;
    return;
  }
  const later = order.slice(order.indexOf(key) + 1);
  const entries = Object.entries(target);
  const at = entries.findIndex(([existing]) => later.includes(existing));
  entries.splice(at === -1 ? entries.length : at, 0, [key, value]);
  for (const existing of Object.keys(target)) delete target[existing];
  Object.assign(target, Object.fromEntries(entries));
}
/* eslint-enable no-param-reassign */

/**
 * A list element after the change: the holder's own items minus those the change removed, plus those it added. A list
 * the org keeps as one newline- or comma-separated text is replaced whole (it is a single element).
 */
function mergeList(current: unknown, before: unknown[], after: unknown[]): unknown[] {
  const own = asList(current);
  const removed = before.filter((item) => !after.some((a) => same(a, item)));
  const kept = own.filter((item) => !removed.some((r) => same(r, item)));
  for (const item of after) if (!kept.some((k) => same(k, item))) kept.push(item);
  return kept;
}

/** The content with the changes applied (a copy). `reference` is the built content the changes came from, for order. */
export function applyElementChanges(content: Loose, changes: ElementChange[], reference: Loose): Loose {
  const result = structuredClone(content);
  for (const change of changes) {
    let target = result;
    let ref = reference;
    for (const step of change.path.slice(0, -1)) {
      if (!isRecord(target[step])) placeKey(target, step, {}, Object.keys(ref));
      target = target[step] as Loose;
      ref = isRecord(ref[step]) ? (ref[step]) : {};
    }
    const key = change.path[change.path.length - 1];
    if (change.after === undefined) {
      delete target[key];
    } else if (Array.isArray(change.after) && Array.isArray(change.before)) {
      placeKey(target, key, mergeList(target[key], change.before, change.after), Object.keys(ref));
    } else if (key.startsWith('commaSeparated') && typeof change.after === 'string') {
      // A list in one string (ECA scopes, profiles, permission sets): merged like a list, so names this plugin does
      // not know (a scope newer than it, such as MCP) stay as the org has them.
      const split = (value: unknown): string[] => (typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : []);
      const merged = mergeList(split(target[key]), split(change.before), split(change.after)) as string[];
      placeKey(target, key, merged.join(', '), Object.keys(ref));
    } else {
      placeKey(target, key, structuredClone(change.after), Object.keys(ref));
    }
  }
  return result;
}

/** jsforce reads absent repeatable elements as empty arrays, appended after the others: they are not the org's. */
function withoutEmptyLists(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmptyLists);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, inner]) => !(Array.isArray(inner) && inner.length === 0))
      .map(([key, inner]) => [key, withoutEmptyLists(inner)])
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Planning and carrying out an update.

export type PlanOptions = {
  rotateConsumerKey?: boolean;
  rotateConsumerSecret?: boolean;
};

/** Works out what an update sends, from the app as the org has it and the definition it should have. */
export function planFromRecord(
  record: AppRecord,
  after: OAuthAppDefinition,
  options: PlanOptions = {},
  warnings: string[] = []
): UpdatePlan {
  const info = appKindInfo(record.kind);
  const before = record.definition;
  // Credentials never change through an update: the key is fixed, the secret is not readable.
  const target: OAuthAppDefinition = { ...after, name: before.name, consumerKey: before.consumerKey };
  delete target.consumerSecret;
  if (sameCertificate(target.certificate, before.certificate)) target.certificate = before.certificate;
  const source: OAuthAppDefinition = { ...before };
  delete source.consumerSecret;
  const built0 = info.build(source);
  const built1 = info.build(target);
  const components: ComponentUpdate[] = [];
  for (const component of built1) {
    const old = built0.find((c) => c.type === component.type);
    const changes = diffContent(component.type, old?.content ?? {}, component.content);
    const rotation = component.type === 'ExtlClntAppGlobalOauthSettings' ? rotationChanges(options) : [];
    if (changes.length === 0 && rotation.length === 0) continue;
    const org = record.components.find((c) => c.type === component.type);
    if (!org && component.type === 'ExtlClntAppGlobalOauthSettings') {
      throw messages.createError('error.GlobalOauthUnreadable', [record.name]);
    }
    const orgContent = org ? (withoutEmptyLists(org.content) as Loose) : {};
    components.push({
      type: component.type,
      fullName: org?.fullName ?? component.fullName,
      content: org ? applyElementChanges(orgContent, [...changes, ...rotation], component.content) : component.content,
      changes,
      elements: [...changes, ...rotation].map((change) => change.path.join('.')),
      isNew: !org,
    });
  }
  return {
    kind: record.kind,
    name: record.name,
    record,
    before,
    after: target,
    settings: settingChanges(before, target),
    components,
    rotating: Boolean(options.rotateConsumerKey) || Boolean(options.rotateConsumerSecret),
    warnings,
  };
}

function rotationChanges(options: PlanOptions): ElementChange[] {
  const type = 'ExtlClntAppGlobalOauthSettings';
  return [
    ...(options.rotateConsumerKey ? [{ type, path: ['shouldRotateConsumerKey'], before: false, after: true }] : []),
    ...(options.rotateConsumerSecret ? [{ type, path: ['shouldRotateConsumerSecret'], before: false, after: true }] : []),
  ];
}

/** Reads the app and plans the requested change. Fails before anything is sent when the org has no such app. */
export async function planUpdate(
  context: UpdateContext,
  name: string,
  request: UpdateRequest,
  options: PlanOptions = {}
): Promise<UpdatePlan> {
  if (context.kind === 'ConnectedApp' && (Boolean(options.rotateConsumerKey) || Boolean(options.rotateConsumerSecret))) {
    throw messages.createError('error.ConnectedAppRotation');
  }
  const record = await readApp(context.conn, context.kind, name, { counter: context.counter, warn: context.warn });
  if (!record) throw appNotFoundError(context.kind, name);
  const { definition, warnings } = applyUpdateRequest(record.definition, request, context.kind, {
    myDomainUrl: context.conn.instanceUrl,
  });
  // A new run-as user must exist, as at create: checked before anything is sent.
  if (definition.flows.clientCredentialsUser !== record.definition.flows.clientCredentialsUser) {
    await assertClientCredentialsUserExists(context.conn, definition);
  }
  return planFromRecord(record, definition, options, warnings);
}

type SaveResult = { success?: boolean | string; errors?: { message?: string; statusCode?: string } | Array<{ message?: string; statusCode?: string }> };

async function sendToOrg(plan: UpdatePlan, context: UpdateContext): Promise<DeployOutcome> {
  if (plan.kind === 'ConnectedApp') {
    const [component] = plan.components;
    // updateMetadata replaces the whole component: the org's full content goes back, changed elements only differ.
    const response = (await context.conn.metadata.update('ConnectedApp', {
      fullName: component.fullName,
      ...component.content,
    } as never)) as unknown as SaveResult;
    const ok = response.success === true || response.success === 'true';
    const errors = asList(response.errors) as Array<{ message?: string; statusCode?: string }>;
    return {
      method: 'createMetadata',
      success: ok,
      requests: 1,
      problems: ok
        ? []
        : (errors.length > 0 ? errors : [{ message: 'unknown error' }]).map((e) => ({
            type: 'ConnectedApp',
            fullName: component.fullName,
            message: e.message ?? 'unknown error',
            statusCode: e.statusCode,
          })),
    };
  }
  const components: MetadataComponent[] = plan.components.map((c) => ({ type: c.type, fullName: c.fullName, content: c.content }));
  return deployZip(context.conn, components, {
    apiVersion: context.apiVersion,
    waitMs: context.deployWaitMs ?? 10 * 60_000,
    ignoreWarnings: plan.rotating,
  });
}

/** Sends the planned components (one updateMetadata, or one deploy of the changed components) and writes the files. */
export async function executeUpdate(plan: UpdatePlan, context: UpdateContext): Promise<AppUpdateResult> {
  const base = { kind: plan.kind, name: plan.name, changes: plan.settings, warnings: plan.warnings };
  const components = plan.components.map(({ type, fullName, elements }) => ({ type, fullName, elements }));
  if (plan.components.length === 0) {
    return { ...base, components: [], deployed: false, sourceFiles: [], consumerKey: plan.record.consumerKey };
  }
  if (context.dryRun) {
    return { ...base, components, deployed: false, dryRun: true, sourceFiles: [], consumerKey: plan.record.consumerKey };
  }
  const sourceWrites = await prepareSourceFileWrites(plan, context.cwd);
  const outcome = await sendToOrg(plan, context);
  for (let i = 0; i < outcome.requests; i++) context.counter?.add();
  if (!outcome.success) {
    const text = outcome.problems.map((p) => `${p.type ? `${p.type} ${p.fullName}: ` : ''}${p.message}`).join('\n');
    throw messages.createError('error.UpdateFailed', [text]);
  }
  const sourceFiles = await writeBackSourceFiles(sourceWrites);
  const consumerKey = plan.rotating
    ? await appKindInfo(plan.kind).readConsumerKey(context.conn, plan.after, context.warn ?? ((): void => {}))
    : plan.record.consumerKey;
  return {
    ...base,
    components,
    deployed: true,
    deploy: { method: outcome.method === 'createMetadata' ? 'updateMetadata' : 'deploy', id: outcome.id, requests: outcome.requests },
    sourceFiles,
    consumerKey,
  };
}

/**
 * The project's files for the changed components, each with the same element changes merged into its own content
 * (never the org's: the file may hold what the org does not, and must keep it). Files that would not change are not
 * written. Outside a project there are none.
 */
export async function prepareSourceFileWrites(plan: UpdatePlan, cwd: string): Promise<SourceFileWrite[]> {
  const changed = plan.components.filter((c) => c.changes.length > 0);
  if (changed.length === 0) return [];
  let files: string[];
  try {
    files = await findSourceFiles(
      plan.record.components.map((c) => ({ type: c.type, fullName: c.fullName })),
      cwd,
      plan.kind,
      plan.name
    );
  } catch {
    return [];
  }
  const reference = new Map(appKindInfo(plan.kind).build(plan.after).map((c) => [c.type, c.content]));
  const writes: SourceFileWrite[] = [];
  for (const file of files) {
    const component = changed.find((c) => fileIsOfType(file, c.type));
    if (!component) continue;
    // eslint-disable-next-line no-await-in-loop
    const text = await readFile(file, 'utf8');
    let parsed: ReturnType<typeof parseSourceXml>;
    try {
      parsed = parseSourceXml(text);
    } catch (error) {
      // Found before anything is sent: the org and the file must not end up disagreeing.
      throw messages.createError('error.SourceFileUnreadable', [file, error instanceof Error ? error.message : String(error)]);
    }
    if (parsed.type !== component.type) continue;
    const content = applyElementChanges(parsed.content, component.changes, reference.get(component.type) ?? {});
    const xml = toSourceXml({ type: component.type, content });
    if (xml !== text) writes.push({ file, xml });
  }
  return writes;
}

/** Writes what prepareSourceFileWrites worked out, once the org has taken the change. */
export async function writeBackSourceFiles(writes: SourceFileWrite[]): Promise<string[]> {
  for (const { file, xml } of writes) {
    // eslint-disable-next-line no-await-in-loop
    await writeFile(file, xml);
  }
  return writes.map((w) => w.file);
}

function fileIsOfType(file: string, type: string): boolean {
  const info = metadataTypeInfo(type);
  return basename(dirname(file)) === info.directoryName && basename(file).endsWith(`.${info.suffix}-meta.xml`);
}

// ---------------------------------------------------------------------------------------------------------------
// What the update commands of both kinds do with their flags.

/**
 * The flags both update commands take: every setting flag of create (same names, same checks, taken from
 * createFlags; without defaults, so only what is typed changes anything), a definition file, and add-/remove- list
 * edits. Lists: the plain flag replaces the list.
 */
// The return type is what oclif infers from the builders; spelling it out would only repeat them.
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function updateFlags() {
  // eslint-disable-next-line @typescript-eslint/explicit-function-return-type
  const list = (name: string, options: { delimiter?: ',' } = {}) =>
    Flags.string({ summary: messages.getMessage(`flags.${name}.summary`), multiple: true, ...options });
  const create = createFlags(0);
  return {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    // Not required: the name may come from --definition-file.
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary') }),
    label: Flags.string({ char: 'l', summary: messages.getMessage('flags.label.summary') }),
    description: Flags.string({ summary: messages.getMessage('flags.description.summary') }),
    'contact-email': Flags.string({ summary: messages.getMessage('flags.contact-email.summary') }),
    'contact-phone': create['contact-phone'],
    'callback-url': list('callback-url'),
    'add-callback-url': list('add-callback-url'),
    'remove-callback-url': list('remove-callback-url'),
    'callback-url-my-domain': create['callback-url-my-domain'],
    scopes: list('scopes', { delimiter: ',' }),
    'add-scopes': list('add-scopes', { delimiter: ',' }),
    'remove-scopes': list('remove-scopes', { delimiter: ',' }),
    'permitted-users': create['permitted-users'],
    profile: list('profile'),
    'add-profile': list('add-profile'),
    'remove-profile': list('remove-profile'),
    'permission-set': list('permission-set'),
    'add-permission-set': list('add-permission-set'),
    'remove-permission-set': list('remove-permission-set'),
    'refresh-token-policy': Flags.string({ summary: messages.getMessage('flags.refresh-token-policy.summary') }),
    'session-timeout': Flags.integer({ summary: messages.getMessage('flags.session-timeout.summary'), min: 1 }),
    'ip-relaxation': create['ip-relaxation'],
    'single-logout-url': create['single-logout-url'],
    'device-flow': create['device-flow'],
    'client-credentials': create['client-credentials'],
    'client-credentials-user': create['client-credentials-user'],
    'code-credential': create['code-credential'],
    'code-credential-post-only': create['code-credential-post-only'],
    'require-secret-for-web-server': create['require-secret-for-web-server'],
    'require-secret-for-refresh-token': create['require-secret-for-refresh-token'],
    'require-secret-for-token-exchange': create['require-secret-for-token-exchange'],
    'pkce-required': create['pkce-required'],
    'refresh-token-rotation': create['refresh-token-rotation'],
    'token-exchange': create['token-exchange'],
    'introspect-all-tokens': create['introspect-all-tokens'],
    'named-user-jwt': create['named-user-jwt'],
    'id-token': create['id-token'],
    'id-token-validity': create['id-token-validity'],
    'id-token-audience': create['id-token-audience'],
    'id-token-standard-claims': create['id-token-standard-claims'],
    'id-token-custom-attributes': create['id-token-custom-attributes'],
    'id-token-custom-permissions': create['id-token-custom-permissions'],
    'asset-token': create['asset-token'],
    'asset-token-validity': create['asset-token-validity'],
    'asset-token-signing-certificate': create['asset-token-signing-certificate'],
    'asset-token-audience': create['asset-token-audience'],
    'asset-token-custom-attributes': create['asset-token-custom-attributes'],
    'asset-token-custom-permissions': create['asset-token-custom-permissions'],
    'definition-file': Flags.file({
      summary: messages.getMessage('flags.definition-file.summary'),
      description: messages.getMessage('flags.definition-file.description'),
      exists: true,
    }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary') }),
  };
}

export type ParsedUpdateFlags = ParsedSettingFlags & {
  'target-org': Org;
  'dry-run'?: boolean;
  'api-version'?: string;
  'add-callback-url'?: string[];
  'remove-callback-url'?: string[];
  'add-scopes'?: string[];
  'remove-scopes'?: string[];
  'add-profile'?: string[];
  'remove-profile'?: string[];
  'add-permission-set'?: string[];
  'remove-permission-set'?: string[];
};

const compactRequest = (request: UpdateRequest): UpdateRequest =>
  Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined)) as UpdateRequest;

/** A layer of settings (a definition file's, the flags', or both merged) as an update request: each one named replaces. */
export function requestFromSettings(settings: AppSettings): UpdateRequest {
  const flows = Object.fromEntries([...FLOW_SWITCHES, 'clientCredentials', 'clientCredentialsUser'].map((key) => [key, settings[key as keyof AppSettings]]));
  return compactRequest({
    label: settings.label,
    description: settings.description,
    contactEmail: settings.contactEmail,
    contactPhone: settings.contactPhone,
    callbackUrls: settings.callbackUrls,
    callbackUrlMyDomain: settings.callbackUrlMyDomain,
    scopes: settings.scopes,
    permittedUsers: settings.permittedUsers,
    profiles: settings.profiles,
    permissionSets: settings.permissionSets,
    refreshTokenPolicy: settings.refreshTokenPolicy,
    sessionTimeoutMinutes: settings.sessionTimeoutMinutes,
    ipRelaxation: settings.ipRelaxation,
    ...flows,
    idToken: settings.idToken,
    assetToken: settings.assetToken,
    singleLogoutUrl: settings.singleLogoutUrl,
    certificatePem: settings.certificatePem,
    removeCertificate: settings.noCertificate === true ? true : undefined,
  });
}

/** Model paths of the settings a layer sets (on, or to a value): named by a flag, the kind must carry them. */
function namedSettings(settings: AppSettings): string[] {
  const flowKeys = new Set<string>([...FLOW_SWITCHES, 'clientCredentials', 'clientCredentialsUser']);
  return Object.entries(settings)
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([key]) => (flowKeys.has(key) ? `flows.${key}` : key));
}

/** The flags alone as an update request (no definition file). */
export function toUpdateRequest(flags: Omit<ParsedUpdateFlags, 'target-org'>, fileSettings?: AppSettings): UpdateRequest {
  const flagSettings = settingsFromFlags(flags);
  // Only what describes the app: name, definition file, preset and dry run are not settings to change.
  for (const key of ['name', 'definitionFile', 'preset', 'dryRun', 'noCertificate'] as const) delete flagSettings[key];
  const insisted = namedSettings(flagSettings);
  return compactRequest({
    // File under flags; ID and asset token fields merge one by one.
    ...requestFromSettings(mergeSettings(fileSettings, flagSettings)),
    addCallbackUrls: flags['add-callback-url'],
    removeCallbackUrls: flags['remove-callback-url'],
    addScopes: flags['add-scopes'],
    removeScopes: flags['remove-scopes'],
    addProfiles: flags['add-profile'],
    removeProfiles: flags['remove-profile'],
    addPermissionSets: flags['add-permission-set'],
    removePermissionSets: flags['remove-permission-set'],
    insistedSettings: insisted.length > 0 ? insisted : undefined,
  });
}

/**
 * The update request of the flags over the definition file, and the app's name: --name, or the file's (they must
 * agree when both are given). The file's consumer key is ignored with a warning: an update never changes it.
 */
export async function resolveUpdateInput(
  flags: Omit<ParsedUpdateFlags, 'target-org'>,
  warn: (message: string) => void
): Promise<{ name: string; request: UpdateRequest }> {
  const file = flags['definition-file'] ? await loadDefinitionFile(flags['definition-file']) : undefined;
  for (const warning of file?.warnings ?? []) {
    // The file module's words are create's ("a new app gets a new key"); an update has its own reason.
    warn(warning.includes('consumerKey') ? messages.getMessage('warning.ConsumerKeyIgnored', [flags['definition-file']]) : warning);
  }
  const fileName = file?.settings.name;
  if (flags.name && fileName && flags.name !== fileName) {
    throw messages.createError('error.NameMismatch', [flags.name, flags['definition-file'], fileName]);
  }
  const name = flags.name ?? fileName;
  if (!name) throw messages.createError('error.NameRequired');
  return { name, request: toUpdateRequest(flags, file?.settings) };
}

/** What `update --json` returns. */
export type AppUpdateCommandResult = AppUpdateResult;

export type UpdateCommandOutput = Pick<SfCommand<unknown>, 'log' | 'warn' | 'table' | 'styledHeader'>;

export async function runUpdate(command: UpdateCommandOutput, kind: AppKind, flags: ParsedUpdateFlags): Promise<AppUpdateResult> {
  const { name, request } = await resolveUpdateInput(flags, (m) => command.warn(m));
  if (Object.keys(request).filter((key) => key !== 'insistedSettings').length === 0) throw messages.createError('error.NothingAsked');
  const conn = flags['target-org'].getConnection(flags['api-version']);
  const context: UpdateContext = {
    conn,
    kind,
    apiVersion: conn.getApiVersion(),
    cwd: process.cwd(),
    warn: (m) => command.warn(m),
    dryRun: flags['dry-run'],
  };
  const plan = await planUpdate(context, name, request);
  plan.warnings.forEach((warning) => command.warn(warning));
  const result = await executeUpdate(plan, context);
  printUpdate(command, result);
  return result;
}

const shown = (value: SettingValue | undefined): string =>
  value === undefined ? '-' : Array.isArray(value) ? value.join('\n') : String(value);

export function printUpdate(command: UpdateCommandOutput, result: AppUpdateResult): void {
  const article = appKindInfo(result.kind).article;
  if (!result.deployed && !(result.dryRun && result.changes.length > 0)) {
    command.log(messages.getMessage('info.nothingChanged', [article, result.name]));
    return;
  }
  command.styledHeader(messages.getMessage(result.dryRun ? 'info.dryRun' : 'info.updated', [article, result.name]));
  command.table({
    data: result.changes.map((change) => ({ setting: change.setting, before: shown(change.before), after: shown(change.after) })),
    columns: [
      { key: 'setting', name: messages.getMessage('column.setting') },
      { key: 'before', name: messages.getMessage('column.before') },
      { key: 'after', name: messages.getMessage('column.after') },
    ],
  });
  const sent = result.components.map((c) => `${c.type} ${c.fullName}`).join(', ');
  if (result.dryRun) {
    command.log(messages.getMessage('info.wouldSend', [sent]));
    return;
  }
  command.log(messages.getMessage('info.sent', [sent, result.deploy?.method ?? '-']));
  if (result.sourceFiles.length > 0) {
    command.log(messages.getMessage('info.filesWritten'));
    result.sourceFiles.forEach((file) => command.log(`  ${file}`));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// create --update-existing: the app exists, so make it match the definition create would deploy.

export type ExistingCertificate = {
  /** The certificate the app should have: the user's (--certificate-file), none (--no-certificate), or the org's. */
  certificate: 'fromDefinition' | 'none' | 'keepOrg';
  /** Key and certificate files create would have written, to reuse instead of making new ones. */
  keyFolderBase: string;
  outputDir?: string;
  jwtKeyFile?: string;
};

export type ExistingKeyFiles = { privateKeyPath?: string; certificatePath?: string };

/**
 * Changes an existing app to the definition create built (consumer key and secret excluded: they never change).
 * When nothing differs, nothing is sent and no file written. A certificate is never made for an existing app: the
 * org's stays unless the user gave one (or --no-certificate), and the key file at create's path is reported when it
 * is there.
 */
export async function updateToDefinition(
  context: UpdateContext,
  desired: OAuthAppDefinition,
  options: ExistingCertificate
): Promise<AppUpdateResult & { keyFiles: ExistingKeyFiles; certificate?: string }> {
  const record = await readApp(context.conn, context.kind, desired.name, { counter: context.counter, warn: context.warn });
  if (!record) throw appNotFoundError(context.kind, desired.name);
  const target: OAuthAppDefinition = { ...desired };
  const warnings: string[] = [];
  if (options.certificate === 'none') delete target.certificate;
  else if (options.certificate === 'keepOrg') target.certificate = record.definition.certificate;
  const keyFiles = await findExistingKeyFiles(desired.name, options, context.cwd);
  if (options.certificate === 'keepOrg' && record.definition.certificate && !keyFiles.privateKeyPath) {
    warnings.push(messages.getMessage('warning.KeptOrgCertificate', [desired.name]));
  }
  if (options.certificate === 'keepOrg' && !record.definition.certificate) {
    warnings.push(messages.getMessage('warning.NoCertificate', [desired.name]));
  }
  const plan = planFromRecord(record, target, {}, warnings);
  const result = await executeUpdate(plan, context);
  return { ...result, keyFiles, certificate: plan.after.certificate };
}

async function findExistingKeyFiles(appName: string, options: ExistingCertificate, cwd: string): Promise<ExistingKeyFiles> {
  const folder = options.outputDir ? resolve(cwd, options.outputDir) : join(resolve(options.keyFolderBase), DEFAULT_KEY_FOLDER, appName);
  const privateKeyPath = options.jwtKeyFile ? resolve(cwd, options.jwtKeyFile) : join(folder, KEY_FILE_NAME);
  const certificatePath =
    options.jwtKeyFile && !options.outputDir
      ? join(dirname(privateKeyPath), `${basename(privateKeyPath, extname(privateKeyPath))}.crt`)
      : join(folder, CERTIFICATE_FILE_NAME);
  const present = async (path: string): Promise<string | undefined> => access(path).then(() => path, () => undefined);
  return { privateKeyPath: await present(privateKeyPath), certificatePath: await present(certificatePath) };
}
