import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSULTANT_STAGES, type FrameworkDoc } from '../model';
import { fromJson, toJson } from './json';
import { fromCsv, toCsv, type CsvContext } from './csv';
import { toCase } from './case';
import { fromCase } from './case-import';
import { nameUuid } from '../order';

const contentDir = path.resolve(__dirname, '../../../../content/frameworks');
const shipped = fs.readdirSync(contentDir).filter((f) => f.endsWith('.json'));

function load(file: string): FrameworkDoc {
  const r = fromJson(fs.readFileSync(path.join(contentDir, file), 'utf8'));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.doc;
}

function csvContext(doc: FrameworkDoc): CsvContext {
  const ids = new Map(doc.items.map((i) => [i.code, i.identifier]));
  return {
    base: { framework: doc.framework, version: doc.version },
    identifierFor: (code) => ids.get(code) ?? nameUuid(code),
    defaultStages: CONSULTANT_STAGES,
  };
}

function must<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(JSON.stringify((r as unknown as { problems: unknown }).problems, null, 2));
  return r as Extract<T, { ok: true }>;
}

describe.each(shipped)('shipped framework %s', (file) => {
  const doc = load(file);

  it('is valid and marked illustrative', () => {
    expect(doc.version.sourceNote).toMatch(/Illustrative/);
    expect(doc.items.length).toBeGreaterThan(5);
  });

  it('Waymark JSON: export → import → export is identical and lossless', () => {
    const first = toJson(doc);
    const again = must(fromJson(first)).doc;
    expect(again).toEqual(doc);
    expect(toJson(again)).toBe(first);
  });

  it('CSV: export → import → export is identical', () => {
    const first = toCsv(doc);
    const again = must(fromCsv(first, csvContext(doc))).doc;
    expect(toCsv(again)).toBe(first);
    expect(again.items.map((i) => [i.code, i.parentCode, i.type, i.text, i.stage])).toEqual(
      doc.items.map((i) => [i.code, i.parentCode, i.type, i.text, i.stage]),
    );
  });

  it('CASE: export → import → export is identical and keeps stages, impacts, areas and mappings', () => {
    const first = toCase(doc);
    const again = must(fromCase(first, { defaultStages: CONSULTANT_STAGES })).doc;
    expect(toCase(again)).toBe(first);
    expect(again).toEqual(doc);
  });
});

describe('the consultant framework', () => {
  const doc = load('consultant.json');
  it('has the five consultant domains, about 16 capabilities and 44 statements over all four stages', () => {
    expect(doc.items.filter((i) => i.type === 'domain').map((i) => i.text)).toEqual([
      'Expert practice',
      'Strategic and enabling leadership',
      'Learning, developing and improving across the system',
      'Research and innovation',
      'Consultancy',
    ]);
    expect(doc.items.filter((i) => i.type === 'capability')).toHaveLength(16);
    expect(doc.items.filter((i) => i.type === 'statement')).toHaveLength(45);
    expect(new Set(doc.items.filter((i) => i.type === 'statement').map((i) => i.stage))).toEqual(
      new Set(['advanced', 'transition', 'years-1-3', 'years-3-5']),
    );
    expect(doc.items.filter((i) => i.type === 'impact').length).toBeGreaterThanOrEqual(5);
  });
  it('CASE keeps the hierarchy readable by any consumer: isChildOf associations with sequence numbers', () => {
    const pkg = JSON.parse(toCase(doc));
    const child = pkg.CFAssociations.filter((a: { associationType: string }) => a.associationType === 'isChildOf');
    expect(child).toHaveLength(doc.items.length);
    const s = pkg.CFItems.find((i: { humanCodingScheme: string }) => i.humanCodingScheme === '1.1.2');
    expect(s.CFItemType).toBe('Statement');
    expect(s.conceptKeywords).toEqual(['Transition from advanced to consultant practice']);
    const edge = child.find((a: { originNodeURI: { title: string } }) => a.originNodeURI.title === '1.1.2');
    expect(edge.destinationNodeURI.title).toBe('1.1');
    expect(edge.sequenceNumber).toBe(2);
  });
});

const HEADER = 'code,parent_code,type,text,stage,area,notes';
const base = load('consultant.json');
const ctx = csvContext(base);
const csv = (...rows: string[]) => [HEADER, 'stage-key-unused,,framework,Test framework,,,1.0', ...rows].join('\n');

