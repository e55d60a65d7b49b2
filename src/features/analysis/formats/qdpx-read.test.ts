import { readdirSync, readFileSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { sliceCp } from '../spans';
import { QdpxError, readProjectQde, readQdpx, writeProjectQde } from './qdpx';

const FIXTURES = new URL('../../../../test/fixtures/refi-qda/', import.meta.url);
const OTHER = new URL('other-tool/', FIXTURES);
const QDE = readFileSync(new URL('project.qde', OTHER), 'utf8');
const SOURCES = Object.fromEntries(
  readdirSync(new URL('Sources/', OTHER)).map((f) => [`Sources/${f}`, readFileSync(new URL(`Sources/${f}`, OTHER))]),
);

const zip = (files: Record<string, string | Uint8Array>): Uint8Array =>
  zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? strToU8(v) : v])));

/** A minimal project.qde around the given Sources content. */
const projectXml = (sources: string, extra = '') =>
  `<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="P">
  <CodeBook><Codes><Code guid="11111111-1111-4111-8111-111111111111" name="A" isCodable="true"/></Codes></CodeBook>
  <Sources>${sources}</Sources>${extra}
</Project>`;
const textSource = (path: string, selection = '') =>
  `<TextSource guid="22222222-2222-4222-8222-222222222222" name="S" plainTextPath="${path}">${selection}</TextSource>`;

async function refused(data: Uint8Array, message: RegExp): Promise<void> {
  const error = await readQdpx(data, 'upload.qdpx').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(QdpxError);
  expect((error as Error).message).toMatch(message);
}

describe('reading a project written by another tool', () => {
  it('the hand-written fixture is valid against the XSD but for its one deliberately bad colour', async () => {
    const xsd = readFileSync(new URL('Project-mrt2019.xsd', FIXTURES), 'utf8');
    const result = await validateXML({
      xml: [{ fileName: 'project.qde', contents: QDE.replace(/^\uFEFF/, '') }],
      schema: [{ fileName: 'Project-mrt2019.xsd', contents: xsd }],
    });
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/attribute 'color'.*The value 'red' is not accepted/),
    ]);
  });

  it('reads users, the codebook, cases, text sources with their selections and codings, and notes', async () => {
    const { project, origin, notes } = await readQdpx(zip({ 'project.qde': QDE, ...SOURCES }));
    expect(origin).toBe('Hand-written in the style of ATLAS.ti and QualCoder');
    expect(project.name).toBe('Field study');
    expect(project.users).toEqual([{ guid: '7e0c2b44-1f3a-4b5c-9d6e-8f7a6b5c4d3e', name: 'Analyst One' }]);
    const [enablers, barriers] = project.codes;
    expect(enablers).toMatchObject({
      guid: '1ff58b12-6f6f-4b0c-8be5-bbdc91f55294',
      name: 'Enablers',
      colour: '#46aa00',
      description: 'Things that help & support',
      codable: false,
      noteGuids: ['0e4b7c21-3a9d-4f58-8c6e-1b2d3f4a5c6d'],
    });
    expect(enablers!.children[0]).toMatchObject({ name: 'Festivals', colour: '#ff00aa', codable: true });
    expect(barriers).toMatchObject({ name: 'Barriers', colour: null, codable: true });
    expect(project.cases).toEqual([
      {
        guid: '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901',
        name: 'Participant 1',
        description: '',
        values: [{ variableGuid: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', value: 'North Wales' }],
        sourceGuids: ['5c1a9e2b-7d4f-4e6a-9b3c-2f8e1d0a6b71'],
      },
    ]);
    const [interview, inline] = project.sources;
    expect(interview!.selections.map((s) => sliceCp(interview!.text, s.start, s.end))).toEqual(['ŵyl', '😀']);
    expect(interview!.selections[0]!.codings[0]).toMatchObject({
      codeGuid: 'dfe5c38e-9449-5959-a1f7-e3d895cfa87f',
      coderGuid: '7e0c2b44-1f3a-4b5c-9d6e-8f7a6b5c4d3e',
    });
    expect(sliceCp(inline!.text, inline!.selections[0]!.start, inline!.selections[0]!.end)).toBe('barriers');
    expect(project.notes).toEqual([
      {
        guid: '0e4b7c21-3a9d-4f58-8c6e-1b2d3f4a5c6d',
        name: 'Memo on enablers',
        text: 'A memo kept in a file.',
        authorGuid: '7e0c2b44-1f3a-4b5c-9d6e-8f7a6b5c4d3e',
        createdAt: null,
      },
    ]);
    expect(notes).toEqual([
      'The colour "red" of the code "Barriers" (position 2) was left out.',
      '1 code or selection reference(s) on cases not carried.',
      '1 PDF source(s) not carried, with their selections and codings.',
      '1 picture source(s) not carried, with their selections and codings.',
      "The project's sets were not carried.",
      '1 selection(s) or coding(s) name a coder the file does not list.',
    ]);
  });

  it('writes what it imported back out as a file valid against the XSD', async () => {
    const { project } = await readQdpx(zip({ 'project.qde': QDE, ...SOURCES }));
    const xsd = readFileSync(new URL('Project-mrt2019.xsd', FIXTURES), 'utf8');
    const result = await validateXML({
      xml: [{ fileName: 'project.qde', contents: writeProjectQde(project) }],
      schema: [{ fileName: 'Project-mrt2019.xsd', contents: xsd }],
    });
    expect(result.valid, result.errors.map((e) => e.rawMessage).join('\n')).toBe(true);
  });

  it('notes a source that links to a file outside the .qdpx instead of refusing the project', async () => {
    const { project, notes } = await readQdpx(
      zip({ 'project.qde': projectXml(textSource('absolute://C:/data/x.txt')) }),
    );
    expect(project.sources).toEqual([]);
    expect(notes).toEqual([
      'The source "S" links to a file outside the .qdpx (absolute://C:/data/x.txt); it was not imported.',
    ]);
  });
});

