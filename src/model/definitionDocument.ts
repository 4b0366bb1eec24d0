/*
 * The app as a JSON document (`--definition-file app.json`, like a scratch org definition file): checked against the
 * schema and turned into a layer of settings. The document mirrors what `display --json` returns, so display's
 * output is a definition file.
 */
import { Messages } from '@salesforce/core';
import { compact, type Loose } from '../util/records.js';
import { toCertificatePem } from '../util/pem.js';
import type { OAuthAppDefinition } from './appModel.js';
import {
  describeIpRelaxation,
  describePermittedUsers,
  describeRefreshTokenPolicy,
  parsePermittedUsers,
  parseRefreshTokenPolicy,
  validateAppName,
  validateCallbackUrl,
  type IpRelaxationWord,
  type PermittedUsersWord,
} from './valueRules.js';
import type { AppSettings } from './appSettings.js';
import { parseCertificatePem } from './certificate.js';
import { checkSchema, definitionSchema } from './definitionSchema.js';
import { parseScopes, toOAuthScopeNames } from './scopes.js';
import { FLOW_KEYS, SETTING_FLAGS, SETTINGS } from './settings.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.definition-file');

/**
 * An app in the words a user types (the flags' and the definition file's): scopes as OAuth names (api, web,
 * refresh_token), the refresh token policy as 90d, IP relaxation and permitted users as the flags' options. What
 * the commands output, so any output can be fed back as input.
 */
export type DefinitionDocument = Omit<OAuthAppDefinition, 'scopes' | 'permittedUsers' | 'refreshTokenPolicy' | 'ipRelaxation'> & {
  /** OAuth token names: api, web, refresh_token, ... */
  scopes: string[];
  permittedUsers: PermittedUsersWord;
  /** 90d, 12h, 6mo, inactive:7d, infinite or zero. */
  refreshTokenPolicy: string;
  ipRelaxation: IpRelaxationWord;
};

/** The definition in the definition file's words (the inverse of reading a document). */
export function toDefinitionDocument(definition: OAuthAppDefinition): DefinitionDocument {
  return {
    ...definition,
    scopes: toOAuthScopeNames(definition.scopes),
    permittedUsers: describePermittedUsers(definition.permittedUsers),
    refreshTokenPolicy: describeRefreshTokenPolicy(definition.refreshTokenPolicy),
    ipRelaxation: describeIpRelaxation(definition.ipRelaxation),
  };
}


/** `sf ... display --json` wraps the definition as {status, result, warnings}; such a file is taken as its result. */
function unwrapJsonOutput(document: unknown): unknown {
  if (!document || typeof document !== 'object' || Array.isArray(document)) return document;
  const record = document as Loose;
  const keys = Object.keys(record);
  const envelope = keys.includes('status') && keys.includes('result') && keys.every((k) => ['status', 'result', 'warnings'].includes(k));
  return envelope ? record.result : document;
}

/** A certificate as some orgs return it (the base64 body alone) made into a PEM block. */
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
  // display's output describes the whole app: one without a certificate is a web-only app, and stays one, unless
  // display said the certificate was unknown (its component missing or unreadable).
  const unknown = Array.isArray(doc.unknownSettings) ? (doc.unknownSettings as unknown[]) : [];
  const noCertificate =
    (doc.noCertificate as boolean | undefined) ?? (doc.kind !== undefined && !certificate && !unknown.includes('certificate') ? true : undefined);
  // The table's settings as the document names them: top-level ones as they are, flows flattened, token sections whole.
  const fromTable = Object.fromEntries(
    SETTING_FLAGS.map((flag) => SETTINGS[flag].path)
      .filter((path) => !path.includes('.'))
      .map((path) => [path, doc[path]])
  );
  const settings: AppSettings = compact({
    ...fromTable,
    ...Object.fromEntries(FLOW_KEYS.filter((key) => flows[key] !== undefined).map((key) => [key, flows[key]])),
    name: doc.name as string | undefined,
    certificatePem: certificate ? toCertificatePem(certificate) : undefined,
    noCertificate,
    permittedUsers: doc.permittedUsers === undefined ? undefined : parsePermittedUsers(doc.permittedUsers as string),
    refreshTokenPolicy: tagged('refreshTokenPolicy', () => refreshTokenPolicyText(doc.refreshTokenPolicy)),
  }) as AppSettings;
  // Values the schema cannot judge, checked here so the error names the file and the setting.
  const check = (path: string, run: () => unknown): void => void tagged(path, run);
  if (settings.name !== undefined) check('name', () => validateAppName(settings.name!));
  if (settings.scopes !== undefined) check('scopes', () => parseScopes(settings.scopes!));
  settings.callbackUrls?.forEach((url, i) => check(`callbackUrls[${i}]`, () => validateCallbackUrl(url)));
  if (settings.refreshTokenPolicy !== undefined) check('refreshTokenPolicy', () => parseRefreshTokenPolicy(settings.refreshTokenPolicy!));
  // Garbage is refused here, before any request; whether the certificate is valid now is for the verb that sends it.
  if (settings.certificatePem !== undefined) check('certificate', () => parseCertificatePem(settings.certificatePem!));
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
