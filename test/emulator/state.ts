/*
 * The emulated org: its identity, users, profiles, permission sets, OAuth sessions, refresh tokens and authorization
 * codes, and org-level settings. Persistable to JSON together with the metadata store.
 *
 * The metadata store is typed structurally (AppStore) so this module does not depend on metadataStore.ts; server.ts
 * hands in the real MetadataStore and a function that restores one from JSON.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EmulatedOAuthApp, EmulatedUser, LiveAppLookup } from './types.js';
import type { StagedCredentials } from './stagedCredentials.js';

/** Who exists in the org, as the metadata store needs to know when it validates profile and user references. */
export type OrgDirectory = {
  profileExists(name: string): boolean;
  permissionSetExists(name: string): boolean;
  userExists(username: string): boolean;
};

export type StoreSettingsLike = { liveDelayMs: number; allowConnectedAppCreation: boolean; connectedAppBlockMessage?: string };

export type AppSummary = { app: EmulatedOAuthApp; id: string; createdDate: string; lastModifiedDate: string; live: boolean };

/** The part of MetadataStore the HTTP side uses. */
export type AppStore = {
  settings: StoreSettingsLike;
  /** External Client Apps' staged OAuth credentials; absent in stand-in stores (the resource then answers 404). */
  staged?: StagedCredentials;
  lookupApp(consumerKey: string): LiveAppLookup;
  allApps(): AppSummary[];
  read(type: string, fullName: string): Record<string, unknown> | undefined;
  seed(type: string, fullName: string, content: Record<string, unknown>, options?: { live?: boolean }): void;
  toJSON(): unknown;
};

export type StoreRestorer<S extends AppStore> = (json: unknown, directory: OrgDirectory, settings: StoreSettingsLike) => S;

export type OrgInfo = {
  id: string;
  name: string;
  instanceName: string;
  organizationType: string;
  isSandbox: boolean;
  namespacePrefix: string | null;
  createdDate: string;
};

export type Profile = { id: string; name: string; userType: string; description: string };
export type PermissionSet = { id: string; name: string; label: string; description: string };

export type StoredUser = EmulatedUser & {
  createdDate: string;
  /** Alias shown in Setup; 8 characters at most. */
  alias: string;
  /** Permissions granted (true) or taken away (false) from this user, over what the profile gives. */
  permissionOverrides?: Partial<Record<UserPermission, boolean>>;
};

export type OrgSettings = {
  /** Setup > External Client App Settings > "Allow creation of connected apps". Off since Spring '26. */
  allowConnectedAppCreation: boolean;
  /** External Client App Settings > "Allow access to External Client App consumer secrets via REST API". */
  ecaSecretRestAccess: boolean;
  /**
   * External Client App Settings > "Allow Access to OAuth Consumer Secrets via Metadata API" (enableConsumerSecretApiAccess).
   * Off: ExtlClntAppGlobalOauthSettings can be neither read, retrieved nor deployed (docs/salesforce-facts.md#f-eca-metadata-secret-access).
   * On by default so an emulated admin works as before; Salesforce recommends off, so tests switch it off.
   */
  ecaMetadataSecretAccess: boolean;
  /** Dev Hub enabled: the CLI's ScratchOrgInfo probe succeeds only then. */
  isDevHub: boolean;
  /**
   * The wording of the Spring '26 connected app creation refusal; absent: the store's default. Salesforce has not
   * published it (docs/salesforce-facts.md#f-ca-creation-block), so tests vary it to prove recognition by meaning.
   */
  connectedAppBlockMessage?: string;
};

export type Session = {
  accessToken: string;
  userId: string;
  clientId: string;
  scope: string;
  issuedAt: number;
};

export type RefreshTokenRecord = { token: string; userId: string; clientId: string; scope: string; issuedAt: number };

export type AuthorizationCode = {
  code: string;
  clientId: string;
  redirectUri: string;
  userId: string;
  scope: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expiresAt: number;
};

/**
 * System permissions the emulator models; only the ones it checks. ViewEcaSecretsInMetadata is "View External Client
 * Apps Consumer Secrets in Metadata" (docs/salesforce-facts.md#f-eca-metadata-secret-access).
 */
export type UserPermission = 'ViewClientSecret' | 'ExternalClientAppDeveloper' | 'ApiEnabled' | 'ViewEcaSecretsInMetadata';

export const USER_PERMISSIONS: readonly UserPermission[] = [
  'ViewClientSecret',
  'ExternalClientAppDeveloper',
  'ApiEnabled',
  'ViewEcaSecretsInMetadata',
];

/** What a user lacks to read or deploy ExtlClntAppGlobalOauthSettings: the org setting, the permission, or both. */
export type EcaMetadataAccessGap = Array<'orgSetting' | 'userPermission'>;

