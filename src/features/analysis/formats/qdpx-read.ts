/**
 * Read a REFI-QDA `.qdpx` (see qdpx-model.ts) into a QdaProject: users, the codebook (hierarchy, descriptions,
 * colours), variables and cases, text sources with their selections and codings, and notes (memos) with the
 * NoteRefs that attach them.
 *
 * Refused with one clear QdpxError and no partial result: not a ZIP, a ZIP over the unpack limits (entries, sizes
 * — a ZIP bomb stops as it inflates), no project.qde, not UTF-8/16, not well-formed XML, any DOCTYPE or ENTITY
 * declaration, a root other than Project in the project namespace, a missing or malformed or repeated GUID, a
 * source path outside Sources/, a selection outside its text, a coding of a code the codebook does not hold, more
 * codes, selections, notes or cases than QDPX_LIMITS allows. Read but not carried (each reported in `notes`):
 * PDF, picture, audio and video sources and their selections, sets, links, graphs, empty selections, variable
 * values on sources, references to users or notes the file does not list, bad colours.
 */
import { readZip, UnpackLimitError } from '../../../platform/storage/unpack-limits';
import {
  QDPX_LIMITS,
  QDPX_NAMESPACE,
  QdpxError,
  VARIABLE_TYPES,
  type QdaCase,
  type QdaCode,
  type QdaNote,
  type QdaProject,
  type QdaSource,
  type QdaVariable,
  type QdaVariableType,
  type QdpxReadResult,
} from './qdpx-model';
import { guidOf, kids, noteRefs, readText, readTextSource, refOf, whenOf, type ReadContext } from './qdpx-read-sources';
import { decodeText, parseXml, type XmlEl } from './qdpx-xml';

const RGB = /^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/;
const OTHER_SOURCES: Record<string, string> = {
  PDFSource: 'PDF',
  PictureSource: 'picture',
  AudioSource: 'audio',
  VideoSource: 'video',
};