describe('CSV import refuses a malformed file, listing every problem by line', () => {
  it.each([
    [
      'an unknown parent',
      csv('1,,domain,Expert practice,,,', '1.1,9,capability,Decisions,,,'),
      'line 4',
      'unknown parent "9"',
    ],
    [
      'a duplicate code',
      csv('1,,domain,Expert practice,,,', '1,,domain,Again,,,'),
      'line 4',
      'duplicate code "1" (also line 3)',
    ],
    [
      'an unknown stage',
      csv('1,,domain,D,,,', '1.1,1,capability,C,,,', '1.1.1,1.1,statement,S,year-9,,'),
      'line 5',
      'unknown stage "year-9"',
    ],
    [
      'a cycle in the hierarchy',
      csv('1,,domain,D,,,', '1.1,1.2,capability,C,,,', '1.2,1.1,capability,C2,,,'),
      'line 4',
      'the hierarchy loops',
    ],
    ['a capability at the top', csv('1.1,,capability,C,,,'), 'line 3', 'capability 1.1 needs a parent code'],
    ['an unknown type', csv('1,,pillar,D,,,'), 'line 3', 'unknown type "pillar"'],
    ['a bad mapping kind', csv('1,,domain,D,,,', '1,WM-X:2,mapping,same-ish,,,'), 'line 4', 'mapping kind "same-ish"'],
  ])('%s', (_name, text, where, message) => {
    const r = fromCsv(text, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toContainEqual({ where, message: expect.stringContaining(message) });
  });

  it('lists several problems at once', () => {
    const r = fromCsv(
      csv('1,,domain,D,,,', '1.1,7,capability,C,,,', '1.1.1,1.1,statement,S,year-9,,', 'x,,pillar,P,,,'),
      ctx,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.where)).toEqual(['line 6', 'line 4', 'line 5']);
  });

  it('takes a statement with no stage into the unstaged bucket, for an editor to place', () => {
    const r = must(fromCsv(csv('1,,domain,D,,,', '1.1,1,capability,C,,,', '1.1.1,1.1,statement,S,,,'), ctx));
    expect(r.doc.items.find((i) => i.code === '1.1.1')!.stage).toBeNull();
  });

  it('names missing columns', () => {
    const r = fromCsv('code,type,text\n1,domain,D\n', ctx);
    expect(r).toEqual({
      ok: false,
      problems: [
        { where: 'line 1', message: expect.stringContaining('missing columns: parent_code, stage, area, notes') },
      ],
    });
  });

  it('accepts a spreadsheet export with a byte-order mark, spaces in headers and quoted commas', () => {
    const r = must(
      fromCsv(`\uFEFFCode,Parent code,Type,Text,Stage,Area,Notes\n1,,domain,"Expert practice, advanced",,,\n`, ctx),
    );
    expect(r.doc.items[0]!.text).toBe('Expert practice, advanced');
  });
});

describe('JSON and CASE imports refuse malformed files', () => {
  it('names the item and field in JSON', () => {
    const doc = JSON.parse(toJson(base));
    doc.items[3].type = 'pillar';
    const r = fromJson(JSON.stringify(doc));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems[0]).toEqual({
        where: `item 4 (${base.items[3]!.code})`,
        message: expect.stringContaining('type'),
      });
  });
  it('says when a file is not JSON, or not a CASE package', () => {
    expect(fromJson('{oops')).toMatchObject({ ok: false, problems: [{ where: 'file' }] });
    expect(fromCase('{"hello": 1}', { defaultStages: CONSULTANT_STAGES })).toMatchObject({
      ok: false,
      problems: [{ where: 'CFDocument' }],
    });
  });
  it('takes CASE items of a type Waymark does not know, keeping the type for export', () => {
    const pkg = JSON.parse(toCase(base));
    pkg.CFItems[0].CFItemType = 'Standard';
    delete pkg.CFItems[0].CFItemTypeURI;
    const r = must(fromCase(JSON.stringify(pkg), { defaultStages: CONSULTANT_STAGES }));
    expect(r.doc.items[0]).toMatchObject({ type: 'domain', case: { fields: { CFItemType: 'Standard' } } });
    expect(JSON.parse(toCase(r.doc)).CFItems[0].CFItemType).toBe('Standard');
  });
});

describe('CSV formula escaping', () => {
  it('export → import → export is byte-identical for text a spreadsheet would run as a formula, which the export neutralises', () => {
    const doc = structuredClone(base);
    const statement = doc.items.find((i) => i.type === 'statement')!;
    statement.text = '=HYPERLINK("http://x","y")';
    statement.notes = "'-already quoted";
    doc.items.find((i) => i.type === 'domain')!.text = '@everyone +1';
    const first = toCsv(doc);
    expect(first).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(first).toContain(`"''-already quoted"`);
    expect(first).toContain(`"'@everyone +1"`);
    const again = must(fromCsv(first, csvContext(doc))).doc;
    expect(again.items.find((i) => i.code === statement.code)).toMatchObject({
      text: statement.text,
      notes: statement.notes,
    });
    expect(toCsv(again)).toBe(first);
  });
});
