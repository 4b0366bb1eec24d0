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
import type { AppKind, MetadataComponent, OAuthAppDefinition } from './appModel.js';
import { appKindInfo } from './appKinds.js';
import { appNotFoundError, certificateExpiry, readApp, RequestCounter, type AppRecord } from './appInventory.js';
import { findSourceFiles } from './appRemoval.js';
import { buildAppDefinition, describeRefreshTokenPolicy, type AppDefinitionInput } from './appDefinition.js';
import { deployZip, type DeployOutcome } from './metadataDeploy.js';
import { parseSourceXml, toSourceXml } from './metadataXml.js';
import { parseScopes } from './scopes.js';
import { metadataTypeInfo } from './sourceFiles.js';
import { parseCertificatePem } from './certificate.js';
import { CERTIFICATE_FILE_NAME, DEFAULT_KEY_FOLDER, KEY_FILE_NAME } from './keyFiles.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');

/** What the user asked to change. Lists: replace with the plain field, or add/remove items. Absent = unchanged. */
export type UpdateRequest = {
  label?: string;
  description?: string;
  contactEmail?: string;
  callbackUrls?: string[];
  addCallbackUrls?: string[];
  removeCallbackUrls?: string[];
  scopes?: string[];
  addScopes?: string[];
  removeScopes?: string[];
  profiles?: string[];
  addProfiles?: string[];
  removeProfiles?: string[];
  permissionSets?: string[];
  addPermissionSets?: string[];
  removePermissionSets?: string[];
  refreshTokenPolicy?: string;
  sessionTimeoutMinutes?: number;
  /** PEM certificate (rotate-certificate, or create --update-existing --certificate-file). */
  certificatePem?: string;
};

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
  /** False when nothing differed: no deploy, no file written. */
  deployed: boolean;
  deploy?: { method: 'updateMetadata' | 'deploy'; id?: string; requests: number };
  /** Project source files written back (absolute paths). */
  sourceFiles: string[];
  consumerKey?: string;
  warnings: string[];
};

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

/**
 * The definition after the request, validated by the same rules as create. Only settings the request names are taken
 * from the validated result: create's defaults never leak into an update.
 */
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

/**
 * The definition after the request, validated by the same rules as create. Only settings the request names are taken
 * from the validated result: create's defaults never leak into an update.
 */
export function applyUpdateRequest(
  current: OAuthAppDefinition,
  request: UpdateRequest,
  kind: AppKind
): { definition: OAuthAppDefinition; warnings: string[] } {
  const warnings: string[] = [];
  const { callbackUrls, scopes, profiles, permissionSets } = editLists(current, request, warnings);
  const preAuthorizationChanged = profiles !== undefined || permissionSets !== undefined;

  // Unchanged settings are passed in a form that validates and is then ignored.
  const input: AppDefinitionInput = {
    name: current.name,
    label: request.label ?? current.label,
    description: request.description,
    contactEmail: request.contactEmail,
    callbackUrls,
    scopes,
    permittedUsers: preAuthorizationChanged ? current.permittedUsers : undefined,
    profiles: preAuthorizationChanged ? profiles ?? current.profiles : undefined,
    permissionSets: preAuthorizationChanged ? permissionSets ?? current.permissionSets : undefined,
    refreshTokenPolicy: request.refreshTokenPolicy,
    sessionTimeoutMinutes: request.sessionTimeoutMinutes,
  };
  const built = buildAppDefinition(input, {
    kind,
    defaultContactEmail: current.contactEmail ?? 'unchanged@example.com',
    defaultProfile: 'unchanged',
  });
  const next: OAuthAppDefinition = { ...current };
  const taken = built.definition;
  if (request.label !== undefined) next.label = taken.label;
  if (request.description !== undefined) next.description = taken.description;
  if (request.contactEmail !== undefined) next.contactEmail = taken.contactEmail;
  if (callbackUrls) next.callbackUrls = taken.callbackUrls;
  if (scopes) next.scopes = taken.scopes;
  if (preAuthorizationChanged) {
    next.profiles = taken.profiles;
    next.permissionSets = taken.permissionSets;
  }
  if (request.refreshTokenPolicy !== undefined) next.refreshTokenPolicy = taken.refreshTokenPolicy;
  if (request.sessionTimeoutMinutes !== undefined) next.sessionTimeoutMinutes = taken.sessionTimeoutMinutes;
  if (request.certificatePem !== undefined) next.certificate = request.certificatePem;
  if (next.description === undefined) delete next.description;
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
  const { definition, warnings } = applyUpdateRequest(record.definition, request, context.kind);
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
  if (context.dryRun) return { ...base, components, deployed: false, sourceFiles: [], consumerKey: plan.record.consumerKey };
  const outcome = await sendToOrg(plan, context);
  for (let i = 0; i < outcome.requests; i++) context.counter?.add();
  if (!outcome.success) {
    const text = outcome.problems.map((p) => `${p.type ? `${p.type} ${p.fullName}: ` : ''}${p.message}`).join('\n');
    throw messages.createError('error.UpdateFailed', [text]);
  }
  const sourceFiles = await writeBackSourceFiles(plan, context.cwd);
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
export async function writeBackSourceFiles(plan: UpdatePlan, cwd: string): Promise<string[]> {
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
  const written: string[] = [];
  for (const file of files) {
    const component = changed.find((c) => fileIsOfType(file, c.type));
    if (!component) continue;
    // eslint-disable-next-line no-await-in-loop
    const text = await readFile(file, 'utf8');
    const parsed = parseSourceXml(text);
    if (parsed.type !== component.type) continue;
    const content = applyElementChanges(parsed.content, component.changes, reference.get(component.type) ?? {});
    const xml = toSourceXml({ type: component.type, content });
    if (xml === text) continue;
    // eslint-disable-next-line no-await-in-loop
    await writeFile(file, xml);
    written.push(file);
  }
  return written;
}

function fileIsOfType(file: string, type: string): boolean {
  const info = metadataTypeInfo(type);
  return basename(dirname(file)) === info.directoryName && basename(file).endsWith(`.${info.suffix}-meta.xml`);
}

// ---------------------------------------------------------------------------------------------------------------
// What the update commands of both kinds do with their flags.

/** The flags both update commands take. Lists: the plain flag replaces the list, add-/remove- edit it. */
// The return type is what oclif infers from the builders; spelling it out would only repeat them.
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function updateFlags() {
  // eslint-disable-next-line @typescript-eslint/explicit-function-return-type
  const list = (name: string, options: { delimiter?: ',' } = {}) =>
    Flags.string({ summary: messages.getMessage(`flags.${name}.summary`), multiple: true, ...options });
  return {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), required: true }),
    label: Flags.string({ char: 'l', summary: messages.getMessage('flags.label.summary') }),
    description: Flags.string({ summary: messages.getMessage('flags.description.summary') }),
    'contact-email': Flags.string({ summary: messages.getMessage('flags.contact-email.summary') }),
    'callback-url': list('callback-url'),
    'add-callback-url': list('add-callback-url'),
    'remove-callback-url': list('remove-callback-url'),
    scopes: list('scopes', { delimiter: ',' }),
    'add-scopes': list('add-scopes', { delimiter: ',' }),
    'remove-scopes': list('remove-scopes', { delimiter: ',' }),
    profile: list('profile'),
    'add-profile': list('add-profile'),
    'remove-profile': list('remove-profile'),
    'permission-set': list('permission-set'),
    'add-permission-set': list('add-permission-set'),
    'remove-permission-set': list('remove-permission-set'),
    'refresh-token-policy': Flags.string({ summary: messages.getMessage('flags.refresh-token-policy.summary') }),
    'session-timeout': Flags.integer({ summary: messages.getMessage('flags.session-timeout.summary'), min: 1 }),
  };
}

