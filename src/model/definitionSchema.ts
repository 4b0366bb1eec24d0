/*
 * The definition file's JSON schema, and a checker for the part of draft-07 it uses (type, enum, properties,
 * additionalProperties: false, required, items, anyOf, minimum/maximum, minLength/maxLength, pattern). The schema is
 * the one source of the rules: editors check with it, and so does the command.
 */
import { readFileSync } from 'node:fs';
import { Messages } from '@salesforce/core';
import { pluginFile } from '../util/pluginFiles.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.definition-file');

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
/** schemas/app-definition.schema.json, shipped with the plugin. */
export function definitionSchema(): JsonSchema {
  cachedSchema ??= JSON.parse(readFileSync(pluginFile('schemas/app-definition.schema.json'), 'utf8')) as JsonSchema;
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
    // Own keys only: `constructor`, `toString` or `__proto__` are not settings because every object inherits them.
    const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
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
