import { createHash } from 'node:crypto';
import { buildCodeTree, type CodeNode } from './codebook';
import type { Code } from './repository-codes';

/**
 * How Waymark's codebook maps to and from REFI-QDA codes, pure: the tree of live codes as the standard's nested
 * codes, a code's four texts as one Description (and back), and GUIDs derived from Waymark's ids for what has no
 * id of its own (selections, cases, variables), so the same project always writes the same file.
 */

export interface ExchangeCode {
  guid: string;
  name: string;
  colour: string | null;
  description: string;
  codable: boolean;
  noteGuids: string[];
  children: ExchangeCode[];
}

const SECTIONS = [
  ['whenToUse', 'When to use: '],
  ['whenNotToUse', 'When not to use: '],
  ['example', 'Example: '],
] as const;

type CodeTexts = Pick<Code, 'definition' | 'whenToUse' | 'whenNotToUse' | 'example'>;

/** A code's definition, then "When to use: …", "When not to use: …" and "Example: …" paragraphs where set. */
export function describeCode(code: CodeTexts): string {
  const parts = [code.definition, ...SECTIONS.filter(([k]) => code[k]).map(([k, label]) => `${label}${code[k]}`)];
  return parts.filter((p) => p !== '').join('\n\n');
}

/** The reverse of describeCode: a Description's labelled paragraphs back into the code's texts. */
export function readDescription(description: string): CodeTexts {
  const texts: CodeTexts = { definition: '', whenToUse: '', whenNotToUse: '', example: '' };
  const parts = description.split(/\n\n(?=When to use: |When not to use: |Example: )/);
  const rest: string[] = [];
  for (const part of parts) {
    const section = SECTIONS.find(([k, label]) => part.startsWith(label) && texts[k] === '');
    if (section) texts[section[0]] = part.slice(section[1].length);
    else rest.push(part);
  }
  texts.definition = rest.join('\n\n');
  return texts;
}

/** The live codes as REFI-QDA codes, nested as in the codebook; memos on each code by `notesOf`. */
export function exchangeCodes(codes: Code[], notesOf: (codeId: string) => string[] = () => []): ExchangeCode[] {
  const toCode = (node: CodeNode<Code>): ExchangeCode => ({
    guid: node.code.id,
    name: node.code.name,
    colour: /^#[0-9a-fA-F]{6}$/.test(node.code.colour) ? node.code.colour.toLowerCase() : null,
    description: describeCode(node.code),
    codable: true,
    noteGuids: notesOf(node.code.id),
    children: node.children.map(toCode),
  });
  return buildCodeTree(codes).map(toCode);
}

/** A GUID made from some parts: the same parts always give the same GUID. */
export function derivedGuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A name as a code name: spaces run together, trimmed. */
export const codeName = (name: string): string => name.replace(/\s+/g, ' ').trim();

/** The code's path in words, e.g. "Barriers > Time". */
export function pathText(codes: Map<string, Code>, codeId: string): string {
  const names: string[] = [];
  const seen = new Set<string>();
  for (let at = codes.get(codeId); at && !seen.has(at.id); at = at.parentId ? codes.get(at.parentId) : undefined) {
    seen.add(at.id);
    names.unshift(at.name);
  }
  return names.join(' > ');
}
