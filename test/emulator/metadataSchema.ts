/*
 * The Metadata API (v63 WSDL) definition of the types the plugin writes, as a compact table, and a validator that
 * answers the way Salesforce does.
 *
 * Element order depends on the entry point (docs/salesforce-facts.md#f-md-element-order):
 * - the CRUD calls (createMetadata, updateMetadata, upsertMetadata) are SOAP messages bound to the WSDL, whose types
 *   are xsd:sequences: an element out of sequence order is refused;
 * - a zip deploy accepts a type's elements in any order (a Salesforce sample project deploys a connected app with
 *   certificate after consumerKey and scopes before isAdminApproved);
 * - a file "as a retrieve writes it" (validateXmlDocument) is in sequence order.
 */
import { child, localName, METADATA_NS, namespaceOf, parseXml, type XmlElement } from './xml.js';

export type FieldDef = {
  name: string;
  /** 'string' | 'boolean' | 'int' | 'any' (loosely accepted complex type) | the name of a complex type or enum. */
  type: string;
  required: boolean;
  many: boolean;
};

export type ComplexTypeDef = {
  name: string;
  /** Metadata types extend Metadata, whose single element fullName comes first in the sequence. */
  isMetadata: boolean;
  fields: FieldDef[];
};

/*
 * Field spec mini-language: `name` (string, optional), `name*` (required), `name[]` (repeatable),
 * `name:type`. Order is the xsd:sequence order.
 */
