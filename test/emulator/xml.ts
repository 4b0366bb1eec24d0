/*
 * Small XML helpers for the emulator's Metadata API: an ordered element tree (element order matters to Salesforce's
 * sequence-based parser, so a key-per-name object is not enough) and a writer for SOAP responses.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const SOAPENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** One XML element: its qualified name as written (prefix kept), attributes, child elements in order, and text. */
export type XmlElement = {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
};

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  // Numeric character references (&#13; for the \r in multi-line values) are XML, not HTML, but this is the switch.
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: '#comment',
});

function toElement(node: OrderedNode): XmlElement | undefined {
  const name = Object.keys(node).find((key) => key !== ':@' && key !== '#text' && key !== '#comment');
  if (!name) return undefined;
  const element: XmlElement = { name, attrs: { ...(node[':@'] ?? {}) }, children: [], text: '' };
  for (const item of (node[name] as OrderedNode[] | undefined) ?? []) {
    if ('#text' in item) element.text += String(item['#text']);
    else {
      const sub = toElement(item);
      if (sub) element.children.push(sub);
    }
  }
  return element;
}

/** Parse a document into its root element; throws an Error with the parser's reason when the XML is malformed. */
export function parseXml(xml: string): XmlElement {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new Error(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  }
  const nodes = parser.parse(xml) as OrderedNode[];
  for (const node of nodes) {
    const element = toElement(node);
    if (element) return element;
  }
  throw new Error('The document has no root element');
}

/** The name without its namespace prefix. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => localName(c.name) === name);
}

export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((c) => localName(c.name) === name) ?? [];
}

export function childText(element: XmlElement | undefined, name: string): string | undefined {
  const found = child(element, name);
  return found ? found.text.trim() : undefined;
}

/** The namespace URI an element's name resolves to, looking up xmlns declarations on it and its ancestors. */
export function namespaceOf(element: XmlElement, ancestors: XmlElement[] = []): string | undefined {
  const colon = element.name.indexOf(':');
  const attr = colon === -1 ? 'xmlns' : `xmlns:${element.name.slice(0, colon)}`;
  for (const scope of [element, ...[...ancestors].reverse()]) {
    if (attr in scope.attrs) return scope.attrs[attr];
  }
  return undefined;
}

/** The xsi:type attribute value without prefix (jsforce writes xsi:type="ConnectedApp"). */
export function xsiType(element: XmlElement): string | undefined {
  const key = Object.keys(element.attrs).find((k) => localName(k) === 'type' && k.includes(':'));
  return key ? localName(element.attrs[key]) : undefined;
}

export function isNil(element: XmlElement): boolean {
  return Object.entries(element.attrs).some(([k, v]) => localName(k) === 'nil' && v === 'true');
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Write a plain value as XML elements named `name`: arrays repeat the element, objects nest in key order,
 * null writes xsi:nil, undefined writes nothing. Keys starting with '@' become attributes of the element.
 */
export function writeValue(name: string, value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((item) => writeValue(name, item)).join('');
  if (value === null) return `<${name} xsi:nil="true"/>`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const attrs = entries
      .filter(([k, v]) => k.startsWith('@') && v !== undefined)
      .map(([k, v]) => ` ${k.slice(1)}="${escapeXml(String(v))}"`)
      .join('');
    const body = entries
      .filter(([k]) => !k.startsWith('@'))
      .map(([k, v]) => writeValue(k, v))
      .join('');
    return body === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${body}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}