describe('refusing hostile or broken files, with no partial result', () => {
  it('refuses what is not a ZIP, and a ZIP without project.qde', async () => {
    await refused(strToU8('<Project/>'), /upload\.qdpx is not a ZIP file/);
    await refused(zip({ 'Sources/a.txt': 'x' }), /holds no project\.qde/);
  });

  it('refuses a ZIP that inflates past the unpack limits (a ZIP bomb) before reading it', async () => {
    await refused(
      zip({ 'project.qde': projectXml(''), 'Sources/big.txt': new Uint8Array(6 * 1024 * 1024) }),
      /expands to more than 5 MB/,
    );
  });

  it('refuses DOCTYPE and entity declarations (billion laughs, external entities)', async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>${projectXml('')}`;
    await refused(zip({ 'project.qde': laughs }), /DOCTYPE or ENTITY/);
    const xxe = `<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>${projectXml('').replace(/^<\?xml[^>]*>/, '')}`;
    await refused(zip({ 'project.qde': xxe }), /DOCTYPE or ENTITY/);
  });

  it('refuses a source path outside Sources/', async () => {
    for (const path of [
      'internal://../project.qde',
      'internal:///etc/passwd',
      'internal://a/../../x.txt',
      '/etc/passwd',
      '../x.txt',
      'internal://C:/x.txt',
      'internal://a\\..\\x.txt',
    ]) {
      await refused(
        zip({ 'project.qde': projectXml(textSource(path)), 'x.txt': 'x' }),
        /outside the project's Sources folder/,
      );
    }
  });

  it('refuses a source file the ZIP does not hold, and text that is not UTF-8', async () => {
    await refused(
      zip({ 'project.qde': projectXml(textSource('internal://a.txt')) }),
      /names Sources\/a\.txt, which the \.qdpx does not hold/,
    );
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9]);
    await refused(
      zip({ 'project.qde': projectXml(textSource('internal://a.txt')), 'Sources/a.txt': latin1 }),
      /Sources\/a\.txt is not UTF-8/,
    );
  });

  it('refuses a selection outside its text, counting code points', async () => {
    const sel = (start: number, end: number) =>
      textSource(
        'internal://a.txt',
        `<PlainTextSelection guid="33333333-3333-4333-8333-333333333333" startPosition="${start}" endPosition="${end}"/>`,
      );
    // "😀ŵ" is 2 code points (3 UTF-16 units, 6 bytes): [0, 3) is out of range.
    const files = (s: string) => zip({ 'project.qde': projectXml(s), 'Sources/a.txt': '😀ŵ' });
    await refused(files(sel(0, 3)), /the end is past the end of the text, which has 2 characters/);
    await refused(files(sel(-1, 1)), /before the beginning/);
    await refused(files(sel(2, 1)), /start is after the end/);
    const ok = await readQdpx(files(sel(1, 2)));
    expect(ok.project.sources[0]!.selections[0]).toMatchObject({ start: 1, end: 2 });
    const empty = await readQdpx(files(sel(1, 1)));
    expect(empty.project.sources[0]!.selections).toEqual([]);
    expect(empty.notes[0]).toMatch(/empty selection .* was skipped/);
  });

  it('refuses a coding of a code the codebook does not hold, and a repeated guid', async () => {
    const coding = `<Coding guid="44444444-4444-4444-8444-444444444444"><CodeRef targetGUID="55555555-5555-4555-8555-555555555555"/></Coding>`;
    const inline = (inner: string) =>
      `<TextSource guid="22222222-2222-4222-8222-222222222222" name="S"><PlainTextContent>text</PlainTextContent>${inner}</TextSource>`;
    await refused(zip({ 'project.qde': projectXml(inline(coding)) }), /refers to a code the codebook lacks/);
    const twice = projectXml(inline('') + inline('').replace('name="S"', 'name="T"'));
    await refused(zip({ 'project.qde': twice }), /source "T" has the same guid as another source/);
  });

  it('refuses the wrong root, the wrong namespace, and malformed XML', () => {
    expect(() => readProjectQde('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')).toThrow(/not <Project>/);
    expect(() => readProjectQde('<Project name="x"/>')).toThrow(/in no namespace/);
    expect(() => readProjectQde('<Project xmlns="urn:QDA-XML:project:1.0" name="x">')).toThrow(/not well-formed/);
    expect(() => readProjectQde(projectXml('').replace('name="A"', 'name="A &bogus;"'))).toThrow(/entity &bogus;/);
  });
});