const TYPES: Record<string, { metadata?: boolean; fields: string }> = {
  ConnectedApp: {
    metadata: true,
    fields:
      'attributes[]:ConnectedAppAttribute canvas:any canvasConfig:any contactEmail* contactPhone description iconUrl ' +
      'infoUrl ipRanges[]:ConnectedAppIpRange label* logoUrl mobileAppConfig:any mobileStartUrl ' +
      'oauthConfig:ConnectedAppOauthConfig oauthPolicy:ConnectedAppOauthPolicy permissionSetName[] plugin ' +
      'pluginExecutionUser profileName[] samlConfig:any sessionPolicy:ConnectedAppSessionPolicy startUrl',
  },
  ConnectedAppOauthConfig: {
    fields:
      'assetTokenConfig:ConnectedAppOauthAssetToken callbackUrl* certificate consumerKey consumerSecret ' +
      'idTokenConfig:ConnectedAppOauthIdToken isAdminApproved:boolean isClientCredentialEnabled:boolean ' +
      'isCodeCredentialEnabled:boolean isCodeCredentialPostOnly:boolean isConsumerSecretOptional:boolean ' +
      'isIntrospectAllTokens:boolean isNamedUserJwtEnabled:boolean isPkceRequired:boolean ' +
      'isRefreshTokenRotationEnabled:boolean isSecretRequiredForRefreshToken:boolean ' +
      'isSecretRequiredForTokenExchange:boolean isTokenExchangeEnabled:boolean oauthClientCredentialUser ' +
      'scopes[]:ConnectedAppOauthAccessScope singleLogoutUrl',
  },
  // ipRelaxation and refreshTokenPolicy required as the WSDL says (docs/salesforce-facts.md#f-ca-oauth-policy-required).
  ConnectedAppOauthPolicy: {
    fields: 'ipRelaxation* isTokenExchangeFlowEnabled:boolean refreshTokenPolicy* singleLogoutUrl',
  },
  ConnectedAppSessionPolicy: { fields: 'policyAction sessionLevel sessionTimeout:int' },
  ConnectedAppOauthIdToken: {
    fields:
      'idTokenAudience idTokenIncludeAttributes:boolean idTokenIncludeCustomPerms:boolean ' +
      'idTokenIncludeStandardClaims:boolean idTokenValidity:int',
  },
  ConnectedAppOauthAssetToken: {
    fields:
      'assetAudiences* assetIncludeAttributes*:boolean assetIncludeCustomPerms*:boolean assetSigningCertId* ' +
      'assetValidityPeriod*:int',
  },
  ConnectedAppIpRange: { fields: 'description end* start*' },
  ConnectedAppAttribute: { fields: 'formula* key*' },
  ExternalClientApplication: {
    metadata: true,
    fields:
      'contactEmail contactPhone description distributionState:ExtlClntAppDistState iconUrl infoUrl ' +
      'isProtected:boolean label logoUrl managedType:ExtlClntAppManagedType orgScopedExternalApp',
  },
  ExtlClntAppGlobalOauthSettings: {
    metadata: true,
    fields:
      'callbackUrl certificate consumerKey consumerSecret externalClientApplication* ' +
      'idTokenConfig:ExternalAppIdTokenConfig isClientCredentialsFlowEnabled:boolean isCodeCredFlowEnabled:boolean ' +
      'isCodeCredPostOnly:boolean isConsumerSecretOptional:boolean isDeviceFlowEnabled:boolean ' +
      'isIntrospectAllTokens:boolean isNamedUserJwtEnabled:boolean isPkceRequired:boolean ' +
      'isRefreshTokenRotationEnabled:boolean isSecretRequiredForRefreshToken:boolean ' +
      'isSecretRequiredForTokenExchange:boolean isTokenExchangeEnabled:boolean label ' +
      'shouldRotateConsumerKey:boolean shouldRotateConsumerSecret:boolean',
  },
  ExternalAppIdTokenConfig: {
    fields:
      'idTokenAudience idTokenIncludeAttributes:boolean idTokenIncludeCustomPermissions:boolean ' +
      'idTokenIncludeStandardClaims:boolean idTokenValidityInMinutes:int',
  },
  ExtlClntAppOauthSettings: {
    metadata: true,
    fields:
      'areAttributesIncludedInAssetToken:boolean areCustomPermsIncludedInAssetToken:boolean assetTokenAudiences ' +
      'assetTokenSigningCertificate assetTokenValidity:int clientAssertionCertificate commaSeparatedCustomScopes ' +
      'commaSeparatedOauthScopes customAttributes[]:ExtlClntAppOauthSettingsAttribute externalClientApplication* ' +
      'isFirstPartyAppEnabled:boolean label oauthLink singleLogoutUrl trustedIpRanges[]:ExtlClntAppOauthIpRange',
  },
  ExtlClntAppOauthIpRange: { fields: 'description endIpAddress* startIpAddress*' },
  ExtlClntAppOauthSettingsAttribute: { fields: 'formula* key*' },
  ExtlClntAppOauthPoliciesAttribute: { fields: 'formula* key*' },
  ExtlClntAppOauthConfigurablePolicies: {
    metadata: true,
    fields:
      'apexHandler clientCredentialsFlowUser commaSeparatedCustomScopes commaSeparatedPermissionSet ' +
      'commaSeparatedProfile customAttributes[]:ExtlClntAppOauthPoliciesAttribute executeHandlerAs ' +
      'externalClientApplication* guestJwtTimeout:int ipRelaxationPolicyType isClientCredentialsFlowEnabled:boolean ' +
      'isGuestCodeCredFlowEnabled:boolean isNamedUserJwtEnabled:boolean isTokenExchangeFlowEnabled:boolean label ' +
      'namedUserJwtTimeout:int permittedUsersPolicyType:PermittedUsersPolicyType policyAction:PolicyAction ' +
      'refreshTokenPolicyType:RefreshTokenPolicyType refreshTokenValidityPeriod:int refreshTokenValidityUnit ' +
      'requiredSessionLevel:SessionSecurityLevel sessionTimeoutInMinutes:int singleLogoutUrl startUrl',
  },
  ExtlClntAppConfigurablePolicies: {
    metadata: true,
    fields:
      'externalClientApplication* isEnabled*:boolean isMobilePluginEnabled:boolean ' +
      'isNotificationPluginEnabled:boolean isOauthPluginEnabled:boolean isPushPluginEnabled:boolean ' +
      'isSamlPluginEnabled:boolean label startPage:ExtlClntAppStartPage startUrl',
  },
  // Read-only here: listed and read from the org's directory, never deployed by the plugin.
  Profile: { metadata: true, fields: 'custom:boolean description userLicense' },
  PermissionSet: { metadata: true, fields: 'description hasActivationRequired:boolean label license' },
};

