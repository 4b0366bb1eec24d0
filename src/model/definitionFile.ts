/*
 * The app as a JSON document (`--definition-file app.json`, like a scratch org definition file): reading and checking
 * it against schemas/app-definition.schema.json, turning it into settings, and layering preset < file < flags.
 * The document mirrors what `display --json` returns (OAuthAppDefinition), so display's output is a definition file.
 * Also the dry run's view of the app: its metadata as source XML, secrets masked.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import { compact } from '../util/records.js';
import { toSourceXml } from '../metadata/xml.js';
import { planSourceFiles, writeSourceFiles } from '../files/sourceFiles.js';
import type { AssetTokenSettings, IdTokenSettings, MetadataComponent, PermittedUsers } from './appModel.js';
import {
  describeRefreshTokenPolicy,
  parseRefreshTokenPolicy,
  validateAppName,
  validateCallbackUrl,
  type AppDefinitionInput,
} from './appDefinition.js';
import { parseScopes } from './scopes.js';
import { presetSettings, type PresetName } from './presets.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.definition-file');

/**
 * One layer of app settings (a preset, a definition file, or the flags): AppDefinitionInput with everything optional,
 * plus noCertificate, and `false` to switch off ID or asset tokens a lower layer turned on.
 */
export type AppSettings = Partial<Omit<AppDefinitionInput, 'idToken' | 'assetToken'>> & {
  idToken?: Partial<IdTokenSettings> | false;
  assetToken?: Partial<AssetTokenSettings> | false;
  noCertificate?: boolean;
};

/** What the create flow knows beyond the app's settings (flags that are not settings). */
export type LayeredCreateInput = AppSettings & {
  preset?: PresetName;
  definitionFile?: string;
  certificateFile?: string;
  jwtKeyFile?: string;
  dryRun?: boolean;
};

// ---------------------------------------------------------------------------------------------------------------
// The schema, and a checker for the part of draft-07 it uses (type, enum, properties, additionalProperties: false,
// required, items, anyOf, minimum/maximum, minLength/maxLength, pattern). The schema file is the one source of the
// rules: editors check with it, and so does the command.

export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
};

/** One broken rule: where (a dotted path), what the rule is, and how to fix it (the setting's description). */
export type SchemaProblem = { path: string; rule: string; fix?: string };

let cachedSchema: JsonSchema | undefined;
/** schemas/app-definition.schema.json, shipped with the plugin (two folders up from src/shared and lib/shared). */
export function definitionSchema(): JsonSchema {
  cachedSchema ??= JSON.parse(
    readFileSync(new URL('../../schemas/app-definition.schema.json', import.meta.url), 'utf8')
  ) as JsonSchema;
  return cachedSchema;
}

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;

const typeMatches = (value: unknown, type: string): boolean =>
  type === typeOf(value) || (type === 'number' && typeof value === 'number');

const show = (value: unknown): string => JSON.stringify(value);

/** Checks a value against a schema; returns every problem (empty when it conforms). */
export function checkSchema(value: unknown, schema: JsonSchema, path = ''): SchemaProblem[] {
  const problem = (rule: string): SchemaProblem[] => [{ path: path || '(document)', rule, fix: schema.description }];
  if (schema.anyOf) {
    const fits = schema.anyOf.some((option) => checkSchema(value, option, path).length === 0);
    if (fits) return [];
    // Name the problems of the option whose type fits, else describe the whole setting.
    const sameType = schema.anyOf.find((option) => option.type === undefined || [option.type].flat().some((t) => typeMatches(value, t)));
    return sameType ? checkSchema(value, { description: schema.description, ...sameType }, path) : problem('has the wrong type');
  }
  if (schema.enum && !schema.enum.some((allowed) => allowed === value)) {
    return problem(`must be one of ${schema.enum.map(show).join(', ')} (got ${show(value)})`);
  }
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (types.length > 0 && !types.some((type) => typeMatches(value, type))) {
    return problem(`must be ${types.map((t) => (t === 'array' || t === 'integer' || t === 'object' ? `an ${t}` : `a ${t}`)).join(' or ')} (got ${typeOf(value)} ${show(value)})`);
  }
  if (typeof value === 'number') return checkNumber(value, schema, problem);
  if (typeof value === 'string') return checkString(value, schema, problem);
  if (Array.isArray(value)) {
    return schema.items ? value.flatMap((item, index) => checkSchema(item, schema.items!, `${path}[${index}]`)) : [];
  }
  if (value && typeof value === 'object') return checkObject(value as Record<string, unknown>, schema, path);
  return [];
}

