/**
 * Write a QdaProject as a REFI-QDA `.qdpx` (see qdpx-model.ts): project.qde in the order Project-mrt2019.xsd asks
 * (Users, CodeBook, Variables, Cases, Sources, Notes, Description, NoteRef; an empty list is left out, as the
 * schema wants at least one member in each), and each text source as Sources/<guid>.txt in UTF-8.
 *
 * Refuses, with a QdpxError, what the reader would refuse — a GUID that is not one or is used twice, a code
 * without a name, a bad colour, a selection outside its text, a variable value that does not fit its type, text XML
 * cannot carry — so every file written reads back equal and validates against the XSD.
 */
import { strToU8, zipSync } from 'fflate';
import { cpLength, spanProblem } from '../spans';
import {
  DATE_TIME,
  GUID,
  QDPX_LIMITS,
  QDPX_NAMESPACE,
  QdpxError,
  VALUE_PATTERNS,
  canonicalGuid,
  type QdaCase,
  type QdaCode,
  type QdaCoding,
  type QdaNote,
  type QdaProject,
  type QdaSelection,
  type QdaSource,
  type QdaVariable,
} from './qdpx-model';
import { escapeAttr, escapeText, xmlSafe } from './qdpx-xml';

interface X {
  name: string;
  attrs?: Record<string, string | null | undefined>;
  text?: string;
  children?: X[];
}

function serialise(x: X, indent: string, out: string[]): void {
  let attrs = '';
  for (const [key, value] of Object.entries(x.attrs ?? {})) {
    if (value !== null && value !== undefined) attrs += ` ${key}="${escapeAttr(value, `<${x.name}> ${key}`)}"`;
  }
  if (x.text !== undefined) out.push(`${indent}<${x.name}${attrs}>${escapeText(x.text, `<${x.name}>`)}</${x.name}>`);
  else if (!x.children?.length) out.push(`${indent}<${x.name}${attrs}/>`);
  else {
    out.push(`${indent}<${x.name}${attrs}>`);
    for (const child of x.children) serialise(child, `${indent}  `, out);
    out.push(`${indent}</${x.name}>`);
  }
}

const list = (name: string, children: X[]): X[] => (children.length ? [{ name, children }] : []);
const refs = (name: string, guids: string[]): X[] => guids.map((g) => ({ name, attrs: { targetGUID: g } }));
const description = (text: string): X[] => (text === '' ? [] : [{ name: 'Description', text }]);

/** Checks GUIDs (form, and once per kind) and names what is wrong. */
class Guids {
  private seen = new Map<string, Set<string>>();
  check(guid: string, kind: string, label: string): string {
    if (!GUID.test(guid)) throw new QdpxError(`The ${label} has guid "${guid}", which is not a GUID.`);
    const set = this.seen.get(kind) ?? new Set<string>();
    if (set.has(canonicalGuid(guid))) throw new QdpxError(`The ${label} has a guid another ${kind} has: ${guid}.`);
    set.add(canonicalGuid(guid));
    this.seen.set(kind, set);
    return guid;
  }
  optional(guid: string | null, label: string): string | null {
    if (guid !== null && !GUID.test(guid)) throw new QdpxError(`The ${label} names "${guid}", which is not a GUID.`);
    return guid;
  }
}

function when(value: string | null, label: string): string | null {
  if (value !== null && !DATE_TIME.test(value))
    throw new QdpxError(`The ${label} has the date "${value}", which is not an xsd:dateTime.`);
  return value;
}