const CA_SCOPES = [
  'Basic', 'Api', 'Web', 'Full', 'Chatter', 'CustomApplications', 'RefreshToken', 'OpenID', 'Profile', 'Email',
  'Address', 'Phone', 'OfflineAccess', 'CustomPermissions', 'Wave', 'Eclair', 'Pardot', 'Lightning', 'Content',
  'CDPIngest', 'CDPProfile', 'CDPQuery', 'Chatbot', 'CDPSegment', 'CDPIdentityResolution', 'CDPCalculatedInsight',
  'ForgotPassword', 'UserRegistration', 'SFAP', 'Interaction', 'CDP', 'EinsteinGPT', 'PwdlessLogin',
];

export const ENUMS: Record<string, string[]> = {
  ConnectedAppOauthAccessScope: CA_SCOPES,
  ExtlClntAppDistState: ['Local', 'Packaged', 'Managed', 'AutoInstalled'],
  ExtlClntAppManagedType: ['Local', 'Global'],
  ExtlClntAppStartPage: ['None', 'Custom', 'OAuth', 'SAML'],
  PermittedUsersPolicyType: ['AllSelfAuthorized', 'AdminApprovedPreAuthorized'],
  PolicyAction: ['Block', 'RaiseSessionLevel'],
  RefreshTokenPolicyType: ['Infinite', 'Zero', 'SpecificLifetime', 'SpecificInactivity'],
  SessionSecurityLevel: ['LOW', 'STANDARD', 'HIGH_ASSURANCE'],
};

/**
 * Scope names ExtlClntAppOauthSettings.commaSeparatedOauthScopes takes: exactly the list the Metadata API guide
 * documents for that field, which is the spelling a retrieve returns (docs/salesforce-facts.md#f-eca-scopes). It
 * differs from the connected app enum: SFApiPlatform where the enum says SFAP, MCP and SCRT added, no CDP. Names seen
 * only in a third party's quote of a server error (CDP, DataCloudUserClaims) and the enum's SFAP are refused: a
 * spelling we are unsure of is refused rather than silently accepted.
 */
export const ECA_SCOPES = [
  'Basic', 'Api', 'Web', 'Full', 'Chatter', 'CustomApplications', 'RefreshToken', 'OpenID', 'Profile', 'Email',
  'Address', 'Phone', 'OfflineAccess', 'CustomPermissions', 'Wave', 'Eclair', 'Pardot', 'Lightning', 'Content',
  'CDPIngest', 'CDPProfile', 'CDPQuery', 'Chatbot', 'CDPSegment', 'CDPIdentityResolution', 'CDPCalculatedInsight',
  'SFApiPlatform', 'Interaction', 'EinsteinGPT', 'PwdlessLogin', 'ForgotPassword', 'UserRegistration', 'MCP', 'SCRT',
];

/** The names in a commaSeparatedOauthScopes value that are not documented ECA scope names (empty entries included). */
export function undocumentedEcaScopes(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => !ECA_SCOPES.includes(s));
}

function parseFields(spec: string): FieldDef[] {
  return spec
    .split(/\s+/)
    .filter(Boolean)
    .map((token) => {
      const [head, type = 'string'] = token.split(':');
      const many = head.includes('[]');
      const required = head.includes('*');
      return { name: head.replace(/[[\]*]/g, ''), type, required, many };
    });
}

export const COMPLEX_TYPES: Record<string, ComplexTypeDef> = Object.fromEntries(
  Object.entries(TYPES).map(([name, def]) => [
    name,
    {
      name,
      isMetadata: def.metadata === true,
      fields: [
        ...(def.metadata ? [{ name: 'fullName', type: 'string', required: false, many: false }] : []),
        ...parseFields(def.fields),
      ],
    },
  ])
);

