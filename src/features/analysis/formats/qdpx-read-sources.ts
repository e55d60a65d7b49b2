/**
 * Reading the text sources of a project.qde: where a source's text is (PlainTextContent, or a file inside the
 * .qdpx's Sources folder — a path that leaves it is refused), its selections (checked against the text's length in
 * code points: out of range is refused, an empty one is skipped with a note) and its codings.
 */
import { UNPACK_LIMITS } from '../../../platform/storage/unpack-limits';
import { cpLength, spanProblem } from '../spans';
import {
  DATE_TIME,
  GUID,
  QDPX_LIMITS,
  QDPX_NAMESPACE,
  QdpxError,
  canonicalGuid,
  type QdaCoding,
  type QdaSelection,
  type QdaSource,
} from './qdpx-model';
import { decodeText, type XmlEl } from './qdpx-xml';

/** What the readers share while reading one project. */
export interface ReadContext {
  notes: string[];
  /** A file of the .qdpx by its path inside the ZIP, or undefined. */
  file: (path: string) => Uint8Array | undefined;
  /** GUIDs seen so far, by kind (canonical form). */
  seen: Map<string, Set<string>>;
  selections: number;
}

export const kids = (el: XmlEl, local: string): XmlEl[] =>
  el.children.filter((c) => c.namespace === QDPX_NAMESPACE && c.local === local);

/** A required GUID attribute, canonical; refused when missing, malformed or used twice for the same kind. */
export function guidOf(ctx: ReadContext, el: XmlEl, kind: string, label: string): string {
  const raw = el.attrs.guid?.trim();
  if (!raw) throw new QdpxError(`The ${label} has no guid.`);
  if (!GUID.test(raw)) throw new QdpxError(`The ${label} has guid "${raw}", which is not a GUID.`);
  const guid = canonicalGuid(raw);
  const set = ctx.seen.get(kind) ?? new Set<string>();
  if (set.has(guid)) throw new QdpxError(`The ${label} has the same guid as another ${kind}: ${raw}.`);
  set.add(guid);
  ctx.seen.set(kind, set);
  return guid;
}

/** An optional GUID-valued attribute (creatingUser, targetGUID …), canonical, or null. */
export function refOf(el: XmlEl, attr: string, label: string): string | null {
  const raw = el.attrs[attr]?.trim();
  if (raw === undefined || raw === '') return null;
  if (!GUID.test(raw)) throw new QdpxError(`The ${label} has ${attr} "${raw}", which is not a GUID.`);
  return canonicalGuid(raw);
}

export const whenOf = (el: XmlEl): string | null => {
  const raw = el.attrs.creationDateTime?.trim();
  return raw && DATE_TIME.test(raw) ? raw : null;
};

export const noteRefs = (el: XmlEl, label: string): string[] =>
  kids(el, 'NoteRef').map((r) => {
    const guid = refOf(r, 'targetGUID', `NoteRef of the ${label}`);
    if (!guid) throw new QdpxError(`A NoteRef of the ${label} has no targetGUID.`);
    return guid;
  });

export function readCoding(ctx: ReadContext, el: XmlEl, label: string): QdaCoding {
  const guid = guidOf(ctx, el, 'coding', `coding in the ${label}`);
  const what = `coding ${guid} in the ${label}`;
  const ref = kids(el, 'CodeRef')[0];
  const codeGuid = ref ? refOf(ref, 'targetGUID', what) : null;
  if (!codeGuid) throw new QdpxError(`The ${what} has no CodeRef naming its code.`);
  return {
    guid,
    codeGuid,
    coderGuid: refOf(el, 'creatingUser', what),
    createdAt: whenOf(el),
    noteGuids: noteRefs(el, what),
  };
}

const HOSTILE = (path: string): boolean =>
  path === '' ||
  /^[/\\]/.test(path) ||
  path.includes('\\') ||
  /^[a-zA-Z]:/.test(path) ||
  path.split('/').some((part) => part === '..' || part === '.' || part === '');

/**
 * The text of a TextSource or Note: PlainTextContent, or the file its plainTextPath names inside Sources/.
 * Returns null (with a note) for a link to a file outside the .qdpx (relative:// or absolute://, which the
 * standard allows); refuses a path that tries to reach outside Sources/.
 */
