/*
 * Metadata XML in source format, written the way a retrieve writes it (XML declaration, namespace on the root,
 * 4-space indent, one element per array item) and read back without losing what we do not model, so an update can
 * write an unknown element back unchanged.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { MetadataComponent } from '../model/appModel.js';

export const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

/** A parsed value: text, a typed scalar, a nested element, or a repeated element. */
export type XmlValue = string | number | boolean | XmlObject | XmlValue[];
export type XmlObject = { [element: string]: XmlValue };

/*
 * Field typing for the types this plugin writes (metadata-api-v63.wsdl): elements typed xsd:boolean / xsd:int are
 * read back as booleans / numbers, and elements declared repeatable are read back as arrays even when a retrieve
 * holds only one. Everything else stays text, so a consumer key of digits is never turned into a number.
 */
const BOOLEAN_ELEMENT = /^(is|are|should)[A-Z]|^(idTokenInclude|assetInclude)[A-Z]/;
const INT_ELEMENTS = new Set([
  'sessionTimeout',
  'idTokenValidity',
  'assetValidityPeriod',
  'idTokenValidityInMinutes',
  'assetTokenValidity',
  'refreshTokenValidityPeriod',
  'sessionTimeoutInMinutes',
  'guestJwtTimeout',
  'namedUserJwtTimeout',
]);
const ARRAY_ELEMENTS = new Set([
  'attributes',
  'ipRanges',
  'permissionSetName',
  'profileName',
  'scopes',
  'customAttributes',
  'trustedIpRanges',
  'notificationTypes',
]);

/** Escapes text content; \r is written as a character reference so an XML parser does not normalize it away. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

function writeElement(name: string, value: unknown, indent: string, lines: string[]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) writeElement(name, item, indent, lines);
    return;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null);
    if (entries.length === 0) {
      lines.push(`${indent}<${name}/>`);
      return;
    }
    lines.push(`${indent}<${name}>`);
    for (const [child, childValue] of entries) writeElement(child, childValue, `${indent}    `, lines);
    lines.push(`${indent}</${name}>`);
    return;
  }
  lines.push(`${indent}<${name}>${escapeXml(String(value as string | number | boolean))}</${name}>`);
}

/** The source-format XML of a component. Undefined values are omitted; arrays become repeated elements. */
export function toSourceXml(component: Pick<MetadataComponent, 'type' | 'content'>): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<${component.type} xmlns="${METADATA_NAMESPACE}">`];
  for (const [name, value] of Object.entries(component.content)) writeElement(name, value, '    ', lines);
  lines.push(`</${component.type}>`);
  return `${lines.join('\n')}\n`;
}

type OrderedNode = { [name: string]: OrderedNode[] | string } & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  parseTagValue: false,
  // Keep text exactly (a PEM certificate's trailing newline, newline-separated callback URLs).
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
});

function typed(name: string, text: string): XmlValue {
  if (BOOLEAN_ELEMENT.test(name) && (text === 'true' || text === 'false')) return text === 'true';
  if (INT_ELEMENTS.has(name) && /^-?\d+$/.test(text)) return Number(text);
  return text;
}

function readChildren(nodes: OrderedNode[]): XmlObject | string {
  const elements = nodes.filter((node) => !('#text' in node));
  if (elements.length === 0) {
    return nodes.map((node) => String(node['#text'] ?? '')).join('');
  }
  const result: XmlObject = {};
  for (const node of elements) {
    const name = Object.keys(node).find((key) => key !== ':@')!;
    const inner = readChildren(node[name] as OrderedNode[]);
    const value = typeof inner === 'string' ? typed(name, inner) : inner;
    const existing = result[name];
    if (existing === undefined) {
      result[name] = ARRAY_ELEMENTS.has(name) ? [value] : value;
    } else if (Array.isArray(existing)) {
      existing.push(value);
    } else {
      // An element we did not know repeats: keep every occurrence.
      result[name] = [existing, value];
    }
  }
  return result;
}

/** Reads source-format (or Metadata API format) XML: the root element's name and its content in document order. */
export function parseSourceXml(xml: string): { type: string; content: XmlObject } {
  // The parser itself is lenient (a missing end tag just closes early): a file read this way and written back would
  // lose content, so it must be well-formed first.
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let document: OrderedNode[];
  try {
    document = parser.parse(xml) as OrderedNode[];
  } catch (error) {
    throw new Error(`not well-formed XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const root = document.find((node) => !('#text' in node) && !('?xml' in node));
  if (!root) throw new Error('no root element');
  const type = Object.keys(root).find((key) => key !== ':@')!;
  const inner = readChildren(root[type] as OrderedNode[]);
  return { type, content: typeof inner === 'string' ? {} : inner };
}
