/*
 * The org's OAuth app metadata: ConnectedApp and the External Client App family, keyed by (type, fullName), with the
 * checks Salesforce makes when it saves them, and the derived OAuth app the token endpoint sees once a change has
 * propagated (settings.liveDelayMs after the save, like the minutes a real org takes).
 */
// The save checks fill generated values (keys, links) into the content being saved, on purpose.
/* eslint-disable no-param-reassign */
import { randomBytes, X509Certificate } from 'node:crypto';
import { COMPLEX_TYPES, normalizeOrder, parseComponentObject, registryEntry } from './metadataSchema.js';
import type { EmulatedOAuthApp, LiveAppLookup } from './types.js';
import { StagedCredentials, type StagedHost, type StagedRecord } from './stagedCredentials.js';

export type OrgDirectory = {
  /** Optional extras (OrgState has them): the org Id for generated references, and names for list/read. */
  org?: { id: string };
  profiles?: Array<{ name: string; id?: string; description?: string }>;
  permissionSets?: Array<{ name: string; id?: string; label?: string; description?: string }>;
  profileExists(name: string): boolean;
  permissionSetExists(name: string): boolean;
  userExists(username: string): boolean;
};

export type StoreSettings = {
  liveDelayMs: number;
  allowConnectedAppCreation: boolean;
  /**
   * The refusal of a new connected app (Spring '26 block). Salesforce has not published the text, so tests set other
   * wordings (POST /_emulator/settings connectedAppBlockMessage) to prove a client recognises it by meaning; absent:
   * CONNECTED_APP_CREATION_BLOCKED.
   */
  connectedAppBlockMessage?: string;
};

/**
 * Default wording of the Spring '26 connected app creation block (docs/salesforce-facts.md#f-ca-creation-block). The
 * block itself is documented; this text is UNCONFIRMED: it says what the help article says in the words an API error
 * would plausibly use.
 */
export const CONNECTED_APP_CREATION_BLOCKED =
  "You can't create a connected app. To create a connected app, contact Salesforce Support. Use an external client app instead.";

/**
 * A consumer key in an updateMetadata / upsertMetadata / deploy of a connected app that already exists, whatever its
 * value (docs/salesforce-facts.md#f-ca-consumer-key-on-update). Wording as public deploy logs show it.
 */
export const CONSUMER_KEY_ON_EXISTING_APP = 'You cannot provide a Consumer Key';

export type SaveError = { message: string; statusCode: string; fields: string[] };

export type ComponentResult = {
  type: string;
  fullName: string;
  success: boolean;
  created: boolean;
  changed: boolean;
  deleted: boolean;
  id?: string;
  errors: SaveError[];
};

export type ComponentChange = { type: string; fullName: string; content: Record<string, unknown> };

export type SaveMode = 'create' | 'update' | 'upsert' | 'deploy';

export type SaveOptions = {
  mode: SaveMode;
  /** Deploy with rollbackOnError, or the CRUD AllOrNoneHeader: one failure applies nothing. */
  allOrNothing: boolean;
  /** Validate only (deploy checkOnly). */
  checkOnly?: boolean;
  /** Deploy option: a warning does not fail the component (consumer key/secret rotation warns). CRUD calls have none. */
  ignoreWarnings?: boolean;
  userId?: string;
  /** seed(): bypasses the connected app creation block and derives no pending delay when live. */
  seeding?: boolean;
};

export type StoredComponent = {
  type: string;
  fullName: string;
  id: string;
  /** Typed content in sequence order, without fullName; secrets included (never handed out by read()). */
  content: Record<string, unknown>;
  createdDate: string;
  lastModifiedDate: string;
  createdById: string;
  lastModifiedById: string;
  /** Created by the org itself (default ECA OAuth policies), not by a deploy. */
  autoCreated?: boolean;
};

type HistoryEntry = { app: EmulatedOAuthApp | null; liveAt: number };

const ECA_SATELLITES = [
  'ExtlClntAppOauthSettings',
  'ExtlClntAppGlobalOauthSettings',
  'ExtlClntAppOauthConfigurablePolicies',
  'ExtlClntAppConfigurablePolicies',
];
/** Save order inside one batch: headers before the satellites that reference them, OAuth settings before global. */
const TYPE_RANK = ['ConnectedApp', 'ExternalClientApplication', ...ECA_SATELLITES];

const DEFAULT_USER_ID = '005000000000001AAA';
const DEFAULT_ORG_ID = '00D000000000001AAA';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** An 18-character Salesforce Id: 3-char key prefix, 12 base62 chars, and the case-safety checksum. */
export function makeId(prefix: string, counter: number): string {
  let body = '';
  let n = counter;
  for (let i = 0; i < 12; i++) {
    body = BASE62[n % 62] + body;
    n = Math.floor(n / 62);
  }
  const id15 = `${prefix}${body}`;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15[chunk * 5 + i];
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'[bits];
  }
  return id15 + suffix;
}

/** Salesforce-generated consumer keys start with 3MVG9 and use letters, digits, '.' and '_' (85 chars here). */
export function generateConsumerKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';
  const bytes = randomBytes(80);
  return `3MVG9${Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('')}`;
}

/** Generated secrets look like 64 uppercase hex digits. */
export function generateConsumerSecret(): string {
  return randomBytes(32).toString('hex').toUpperCase();
}