const DEFAULT_SETTINGS: OrgSettings = {
  allowConnectedAppCreation: false,
  ecaSecretRestAccess: true,
  ecaMetadataSecretAccess: true,
  isDevHub: true,
};

const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Salesforce's case-safe 18-character form of a 15-character id: one checksum character per 5-character chunk. */
export function toId18(id15: string): string {
  if (id15.length !== 15) throw new Error(`not a 15-character id: ${id15}`);
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15[chunk * 5 + i];
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET[bits];
  }
  return id15 + suffix;
}

/** Makes ids with real key prefixes (00D org, 005 user, 00e profile, 0PS permission set, ...). */
export class IdFactory {
  public constructor(private counter = 0, private readonly pod = '5g') {}

  public get next(): number {
    return this.counter;
  }

  public id18(keyPrefix: string): string {
    this.counter += 1;
    let n = this.counter;
    let body = '';
    for (let i = 0; i < 9; i++) {
      body = BASE62[n % 62] + body;
      n = Math.floor(n / 62);
    }
    return toId18(`${keyPrefix}${this.pod}0${body}`);
  }
}

/** Opaque token text (docs/salesforce-facts.md#f-access-token-opaque). */
function b64Token(bytes: number): string {
  // Real tokens are base64-like with '.' and '_' in them; base64url with '-' mapped to '.' looks the same. At most one
  // '.' is kept: a token with exactly two would have three dot-separated parts, which jsforce takes for a JWT (and
  // then refuses every SOAP call).
  const text = randomBytes(bytes).toString('base64url');
  const firstDash = text.indexOf('-');
  return text.replace(/-/g, (_dash, offset: number) => (offset === firstDash ? '.' : '_'));
}

/** The seeded connected app; its private key is kept so a restored org can write the same key file again. */
export type BootstrapApp = { clientId: string; appName: string; privateKeyPem: string };

export type OrgStateJson = {
  version: 1;
  idCounter: number;
  org: OrgInfo;
  settings: OrgSettings;
  profiles: Profile[];
  permissionSets: PermissionSet[];
  users: StoredUser[];
  sessions: Session[];
  refreshTokens: RefreshTokenRecord[];
  authorizationCodes: AuthorizationCode[];
  bootstrap?: BootstrapApp;
  store?: unknown;
};

export type OrgStateOptions = {
  orgName?: string;
  settings?: Partial<OrgSettings>;
  now?: () => number;
  /** A sandbox: Organization.IsSandbox is true and JWT audiences are the sandbox ones (docs/salesforce-facts.md#f-jwt-audience). */
  isSandbox?: boolean;
};

export class OrgState<S extends AppStore = AppStore> implements OrgDirectory {
  public org: OrgInfo;
  public settings: OrgSettings;
  public profiles: Profile[] = [];
  public permissionSets: PermissionSet[] = [];
  public users: StoredUser[] = [];
  public readonly sessions = new Map<string, Session>();
  public readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  public readonly authorizationCodes = new Map<string, AuthorizationCode>();
  /** The connected app the emulator seeds so `sf org login jwt` works at once. */
  public bootstrap?: BootstrapApp;
  /** Test hook: the user the auto-approving authorize endpoint logs in (default: the admin). */
  public webLoginUsername?: string;
  public readonly ids: IdFactory;
  public readonly now: () => number;
  private storeRef?: S;

  public constructor(options: OrgStateOptions = {}, restoredIdCounter?: number) {
    this.now = options.now ?? Date.now;
    this.ids = new IdFactory(restoredIdCounter ?? 0);
    const created = new Date(this.now()).toISOString();
    this.org = {
      id: this.ids.id18('00D'),
      name: options.orgName ?? 'OAuth Apps Emulator',
      instanceName: 'EMU1',
      organizationType: 'Developer Edition',
      isSandbox: options.isSandbox ?? false,
      namespacePrefix: null,
      createdDate: created,
    };
    this.settings = { ...DEFAULT_SETTINGS, ...options.settings };
    if (restoredIdCounter !== undefined) return;
    for (const [name, userType, description] of [
      ['System Administrator', 'Standard', 'Full access'],
      ['Standard User', 'Standard', 'Standard user'],
      ['Minimum Access - Salesforce', 'Standard', 'Minimum access'],
      ['Minimum Access - API Only Integrations', 'Standard', 'API only integration user'],
      ['Read Only', 'Standard', 'Read only'],
    ]) {
      this.profiles.push({ id: this.ids.id18('00e'), name, userType, description });
    }
    for (const [name, label] of [
      ['CLI_Access', 'CLI Access'],
      ['Integration_Access', 'Integration Access'],
      ['Deploy_Metadata', 'Deploy Metadata'],
    ]) {
      this.permissionSets.push({ id: this.ids.id18('0PS'), name, label, description: label });
    }
    this.addUser({ username: 'admin@oauthapps.emulator.org', firstName: 'Ada', lastName: 'Admin', profileName: 'System Administrator', permissionSets: [] });
    this.addUser({ username: 'standard@oauthapps.emulator.org', firstName: 'Sam', lastName: 'Standard', profileName: 'Standard User', permissionSets: [] });
    this.addUser({
      username: 'integration@oauthapps.emulator.org',
      firstName: 'Integration',
      lastName: 'User',
      profileName: 'Minimum Access - API Only Integrations',
      permissionSets: ['CLI_Access'],
    });
  }