/** Registry facts (SDR metadataRegistry.json) plus the key prefix the emulator uses for each type's Ids. */
export type RegistryEntry = { xmlName: string; directoryName: string; suffix: string; idPrefix: string };

// Key prefixes: 0H4 (ConnectedApp) and 0xI (ExternalClientApplication); the satellites' prefixes are made up to look
// plausible and differ from each other (docs/salesforce-facts.md#f-emu-ids, UNCONFIRMED).
export const REGISTRY: RegistryEntry[] = [
  { xmlName: 'ConnectedApp', directoryName: 'connectedApps', suffix: 'connectedApp', idPrefix: '0H4' },
  { xmlName: 'ExternalClientApplication', directoryName: 'externalClientApps', suffix: 'eca', idPrefix: '0xI' },
  {
    xmlName: 'ExtlClntAppGlobalOauthSettings',
    directoryName: 'extlClntAppGlobalOauthSets',
    suffix: 'ecaGlblOauth',
    idPrefix: '0yA',
  },
  { xmlName: 'ExtlClntAppOauthSettings', directoryName: 'extlClntAppOauthSettings', suffix: 'ecaOauth', idPrefix: '0yB' },
  {
    xmlName: 'ExtlClntAppOauthConfigurablePolicies',
    directoryName: 'extlClntAppOauthPolicies',
    suffix: 'ecaOauthPlcy',
    idPrefix: '0yC',
  },
  { xmlName: 'ExtlClntAppConfigurablePolicies', directoryName: 'extlClntAppPolicies', suffix: 'ecaPlcy', idPrefix: '0yD' },
  { xmlName: 'Profile', directoryName: 'profiles', suffix: 'profile', idPrefix: '00e' },
  { xmlName: 'PermissionSet', directoryName: 'permissionsets', suffix: 'permissionset', idPrefix: '0PS' },
];

export function registryEntry(type: string): RegistryEntry | undefined {
  return REGISTRY.find((entry) => entry.xmlName === type);
}

export function registryEntryForPath(path: string): RegistryEntry | undefined {
  const [dir, file] = path.split('/');
  return REGISTRY.find((entry) => entry.directoryName === dir && file?.endsWith(`.${entry.suffix}`));
}

/** Types a deploy or a CRUD call may write (Profile and PermissionSet come from the org's directory). */
export const WRITABLE_TYPES = REGISTRY.map((entry) => entry.xmlName).filter(
  (name) => name !== 'Profile' && name !== 'PermissionSet'
);

export type ProblemKind =
  /** XML/xsd level: unknown or misplaced element, bad primitive, bad enum. A CRUD call gets a SOAP fault. */
  | 'parse'
  /** A required element is absent. */
  | 'required'
  /** A string field with a documented set of values holds something else. */
  | 'value';

export type ValidationProblem = { message: string; statusCode: string; fields: string[]; kind: ProblemKind };

/**
 * Where the content comes from, which decides whether element order is checked (docs/salesforce-facts.md#f-md-element-order):
 * - 'crud': a createMetadata/updateMetadata/upsertMetadata item, bound to the WSDL's xsd:sequence: order checked;
 * - 'retrieve': a file as a retrieve writes it (and as the plugin promises to write it): order checked;
 * - 'deploy': a file in a zip deploy: any order;
 * - 'store': content already validated at its entry point (saved, seeded): order not checked again.
 */
export type ValidateOptions = { source: 'deploy' | 'crud' | 'retrieve' | 'store' };

function checksOrder(options: ValidateOptions): boolean {
  return options.source === 'crud' || options.source === 'retrieve';
}

/** One element, independent of where it came from (an XML tree or a JS object). */
type Entry = { name: string; text?: string; children?: Entry[] };

function entriesFromXml(element: XmlElement): Entry[] {
  return element.children.map((c) =>
    c.children.length > 0
      ? { name: localName(c.name), children: entriesFromXml(c) }
      : { name: localName(c.name), text: c.text.trim() }
  );
}

