/**
 * REFI-QDA codebook (`.qdc`) read and write, as the standard's Codebook.xsd (QDA-XML 1.0) has it:
 *
 *   <CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="…">
 *     <Codes>
 *       <Code guid="GUID" name="…" isCodable="true|false" color="#RRGGBB">   guid, name, isCodable required
 *         <Description>…</Description>                                      optional, first
 *         <Code …>…</Code>                                                 children nest
 *       </Code>
 *     </Codes>
 *     <Sets>…</Sets>                                                        optional; Waymark has no code sets
 *   </CodeBook>
 *
 * Reading refuses hostile or broken input with one clear message and no partial result: over 5 MB, not UTF-8/16
 * text, not well-formed XML, any DOCTYPE or ENTITY declaration (no entity is ever expanded beyond XML's five and
 * character references), a root other than CodeBook in the codebook namespace, a code without guid or name, a guid
 * that is not a GUID or is used twice, more than 5,000 codes or codes nested more than 20 deep. A bad colour is
 * dropped with a note rather than refused. Pure functions: the service decides what to do with the result.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

export const QDC_NAMESPACE = 'urn:QDA-XML:codebook:1.0';
export const QDC_LIMITS = { bytes: 5 * 1024 * 1024, codes: 5000, depth: 20 } as const;

export interface CodebookCode {
  guid: string;
  name: string;
  /** #rrggbb (lower case), or null when the code has none. */
  colour: string | null;
  /** The Description's exact text; '' when there is none. */
  description: string;
  /** isCodable: false for a code that only groups others. */
  codable: boolean;
  children: CodebookCode[];
}

export interface CodebookDoc {
  codes: CodebookCode[];
}

export interface QdcReadResult {
  codebook: CodebookDoc;
  /** The origin attribute (the tool that wrote the file), or null. */
  origin: string | null;
  /** What was read but not carried (code sets, bad colours, notes on codes). */
  notes: string[];
}

/** A codebook Waymark refuses to read or write; the message says what is wrong. */
export class QdcError extends Error {
  override name = 'QdcError';
}

const GUID =
  /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$/;
const RGB = /^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/;
/** Characters XML 1.0 cannot carry at all, even as a character reference. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const guidKey = (guid: string): string => guid.replace(/[{}]/g, '').toLowerCase();

function decode(input: string | Uint8Array): string {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > QDC_LIMITS.bytes)
    throw new QdcError(`The codebook file is over 5 MB (${(size / 1048576).toFixed(1)} MB).`);
  if (typeof input === 'string') return input.replace(/^\uFEFF/, '');
  const encoding =
    input[0] === 0xff && input[1] === 0xfe ? 'utf-16le' : input[0] === 0xfe && input[1] === 0xff ? 'utf-16be' : 'utf-8';
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(input);
  } catch {
    throw new QdcError('The codebook file is not UTF-8 (or UTF-16) text.');
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML's five entities and character references, nothing else; an unknown entity or a bad reference is refused. */
function unescapeXml(raw: string, where: string): string {
  return raw.replace(/&([^;&\s]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw new QdcError(`${where} has an "&" that starts no entity; write it as &amp;.`);
    if (body in ENTITIES) return ENTITIES[body]!;
    const number = /^#x([0-9a-fA-F]{1,6})$/.exec(body) ?? /^#([0-9]{1,7})$/.exec(body);
    if (!number) throw new QdcError(`${where} uses the entity &${body};, which a codebook may not define.`);
    const code = parseInt(number[1]!, body.startsWith('#x') ? 16 : 10);
    const char = code <= 0x10ffff ? String.fromCodePoint(code) : '';
    if (!char || NOT_XML.test(char))
      throw new QdcError(`${where} has the character reference &${body};, which XML does not allow.`);
    return char;
  });
}

/** An attribute's value: literal tab and line breaks read as spaces (XML 1.0 §3.3.3), then references decoded. */
function attributeValue(raw: string, where: string): string {
  return unescapeXml(raw.replace(/[\t\n]/g, ' '), where);
}

type XmlNode = Record<string, unknown>;

interface Element {
  /** Local name, prefix removed. */
  local: string;
  namespace: string | null;
  attrs: Record<string, string>;
  children: XmlNode[];
  scope: Map<string, string>;
}

function nodeName(node: XmlNode): string {
  return Object.keys(node).find((k) => k !== ':@') ?? '';
}

function asElement(node: XmlNode, parentScope: Map<string, string>): Element | null {
  const name = nodeName(node);
  if (name === '' || name.startsWith('#') || name.startsWith('?')) return null;
  const attrs = (node[':@'] ?? {}) as Record<string, string>;
  let scope = parentScope;
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) {
      if (scope === parentScope) scope = new Map(parentScope);
      scope.set(key === 'xmlns' ? '' : key.slice(6), attributeValue(value, 'A namespace declaration'));
    }
  }
  const colon = name.indexOf(':');
  const prefix = colon < 0 ? '' : name.slice(0, colon);
  return {
    local: colon < 0 ? name : name.slice(colon + 1),
    namespace: scope.get(prefix) || null,
    attrs,
    children: (node[name] ?? []) as XmlNode[],
    scope,
  };
}