/** A certificate as full PEM, from either full PEM or the bare base64 body (both are accepted by Salesforce). */
export function toPem(certificate: string): string {
  const trimmed = certificate.trim();
  if (trimmed.includes('-----BEGIN')) return trimmed;
  const body = trimmed.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${(body.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----`;
}

function isValidCertificate(certificate: string): boolean {
  try {
    new X509Certificate(toPem(certificate));
    return true;
  } catch {
    return false;
  }
}

function keyOf(type: string, fullName: string): string {
  return `${type}\u0000${fullName}`;
}

function splitList(value: unknown, separator: RegExp): string[] {
  if (typeof value !== 'string') return [];
  return value
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);
}

function nonEmptyStrings(value: unknown): string[] {
  return (Array.isArray(value) ? value : []).map(String).filter((s) => s.trim() !== '');
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function stableJson(value: unknown): string {
  return JSON.stringify(value);
}

function err(statusCode: string, message: string, ...fields: string[]): SaveError {
  return { statusCode, message, fields };
}

function notFound(field: string, what: string, name: string): SaveError {
  return err('INVALID_CROSS_REFERENCE_KEY', `In field: ${field} - no ${what} named ${name} found`, field);
}

export class MetadataStore {
  public settings: StoreSettings;
  /** External Client Apps' staged OAuth credentials (docs/salesforce-facts.md#f-eca-staged-credentials). */
  public readonly staged: StagedCredentials;
  private components = new Map<string, StoredComponent>();
  /** Per app (type + API name): the derived OAuth app after each change, and when it became or becomes live. */
  private history = new Map<string, HistoryEntry[]>();
  /**
   * Consumer keys of deleted apps and keys replaced by rotation: never free again
   * (docs/salesforce-facts.md#f-consumer-key-unique).
   */
  private retiredKeys = new Set<string>();
  private idCounter = 1;

  public constructor(
    private readonly directory: OrgDirectory,
    settings: StoreSettings,
    private readonly now: () => number = Date.now
  ) {
    this.settings = settings;
    const host: StagedHost = {
      primaryCredentials: (app) => {
        const global = this.globalSettingsOf(app)?.content;
        const key = str(global?.consumerKey);
        return key ? { key, secret: str(global?.consumerSecret) } : undefined;
      },
      replacePrimaryCredentials: (app, key, secret) => {
        const global = this.globalSettingsOf(app);
        if (!global) return;
        global.content.consumerKey = key;
        global.content.consumerSecret = secret;
        global.lastModifiedDate = this.iso();
        this.recordHistory(new Set([keyOf('ExternalClientApplication', app)]));
      },
      keyTaken: (key) => this.retiredKeys.has(key) || [...this.components.values()].some((c) => consumerKeyOf(c) === key),
      retireKey: (key) => this.retiredKeys.add(key),
      newKey: generateConsumerKey,
      newSecret: generateConsumerSecret,
      now: this.now,
    };
    this.staged = new StagedCredentials(host);
  }

  private get orgId(): string {
    return this.directory.org?.id ?? DEFAULT_ORG_ID;
  }

  public static fromJSON(json: unknown, directory: OrgDirectory, settings: StoreSettings, now?: () => number): MetadataStore {
    const store = new MetadataStore(directory, settings, now);
    const data = (json ?? {}) as {
      idCounter?: number;
      components?: StoredComponent[];
      history?: Array<[string, HistoryEntry[]]>;
      retiredKeys?: string[];
      staged?: Array<[string, StagedRecord]>;
    };
    store.idCounter = data.idCounter ?? 1;
    store.retiredKeys = new Set(data.retiredKeys ?? []);
    store.staged.restore(data.staged);
    for (const component of data.components ?? []) {
      store.components.set(keyOf(component.type, component.fullName), component);
    }
    for (const [appKey, entries] of data.history ?? []) store.history.set(appKey, entries);
    return store;
  }

  public toJSON(): unknown {
    return {
      idCounter: this.idCounter,
      components: [...this.components.values()],
      history: [...this.history.entries()],
      retiredKeys: [...this.retiredKeys],
      staged: this.staged.toJSON(),
    };
  }

  // ---------------------------------------------------------------- reading

  /** A stored component (secrets stripped), or a Profile/PermissionSet from the org's directory. */
  public read(type: string, fullName: string): Record<string, unknown> | undefined {
    if (type === 'Profile') {
      const profile = this.directory.profiles?.find((p) => p.name.toLowerCase() === fullName.toLowerCase());
      if (profile) return { fullName: profile.name, custom: false, ...(profile.description ? { description: profile.description } : {}) };
      return this.directory.profileExists(fullName) ? { fullName, custom: false } : undefined;
    }
    if (type === 'PermissionSet') {
      const set = this.directory.permissionSets?.find((p) => p.name.toLowerCase() === fullName.toLowerCase());
      if (set) return { fullName: set.name, ...(set.description ? { description: set.description } : {}), label: set.label ?? set.name };
      return this.directory.permissionSetExists(fullName) ? { fullName, label: fullName } : undefined;
    }
    const component = this.components.get(keyOf(type, fullName));
    return component ? { fullName: component.fullName, ...stripSecrets(component.type, component.content) } : undefined;
  }

  /** The stored record (Id, dates) without content secrets. */
  public describe(type: string, fullName: string): Omit<StoredComponent, 'content'> | undefined {
    const component = this.components.get(keyOf(type, fullName));
    if (!component) return undefined;
    const { content, ...rest } = component;
    void content;
    return rest;
  }

  /** Components of a type, for listMetadata and retrieve (Profile and PermissionSet come from the directory). */
  public list(type: string): Array<Omit<StoredComponent, 'content'>> {
    if (type === 'Profile' || type === 'PermissionSet') {
      const entries = type === 'Profile' ? this.directory.profiles ?? [] : this.directory.permissionSets ?? [];
      const prefix = registryEntry(type)?.idPrefix ?? '000';
      return entries.map((entry, index) => ({
        type,
        fullName: entry.name,
        id: entry.id ?? makeId(prefix, index + 1),
        createdDate: new Date(0).toISOString(),
        lastModifiedDate: new Date(0).toISOString(),
        createdById: DEFAULT_USER_ID,
        lastModifiedById: DEFAULT_USER_ID,
      }));
    }
    return [...this.components.values()]
      .filter((c) => c.type === type)
      .sort((a, b) => a.fullName.localeCompare(b.fullName))
      .map(({ content, ...rest }) => {
        void content;
        return rest;
      });
  }

  // ---------------------------------------------------------------- the token endpoint's view

  public lookupApp(consumerKey: string): LiveAppLookup {
    const now = this.now();
    let pending: { app: EmulatedOAuthApp; liveAt: number } | undefined;
    for (const entries of this.history.values()) {
      const effective = effectiveEntry(entries, now);
      if (effective?.app?.consumerKey === consumerKey) return { state: 'live', app: effective.app };
      for (const entry of entries) {
        if (entry.liveAt > now && entry.app?.consumerKey === consumerKey && (!pending || entry.liveAt < pending.liveAt)) {
          pending = { app: entry.app, liveAt: entry.liveAt };
        }
      }
    }
    if (pending) return { state: 'pending', ...pending };
    // The previous credentials of a staged rotation log in until revoked or expired, as the app's current self.
    const previous = this.staged.previousFor(consumerKey);
    const current = previous ? effectiveEntry(this.history.get(keyOf('ExternalClientApplication', previous.app)) ?? [], now)?.app : undefined;
    if (previous && current) return { state: 'live', app: { ...current, consumerKey: previous.key, consumerSecret: previous.secret } };
    return { state: 'unknown' };
  }

  public allApps(): Array<{ app: EmulatedOAuthApp; id: string; createdDate: string; lastModifiedDate: string; live: boolean }> {
    const now = this.now();
    const out: Array<{ app: EmulatedOAuthApp; id: string; createdDate: string; lastModifiedDate: string; live: boolean }> = [];
    for (const [appKey, entries] of this.history) {
      const latest = entries[entries.length - 1];
      if (!latest?.app) continue;
      const [type, name] = appKey.split('\u0000');
      const component = this.components.get(keyOf(type, name));
      if (!component) continue;
      out.push({
        app: latest.app,
        id: component.id,
        createdDate: component.createdDate,
        lastModifiedDate: this.lastModifiedOfApp(type, name) ?? component.lastModifiedDate,
        live: latest.liveAt <= now,
      });
    }
    return out.sort((a, b) => a.app.name.localeCompare(b.app.name));
  }

  // ---------------------------------------------------------------- writing

  /** Store a component as if it had always been there: no creation block; live at once unless live is false. */
  public seed(type: string, fullName: string, content: Record<string, unknown>, options: { live?: boolean } = {}): void {
    const results = this.save([{ type, fullName, content }], { mode: 'upsert', allOrNothing: true, seeding: true });
    const failed = results.find((r) => !r.success);
    if (failed) throw new Error(`Cannot seed ${type} ${fullName}: ${failed.errors.map((e) => e.message).join('; ')}`);
    const appKey = this.appKeyOf(this.components, type, fullName);
    const entries = appKey ? this.history.get(appKey) : undefined;
    if (options.live !== false && entries) {
      for (const entry of entries) entry.liveAt = Math.min(entry.liveAt, this.now());
    }
  }

  /**
   * Save components (create/update/upsert calls, or the components of a deploy). Items are saved in dependency order
   * against a working copy, so an ECA header in the same batch satisfies its satellites' references.
   */
  public save(changes: ComponentChange[], options: SaveOptions): ComponentResult[] {
    const work = new Map(this.components);
    const results = new Map<number, ComponentResult>();
    const order = changes
      .map((change, index) => ({ change, index }))
      .sort((a, b) => rank(a.change.type) - rank(b.change.type) || a.index - b.index);
    const touchedApps = new Set<string>();
    for (const { change, index } of order) {
      const result = this.saveOne(work, change, options);
      results.set(index, result);
      if (result.success) {
        const appKey = this.appKeyOf(work, change.type, change.fullName);
        if (appKey) touchedApps.add(appKey);
      }
    }
    const ordered = changes.map((_, index) => results.get(index) as ComponentResult);
    const anyFailed = ordered.some((r) => !r.success);
    if (options.checkOnly === true || (options.allOrNothing && anyFailed)) return ordered;
    this.autoCreatePolicies(work, touchedApps, options.userId ?? DEFAULT_USER_ID);
    // A key replaced by rotation stays taken (docs/salesforce-facts.md#f-consumer-key-unique).
    for (const [key, before] of this.components) {
      const oldKey = consumerKeyOf(before);
      const after = work.get(key);
      if (oldKey && after && consumerKeyOf(after) !== oldKey) this.retiredKeys.add(oldKey);
    }
    this.components = work;
    this.recordHistory(touchedApps);
    return ordered;
  }

  public delete(type: string, fullNames: string[]): ComponentResult[] {
    const touched = new Set<string>();
    const results = fullNames.map((fullName): ComponentResult => {
      const base = { type, fullName, created: false, changed: false };
      const existing = this.components.get(keyOf(type, fullName));
      if (!existing) {
        return { ...base, success: false, deleted: false, errors: [notFound('fullName', type, fullName)] };
      }
      this.components.delete(keyOf(type, fullName));
      this.retireKeyOf(existing);
      if (type === 'ExternalClientApplication') {
        // Deleting the header removes the whole app, satellites included (docs/salesforce-facts.md#f-eca-delete,
        // UNCONFIRMED: Salesforce may refuse instead).
        for (const [key, c] of this.components) {
          if (ECA_SATELLITES.includes(c.type) && c.content.externalClientApplication === fullName) {
            this.components.delete(key);
            this.retireKeyOf(c);
          }
        }
        this.history.delete(keyOf(type, fullName));
        this.staged.forget(fullName);
      } else if (type === 'ConnectedApp') {
        this.history.delete(keyOf(type, fullName));
      } else if (typeof existing.content.externalClientApplication === 'string') {
        touched.add(keyOf('ExternalClientApplication', existing.content.externalClientApplication));
      }
      return { ...base, success: true, deleted: true, id: existing.id, errors: [] };
    });
    this.recordHistory(touched);
    return results;
  }

  /** renameMetadata: ConnectedApp and the ECA satellites can be renamed; an ECA header cannot (its name is referenced). */
  public rename(type: string, oldFullName: string, newFullName: string): ComponentResult {
    const base = { type, fullName: newFullName, created: false, changed: false, deleted: false };
    const existing = this.components.get(keyOf(type, oldFullName));
    if (!existing) return { ...base, success: false, errors: [notFound('fullName', type, oldFullName)] };
    if (this.components.has(keyOf(type, newFullName))) {
      return { ...base, success: false, errors: [err('DUPLICATE_DEVELOPER_NAME', `A ${type} named ${newFullName} already exists.`, 'fullName')] };
    }
    if (type === 'ExternalClientApplication') {
      return { ...base, success: false, errors: [err('FIELD_INTEGRITY_EXCEPTION', 'An external client app cannot be renamed.', 'fullName')] };
    }
    this.components.delete(keyOf(type, oldFullName));
    this.components.set(keyOf(type, newFullName), { ...existing, fullName: newFullName, lastModifiedDate: this.iso() });
    if (type === 'ConnectedApp') {
      const entries = this.history.get(keyOf(type, oldFullName));
      this.history.delete(keyOf(type, oldFullName));
      if (entries) this.history.set(keyOf(type, newFullName), entries);
      this.recordHistory(new Set([keyOf(type, newFullName)]));
    }
    return { ...base, success: true, changed: true, id: existing.id, errors: [] };
  }

  // ---------------------------------------------------------------- internals

  /** The global OAuth settings of an External Client App (the component that holds its consumer key). */
  private globalSettingsOf(app: string): StoredComponent | undefined {
    return [...this.components.values()]
      .filter((c) => c.type === 'ExtlClntAppGlobalOauthSettings' && c.content.externalClientApplication === app)
      .sort((a, b) => a.lastModifiedDate.localeCompare(b.lastModifiedDate))
      .pop();
  }

  /** A deleted component's consumer key stays taken (docs/salesforce-facts.md#f-consumer-key-unique). */
  private retireKeyOf(component: StoredComponent): void {
    const key = consumerKeyOf(component);
    if (key) this.retiredKeys.add(key);
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  private nextId(type: string): string {
    return makeId(registryEntry(type)?.idPrefix ?? '000', this.idCounter++);
  }

  private saveOne(work: Map<string, StoredComponent>, change: ComponentChange, options: SaveOptions): ComponentResult {
    const { type, fullName } = change;
    const base = { type, fullName, created: false, changed: false, deleted: false };
    const fail = (...errors: SaveError[]): ComponentResult => ({ ...base, success: false, errors });
    if (!COMPLEX_TYPES[type] || !registryEntry(type) || type === 'Profile' || type === 'PermissionSet') {
      return fail(err('INVALID_TYPE', `Cannot save metadata of type ${type} in this org`));
    }
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(fullName) || fullName.includes('__') || fullName.endsWith('_')) {
      return fail(
        err(
          'INVALID_NAME', // docs/salesforce-facts.md#f-api-name-length
          `The ${type} API name can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores.`,
          'fullName'
        )
      );
    }
    const existing = work.get(keyOf(type, fullName));
    if (options.mode === 'create' && existing) {
      return fail(err('DUPLICATE_DEVELOPER_NAME', `There is already a ${type} named ${fullName}.`, 'fullName'));
    }
    if (options.mode === 'update' && !existing) return fail(notFound('fullName', type, fullName));
    if (type === 'ConnectedApp' && !existing && !options.seeding && !this.settings.allowConnectedAppCreation) {
      // Documented block, wording configurable (docs/salesforce-facts.md#f-ca-creation-block).
      return fail(err('FIELD_INTEGRITY_EXCEPTION', this.settings.connectedAppBlockMessage ?? CONNECTED_APP_CREATION_BLOCKED));
    }
    // Schema checks without order: a CRUD item's order was checked when its SOAP message was parsed, and a zip deploy
    // takes any order (docs/salesforce-facts.md#f-md-element-order).
    const parsed = parseComponentObject(type, withoutFullName(change.content), { source: 'store' });
    if (parsed.problems.length > 0) {
      return fail(...parsed.problems.map((p) => err(p.statusCode, p.message, ...p.fields)));
    }
    const content = normalizeOrder(type, parsed.content);
    const errors: SaveError[] = [];
    switch (type) {
      case 'ConnectedApp':
        this.checkConnectedApp(work, fullName, content, existing, options, errors);
        break;
      case 'ExternalClientApplication':
        this.checkHeader(fullName, content, errors);
        break;
      case 'ExtlClntAppGlobalOauthSettings':
        this.checkSatellite(work, content, errors);
        this.checkRotationWarning(content, existing, options, errors);
        this.checkGlobalOauth(work, fullName, content, existing, errors);
        break;
      case 'ExtlClntAppOauthSettings':
        this.checkSatellite(work, content, errors);
        this.checkOauthSettings(content, errors);
        break;
      case 'ExtlClntAppOauthConfigurablePolicies':
        this.checkSatellite(work, content, errors);
        this.checkOauthPolicies(content, errors);
        break;
      default:
        this.checkSatellite(work, content, errors);
    }
    if (errors.length > 0) return fail(...errors);
    const now = this.iso();
    const userId = options.userId ?? DEFAULT_USER_ID;
    const changed = existing !== undefined && stableJson(existing.content) !== stableJson(content);
    const stored: StoredComponent = existing
      ? {
          ...existing,
          content,
          lastModifiedDate: changed ? now : existing.lastModifiedDate,
          lastModifiedById: changed ? userId : existing.lastModifiedById,
          autoCreated: undefined,
        }
      : {
          type,
          fullName,
          id: this.nextId(type),
          content,
          createdDate: now,
          lastModifiedDate: now,
          createdById: userId,
          lastModifiedById: userId,
        };
    work.set(keyOf(type, fullName), stored);
    if (type === 'ExtlClntAppOauthConfigurablePolicies') this.dropAutoCreatedPolicies(work, content, fullName);
    return { ...base, success: true, created: !existing, changed, id: stored.id, errors: [] };
  }

  private checkConnectedApp(
    work: Map<string, StoredComponent>,
    fullName: string,
    content: Record<string, unknown>,
    existing: StoredComponent | undefined,
    options: SaveOptions,
    errors: SaveError[]
  ): void {
    const oauth = obj(content.oauthConfig);
    const profiles = nonEmptyStrings(content.profileName);
    const permissionSets = nonEmptyStrings(content.permissionSetName);
    for (const name of profiles) {
      if (!this.directory.profileExists(name)) errors.push(notFound('profileName', 'Profile', name));
    }
    for (const name of permissionSets) {
      if (!this.directory.permissionSetExists(name)) errors.push(notFound('permissionSetName', 'PermissionSet', name));
    }
    if ((profiles.length > 0 || permissionSets.length > 0) && oauth?.isAdminApproved !== true) {
      // The rule is documented (docs/salesforce-facts.md#f-jwt-preauthorization); the wording is UNCONFIRMED (docs/salesforce-facts.md#f-emu-wordings).
      errors.push(
        err(
          'FIELD_INTEGRITY_EXCEPTION',
          'Profiles and permission sets can be pre-authorized only when admin-approved users are pre-authorized (oauthConfig.isAdminApproved).',
          profiles.length > 0 ? 'profileName' : 'permissionSetName'
        )
      );
    }
    const oldOauth = obj(existing?.content.oauthConfig);
    if (!oauth) {
      if (oldOauth) {
        // Removing OAuth settings would drop the consumer: refused, the stricter reading (docs/salesforce-facts.md#f-ca-oauth-removal).
        errors.push(err('FIELD_INTEGRITY_EXCEPTION', 'OAuth settings cannot be removed from an existing connected app.', 'oauthConfig'));
      }
      return;
    }
    const user = str(oauth.oauthClientCredentialUser);
    if (user && !this.directory.userExists(user)) errors.push(notFound('oauthClientCredentialUser', 'User', user));
    if (oauth.isClientCredentialEnabled === true && !user) {
      errors.push(err('REQUIRED_FIELD_MISSING', 'Required field is missing: oauthClientCredentialUser', 'oauthClientCredentialUser'));
    }
    this.checkCertificate(oauth.certificate, errors);
    // An existing connected app takes no consumer key on update, upsert or deploy, not even its own: public deploy
    // logs show redeploying unchanged source refused (docs/salesforce-facts.md#f-ca-consumer-key-on-update). Seeding
    // stores an app as if it had always been there, so it is exempt.
    if (existing && str(oauth.consumerKey) && options.seeding !== true) {
      errors.push(err('FIELD_INTEGRITY_EXCEPTION', CONSUMER_KEY_ON_EXISTING_APP, 'consumerKey'));
      return;
    }
    this.settleCredentials(work, 'ConnectedApp', fullName, oauth, oldOauth, errors, 'connected app');
  }

  private checkHeader(fullName: string, content: Record<string, unknown>, errors: SaveError[]): void {
    const expected = `${this.orgId}:${fullName}`;
    const given = str(content.orgScopedExternalApp);
    if (given && given !== expected) {
      errors.push(
        err(
          'FIELD_INTEGRITY_EXCEPTION',
          `The orgScopedExternalApp value ${given} doesn't match this org. Remove it to have it generated (expected ${expected}).`,
          'orgScopedExternalApp'
        )
      );
      return;
    }
    content.orgScopedExternalApp = expected;
    reorder('ExternalClientApplication', content);
  }

  /** A satellite names an existing header (docs/salesforce-facts.md#f-eca-types). */
  private checkSatellite(work: Map<string, StoredComponent>, content: Record<string, unknown>, errors: SaveError[]): void {
    const app = str(content.externalClientApplication);
    if (app && !work.has(keyOf('ExternalClientApplication', app))) {
      errors.push(notFound('externalClientApplication', 'ExternalClientApplication', app));
    }
  }

  private checkGlobalOauth(
    work: Map<string, StoredComponent>,
    fullName: string,
    content: Record<string, unknown>,
    existing: StoredComponent | undefined,
    errors: SaveError[]
  ): void {
    const app = str(content.externalClientApplication);
    const hasOauthSettings = [...work.values()].some(
      (c) => c.type === 'ExtlClntAppOauthSettings' && c.content.externalClientApplication === app
    );
    // docs/salesforce-facts.md#f-eca-global-with-settings (UNCONFIRMED, one live-org report).
    if (app && !hasOauthSettings) {
      errors.push(
        err(
          'FIELD_INTEGRITY_EXCEPTION',
          "The external client app configured in your global OAuth Settings doesn't have a valid OAuth settings configuration."
        )
      );
    }
    this.checkCertificate(content.certificate, errors);
    const old = existing?.content;
    // Rotation replaces the key or secret on this deploy; the flags themselves are not kept set. The replaced key stays
    // taken (docs/salesforce-facts.md#f-consumer-key-unique); retired when the save is applied.
    if (content.shouldRotateConsumerKey === true && old) content.consumerKey = generateConsumerKey();
    if (content.shouldRotateConsumerSecret === true && old) content.consumerSecret = generateConsumerSecret();
    const rotatingKey = content.shouldRotateConsumerKey === true;
    const rotatingSecret = content.shouldRotateConsumerSecret === true;
    if (rotatingKey) content.shouldRotateConsumerKey = false;
    if (rotatingSecret) content.shouldRotateConsumerSecret = false;
    this.settleCredentials(
      work,
      'ExtlClntAppGlobalOauthSettings',
      fullName,
      content,
      rotatingKey || rotatingSecret ? { ...old, ...(rotatingKey ? { consumerKey: content.consumerKey } : {}), ...(rotatingSecret ? { consumerSecret: content.consumerSecret } : {}) } : old,
      errors,
      'external client app'
    );
  }

  /**
   * Rotating the consumer key or secret is documented to need the deploy's ignoreWarnings option
   * (docs/salesforce-facts.md#f-eca-rotation): the org answers with a warning, which fails the component unless warnings are ignored. The
   * warning's wording is UNCONFIRMED. Only deploys can ignore warnings, so a CRUD call that rotates fails the same way.
   */
  private checkRotationWarning(
    content: Record<string, unknown>,
    existing: StoredComponent | undefined,
    options: SaveOptions,
    errors: SaveError[]
  ): void {
    const rotating = content.shouldRotateConsumerKey === true || content.shouldRotateConsumerSecret === true;
    if (!rotating || !existing || options.seeding === true || (options.mode === 'deploy' && options.ignoreWarnings === true)) return;
    errors.push(
      err(
        'FIELD_INTEGRITY_EXCEPTION',
        'Rotating the consumer key or consumer secret replaces the credentials that clients use. To rotate them, deploy with the ignore warnings option.',
        content.shouldRotateConsumerKey === true ? 'shouldRotateConsumerKey' : 'shouldRotateConsumerSecret'
      )
    );
  }

  /** Consumer key and secret: generated when absent, unique, and fixed after creation. Mutates `holder`. */
  private settleCredentials(
    work: Map<string, StoredComponent>,
    type: string,
    fullName: string,
    holder: Record<string, unknown>,
    old: Record<string, unknown> | undefined,
    errors: SaveError[],
    what: string
  ): void {
    const oldKey = str(old?.consumerKey);
    const oldSecret = str(old?.consumerSecret);
    const key = str(holder.consumerKey);
    const secret = str(holder.consumerSecret);
    if (oldKey && key && key !== oldKey) {
      errors.push(err('FIELD_INTEGRITY_EXCEPTION', `You can't change the consumer key of an existing ${what}.`, 'consumerKey'));
      return;
    }
    if (oldSecret && secret && secret !== oldSecret) {
      errors.push(err('FIELD_INTEGRITY_EXCEPTION', `You can't change the consumer secret of an existing ${what}.`, 'consumerSecret'));
      return;
    }
    if (key && !oldKey) {
      // Documented as alphanumeric 8-256; tools that sent '+' and '/' worked, so only length and spaces are enforced.
      if (!/^\S{8,256}$/.test(key)) {
        errors.push(err('FIELD_INTEGRITY_EXCEPTION', 'The consumer key must be 8 to 256 characters long and contain no spaces.', 'consumerKey'));
        return;
      }
      if (this.consumerKeyTaken(work, key, type, fullName)) {
        errors.push(err('DUPLICATE_VALUE', 'The consumer key is already taken.', 'consumerKey'));
        return;
      }
    }
    if (secret && !oldSecret) {
      if (!/^\S{8,256}$/.test(secret)) {
        errors.push(err('FIELD_INTEGRITY_EXCEPTION', 'The consumer secret must be 8 to 256 characters long and contain no spaces.', 'consumerSecret'));
        return;
      }
      if (type === 'ConnectedApp' && this.consumerSecretTaken(work, secret, fullName)) {
        errors.push(err('DUPLICATE_VALUE', 'The consumer secret is already taken.', 'consumerSecret'));
        return;
      }
    }
    holder.consumerKey = key ?? oldKey ?? generateConsumerKey();
    holder.consumerSecret = secret ?? oldSecret ?? generateConsumerSecret();
    reorder(type === 'ConnectedApp' ? 'ConnectedAppOauthConfig' : type, holder);
  }

  /**
   * Consumer keys are unique across Salesforce and a key once used is never free again: another app's key, the key of
   * a deleted app and a key replaced by rotation are all taken (docs/salesforce-facts.md#f-consumer-key-unique).
   */
  private consumerKeyTaken(work: Map<string, StoredComponent>, key: string, type: string, fullName: string): boolean {
    for (const c of work.values()) {
      if (c.type === type && c.fullName === fullName) continue;
      if (consumerKeyOf(c) === key) return true;
    }
    return this.retiredKeys.has(key) || this.staged.holdsKey(key);
  }

  private consumerSecretTaken(work: Map<string, StoredComponent>, secret: string, fullName: string): boolean {
    return [...work.values()].some(
      (c) => c.type === 'ConnectedApp' && c.fullName !== fullName && obj(c.content.oauthConfig)?.consumerSecret === secret
    );
  }

  private checkCertificate(certificate: unknown, errors: SaveError[]): void {
    const value = str(certificate);
    if (value && !isValidCertificate(value)) {
      // A valid X.509 certificate, PEM or bare body (docs/salesforce-facts.md#f-jwt-certificate); wording UNCONFIRMED.
      errors.push(err('FIELD_INTEGRITY_EXCEPTION', 'The certificate is not a valid PEM-encoded X.509 certificate.', 'certificate'));
    }
  }

  private checkOauthSettings(content: Record<string, unknown>, errors: SaveError[]): void {
    const app = str(content.externalClientApplication);
    if (!app) return;
    const expected = `${this.orgId}:${app}`;
    const given = str(content.oauthLink);
    if (given && given !== expected) {
      // Documented: "deployment fails if oauthLink has incorrect info" (docs/salesforce-facts.md#f-eca-generated-links). Wording UNCONFIRMED.
      errors.push(err('FIELD_INTEGRITY_EXCEPTION', `The oauthLink value ${given} is incorrect. Remove it to have it generated.`, 'oauthLink'));
      return;
    }
    content.oauthLink = expected;
    reorder('ExtlClntAppOauthSettings', content);
  }

  private checkOauthPolicies(content: Record<string, unknown>, errors: SaveError[]): void {
    for (const name of splitList(content.commaSeparatedProfile, /,/)) {
      if (!this.directory.profileExists(name)) errors.push(notFound('commaSeparatedProfile', 'Profile', name));
    }
    for (const name of splitList(content.commaSeparatedPermissionSet, /,/)) {
      if (!this.directory.permissionSetExists(name)) errors.push(notFound('commaSeparatedPermissionSet', 'PermissionSet', name));
    }
    const user = str(content.clientCredentialsFlowUser);
    if (user && !this.directory.userExists(user)) errors.push(notFound('clientCredentialsFlowUser', 'User', user));
  }

  /** One OAuth policy per app: a deployed policy replaces the one the org generated. */
  private dropAutoCreatedPolicies(work: Map<string, StoredComponent>, content: Record<string, unknown>, keep: string): void {
    for (const [key, c] of work) {
      if (c.type === 'ExtlClntAppOauthConfigurablePolicies' && c.autoCreated && c.fullName !== keep && c.content.externalClientApplication === content.externalClientApplication) {
        work.delete(key);
      }
    }
  }

  /** Apps deployed with OAuth settings but no OAuth policies get the org's default policies. */
  private autoCreatePolicies(work: Map<string, StoredComponent>, apps: Set<string>, userId: string): void {
    for (const appKey of apps) {
      const [type, app] = appKey.split('\u0000');
      if (type !== 'ExternalClientApplication') continue;
      const all = [...work.values()].filter((c) => c.content.externalClientApplication === app);
      if (!all.some((c) => c.type === 'ExtlClntAppOauthSettings')) continue;
      if (all.some((c) => c.type === 'ExtlClntAppOauthConfigurablePolicies')) continue;
      // Named after the OAuth settings with _defaultPolicy, defaults as observed on a live org
      // (docs/salesforce-facts.md#f-eca-default-policies).
      const settingsName = all.find((c) => c.type === 'ExtlClntAppOauthSettings')?.fullName ?? app;
      const fullName = `${settingsName}_defaultPolicy`;
      const now = this.iso();
      work.set(keyOf('ExtlClntAppOauthConfigurablePolicies', fullName), {
        type: 'ExtlClntAppOauthConfigurablePolicies',
        fullName,
        id: this.nextId('ExtlClntAppOauthConfigurablePolicies'),
        content: {
          externalClientApplication: app,
          ipRelaxationPolicyType: 'Enforce',
          isClientCredentialsFlowEnabled: false,
          isGuestCodeCredFlowEnabled: false,
          isNamedUserJwtEnabled: false,
          isTokenExchangeFlowEnabled: false,
          label: fullName,
          permittedUsersPolicyType: 'AllSelfAuthorized',
          policyAction: 'Block',
          refreshTokenPolicyType: 'SpecificLifetime',
          refreshTokenValidityPeriod: 365,
          refreshTokenValidityUnit: 'Days',
          requiredSessionLevel: 'STANDARD',
        },
        createdDate: now,
        lastModifiedDate: now,
        createdById: userId,
        lastModifiedById: userId,
        autoCreated: true,
      });
    }
  }

  /** The app (history key) a component belongs to. */
  private appKeyOf(work: Map<string, StoredComponent>, type: string, fullName: string): string | undefined {
    if (type === 'ConnectedApp' || type === 'ExternalClientApplication') return keyOf(type, fullName);
    const app = work.get(keyOf(type, fullName))?.content.externalClientApplication;
    return typeof app === 'string' ? keyOf('ExternalClientApplication', app) : undefined;
  }

  private lastModifiedOfApp(type: string, name: string): string | undefined {
    if (type !== 'ExternalClientApplication') return undefined;
    return [...this.components.values()]
      .filter((c) => (c.type === type && c.fullName === name) || c.content.externalClientApplication === name)
      .map((c) => c.lastModifiedDate)
      .sort()
      .pop();
  }

  /** Append the newly derived app of each touched app when it differs; it goes live after the configured delay. */
  private recordHistory(appKeys: Set<string>): void {
    const now = this.now();
    for (const appKey of appKeys) {
      const [type, name] = appKey.split('\u0000');
      const app = type === 'ConnectedApp' ? this.deriveConnectedApp(name) : this.deriveEca(name);
      const entries = this.history.get(appKey) ?? [];
      const last = entries[entries.length - 1];
      if (last && stableJson(last.app) === stableJson(app)) continue;
      const effective = effectiveEntry(entries, now);
      // Only the currently effective entry and later ones still matter.
      const kept = effective ? entries.slice(entries.indexOf(effective)) : entries;
      // Live after the propagation delay (docs/salesforce-facts.md#f-propagation-delay).
      kept.push({ app, liveAt: now + this.settings.liveDelayMs });
      this.history.set(appKey, kept);
    }
  }

  private deriveConnectedApp(name: string): EmulatedOAuthApp | null {
    const content = this.components.get(keyOf('ConnectedApp', name))?.content;
    const oauth = obj(content?.oauthConfig);
    const consumerKey = str(oauth?.consumerKey);
    if (!content || !oauth || !consumerKey) return null;
    const certificate = str(oauth.certificate);
    return {
      kind: 'ConnectedApp',
      name,
      consumerKey,
      ...(str(oauth.consumerSecret) ? { consumerSecret: str(oauth.consumerSecret) } : {}),
      ...(certificate ? { certificatePem: toPem(certificate) } : {}),
      callbackUrls: splitList(oauth.callbackUrl, /[\r\n]+/),
      scopes: nonEmptyStrings(oauth.scopes),
      permittedUsers: oauth.isAdminApproved === true ? 'AdminApprovedPreAuthorized' : 'AllSelfAuthorized',
      profiles: nonEmptyStrings(content.profileName),
      permissionSets: nonEmptyStrings(content.permissionSetName),
      isConsumerSecretOptional: oauth.isConsumerSecretOptional === true,
      isSecretRequiredForRefreshToken: oauth.isSecretRequiredForRefreshToken !== false,
      isPkceRequired: oauth.isPkceRequired === true,
      enabled: true,
      clientCredentialsEnabled: oauth.isClientCredentialEnabled === true,
      ...(str(oauth.oauthClientCredentialUser) ? { clientCredentialsUser: str(oauth.oauthClientCredentialUser) } : {}),
    };
  }

  private deriveEca(name: string): EmulatedOAuthApp | null {
    if (!this.components.has(keyOf('ExternalClientApplication', name))) return null;
    const satellite = (type: string): Record<string, unknown> | undefined =>
      [...this.components.values()]
        .filter((c) => c.type === type && c.content.externalClientApplication === name)
        .sort((a, b) => a.lastModifiedDate.localeCompare(b.lastModifiedDate))
        .pop()?.content;
    const global = satellite('ExtlClntAppGlobalOauthSettings');
    const consumerKey = str(global?.consumerKey);
    if (!global || !consumerKey) return null;
    const settings = satellite('ExtlClntAppOauthSettings');
    const policies = satellite('ExtlClntAppOauthConfigurablePolicies');
    const plugins = satellite('ExtlClntAppConfigurablePolicies');
    const certificate = str(global.certificate);
    return {
      kind: 'ExternalClientApplication',
      name,
      consumerKey,
      ...(str(global.consumerSecret) ? { consumerSecret: str(global.consumerSecret) } : {}),
      ...(certificate ? { certificatePem: toPem(certificate) } : {}),
      callbackUrls: splitList(global.callbackUrl, /[\r\n]+/),
      scopes: splitList(settings?.commaSeparatedOauthScopes, /,/),
      permittedUsers: policies?.permittedUsersPolicyType === 'AdminApprovedPreAuthorized' ? 'AdminApprovedPreAuthorized' : 'AllSelfAuthorized',
      profiles: splitList(policies?.commaSeparatedProfile, /,/),
      permissionSets: splitList(policies?.commaSeparatedPermissionSet, /,/),
      isConsumerSecretOptional: global.isConsumerSecretOptional === true,
      isSecretRequiredForRefreshToken: global.isSecretRequiredForRefreshToken !== false,
      // ECAs default to PKCE required (docs/salesforce-facts.md#f-eca-pkce-default).
      isPkceRequired: global.isPkceRequired !== false,
      enabled: plugins ? plugins.isEnabled !== false && plugins.isOauthPluginEnabled !== false : true,
      // The flow needs both switches: the developer's (global settings) and the admin's (policies), with the run-as user.
      clientCredentialsEnabled:
        global.isClientCredentialsFlowEnabled === true && policies?.isClientCredentialsFlowEnabled === true,
      ...(str(policies?.clientCredentialsFlowUser) ? { clientCredentialsUser: str(policies?.clientCredentialsFlowUser) } : {}),
    };
  }
}