function entriesFromObject(value: Record<string, unknown>): Entry[] {
  const out: Entry[] = [];
  for (const [name, raw] of Object.entries(value)) {
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      if (item === undefined || item === null) continue;
      if (typeof item === 'object') out.push({ name, children: entriesFromObject(item as Record<string, unknown>) });
      else out.push({ name, text: String(item as string | number | boolean) });
    }
  }
  return out;
}

function invalidAt(name: string, typeName: string): string {
  return `Element {${METADATA_NS}}${name} invalid at this location in type ${typeName}`;
}

/** A loosely accepted complex type (samlConfig, canvas, ...): repeated names become arrays. */
function looseValue(entry: Entry): unknown {
  if (!entry.children) return entry.text ?? '';
  const out: Record<string, unknown> = {};
  for (const sub of entry.children) {
    const value = looseValue(sub);
    if (sub.name in out) {
      const existing = out[sub.name];
      out[sub.name] = Array.isArray(existing) ? [...(existing as unknown[]), value] : [existing, value];
    } else out[sub.name] = value;
  }
  return out;
}

function convertPrimitive(
  field: FieldDef,
  text: string,
  problems: ValidationProblem[],
  path: string
): string | boolean | number {
  if (field.type === 'boolean') {
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    problems.push(parseProblem(`'${text}' is not a valid value for the type xsd:boolean`, path));
    return text;
  }
  if (field.type === 'int') {
    if (/^[+-]?\d+$/.test(text) && Math.abs(Number(text)) <= 2_147_483_647) return Number(text);
    problems.push(parseProblem(`'${text}' is not a valid value for the type xsd:int`, path));
    return text;
  }
  const values = ENUMS[field.type];
  if (values && !values.includes(text)) {
    problems.push(parseProblem(`'${text}' is not a valid value for the enum '${field.type}'`, path));
  }
  return text;
}

function parseProblem(message: string, field: string): ValidationProblem {
  // Salesforce reports xsd-level errors as INVALID_TYPE-ish client faults; the status code only matters for deploys.
  return { message, statusCode: 'INVALID_TYPE', fields: [field], kind: 'parse' };
}

/** Walk entries against a complex type; returns the typed content (booleans and ints converted). */
function convert(
  typeName: string,
  entries: Entry[],
  options: ValidateOptions,
  problems: ValidationProblem[],
  path: string
): Record<string, unknown> {
  const def = COMPLEX_TYPES[typeName];
  const content: Record<string, unknown> = {};
  let cursor = 0;
  // Elements rejected for their position still count as present, so they do not also show up as missing.
  const present = new Set<string>();
  for (const entry of entries) {
    present.add(entry.name);
    const index = def.fields.findIndex((f) => f.name === entry.name);
    const field = def.fields[index];
    const fieldPath = path ? `${path}.${entry.name}` : entry.name;
    if (!field) {
      problems.push(parseProblem(invalidAt(entry.name, typeName), fieldPath));
      continue;
    }
    const seen = entry.name in content;
    const outOfOrder = checksOrder(options) && index < cursor;
    if ((seen && !field.many) || outOfOrder) {
      problems.push(parseProblem(invalidAt(entry.name, typeName), fieldPath));
      continue;
    }
    cursor = Math.max(cursor, index);
    let value: unknown;
    if (field.type === 'any') value = looseValue(entry);
    else if (COMPLEX_TYPES[field.type]) value = convert(field.type, entry.children ?? [], options, problems, fieldPath);
    else if (entry.children) {
      problems.push(parseProblem(invalidAt(entry.children[0].name, typeName), fieldPath));
      continue;
    } else value = convertPrimitive(field, entry.text ?? '', problems, fieldPath);
    if (field.many) content[entry.name] = [...((content[entry.name] as unknown[] | undefined) ?? []), value];
    else content[entry.name] = value;
  }
  for (const field of def.fields) {
    if (field.required && !present.has(field.name)) {
      problems.push({
        message: `Required field is missing: ${field.name}`,
        statusCode: 'REQUIRED_FIELD_MISSING',
        fields: [path ? `${path}.${field.name}` : field.name],
        kind: 'required',
      });
    }
  }
  checkStringValues(typeName, content, problems, path);
  return content;
}

