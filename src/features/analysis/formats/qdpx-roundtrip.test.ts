import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { cpToUtf16, sliceCp } from '../spans';
import { readQdpx, writeProjectQde, writeQdpx, type QdaProject } from './qdpx';

const XSD = readFileSync(new URL('../../../../test/fixtures/refi-qda/Project-mrt2019.xsd', import.meta.url), 'utf8');

/** Validate a project.qde against the REFI-QDA Project XSD; the errors are the message when it fails. */
async function expectValid(xml: string): Promise<void> {
  const result = await validateXML({
    xml: [{ fileName: 'project.qde', contents: xml }],
    schema: [{ fileName: 'Project-mrt2019.xsd', contents: XSD }],
  });
  expect(result.valid, result.errors.map((e) => e.rawMessage).join('\n')).toBe(true);
}

const g = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const [SIAN, DAFYDD] = [g(1), g(2)];
const [ENABLERS, TIME, BARRIERS] = [g(10), g(11), g(12)];
const [AREA, VOTES, OPTED] = [g(20), g(21), g(22)];
const [S1, S2] = [g(30), g(31)];
const [CODE_MEMO, PROJECT_MEMO, SELECTION_MEMO, CODING_MEMO] = [g(40), g(41), g(42), g(43)];

/** Welsh letters (ŵ precomposed), a ZWJ family, a decomposed é, the Welsh flag (a tag sequence), CRLF. */
const TEXT = "Mae'r ŵyl yn wych 👨‍👩‍👧 — cafe\u0301 🏴󠁧󠁢󠁷󠁬󠁳󠁿 diolch\r\nail linell";
const PIECES = ['ŵyl', '👨‍👩‍👧', 'cafe\u0301', '🏴󠁧󠁢󠁷󠁬󠁳󠁿', 'diolch\r\nail'];

/** The code-point span of a piece of TEXT. */
function spanOf(piece: string): { start: number; end: number } {
  const utf16 = TEXT.indexOf(piece);
  const start = [...TEXT.slice(0, utf16)].length;
  return { start, end: start + [...piece].length };
}

function sampleProject(): QdaProject {
  let next = 100;
  const coding = (code: string, coder: string, noteGuids: string[] = []) => ({
    guid: g(next++),
    codeGuid: code,
    coderGuid: coder,
    createdAt: '2026-11-30T10:15:00Z',
    noteGuids,
  });
  return {
    name: 'Pathways — Gogledd Cymru',
    description: 'Workshops & Delphi <2026>',
    users: [
      { guid: SIAN, name: 'Siân Ŵyn' },
      { guid: DAFYDD, name: 'Dafydd' },
    ],
    codes: [
      {
        guid: ENABLERS,
        name: 'Enablers 🌱',
        colour: '#46aa00',
        description: 'Things that help & support\r\n<all areas>',
        codable: false,
        noteGuids: [],
        children: [
          {
            guid: TIME,
            name: 'Amser gwarchodedig',
            colour: null,
            description: 'Protected time — ŵ ŷ',
            codable: true,
            noteGuids: [CODE_MEMO],
            children: [],
          },
        ],
      },
      {
        guid: BARRIERS,
        name: 'Barriers',
        colour: '#ff00aa',
        description: '',
        codable: true,
        noteGuids: [],
        children: [],
      },
    ],
    variables: [
      { guid: AREA, name: 'Area', type: 'Text', description: 'Area of practice' },
      { guid: VOTES, name: 'Votes', type: 'Integer', description: '' },
      { guid: OPTED, name: 'Opted out of quotes', type: 'Boolean', description: '' },
    ],
    cases: [
      {
        guid: g(50),
        name: 'Participant 7f3a',
        description: '',
        values: [
          { variableGuid: AREA, value: 'Gogledd Cymru' },
          { variableGuid: VOTES, value: '3' },
          { variableGuid: OPTED, value: null },
        ],
        sourceGuids: [S1],
      },
    ],
    sources: [
      {
        guid: S1,
        name: 'Workshop note: ŵyl',
        description: 'Area: North',
        text: TEXT,
        coderGuid: null,
        createdAt: '2026-11-02T09:00:00.123+01:00',
        selections: PIECES.map((piece, i) => ({
          guid: g(60 + i),
          name: piece,
          ...spanOf(piece),
          coderGuid: i % 2 ? DAFYDD : SIAN,
          createdAt: null,
          codings: [coding(i % 2 ? BARRIERS : TIME, i % 2 ? DAFYDD : SIAN, i === 0 ? [CODING_MEMO] : [])],
          noteGuids: i === 1 ? [SELECTION_MEMO] : [],
        })),
        codings: [coding(TIME, DAFYDD)],
        noteGuids: [],
      },
      {
        guid: S2,
        name: 'Delphi reason',
        description: '',
        text: 'Short.',
        coderGuid: null,
        createdAt: null,
        selections: [],
        codings: [],
        noteGuids: [],
      },
    ],
    notes: [
      {
        guid: CODE_MEMO,
        name: 'On protected time',
        text: 'Line one\r\nline <two> & ŵ',
        authorGuid: SIAN,
        createdAt: null,
      },
      { guid: PROJECT_MEMO, name: 'Project memo', text: 'Overall 👍', authorGuid: null, createdAt: null },
      { guid: SELECTION_MEMO, name: 'Family', text: 'Emoji as data', authorGuid: DAFYDD, createdAt: null },
      { guid: CODING_MEMO, name: 'Why', text: '\ttabbed', authorGuid: SIAN, createdAt: '2026-11-30T10:16:00Z' },
    ],
    noteGuids: [PROJECT_MEMO],
  };
}

