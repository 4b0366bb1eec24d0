/*
 * From what the user asked (an UpdateRequest) to the definition the app should have. Pure: no org, no files.
 * Only the settings the request names change; create's validation rules judge the result.
 */
import { Messages } from '@salesforce/core';
import type { AppKind, OAuthAppDefinition } from '../../model/appModel.js';
import { buildAppDefinition, type AppDefinitionInput } from '../../model/appDefinition.js';
import { mergeSettings, type AppSettings, type LayeredCreateInput } from '../../model/appSettings.js';
import { loadDefinitionFile } from '../../files/definitionFile.js';
import { parseScopes } from '../../model/scopes.js';
import { compact } from '../../util/records.js';
import { FLOW_KEYS, FLOW_SWITCHES } from '../../model/settings.js';
import type { UpdateRequest } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');


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
    // What the org already took stays; only scopes the request adds must be ones the kind carries.
    keptScopes: current.scopes,
  });
  const next = takeAsked(current, built.definition, request, asked);
  for (const setting of built.unsupportedSettings) {
    const [group, key] = setting.split('.');
    if (group === 'flows' && key) Object.assign(next.flows, { [key]: current.flows[key as keyof OAuthAppDefinition['flows']] });
    else Object.assign(next, { [setting]: current[setting as keyof OAuthAppDefinition] });
  }
  return { definition: next, warnings: [...warnings, ...built.warnings] };
}


/** A layer of settings (a definition file's, the flags', or both merged) as an update request: each one named replaces. */
export function requestFromSettings(settings: AppSettings): UpdateRequest {
  const flows = Object.fromEntries(FLOW_KEYS.map((key) => [key, settings[key as keyof AppSettings]]));
  return compact({
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
  const flowKeys = new Set<string>(FLOW_KEYS);
  return Object.entries(settings)
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([key]) => (flowKeys.has(key) ? `flows.${key}` : key));
}

/** Add/remove edits of the list settings, as typed (--add-callback-url, --remove-scopes, ...). */
export type ListEdits = Pick<
  UpdateRequest,
  | 'addCallbackUrls'
  | 'removeCallbackUrls'
  | 'addScopes'
  | 'removeScopes'
  | 'addProfiles'
  | 'removeProfiles'
  | 'addPermissionSets'
  | 'removePermissionSets'
>;

/** What the update commands take, flag syntax gone: the name, a definition file, the flags' settings and list edits. */
export type UpdateInput = {
  name?: string;
  definitionFile?: string;
  /** The flags' layer of settings (what was typed, nothing filled in). */
  settings: LayeredCreateInput;
  edits: ListEdits;
};

/** The flags' settings over the definition file's, plus the list edits, as one update request. */
export function toUpdateRequest(input: Pick<UpdateInput, 'settings' | 'edits'>, fileSettings?: AppSettings): UpdateRequest {
  const flagSettings: LayeredCreateInput = { ...input.settings };
  // Only what describes the app: name, definition file, preset and dry run are not settings to change.
  for (const key of ['name', 'definitionFile', 'preset', 'dryRun', 'noCertificate'] as const) delete flagSettings[key];
  const insisted = namedSettings(flagSettings);
  return compact({
    // File under flags; ID and asset token fields merge one by one.
    ...requestFromSettings(mergeSettings(fileSettings, flagSettings)),
    ...compact(input.edits),
    insistedSettings: insisted.length > 0 ? insisted : undefined,
  });
}

/**
 * The update request of the flags over the definition file, and the app's name: --name, or the file's (they must
 * agree when both are given). The file's consumer key is ignored with a warning: an update never changes it.
 */
export async function resolveUpdateInput(
  input: UpdateInput,
  warn: (message: string) => void
): Promise<{ name: string; request: UpdateRequest }> {
  const file = input.definitionFile ? await loadDefinitionFile(input.definitionFile) : undefined;
  for (const warning of file?.warnings ?? []) {
    // The file module's words are create's ("a new app gets a new key"); an update has its own reason.
    warn(warning.includes('consumerKey') ? messages.getMessage('warning.ConsumerKeyIgnored', [input.definitionFile]) : warning);
  }
  const fileName = file?.settings.name;
  if (input.name && fileName && input.name !== fileName) {
    throw messages.createError('error.NameMismatch', [input.name, input.definitionFile, fileName]);
  }
  const name = input.name ?? fileName;
  if (!name) throw messages.createError('error.NameRequired');
  return { name, request: toUpdateRequest(input, file?.settings) };
}