const IP_RELAXATION = ['ENFORCE', 'BYPASS', 'BYPASS_2FACTOR', 'ENFORCE_RELAXREFRESH'];
const REFRESH_TOKEN_POLICY = /^(zero|infinite|specific_(lifetime|inactivity):[1-9]\d*:(HOURS|DAYS|MONTHS))$/;

/**
 * Fields typed xsd:string whose values are documented: the XML parser accepts anything, the save then fails.
 * The wording is UNCONFIRMED (docs/salesforce-facts.md#f-emu-wordings); it follows the enum message so tools can match both the same way.
 * Values: docs/salesforce-facts.md#f-ca-oauth-config, docs/salesforce-facts.md#f-eca-policy-values, docs/salesforce-facts.md#f-eca-scopes.
 */
const STRING_VALUE_RULES: Record<string, Record<string, (value: string) => boolean>> = {
  ConnectedAppOauthPolicy: {
    ipRelaxation: (v) => IP_RELAXATION.includes(v),
    refreshTokenPolicy: (v) => REFRESH_TOKEN_POLICY.test(v),
  },
  ConnectedAppSessionPolicy: {
    policyAction: (v) => ENUMS.PolicyAction.includes(v),
    sessionLevel: (v) => ENUMS.SessionSecurityLevel.includes(v),
  },
  ConnectedAppOauthIdToken: { idTokenValidity: (v) => Number(v) >= 1 && Number(v) <= 720 },
  ExternalAppIdTokenConfig: { idTokenValidityInMinutes: (v) => Number(v) >= 1 && Number(v) <= 720 },
  ExtlClntAppOauthConfigurablePolicies: {
    ipRelaxationPolicyType: (v) => ['Enforce', 'Bypass', 'Bypass_2factor', 'Enforce_RelaxRefresh'].includes(v),
    refreshTokenValidityUnit: (v) => ['Days', 'Hours', 'Months'].includes(v),
  },
  ExtlClntAppOauthSettings: {
    commaSeparatedOauthScopes: (v) => undocumentedEcaScopes(v).length === 0,
  },
};

function checkStringValues(
  typeName: string,
  content: Record<string, unknown>,
  problems: ValidationProblem[],
  path: string
): void {
  for (const [name, test] of Object.entries(STRING_VALUE_RULES[typeName] ?? {})) {
    const value = content[name];
    if (value === undefined || (typeof value === 'string' && value === '' && name !== 'ipRelaxation')) continue;
    if (!test(String(value as string | number))) {
      const unknownScopes =
        name === 'commaSeparatedOauthScopes' ? ` (not a documented scope name: ${undocumentedEcaScopes(String(value)).map((s) => `'${s}'`).join(', ')})` : '';
      problems.push({
        message: `'${String(value as string | number)}' is not a valid value for the field ${name}${unknownScopes}`,
        statusCode: 'FIELD_INTEGRITY_EXCEPTION',
        fields: [path ? `${path}.${name}` : name],
        kind: 'value',
      });
    }
  }
}

export type ParsedComponent = { content: Record<string, unknown>; problems: ValidationProblem[] };

/** Parse and validate a component given as an XML element (a deployed file's root, or a SOAP `metadata` element). */
export function parseComponentElement(type: string, element: XmlElement, options: ValidateOptions): ParsedComponent {
  return parseEntries(type, entriesFromXml(element), options);
}

/** Parse and validate a component given as a plain object (string, boolean or number leaves; arrays repeat). */
export function parseComponentObject(type: string, content: Record<string, unknown>, options: ValidateOptions): ParsedComponent {
  return parseEntries(type, entriesFromObject(content), options);
}

function parseEntries(type: string, entries: Entry[], options: ValidateOptions): ParsedComponent {
  const problems: ValidationProblem[] = [];
  if (!COMPLEX_TYPES[type] || !COMPLEX_TYPES[type].isMetadata) {
    return {
      content: {},
      problems: [{ message: `Unknown type name '${type}' specified`, statusCode: 'INVALID_TYPE', fields: [], kind: 'parse' }],
    };
  }
  const content = convert(type, entries, options, problems, '');
  return { content, problems };
}