const AT = new Date('2026-12-01T12:00:00Z');

describe('writing a .qdpx', () => {
  it('writes a project.qde valid against the REFI-QDA Project XSD', async () => {
    await expectValid(writeProjectQde(sampleProject()));
  });

  it('writes valid files when lists are empty (the schema wants none rather than an empty list)', async () => {
    const empty: QdaProject = {
      name: 'Empty',
      description: '',
      users: [],
      codes: [],
      variables: [],
      cases: [],
      sources: [],
      notes: [],
      noteGuids: [],
    };
    await expectValid(writeProjectQde(empty));
    await expectValid(writeProjectQde({ ...empty, sources: sampleProject().sources.slice(1) }));
  });

  it('puts each text in Sources/<guid>.txt as UTF-8, exactly, and points to it as internal://', () => {
    const files = unzipSync(writeQdpx(sampleProject(), { at: AT }));
    expect(Object.keys(files).sort()).toEqual(['Sources/' + S1 + '.txt', 'Sources/' + S2 + '.txt', 'project.qde']);
    expect(Buffer.from(files[`Sources/${S1}.txt`]!).equals(Buffer.from(TEXT, 'utf8'))).toBe(true);
    expect(strFromU8(files['project.qde']!)).toContain(`plainTextPath="internal://${S1}.txt"`);
  });

  it('counts startPosition and endPosition in code points, not UTF-16 units or bytes', () => {
    const xml = writeProjectQde(sampleProject());
    const flag = spanOf('🏴󠁧󠁢󠁷󠁬󠁳󠁿');
    expect(xml).toContain(`startPosition="${flag.start}" endPosition="${flag.end}"`);
    // After the family emoji, UTF-16 indices run ahead of code points: the file must hold the code points.
    expect(cpToUtf16(TEXT, flag.start)).toBeGreaterThan(flag.start);
    expect(flag.end - flag.start).toBe(7);
  });
});

describe('export → import → export', () => {
  it('reads back the project it wrote, equal in every field', async () => {
    const project = sampleProject();
    const read = await readQdpx(writeQdpx(project, { at: AT }));
    expect(read.notes).toEqual([]);
    expect(read.origin).toBe('Waymark');
    expect(read.project).toEqual(project);
  });

  it('lands on the same characters with emoji, accents and Welsh letters', async () => {
    const first = await readQdpx(writeQdpx(sampleProject(), { at: AT }));
    const again = await readQdpx(writeQdpx(first.project, { at: AT }));
    const source = again.project.sources[0]!;
    expect(source.text).toBe(TEXT);
    expect(source.selections.map((s) => sliceCp(source.text, s.start, s.end))).toEqual(PIECES);
  });

  it('writes the same bytes the second time', async () => {
    const bytes = writeQdpx(sampleProject(), { at: AT });
    const again = writeQdpx((await readQdpx(bytes)).project, { at: AT });
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('refusing to write what could not be read back', () => {
  const refuses = (change: (p: QdaProject) => void, message: RegExp) => {
    const project = sampleProject();
    change(project);
    expect(() => writeProjectQde(project)).toThrow(message);
  };

  it('refuses a selection outside its text, empty, or backwards', () => {
    refuses(
      (p) =>
        (p.sources[1]!.selections = [{ ...p.sources[0]!.selections[0]!, guid: g(99), codings: [], start: 2, end: 7 }]),
      /past the end/,
    );
    refuses((p) => Object.assign(p.sources[0]!.selections[0]!, { start: 4, end: 4 }), /empty/);
    refuses((p) => Object.assign(p.sources[0]!.selections[0]!, { start: 5, end: 4 }), /start is after the end/);
  });

  it('refuses GUIDs that are not GUIDs or are used twice', () => {
    refuses((p) => (p.users[0]!.guid = 'siân'), /user "Siân Ŵyn" has guid "siân", which is not a GUID/);
    refuses((p) => (p.codes[1]!.guid = ENABLERS), /code "Barriers".*guid another code has/);
  });

  it('refuses references to codes, notes or sources the project does not hold', () => {
    refuses(
      (p) => (p.sources[0]!.codings[0]!.codeGuid = g(98)),
      /whole source "Workshop note: ŵyl"\) refers to .*, which is not a code the codebook holds/,
    );
    refuses((p) => (p.codes[0]!.children[0]!.noteGuids = [g(97)]), /Amser gwarchodedig.*not a note the project holds/);
    refuses((p) => (p.cases[0]!.sourceGuids = [g(96)]), /case "Participant 7f3a" refers to .*not a source/);
  });

  it('refuses text XML cannot carry, a bad colour, and a value that does not fit its variable', () => {
    refuses((p) => (p.codes[1]!.name = 'Bar\u0001riers'), /U\+0001/);
    refuses((p) => (p.codes[1]!.colour = 'red'), /not #rrggbb/);
    refuses((p) => (p.cases[0]!.values[1]!.value = 'three'), /"three" for Votes, which is not a Integer/);
  });
});