function childElements(parent: Element): Element[] {
  return parent.children.map((c) => asElement(c, parent.scope)).filter((e): e is Element => e !== null);
}

function textOf(element: Element, where: string): string {
  let text = '';
  for (const child of element.children) {
    if ('#text' in child) text += unescapeXml(String(child['#text']), where);
    else if ('#cdata' in child) for (const part of child['#cdata'] as XmlNode[]) text += String(part['#text'] ?? '');
  }
  return text;
}

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

/** Read a `.qdc` file (text, or bytes in UTF-8/UTF-16). Throws QdcError with a clear message; never half-reads. */
export function readQdc(input: string | Uint8Array): QdcReadResult {
  // XML reads every CRLF or lone CR as LF before anything else (XML 1.0 §2.11); &#13; still gives a CR.
  const xml = decode(input).replace(/\r\n?/g, '\n');
  if (/<!\s*(?:DOCTYPE|ENTITY)/i.test(xml)) {
    throw new QdcError(
      'The codebook file has a DOCTYPE or ENTITY declaration. A codebook never needs one, so it is refused.',
    );
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const at = valid.err.col ? `line ${valid.err.line}, column ${valid.err.col}` : `line ${valid.err.line}`;
    throw new QdcError(`The codebook file is not well-formed XML (${at}): ${valid.err.msg}`);
  }
  let nodes: XmlNode[];
  try {
    nodes = parser.parse(xml) as XmlNode[];
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/nested/i.test(message)) throw new QdcError('The codebook file nests elements more than 100 deep.');
    const reserved = /Invalid name: "([^"]*)"/.exec(message);
    if (reserved)
      throw new QdcError(`The codebook file uses the reserved name "${reserved[1]}" for an element or attribute.`);
    throw new QdcError('The codebook file could not be read as XML.');
  }
  const top = nodes.map((n) => asElement(n, new Map())).filter((e): e is Element => e !== null);
  if (nodes.some((n) => '#text' in n && String(n['#text']).trim() !== '') || nodes.some((n) => '#cdata' in n)) {
    throw new QdcError('The codebook file has text outside its root element.');
  }
  if (top.length !== 1)
    throw new QdcError(`The codebook file has ${top.length} root elements; it needs exactly one, <CodeBook>.`);
  const root = top[0]!;
  if (root.local !== 'CodeBook') {
    throw new QdcError(`The root element is <${root.local}>, not <CodeBook>: this is not a REFI-QDA codebook (.qdc).`);
  }
  if (root.namespace !== QDC_NAMESPACE) {
    const ns = root.namespace ? `in the namespace "${root.namespace}"` : 'in no namespace';
    throw new QdcError(`The <CodeBook> element is ${ns}; a REFI-QDA codebook's is ${QDC_NAMESPACE}.`);
  }
  const ours = (e: Element): boolean => e.namespace === QDC_NAMESPACE;
  const parts = childElements(root).filter(ours);
  const codesElements = parts.filter((e) => e.local === 'Codes');
  if (codesElements.length !== 1)
    throw new QdcError('The codebook needs exactly one <Codes> element inside <CodeBook>.');
  const notes: string[] = [];
  const sets = parts
    .filter((e) => e.local === 'Sets')
    .flatMap((e) => childElements(e).filter((s) => ours(s) && s.local === 'Set'));
  if (sets.length > 0) notes.push(`${sets.length} code set(s) not carried: Waymark has no code sets.`);

  const seen = new Map<string, string>();
  let count = 0;
  const readCode = (element: Element, depth: number, path: string): CodebookCode => {
    count++;
    if (count > QDC_LIMITS.codes) throw new QdcError(`The codebook has more than ${QDC_LIMITS.codes} codes.`);
    if (depth > QDC_LIMITS.depth)
      throw new QdcError(`The codebook nests codes more than ${QDC_LIMITS.depth} deep (at position ${path}).`);
    const attr = (key: string): string | undefined =>
      element.attrs[key] === undefined
        ? undefined
        : attributeValue(element.attrs[key]!, `The code at position ${path}`);
    const name = attr('name');
    const label = name?.trim() ? `code "${name}" (position ${path})` : `code at position ${path}`;
    if (name === undefined || name.trim() === '') throw new QdcError(`The ${label} has no name.`);
    const guid = attr('guid')?.trim();
    if (!guid) throw new QdcError(`The ${label} has no guid.`);
    if (!GUID.test(guid)) throw new QdcError(`The ${label} has guid "${guid}", which is not a GUID.`);
    const other = seen.get(guidKey(guid));
    if (other) throw new QdcError(`The ${label} has the same guid as the ${other}: ${guid}.`);
    seen.set(guidKey(guid), label);
    const codableRaw = attr('isCodable')?.trim();
    if (codableRaw !== undefined && !['true', 'false', '1', '0'].includes(codableRaw)) {
      throw new QdcError(`The ${label} has isCodable "${codableRaw}"; it must be true or false.`);
    }
    const colourRaw = attr('color')?.trim();
    let colour: string | null = null;
    if (colourRaw !== undefined && RGB.test(colourRaw)) {
      const hex = colourRaw.slice(1).toLowerCase();
      colour = `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
    } else if (colourRaw !== undefined)
      notes.push(`The colour "${colourRaw}" of the ${label} is not #RRGGBB; it was left out.`);
    let description = '';
    const children: CodebookCode[] = [];
    let index = 0;
    for (const child of childElements(element).filter(ours)) {
      if (child.local === 'Description') description += textOf(child, `The description of the ${label}`);
      else if (child.local === 'Code') children.push(readCode(child, depth + 1, `${path}.${++index}`));
    }
    return { guid, name, colour, description, codable: codableRaw !== 'false' && codableRaw !== '0', children };
  };
  let index = 0;
  const codes = childElements(codesElements[0]!)
    .filter((e) => ours(e) && e.local === 'Code')
    .map((e) => readCode(e, 1, String(++index)));
  const origin = root.attrs.origin === undefined ? null : attributeValue(root.attrs.origin, 'The origin attribute');
  return { codebook: { codes }, origin, notes };
}