/** The consumer key a stored component holds (connected app OAuth config or ECA global OAuth settings). */
function consumerKeyOf(component: StoredComponent): string | undefined {
  if (component.type === 'ConnectedApp') return str(obj(component.content.oauthConfig)?.consumerKey);
  if (component.type === 'ExtlClntAppGlobalOauthSettings') return str(component.content.consumerKey);
  return undefined;
}

function rank(type: string): number {
  const index = TYPE_RANK.indexOf(type);
  return index === -1 ? TYPE_RANK.length : index;
}

/** Put an object's keys in sequence order in place (generated values are added after the others). */
function reorder(type: string, target: Record<string, unknown>): void {
  const sorted = normalizeOrder(type, { ...target });
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, sorted);
}

function effectiveEntry(entries: HistoryEntry[], now: number): HistoryEntry | undefined {
  let found: HistoryEntry | undefined;
  for (const entry of entries) if (entry.liveAt <= now) found = entry;
  return found;
}

function withoutFullName(content: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(content);
  delete copy.fullName;
  return copy;
}

/** consumerSecret is never handed out by read or retrieve (docs/salesforce-facts.md#f-ca-secret: "the value isn't returned"). */
export function stripSecrets(type: string, content: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(content);
  if (type === 'ConnectedApp') {
    const oauth = obj(copy.oauthConfig);
    if (oauth) delete oauth.consumerSecret;
  }
  if (type === 'ExtlClntAppGlobalOauthSettings') delete copy.consumerSecret;
  return copy;
}