/** Salesforce-style problems for one component. With source 'crud' or 'retrieve' the key order must follow the sequence. */
export function validateComponent(
  type: string,
  content: Record<string, unknown>,
  options: ValidateOptions
): ValidationProblem[] {
  return parseComponentObject(type, content, options).problems;
}

/**
 * Validate a metadata XML file as the plugin writes it (source or Metadata API format): the root element names the
 * type, it declares the metadata namespace, and element order is enforced (a retrieve writes sequence order; the
 * plugin promises the same). `{ source: 'deploy' }` checks it the way a zip deploy reads it instead: any order.
 */
export function validateXmlDocument(
  xml: string,
  options: { source: 'retrieve' | 'deploy' } = { source: 'retrieve' }
): { type: string; fullName?: string; problems: string[] } {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    return { type: '', problems: [`Error parsing file: ${(error as Error).message}`] };
  }
  const type = localName(root.name);
  const problems: string[] = [];
  if (namespaceOf(root) !== METADATA_NS) {
    problems.push(`The root element ${type} must be in the namespace ${METADATA_NS}`);
  }
  const parsed = parseComponentElement(type, root, options);
  problems.push(...parsed.problems.map((p) => p.message));
  const fullName = child(root, 'fullName')?.text.trim();
  return { type, ...(fullName ? { fullName } : {}), problems };
}

/** The same content with keys in sequence order (nested known types too); unknown keys keep their order at the end. */
export function normalizeOrder(type: string, content: Record<string, unknown>): Record<string, unknown> {
  const def = COMPLEX_TYPES[type];
  if (!def) return content;
  const known = def.fields.map((f) => f.name).filter((n) => n in content);
  const rest = Object.keys(content).filter((k) => !known.includes(k));
  const out: Record<string, unknown> = {};
  for (const key of [...known, ...rest]) {
    const field = def.fields.find((f) => f.name === key);
    const value = content[key];
    const nested = field && COMPLEX_TYPES[field.type] ? field.type : undefined;
    if (nested && Array.isArray(value)) {
      out[key] = value.map((v) => normalizeOrder(nested, v as Record<string, unknown>));
    } else if (nested && value && typeof value === 'object') {
      out[key] = normalizeOrder(nested, value as Record<string, unknown>);
    } else out[key] = value;
  }
  return out;
}

/**
 * Serialize content as the body of a component element in sequence order (what a retrieve writes). Unknown keys
 * (from loosely typed parts) keep their order after the known ones.
 */
export function contentToXml(type: string, content: Record<string, unknown>, indent = '    '): string {
  const def = COMPLEX_TYPES[type];
  const lines: string[] = [];
  const keys = def ? def.fields.map((f) => f.name).filter((n) => n in content) : Object.keys(content);
  for (const key of keys) {
    const field = def?.fields.find((f) => f.name === key);
    const values = Array.isArray(content[key]) ? (content[key] as unknown[]) : [content[key]];
    for (const value of values) {
      if (value === undefined || value === null) continue;
      if (typeof value === 'object') {
        const nestedType = field && COMPLEX_TYPES[field.type] ? field.type : '';
        const inner = contentToXml(nestedType, value as Record<string, unknown>, `${indent}    `);
        lines.push(`${indent}<${key}>\n${inner}${indent}</${key}>\n`);
      } else {
        lines.push(`${indent}<${key}>${escapeText(String(value as string | number | boolean))}</${key}>\n`);
      }
    }
  }
  return lines.join('');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A whole metadata file (Metadata API format, as retrieve returns it). */
export function componentToXmlDocument(type: string, content: Record<string, unknown>): string {
  const body = Object.fromEntries(Object.entries(content).filter(([k]) => k !== 'fullName'));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${type} xmlns="${METADATA_NS}">\n${contentToXml(type, body)}</${type}>\n`;
}