export function readText(ctx: ReadContext, el: XmlEl, label: string): string | null {
  const inline = kids(el, 'PlainTextContent')[0];
  const path = el.attrs.plainTextPath?.trim();
  if (!path) {
    if (inline) return inline.text;
    throw new QdpxError(`The ${label} has neither PlainTextContent nor a plainTextPath: it has no text.`);
  }
  const internal = /^internal:\/\/(.*)$/i.exec(path);
  const outside = `The ${label} points to "${path}", outside the project's Sources folder, so the file is refused.`;
  if (!internal) {
    if (/^(?:relative|absolute|file):\/\//i.test(path) && !path.includes('..')) {
      if (inline) return inline.text;
      ctx.notes.push(`The ${label} links to a file outside the .qdpx (${path}); it was not imported.`);
      return null;
    }
    throw new QdpxError(outside);
  }
  const inside = internal[1]!;
  if (HOSTILE(inside)) throw new QdpxError(outside);
  const bytes = ctx.file(`Sources/${inside}`);
  if (!bytes) throw new QdpxError(`The ${label} names Sources/${inside}, which the .qdpx does not hold.`);
  const text = decodeText(bytes, `Sources/${inside}`).replace(/^\uFEFF/, '');
  if (text.length > UNPACK_LIMITS.maxTextChars) {
    const limit = UNPACK_LIMITS.maxTextChars.toLocaleString('en-GB');
    throw new QdpxError(`The text of the ${label} is longer than ${limit} characters.`);
  }
  return text;
}

function readSelection(ctx: ReadContext, el: XmlEl, length: number, label: string): QdaSelection | null {
  if (++ctx.selections > QDPX_LIMITS.selections)
    throw new QdpxError(`The project has more than ${QDPX_LIMITS.selections.toLocaleString('en-GB')} selections.`);
  const guid = guidOf(ctx, el, 'selection', `selection in the ${label}`);
  const what = `selection ${guid} in the ${label}`;
  const position = (attr: string): number => {
    const raw = el.attrs[attr]?.trim() ?? '';
    if (!/^[+-]?\d{1,15}$/.test(raw)) throw new QdpxError(`The ${what} has ${attr} "${raw}", not a whole number.`);
    return Number(raw);
  };
  const start = position('startPosition');
  const end = position('endPosition');
  if (start === end && start >= 0 && end <= length) {
    ctx.notes.push(`The empty ${what} (at ${start}) was skipped.`);
    return null;
  }
  const problem = spanProblem(length, { start, end });
  if (problem) throw new QdpxError(`The ${what} ${problem.replace(/^Span 1 /, '')}`);
  return {
    guid,
    name: el.attrs.name ?? '',
    start,
    end,
    coderGuid: refOf(el, 'creatingUser', what),
    createdAt: whenOf(el),
    codings: kids(el, 'Coding').map((c) => readCoding(ctx, c, what)),
    noteGuids: noteRefs(el, what),
  };
}

export function readTextSource(ctx: ReadContext, el: XmlEl, index: number): QdaSource | null {
  const name = el.attrs.name ?? '';
  const label = name.trim() ? `source "${name}"` : `source ${index}`;
  const guid = guidOf(ctx, el, 'source', label);
  const text = readText(ctx, el, label);
  if (text === null) return null;
  const length = cpLength(text);
  if (kids(el, 'VariableValue').length)
    ctx.notes.push(`The variable values on the ${label} were not carried (Waymark keeps them on cases).`);
  return {
    guid,
    name,
    description: kids(el, 'Description')[0]?.text ?? '',
    text,
    coderGuid: refOf(el, 'creatingUser', label),
    createdAt: whenOf(el),
    selections: kids(el, 'PlainTextSelection')
      .map((s) => readSelection(ctx, s, length, label))
      .filter((s): s is QdaSelection => s !== null),
    codings: kids(el, 'Coding').map((c) => readCoding(ctx, c, `whole ${label}`)),
    noteGuids: noteRefs(el, label),
  };
}
