/**
 * The XML side of `.qdpx`: reading project.qde into a small namespace-aware element tree without ever expanding an
 * entity beyond XML's five and character references (any DOCTYPE or ENTITY declaration is refused before parsing),
 * and escaping text for writing. Errors are QdpxErrors naming what is wrong.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { QdpxError } from './qdpx-model';

export interface XmlEl {
  /** Local name, prefix removed. */
  local: string;
  namespace: string | null;
  /** Unprefixed attributes, values decoded (namespace declarations and prefixed attributes left out). */
  attrs: Record<string, string>;
  children: XmlEl[];
  /** The element's own text (text and CDATA directly inside it), decoded. */
  text: string;
}

/** Characters XML 1.0 cannot carry at all, even as a character reference. */
export const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeRefs(raw: string, where: string): string {
  return raw.replace(/&([^;&\s]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw new QdpxError(`${where} has an "&" that starts no entity.`);
    const named = NAMED[body];
    if (named !== undefined) return named;
    const hex = /^#x([0-9a-fA-F]{1,6})$/.exec(body);
    const dec = /^#([0-9]{1,7})$/.exec(body);
    if (!hex && !dec) throw new QdpxError(`${where} uses the entity &${body};, which a project file may not define.`);
    const code = hex ? parseInt(hex[1]!, 16) : parseInt(dec![1]!, 10);
    const char = code <= 0x10ffff ? String.fromCodePoint(code) : '';
    if (char === '' || NOT_XML.test(char))
      throw new QdpxError(`${where} has the reference &${body};, which XML forbids.`);
    return char;
  });
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 100,
});

function toElement(node: Node, parentScope: Map<string, string>): XmlEl | null {
  const name = Object.keys(node).find((k) => k !== ':@') ?? '';
  if (name === '' || name.startsWith('#') || name.startsWith('?')) return null;
  const raw = (node[':@'] ?? {}) as Record<string, string>;
  let scope = parentScope;
  const attrs: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    // An attribute value's literal tab and line breaks read as spaces (XML 1.0 §3.3.3), then references decode.
    const decoded = decodeRefs(value.replace(/[\t\n]/g, ' '), `The attribute ${key} of <${name}>`);
    if (key === 'xmlns' || key.startsWith('xmlns:')) {
      if (scope === parentScope) scope = new Map(parentScope);
      scope.set(key === 'xmlns' ? '' : key.slice(6), decoded);
    } else if (!key.includes(':')) attrs[key] = decoded;
  }
  const colon = name.indexOf(':');
  const local = colon < 0 ? name : name.slice(colon + 1);
  const element: XmlEl = {
    local,
    namespace: scope.get(colon < 0 ? '' : name.slice(0, colon)) || null,
    attrs,
    children: [],
    text: '',
  };
  for (const child of (node[name] ?? []) as Node[]) {
    if ('#text' in child) element.text += decodeRefs(String(child['#text']), `The text of <${local}>`);
    else if ('#cdata' in child)
      for (const part of child['#cdata'] as Node[]) element.text += String(part['#text'] ?? '');
    else {
      const el = toElement(child, scope);
      if (el) element.children.push(el);
    }
  }
  return element;
}

/** Bytes (UTF-8, or UTF-16 with a byte-order mark) as text; refuses anything else. */
export function decodeText(bytes: Uint8Array, what: string): string {
  const encoding =
    bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : 'utf-8';
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new QdpxError(`${what} is not UTF-8 (or UTF-16) text.`);
  }
}

/** Parse project.qde into its root element. Refuses DOCTYPE/ENTITY, malformed XML and more than one root. */
export function parseXml(input: string, what: string): XmlEl {
  // XML reads every CRLF or lone CR as LF before anything else (XML 1.0 §2.11); &#13; still gives a CR.
  const xml = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (/<!\s*(?:DOCTYPE|ENTITY)/i.test(xml)) {
    throw new QdpxError(
      `${what} has a DOCTYPE or ENTITY declaration. A project file never needs one, so it is refused.`,
    );
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const at = valid.err.col ? `line ${valid.err.line}, column ${valid.err.col}` : `line ${valid.err.line}`;
    throw new QdpxError(`${what} is not well-formed XML (${at}): ${valid.err.msg}`);
  }
  let nodes: Node[];
  try {
    nodes = parser.parse(xml) as Node[];
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/nested/i.test(message)) throw new QdpxError(`${what} nests elements more than 100 deep.`);
    throw new QdpxError(`${what} could not be read as XML.`);
  }
  if (nodes.some((n) => ('#text' in n && String(n['#text']).trim() !== '') || '#cdata' in n)) {
    throw new QdpxError(`${what} has text outside its root element.`);
  }
  const roots = nodes.map((n) => toElement(n, new Map())).filter((e): e is XmlEl => e !== null);
  if (roots.length !== 1) throw new QdpxError(`${what} has ${roots.length} root elements; it needs exactly one.`);
  return roots[0]!;
}

/** Refuse text XML cannot carry (control characters, lone surrogates), naming where it is. */
export function xmlSafe(value: string, what: string): string {
  const bad = NOT_XML.exec(value);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new QdpxError(`${what} has a character XML cannot carry (U+${code}).`);
  }
  return value;
}

/** Text for an element: & < > escaped, CR kept as a reference (a reader turns a literal CR into LF). */
export function escapeText(value: string, what: string): string {
  return xmlSafe(value, what)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/** Text for an attribute: also quotes, and tab/LF as references (a reader turns literal ones into spaces). */
export function escapeAttr(value: string, what: string): string {
  return escapeText(value, what).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}