  /** The metadata store; throws until server.ts attached one. */
  public get store(): S {
    if (!this.storeRef) throw new Error('no metadata store attached to the org state');
    return this.storeRef;
  }

  public get hasStore(): boolean {
    return this.storeRef !== undefined;
  }

  public get orgId15(): string {
    return this.org.id.slice(0, 15);
  }

  public get adminUser(): StoredUser {
    return this.users.find((u) => u.profileName === 'System Administrator' && u.isActive) ?? this.users[0];
  }

  public static fromJSON<S extends AppStore>(
    json: unknown,
    restoreStore?: StoreRestorer<S>,
    now?: () => number
  ): OrgState<S> {
    const data = json as OrgStateJson;
    if (data?.version !== 1) throw new Error('unsupported emulator state file (expected version 1)');
    const state = new OrgState<S>({ now }, data.idCounter);
    state.org = data.org;
    // State files from before a setting existed get its default.
    state.settings = { ...DEFAULT_SETTINGS, ...data.settings };
    state.profiles = data.profiles;
    state.permissionSets = data.permissionSets;
    state.users = data.users;
    state.bootstrap = data.bootstrap;
    for (const s of data.sessions) state.sessions.set(s.accessToken, s);
    for (const r of data.refreshTokens) state.refreshTokens.set(r.token, r);
    for (const c of data.authorizationCodes) state.authorizationCodes.set(c.code, c);
    if (restoreStore && data.store !== undefined) {
      state.attachStore(
        restoreStore(data.store, state, { liveDelayMs: 0, allowConnectedAppCreation: data.settings.allowConnectedAppCreation })
      );
    }
    return state;
  }

  public attachStore(store: S): void {
    this.storeRef = store;
    this.syncStoreSettings();
  }

  /** Changes org settings, keeping the store's copy of the creation switch and its refusal wording in step. */
  public updateSettings(patch: Partial<OrgSettings>): void {
    this.settings = { ...this.settings, ...patch };
    if (this.settings.connectedAppBlockMessage === undefined) delete this.settings.connectedAppBlockMessage;
    this.syncStoreSettings();
  }

  /** Makes the org a sandbox or a production org (docs/salesforce-facts.md#f-jwt-audience). */
  public setSandbox(isSandbox: boolean): void {
    this.org = { ...this.org, isSandbox };
  }

  public addUser(input: {
    username: string;
    firstName: string;
    lastName: string;
    profileName: string;
    permissionSets: string[];
    email?: string;
    isActive?: boolean;
  }): StoredUser {
    if (!this.profileExists(input.profileName)) throw new Error(`no profile ${input.profileName}`);
    const user: StoredUser = {
      id: this.ids.id18('005'),
      username: input.username,
      email: input.email ?? input.username.replace(/@.*$/, '@example.com'),
      firstName: input.firstName,
      lastName: input.lastName,
      profileName: input.profileName,
      permissionSets: input.permissionSets,
      isActive: input.isActive ?? true,
      createdDate: new Date(this.now()).toISOString(),
      alias: (input.firstName.slice(0, 1) + input.lastName).slice(0, 8).toLowerCase(),
    };
    this.users.push(user);
    return user;
  }

  // OrgDirectory: names compare case-insensitively, as Salesforce does for profile and permission set names.
  public profileExists(name: string): boolean {
    return this.profiles.some((p) => p.name.toLowerCase() === name.toLowerCase());
  }

  public permissionSetExists(name: string): boolean {
    return this.permissionSets.some((p) => p.name.toLowerCase() === name.toLowerCase());
  }

  public userExists(username: string): boolean {
    return this.findUserByUsername(username) !== undefined;
  }

  public findUserByUsername(username: string): StoredUser | undefined {
    return this.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  }

  public findUserById(id: string): StoredUser | undefined {
    // Accept the 15-character form too, as Salesforce does.
    return this.users.find((u) => u.id === id || u.id.slice(0, 15) === id);
  }

  public profileByName(name: string): Profile | undefined {
    return this.profiles.find((p) => p.name.toLowerCase() === name.toLowerCase());
  }

  public permissionSetByName(name: string): PermissionSet | undefined {
    return this.permissionSets.find((p) => p.name.toLowerCase() === name.toLowerCase());
  }