function checkNumber(value: number, schema: JsonSchema, problem: (rule: string) => SchemaProblem[]): SchemaProblem[] {
  if (schema.minimum !== undefined && value < schema.minimum) return problem(`must be at least ${schema.minimum} (got ${value})`);
  if (schema.maximum !== undefined && value > schema.maximum) return problem(`must be at most ${schema.maximum} (got ${value})`);
  return [];
}

function checkString(value: string, schema: JsonSchema, problem: (rule: string) => SchemaProblem[]): SchemaProblem[] {
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    return problem(schema.minLength === 1 ? 'must not be empty' : `must have at least ${schema.minLength} characters`);
  }
  if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    return problem(`must have at most ${schema.maxLength} characters (got ${value.length})`);
  }
  if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
    return problem(`must match ${schema.pattern} (got ${show(value)})`);
  }
  return [];
}

function checkObject(value: Record<string, unknown>, schema: JsonSchema, path: string): SchemaProblem[] {
  const properties = schema.properties ?? {};
  const at = (key: string): string => (path ? `${path}.${key}` : key);
  const problems: SchemaProblem[] = [];
  for (const key of schema.required ?? []) {
    if (value[key] === undefined) problems.push({ path: at(key), rule: 'is required', fix: properties[key]?.description });
  }
  for (const [key, inner] of Object.entries(value)) {
    // JSON has no undefined; an object built in code may, and it means "absent".
    if (inner === undefined) continue;
    const property = properties[key];
    if (property) problems.push(...checkSchema(inner, property, at(key)));
    else if (schema.additionalProperties === false) {
      problems.push({
        path: at(key),
        rule: 'is not a setting',
        fix: messages.getMessage('info.validSettings', [path || 'the top level', Object.keys(properties).join(', ')]),
      });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// From the document to settings.

type Loose = Record<string, unknown>;

const PERMITTED_USERS: Record<string, PermittedUsers> = {
  AdminApprovedPreAuthorized: 'AdminApprovedPreAuthorized',
  AllSelfAuthorized: 'AllSelfAuthorized',
  'admin-approved': 'AdminApprovedPreAuthorized',
  'all-users': 'AllSelfAuthorized',
};

/** Keys of "flows": each is the AppDefinitionInput field of the same name. */
const FLOW_KEYS = [
  'deviceFlow',
  'clientCredentials',
  'clientCredentialsUser',
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

/** `sf ... display --json` wraps the definition as {status, result, warnings}; such a file is taken as its result. */
function unwrapJsonOutput(document: unknown): unknown {
  if (!document || typeof document !== 'object' || Array.isArray(document)) return document;
  const record = document as Loose;
  const keys = Object.keys(record);
  const envelope = keys.includes('status') && keys.includes('result') && keys.every((k) => ['status', 'result', 'warnings'].includes(k));
  return envelope ? record.result : document;
}

/** A certificate as some orgs return it (the base64 body alone) made into a PEM block. */
function toPem(certificate: string): string {
  if (certificate.includes('-----BEGIN CERTIFICATE-----')) return certificate;
  return `-----BEGIN CERTIFICATE-----\n${(certificate.replace(/\s+/g, '').match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
}

function refreshTokenPolicyText(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  const policy = value as { type: string; value?: number; unit?: 'hours' | 'days' | 'months' };
  if (policy.type === 'infinite' || policy.type === 'zero') return policy.type;
  if (policy.value === undefined || policy.unit === undefined) {
    throw new RangeError(messages.getMessage('info.policyNeedsValue', [policy.type]));
  }
  return describeRefreshTokenPolicy({ type: policy.type as 'specificLifetime', value: policy.value, unit: policy.unit });
}

/**
 * The settings a definition document holds. Throws error.InvalidDefinitionFile listing every schema problem, or
 * error.InvalidSettingValue for a value the schema lets through but Salesforce would refuse (unknown scope, ...).
 */
export function parseDefinitionDocument(document: unknown, file: string): { settings: AppSettings; warnings: string[] } {
  const doc = unwrapJsonOutput(document);
  const problems = checkSchema(doc, definitionSchema());
  if (problems.length > 0) {
    const lines = problems.map((p) => `${p.path} ${p.rule}`);
    const fixes = problems.map((p) => `${p.path}: ${p.fix ?? messages.getMessage('info.seeSchema')}`);
    const error = messages.createError('error.InvalidDefinitionFile', [file, lines.join('\n')]);
    // One action per problem: the setting's description says what it takes.
    error.actions = [...fixes, messages.getMessage('info.schemaHint')];
    throw error;
  }
  const record = doc as Loose;
  const warnings: string[] = [];
  for (const key of ['consumerKey', 'consumerSecret'] as const) {
    if (record[key] !== undefined) warnings.push(messages.getMessage(`warning.${key}Ignored`, [file]));
  }
  const settings = withValueChecks(file, () => toSettings(record));
  return { settings, warnings };
}

/** Runs a check; its error is tagged with the setting it concerns, for withValueChecks. */
function tagged<T>(path: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw Object.assign(error as Error, { settingPath: path });
  }
}

function toSettings(doc: Loose): AppSettings {
  const flows = (doc.flows ?? {}) as Loose;
  const certificate = doc.certificate as string | undefined;
  // display's output describes the whole app: one without a certificate is a web-only app, and stays one.
  const noCertificate = (doc.noCertificate as boolean | undefined) ?? (doc.kind !== undefined && !certificate ? true : undefined);
  const settings: AppSettings = compact({
    name: doc.name as string | undefined,
    label: doc.label as string | undefined,
    description: doc.description as string | undefined,
    contactEmail: doc.contactEmail as string | undefined,
    contactPhone: doc.contactPhone as string | undefined,
    callbackUrls: doc.callbackUrls as string[] | undefined,
    callbackUrlMyDomain: doc.callbackUrlMyDomain as boolean | undefined,
    scopes: doc.scopes as string[] | undefined,
    certificatePem: certificate ? toPem(certificate) : undefined,
    noCertificate,
    permittedUsers: doc.permittedUsers === undefined ? undefined : PERMITTED_USERS[doc.permittedUsers as string],
    profiles: doc.profiles as string[] | undefined,
    permissionSets: doc.permissionSets as string[] | undefined,
    refreshTokenPolicy: tagged('refreshTokenPolicy', () => refreshTokenPolicyText(doc.refreshTokenPolicy)),
    sessionTimeoutMinutes: doc.sessionTimeoutMinutes as number | undefined,
    ipRelaxation: doc.ipRelaxation as string | undefined,
    ...Object.fromEntries(FLOW_KEYS.filter((key) => flows[key] !== undefined).map((key) => [key, flows[key]])),
    idToken: doc.idToken as Partial<IdTokenSettings> | undefined,
    assetToken: doc.assetToken as Partial<AssetTokenSettings> | undefined,
    singleLogoutUrl: doc.singleLogoutUrl as string | undefined,
  });
  // Values the schema cannot judge, checked here so the error names the file and the setting.
  const check = (path: string, run: () => unknown): void => void tagged(path, run);
  if (settings.name !== undefined) check('name', () => validateAppName(settings.name!));
  if (settings.scopes !== undefined) check('scopes', () => parseScopes(settings.scopes!));
  settings.callbackUrls?.forEach((url, i) => check(`callbackUrls[${i}]`, () => validateCallbackUrl(url)));
  if (settings.refreshTokenPolicy !== undefined) check('refreshTokenPolicy', () => parseRefreshTokenPolicy(settings.refreshTokenPolicy!));
  return settings;
}

/** Runs the conversion; an error from a value check becomes one that names the file and the setting. */
function withValueChecks<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    const err = error as Error & { settingPath?: string; actions?: string[] };
    if (err.settingPath === undefined) throw error;
    const path = err.settingPath;
    const wrapped = messages.createError('error.InvalidSettingValue', [file, path, err.message]);
    // The original fix comes first: it knows the value's rules.
    wrapped.actions = [...(err.actions ?? []), ...(wrapped.actions ?? [])];
    throw wrapped;
  }
}

/** Reads and checks a definition file. */
export async function loadDefinitionFile(file: string): Promise<{ settings: AppSettings; warnings: string[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw messages.createError('error.DefinitionFileUnreadable', [file, (error as Error).message]);
  }
  let document: unknown;
  try {
    // A BOM (Windows editors) is not JSON.
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw messages.createError('error.DefinitionFileNotJson', [file, (error as Error).message]);
  }
  return parseDefinitionDocument(document, file);
}

// ---------------------------------------------------------------------------------------------------------------
// Layers: preset < definition file < flags.

/** Later layers win; undefined means "not set here". ID and asset token settings merge field by field. */
export function mergeSettings(...layers: Array<AppSettings | undefined>): AppSettings {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value === undefined) continue;
      const below = merged[key];
      const nested = (key === 'idToken' || key === 'assetToken') && value && below && typeof below === 'object';
      merged[key] = nested ? { ...below, ...compact(value as Loose) } : value;
    }
  }
  return merged as AppSettings;
}

/** Model paths of the settings the flags themselves set (see AppDefinitionContext.insistedSettings). */
function insistedSettings(flags: AppSettings): string[] {
  const flowKeys = new Set<string>(FLOW_KEYS);
  return Object.entries(flags)
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([key]) => (flowKeys.has(key) ? `flows.${key}` : key));
}

export type ResolvedCreateInput<T> = Omit<T, 'idToken' | 'assetToken'> &
  AppDefinitionInput & { noCertificate?: boolean; insistedSettings: string[] };

/**
 * The create command's input with the preset and the definition file under the flags. The result carries a name
 * (from the flags or the file) and the settings the flags insisted on; file warnings go to warn.
 */
export async function resolveLayers<T extends LayeredCreateInput>(
  given: T,
  warn: (message: string) => void
): Promise<ResolvedCreateInput<T>> {
  const preset = given.preset ? presetSettings(given.preset) : undefined;
  const file = given.definitionFile ? await loadDefinitionFile(given.definitionFile) : undefined;
  file?.warnings.forEach(warn);
  const flags = given as AppSettings;
  const merged = mergeSettings(preset, file?.settings, flags);
  // A certificate named on the command line replaces the file's, and any "no certificate" below it.
  if (given.certificateFile ?? given.jwtKeyFile) {
    if (given.certificateFile) delete merged.certificatePem;
    if (flags.noCertificate === undefined) merged.noCertificate = false;
  }
  if (merged.noCertificate) delete merged.certificatePem;
  if (!merged.name) throw messages.createError('error.NameRequired');
  const { idToken, assetToken, ...rest } = merged;
  return {
    ...(given as Omit<T, 'idToken' | 'assetToken'>),
    ...rest,
    name: merged.name,
    idToken: idToken === false ? undefined : idToken,
    assetToken: assetToken === false ? undefined : assetToken,
    insistedSettings: insistedSettings(flags),
  } as ResolvedCreateInput<T>;
}

// ---------------------------------------------------------------------------------------------------------------
// Dry run: the components as they would be deployed, as source XML.

export type ComponentPreview = { type: string; fullName: string; xml: string; path?: string };

export const MASKED_SECRET = '********';

/** A copy with every consumerSecret replaced by a mask, at any depth. */
export function maskSecrets(component: MetadataComponent): MetadataComponent {
  const mask = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(mask);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Loose).map(([key, inner]) => [key, key === 'consumerSecret' ? MASKED_SECRET : mask(inner)])
      );
    }
    return value;
  };
  return { ...component, content: mask(component.content) as Loose };
}

/**
 * The source XML of every component (secrets masked). With outputDir, the source files are written there, in a
 * package directory layout (main/default/<folder>), without the secret: nothing else is written.
 */
export async function previewComponents(
  components: readonly MetadataComponent[],
  options: { outputDir?: string; overwrite?: boolean } = {}
): Promise<ComponentPreview[]> {
  const previews = components.map((component) => ({
    type: component.type,
    fullName: component.fullName,
    xml: toSourceXml(maskSecrets(component)),
  }));
  if (!options.outputDir) return previews;
  const paths = await writeSourceFiles(await planSourceFiles(components, options.outputDir, { overwrite: options.overwrite }));
  return previews.map((preview, i) => ({ ...preview, path: paths[i] }));
}