function readCodes(ctx: ReadContext, codes: XmlEl | undefined): QdaCode[] {
  let count = 0;
  const read = (el: XmlEl, depth: number, path: string): QdaCode => {
    if (++count > QDPX_LIMITS.codes) throw new QdpxError(`The codebook has more than ${QDPX_LIMITS.codes} codes.`);
    if (depth > QDPX_LIMITS.depth)
      throw new QdpxError(`The codebook nests codes more than ${QDPX_LIMITS.depth} deep (at position ${path}).`);
    const name = el.attrs.name;
    const label = name?.trim() ? `code "${name}" (position ${path})` : `code at position ${path}`;
    if (name === undefined || name.trim() === '') throw new QdpxError(`The ${label} has no name.`);
    const guid = guidOf(ctx, el, 'code', label);
    const codable = el.attrs.isCodable?.trim();
    if (codable !== undefined && !['true', 'false', '1', '0'].includes(codable))
      throw new QdpxError(`The ${label} has isCodable "${codable}"; it must be true or false.`);
    const colourRaw = el.attrs.color?.trim();
    let colour: string | null = null;
    if (colourRaw !== undefined && RGB.test(colourRaw)) {
      const hex = colourRaw.slice(1).toLowerCase();
      colour = `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
    } else if (colourRaw !== undefined) ctx.notes.push(`The colour "${colourRaw}" of the ${label} was left out.`);
    return {
      guid,
      name,
      colour,
      description: kids(el, 'Description')[0]?.text ?? '',
      codable: codable !== 'false' && codable !== '0',
      noteGuids: noteRefs(el, label),
      children: kids(el, 'Code').map((child, i) => read(child, depth + 1, `${path}.${i + 1}`)),
    };
  };
  return codes ? kids(codes, 'Code').map((el, i) => read(el, 1, `${i + 1}`)) : [];
}

function readVariables(ctx: ReadContext, root: XmlEl): QdaVariable[] {
  return kids(root, 'Variables').flatMap((list) =>
    kids(list, 'Variable').map((el): QdaVariable => {
      const name = el.attrs.name ?? '';
      const label = `variable "${name}"`;
      const guid = guidOf(ctx, el, 'variable', label);
      if (!name.trim()) throw new QdpxError(`The variable ${guid} has no name.`);
      const raw = el.attrs.typeOfVariable?.trim() ?? '';
      const type = (VARIABLE_TYPES as readonly string[]).includes(raw) ? (raw as QdaVariableType) : 'Text';
      if (type !== raw) ctx.notes.push(`The ${label} has type "${raw}"; it was read as Text.`);
      return { guid, name, type, description: kids(el, 'Description')[0]?.text ?? '' };
    }),
  );
}

function readCases(ctx: ReadContext, root: XmlEl, variables: Set<string>): QdaCase[] {
  const cases = kids(root, 'Cases').flatMap((list) => kids(list, 'Case'));
  if (cases.length > QDPX_LIMITS.cases) throw new QdpxError(`The project has more than ${QDPX_LIMITS.cases} cases.`);
  let dropped = 0;
  const result = cases.map((el, i): QdaCase => {
    const name = el.attrs.name ?? '';
    const label = name.trim() ? `case "${name}"` : `case ${i + 1}`;
    const guid = guidOf(ctx, el, 'case', label);
    dropped += kids(el, 'CodeRef').length + kids(el, 'SelectionRef').length;
    const values = kids(el, 'VariableValue').map((v) => {
      const ref = kids(v, 'VariableRef')[0];
      const variableGuid = ref ? refOf(ref, 'targetGUID', label) : null;
      if (!variableGuid || !variables.has(variableGuid))
        throw new QdpxError(`The ${label} has a value for a variable the project does not list.`);
      const value = v.children.find((c) => c.namespace === QDPX_NAMESPACE && c.local.endsWith('Value'));
      return { variableGuid, value: value ? value.text : null };
    });
    const sourceGuids = kids(el, 'SourceRef').map((r) => refOf(r, 'targetGUID', label) ?? '');
    return { guid, name, description: kids(el, 'Description')[0]?.text ?? '', values, sourceGuids };
  });
  if (dropped) ctx.notes.push(`${dropped} code or selection reference(s) on cases not carried.`);
  return result;
}

function readNotes(ctx: ReadContext, root: XmlEl): QdaNote[] {
  const notes = kids(root, 'Notes').flatMap((list) => kids(list, 'Note'));
  if (notes.length > QDPX_LIMITS.notes) throw new QdpxError(`The project has more than ${QDPX_LIMITS.notes} notes.`);
  return notes.flatMap((el, i): QdaNote[] => {
    const name = el.attrs.name ?? '';
    const label = name.trim() ? `note "${name}"` : `note ${i + 1}`;
    const guid = guidOf(ctx, el, 'note', label);
    const text = readText(ctx, el, label);
    if (kids(el, 'PlainTextSelection').length || kids(el, 'Coding').length)
      ctx.notes.push(`The coding inside the ${label} was not carried (Waymark does not code memos).`);
    return text === null
      ? []
      : [{ guid, name, text, authorGuid: refOf(el, 'creatingUser', label), createdAt: whenOf(el) }];
  });
}

/** Drop references the file does not resolve (users and notes), with one note for each kind. */
function checkReferences(ctx: ReadContext, project: QdaProject): void {
  const codes = new Set<string>();
  const walk = (list: QdaCode[]): void =>
    list.forEach((c) => {
      codes.add(c.guid);
      walk(c.children);
    });
  walk(project.codes);
  const users = new Set(project.users.map((u) => u.guid));
  const notes = new Set(project.notes.map((n) => n.guid));
  const sources = new Set(project.sources.map((s) => s.guid));
  let unknownUsers = 0;
  let unknownNotes = 0;
  const user = (guid: string | null): string | null => {
    if (guid !== null && !users.has(guid)) unknownUsers++;
    return guid;
  };
  const keepNotes = (guids: string[]): string[] => {
    const kept = guids.filter((g) => notes.has(g));
    unknownNotes += guids.length - kept.length;
    return kept;
  };
  const fixCodes = (list: QdaCode[]): void =>
    list.forEach((c) => {
      c.noteGuids = keepNotes(c.noteGuids);
      fixCodes(c.children);
    });
  fixCodes(project.codes);
  project.noteGuids = keepNotes(project.noteGuids);
  for (const source of project.sources) {
    source.noteGuids = keepNotes(source.noteGuids);
    const codings = [...source.codings, ...source.selections.flatMap((s) => s.codings)];
    for (const s of source.selections) {
      s.noteGuids = keepNotes(s.noteGuids);
      user(s.coderGuid);
    }
    for (const c of codings) {
      if (!codes.has(c.codeGuid))
        throw new QdpxError(`The coding ${c.guid} in source "${source.name}" refers to a code the codebook lacks.`);
      c.noteGuids = keepNotes(c.noteGuids);
      user(c.coderGuid);
    }
  }
  for (const c of project.cases) {
    const kept = c.sourceGuids.filter((g) => sources.has(g));
    if (kept.length < c.sourceGuids.length)
      ctx.notes.push(`The case "${c.name}" refers to sources that were not imported; those links were dropped.`);
    c.sourceGuids = kept;
  }
  if (unknownUsers) ctx.notes.push(`${unknownUsers} selection(s) or coding(s) name a coder the file does not list.`);
  if (unknownNotes) ctx.notes.push(`${unknownNotes} reference(s) to notes the file does not hold were dropped.`);
}

/** Read project.qde, with the .qdpx's other files given by path. Throws QdpxError; never half-reads. */
export function readProjectQde(
  input: string | Uint8Array,
  file: (path: string) => Uint8Array | undefined = () => undefined,
): QdpxReadResult {
  const xml = typeof input === 'string' ? input : decodeText(input, 'project.qde');
  const root = parseXml(xml, 'project.qde');
  if (root.local !== 'Project')
    throw new QdpxError(`The root element is <${root.local}>, not <Project>: this is not a REFI-QDA project.`);
  if (root.namespace !== QDPX_NAMESPACE) {
    const ns = root.namespace ? `in the namespace "${root.namespace}"` : 'in no namespace';
    throw new QdpxError(`The <Project> element is ${ns}; a REFI-QDA project's is ${QDPX_NAMESPACE}.`);
  }
  const ctx: ReadContext = { notes: [], file, seen: new Map(), selections: 0 };
  const users = kids(root, 'Users')
    .flatMap((list) => kids(list, 'User'))
    .map((el) => ({ guid: guidOf(ctx, el, 'user', `user "${el.attrs.name ?? ''}"`), name: el.attrs.name ?? '' }));
  const codes = readCodes(ctx, kids(root, 'CodeBook').flatMap((book) => kids(book, 'Codes'))[0]);
  const variables = readVariables(ctx, root);
  const cases = readCases(ctx, root, new Set(variables.map((v) => v.guid)));
  const skipped = new Map<string, number>();
  const sources: QdaSource[] = [];
  kids(root, 'Sources')
    .flatMap((list) => list.children.filter((c) => c.namespace === QDPX_NAMESPACE))
    .forEach((el, i) => {
      if (el.local === 'TextSource') {
        const source = readTextSource(ctx, el, i + 1);
        if (source) sources.push(source);
      } else skipped.set(el.local, (skipped.get(el.local) ?? 0) + 1);
    });
  for (const [kind, n] of skipped)
    ctx.notes.push(`${n} ${OTHER_SOURCES[kind] ?? kind} source(s) not carried, with their selections and codings.`);
  const notes = readNotes(ctx, root);
  for (const [part, what] of [
    ['Sets', 'sets'],
    ['Links', 'links'],
    ['Graphs', 'graphs'],
  ] as const)
    if (kids(root, part).length) ctx.notes.push(`The project's ${what} were not carried.`);
  const project: QdaProject = {
    name: root.attrs.name ?? '',
    description: kids(root, 'Description')[0]?.text ?? '',
    users,
    codes,
    variables,
    cases,
    sources,
    notes,
    noteGuids: noteRefs(root, 'project'),
  };
  checkReferences(ctx, project);
  return { project, origin: root.attrs.origin ?? null, notes: ctx.notes };
}

/** Read a `.qdpx` file's bytes. `filename` names it in messages. Throws QdpxError; never half-reads. */
export async function readQdpx(data: Uint8Array, filename = 'The .qdpx file'): Promise<QdpxReadResult> {
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let files: Map<string, Buffer>;
  try {
    const isOurs = (name: string): boolean => name.toLowerCase() === 'project.qde' || name.startsWith('Sources/');
    files = (await readZip(buffer, filename, isOurs)).files;
  } catch (error) {
    if (error instanceof UnpackLimitError) throw new QdpxError(`${error.message}.`, { cause: error });
    throw new QdpxError(`${filename} is not a ZIP file; a .qdpx is a ZIP holding project.qde and Sources/.`, {
      cause: error,
    });
  }
  const qde = [...files].find(([name]) => name.toLowerCase() === 'project.qde')?.[1];
  if (!qde) throw new QdpxError(`${filename} holds no project.qde at its top level: it is not a REFI-QDA project.`);
  return readProjectQde(qde, (path) => files.get(path));
}