/** project.qde as text (UTF-8 when encoded). */
export function writeProjectQde(project: QdaProject, origin = 'Waymark'): string {
  const guids = new Guids();
  const known = (kind: string, list: { guid: string }[]) => ({
    kind,
    guids: new Set(list.map((x) => canonicalGuid(x.guid))),
  });
  const allCodes = (list: QdaCode[]): QdaCode[] => list.flatMap((c) => [c, ...allCodes(c.children)]);
  const codeSet = known('code the codebook', allCodes(project.codes));
  const noteSet = known('note the project', project.notes);
  const sourceSet = known('source the project', project.sources);
  /** References (NoteRef, SourceRef, CodeRef) must name what the file holds, or the reader would drop or refuse them. */
  const refsTo = (name: string, set: typeof codeSet, targets: string[], label: string): X[] => {
    for (const guid of targets)
      if (!set.guids.has(canonicalGuid(guid)))
        throw new QdpxError(`The ${label} refers to ${guid}, which is not a ${set.kind} holds.`);
    return refs(name, targets);
  };
  let codeCount = 0;
  let selectionCount = 0;

  const coding = (c: QdaCoding, label: string): X => {
    const what = `coding ${c.guid} (${label})`;
    guids.check(c.guid, 'coding', what);
    return {
      name: 'Coding',
      attrs: {
        guid: c.guid,
        creatingUser: guids.optional(c.coderGuid, what),
        creationDateTime: when(c.createdAt, what),
      },
      children: [...refsTo('CodeRef', codeSet, [c.codeGuid], what), ...refsTo('NoteRef', noteSet, c.noteGuids, what)],
    };
  };

  const code = (c: QdaCode, depth: number, path: string): X => {
    if (++codeCount > QDPX_LIMITS.codes) throw new QdpxError(`The codebook has more than ${QDPX_LIMITS.codes} codes.`);
    if (depth > QDPX_LIMITS.depth)
      throw new QdpxError(`The codebook nests codes more than ${QDPX_LIMITS.depth} deep (at position ${path}).`);
    const label = c.name.trim() ? `code "${c.name}" (position ${path})` : `code at position ${path}`;
    if (!c.name.trim()) throw new QdpxError(`The ${label} has no name.`);
    guids.check(c.guid, 'code', label);
    if (c.colour !== null && !/^#[0-9a-fA-F]{6}$/.test(c.colour))
      throw new QdpxError(`The ${label} has colour "${c.colour}", which is not #rrggbb.`);
    return {
      name: 'Code',
      attrs: { guid: c.guid, name: c.name, isCodable: String(c.codable), color: c.colour?.toUpperCase() },
      children: [
        ...description(c.description),
        ...refsTo('NoteRef', noteSet, c.noteGuids, label),
        ...c.children.map((child, i) => code(child, depth + 1, `${path}.${i + 1}`)),
      ],
    };
  };

  const selection = (s: QdaSelection, source: QdaSource, length: number): X => {
    if (++selectionCount > QDPX_LIMITS.selections)
      throw new QdpxError(`The project has more than ${QDPX_LIMITS.selections} selections.`);
    const label = `selection ${s.guid} of source "${source.name}"`;
    guids.check(s.guid, 'selection', label);
    const problem = spanProblem(length, s);
    if (problem) throw new QdpxError(`The ${label} ${problem.replace(/^Span 1 /, '')}`);
    return {
      name: 'PlainTextSelection',
      attrs: {
        guid: s.guid,
        name: s.name,
        startPosition: String(s.start),
        endPosition: String(s.end),
        creatingUser: guids.optional(s.coderGuid, label),
        creationDateTime: when(s.createdAt, label),
      },
      children: [...s.codings.map((c) => coding(c, label)), ...refsTo('NoteRef', noteSet, s.noteGuids, label)],
    };
  };

  const source = (s: QdaSource): X => {
    const label = `source "${s.name}"`;
    guids.check(s.guid, 'source', label);
    if (/[\uD800-\uDFFF]/u.test(s.text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')))
      throw new QdpxError(`The text of the ${label} has a lone surrogate, which UTF-8 cannot carry.`);
    const length = cpLength(s.text);
    return {
      name: 'TextSource',
      attrs: {
        guid: s.guid,
        name: s.name,
        plainTextPath: `internal://${canonicalGuid(s.guid)}.txt`,
        creatingUser: guids.optional(s.coderGuid, label),
        creationDateTime: when(s.createdAt, label),
      },
      children: [
        ...description(s.description),
        ...s.selections.map((sel) => selection(sel, s, length)),
        ...s.codings.map((c) => coding(c, `whole ${label}`)),
        ...refsTo('NoteRef', noteSet, s.noteGuids, label),
      ],
    };
  };

  const variable = (v: QdaVariable): X => {
    guids.check(v.guid, 'variable', `variable "${v.name}"`);
    if (!v.name.trim()) throw new QdpxError(`The variable ${v.guid} has no name.`);
    return {
      name: 'Variable',
      attrs: { guid: v.guid, name: v.name, typeOfVariable: v.type },
      children: description(v.description),
    };
  };

  const variables = new Map(project.variables.map((v) => [canonicalGuid(v.guid), v]));
  const caseX = (c: QdaCase): X => {
    const label = `case "${c.name}"`;
    guids.check(c.guid, 'case', label);
    const values = c.values.map((v): X => {
      const variable = variables.get(canonicalGuid(v.variableGuid));
      if (!variable)
        throw new QdpxError(`The ${label} has a value for variable ${v.variableGuid}, which is not listed.`);
      if (v.value !== null && !VALUE_PATTERNS[variable.type].test(v.value))
        throw new QdpxError(`The ${label} has "${v.value}" for ${variable.name}, which is not a ${variable.type}.`);
      const value: X[] = v.value === null ? [] : [{ name: `${variable.type}Value`, text: v.value }];
      return {
        name: 'VariableValue',
        children: [{ name: 'VariableRef', attrs: { targetGUID: v.variableGuid } }, ...value],
      };
    });
    return {
      name: 'Case',
      attrs: { guid: c.guid, name: c.name },
      children: [...description(c.description), ...values, ...refsTo('SourceRef', sourceSet, c.sourceGuids, label)],
    };
  };

  const note = (n: QdaNote): X => {
    const label = `note "${n.name}"`;
    guids.check(n.guid, 'note', label);
    return {
      name: 'Note',
      attrs: {
        guid: n.guid,
        name: n.name,
        creatingUser: guids.optional(n.authorGuid, label),
        creationDateTime: when(n.createdAt, label),
      },
      children: [{ name: 'PlainTextContent', text: xmlSafe(n.text, `The text of the ${label}`) }],
    };
  };

  const users = project.users.map((u): X => ({
    name: 'User',
    attrs: { guid: guids.check(u.guid, 'user', `user "${u.name}"`), name: u.name },
  }));
  const root: X = {
    name: 'Project',
    attrs: { xmlns: QDPX_NAMESPACE, name: project.name, origin },
    children: [
      ...list('Users', users),
      ...(project.codes.length
        ? [
            {
              name: 'CodeBook',
              children: [{ name: 'Codes', children: project.codes.map((c, i) => code(c, 1, `${i + 1}`)) }],
            },
          ]
        : []),
      ...list('Variables', project.variables.map(variable)),
      ...list('Cases', project.cases.map(caseX)),
      ...list('Sources', project.sources.map(source)),
      ...list('Notes', project.notes.map(note)),
      ...description(project.description),
      ...refsTo('NoteRef', noteSet, project.noteGuids, 'project'),
    ],
  };
  const out = ['<?xml version="1.0" encoding="utf-8"?>'];
  serialise(root, '', out);
  return `${out.join('\n')}\n`;
}

export interface QdpxWriteOptions {
  /** The origin attribute: the tool that wrote the file. */
  origin?: string;
  /** The files' modification time in the ZIP (default now); fix it for byte-identical output. */
  at?: Date;
}

/** The `.qdpx` file's bytes: project.qde and Sources/<guid>.txt for every text source. */
export function writeQdpx(project: QdaProject, options: QdpxWriteOptions = {}): Uint8Array {
  const xml = writeProjectQde(project, options.origin);
  const mtime = options.at ?? new Date();
  const files: Record<string, Uint8Array> = { 'project.qde': strToU8(xml) };
  for (const s of project.sources) files[`Sources/${canonicalGuid(s.guid)}.txt`] = strToU8(s.text);
  return zipSync(files, { level: 6, mtime });
}