  /**
   * Modelled simply: the System Administrator profile carries every permission checked, other profiles none, unless
   * the user's own overrides say otherwise (set through POST /_emulator/settings userPermissions).
   */
  public userHasPermission(user: EmulatedUser, permission: UserPermission): boolean {
    const override = this.findUserById(user.id)?.permissionOverrides?.[permission];
    if (override !== undefined) return override;
    if (permission === 'ApiEnabled') return true;
    return user.profileName === 'System Administrator';
  }

  /** Grants (true) or takes away (false) permissions of one user; null returns a permission to the profile's say. */
  public setUserPermissions(username: string, permissions: Partial<Record<UserPermission, boolean | null>>): void {
    const user = this.findUserByUsername(username);
    if (!user) throw new Error(`no user ${username}`);
    const overrides = { ...user.permissionOverrides };
    for (const [name, value] of Object.entries(permissions)) {
      if (!USER_PERMISSIONS.includes(name as UserPermission)) {
        throw new Error(`unknown permission ${name} (known: ${USER_PERMISSIONS.join(', ')})`);
      }
      if (value === null) delete overrides[name as UserPermission];
      else if (typeof value === 'boolean') overrides[name as UserPermission] = value;
      else throw new Error(`${name} must be true, false or null`);
    }
    user.permissionOverrides = Object.keys(overrides).length > 0 ? overrides : undefined;
  }

  /** Empty when the user may read, retrieve and deploy External Client App global OAuth settings. */
  public ecaMetadataAccessGap(user: EmulatedUser): EcaMetadataAccessGap {
    const gap: EcaMetadataAccessGap = [];
    if (!this.settings.ecaMetadataSecretAccess) gap.push('orgSetting');
    if (!this.userHasPermission(user, 'ViewEcaSecretsInMetadata')) gap.push('userPermission');
    return gap;
  }

  public createSession(userId: string, clientId: string, scope: string): Session {
    const session: Session = {
      accessToken: `${this.orgId15}!AQ${b64Token(72)}`,
      userId,
      clientId,
      scope,
      issuedAt: this.now(),
    };
    this.sessions.set(session.accessToken, session);
    return session;
  }

  public sessionUser(accessToken: string): StoredUser | undefined {
    const session = this.sessions.get(accessToken);
    if (!session) return undefined;
    const user = this.findUserById(session.userId);
    return user?.isActive ? user : undefined;
  }

  public invalidateSession(accessToken: string): boolean {
    return this.sessions.delete(accessToken);
  }

  public createRefreshToken(userId: string, clientId: string, scope: string): RefreshTokenRecord {
    const record: RefreshTokenRecord = { token: `5Aep861${b64Token(60)}`, userId, clientId, scope, issuedAt: this.now() };
    this.refreshTokens.set(record.token, record);
    return record;
  }

  public createAuthorizationCode(input: Omit<AuthorizationCode, 'code' | 'expiresAt'>): AuthorizationCode {
    // Real codes are valid for 15 minutes and start with "aPrx".
    const record: AuthorizationCode = { ...input, code: `aPrx${b64Token(48)}`, expiresAt: this.now() + 15 * 60_000 };
    this.authorizationCodes.set(record.code, record);
    return record;
  }

  /** Removes and returns a code: codes are single-use. */
  public consumeAuthorizationCode(code: string): AuthorizationCode | undefined {
    const record = this.authorizationCodes.get(code);
    this.authorizationCodes.delete(code);
    return record;
  }

  /** HMAC-like signature field of token responses: base64 SHA-256 over id and issued_at. */
  public tokenSignature(idUrl: string, issuedAt: string): string {
    return createHash('sha256').update(`${this.org.id}:${idUrl}:${issuedAt}`).digest('base64');
  }

  public toJSON(): OrgStateJson {
    return {
      version: 1,
      idCounter: this.ids.next,
      org: this.org,
      settings: this.settings,
      profiles: this.profiles,
      permissionSets: this.permissionSets,
      users: this.users,
      sessions: [...this.sessions.values()],
      refreshTokens: [...this.refreshTokens.values()],
      authorizationCodes: [...this.authorizationCodes.values()],
      bootstrap: this.bootstrap,
      store: this.storeRef?.toJSON(),
    };
  }

  private syncStoreSettings(): void {
    if (!this.storeRef) return;
    // The store reads the creation switch and the refusal wording from its own settings.
    const settings = this.storeRef.settings;
    settings.allowConnectedAppCreation = this.settings.allowConnectedAppCreation;
    if (this.settings.connectedAppBlockMessage === undefined) delete settings.connectedAppBlockMessage;
    else settings.connectedAppBlockMessage = this.settings.connectedAppBlockMessage;
  }
}