/** Text for an XML text node: & < > escaped, CR kept as a reference (a reader turns a literal CR into LF). */
function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Text for an attribute: also quotes, and tab/LF/CR as references (a reader turns literal ones into spaces). */
function escapeAttr(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  processEntities: false,
});

/**
 * Write a codebook as a `.qdc` file (UTF-8 text). Refuses, with a QdcError, what the reader would refuse (a code
 * without name, a guid that is not a GUID or is used twice, too many or too deeply nested codes) and text XML
 * cannot carry (control characters, lone surrogates), so every file written reads back equal.
 */
export function writeQdc(doc: CodebookDoc, origin = 'Waymark'): string {
  const seen = new Map<string, string>();
  let count = 0;
  const checkText = (value: string, what: string): string => {
    const bad = NOT_XML.exec(value);
    if (bad) {
      const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      throw new QdcError(`${what} has a character XML cannot carry (U+${code}).`);
    }
    return value;
  };
  const writeCode = (code: CodebookCode, depth: number, path: string): Record<string, unknown> => {
    count++;
    if (count > QDC_LIMITS.codes) throw new QdcError(`The codebook has more than ${QDC_LIMITS.codes} codes.`);
    if (depth > QDC_LIMITS.depth)
      throw new QdcError(`The codebook nests codes more than ${QDC_LIMITS.depth} deep (at position ${path}).`);
    const label = code.name.trim() ? `code "${code.name}" (position ${path})` : `code at position ${path}`;
    if (!code.name.trim()) throw new QdcError(`The ${label} has no name.`);
    if (!GUID.test(code.guid)) throw new QdcError(`The ${label} has guid "${code.guid}", which is not a GUID.`);
    const other = seen.get(guidKey(code.guid));
    if (other) throw new QdcError(`The ${label} has the same guid as the ${other}: ${code.guid}.`);
    seen.set(guidKey(code.guid), label);
    if (code.colour !== null && !/^#[0-9a-fA-F]{6}$/.test(code.colour)) {
      throw new QdcError(`The ${label} has colour "${code.colour}", which is not #rrggbb.`);
    }
    const attrs: Record<string, string> = {
      guid: escapeAttr(code.guid),
      name: escapeAttr(checkText(code.name, `The ${label}'s name`)),
      isCodable: code.codable ? 'true' : 'false',
    };
    if (code.colour !== null) attrs.color = code.colour.toUpperCase();
    const children: Record<string, unknown>[] = [];
    if (code.description !== '') {
      const text = escapeText(checkText(code.description, `The description of the ${label}`));
      children.push({ Description: [{ '#text': text }] });
    }
    code.children.forEach((child, i) => children.push(writeCode(child, depth + 1, `${path}.${i + 1}`)));
    return { Code: children, ':@': attrs };
  };
  const codes = doc.codes.map((code, i) => writeCode(code, 1, String(i + 1)));
  const tree = [
    { '?xml': [{ '#text': '' }], ':@': { version: '1.0', encoding: 'utf-8' } },
    {
      CodeBook: [{ Codes: codes }],
      ':@': { xmlns: QDC_NAMESPACE, origin: escapeAttr(checkText(origin, 'The origin')) },
    },
  ];
  return `${(builder.build(tree) as string).trim()}\n`;
}