export type ParsedUpdateFlags = {
  'target-org': Org;
  'api-version'?: string;
  name: string;
  label?: string;
  description?: string;
  'contact-email'?: string;
  'callback-url'?: string[];
  'add-callback-url'?: string[];
  'remove-callback-url'?: string[];
  scopes?: string[];
  'add-scopes'?: string[];
  'remove-scopes'?: string[];
  profile?: string[];
  'add-profile'?: string[];
  'remove-profile'?: string[];
  'permission-set'?: string[];
  'add-permission-set'?: string[];
  'remove-permission-set'?: string[];
  'refresh-token-policy'?: string;
  'session-timeout'?: number;
};

export function toUpdateRequest(flags: Omit<ParsedUpdateFlags, 'target-org'>): UpdateRequest {
  const request: UpdateRequest = {
    label: flags.label,
    description: flags.description,
    contactEmail: flags['contact-email'],
    callbackUrls: flags['callback-url'],
    addCallbackUrls: flags['add-callback-url'],
    removeCallbackUrls: flags['remove-callback-url'],
    scopes: flags.scopes,
    addScopes: flags['add-scopes'],
    removeScopes: flags['remove-scopes'],
    profiles: flags.profile,
    addProfiles: flags['add-profile'],
    removeProfiles: flags['remove-profile'],
    permissionSets: flags['permission-set'],
    addPermissionSets: flags['add-permission-set'],
    removePermissionSets: flags['remove-permission-set'],
    refreshTokenPolicy: flags['refresh-token-policy'],
    sessionTimeoutMinutes: flags['session-timeout'],
  };
  return Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined)) as UpdateRequest;
}

/** What `update --json` returns. */
export type AppUpdateCommandResult = AppUpdateResult;

export type UpdateCommandOutput = Pick<SfCommand<unknown>, 'log' | 'warn' | 'table' | 'styledHeader'>;

export async function runUpdate(command: UpdateCommandOutput, kind: AppKind, flags: ParsedUpdateFlags): Promise<AppUpdateResult> {
  const request = toUpdateRequest(flags);
  if (Object.keys(request).length === 0) throw messages.createError('error.NothingAsked');
  const conn = flags['target-org'].getConnection(flags['api-version']);
  const context: UpdateContext = {
    conn,
    kind,
    apiVersion: conn.getApiVersion(),
    cwd: process.cwd(),
    warn: (m) => command.warn(m),
  };
  const plan = await planUpdate(context, flags.name, request);
  plan.warnings.forEach((warning) => command.warn(warning));
  const result = await executeUpdate(plan, context);
  printUpdate(command, result);
  return result;
}

const shown = (value: SettingValue | undefined): string =>
  value === undefined ? '-' : Array.isArray(value) ? value.join('\n') : String(value);

export function printUpdate(command: UpdateCommandOutput, result: AppUpdateResult): void {
  const article = appKindInfo(result.kind).article;
  if (!result.deployed) {
    command.log(messages.getMessage('info.nothingChanged', [article, result.name]));
    return;
  }
  command.styledHeader(messages.getMessage('info.updated', [article, result.name]));
  command.table({
    data: result.changes.map((change) => ({ setting: change.setting, before: shown(change.before), after: shown(change.after) })),
    columns: [
      { key: 'setting', name: messages.getMessage('column.setting') },
      { key: 'before', name: messages.getMessage('column.before') },
      { key: 'after', name: messages.getMessage('column.after') },
    ],
  });
  const sent = result.components.map((c) => `${c.type} ${c.fullName}`).join(', ');
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
