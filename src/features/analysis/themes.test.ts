import { describe, expect, it } from 'vitest';
import {
  cellSegments,
  columnLabel,
  contributorCount,
  contributorLabel,
  crossAreaOf,
  matrixOf,
  quoteOf,
  segmentText,
  type ThemeSegment,
} from './themes';

const T1 = { id: 't1', name: 'Protected time' };
const T2 = { id: 't2', name: 'Supervision' };
const T3 = { id: 't3', name: 'Funding' };
const AREAS = ['Cancer Care', 'Learning Disabilities & Autism', 'Musculoskeletal'];

let n = 0;
function seg(over: Partial<ThemeSegment> = {}): ThemeSegment {
  n++;
  return {
    themeId: 't1',
    codeId: 'c1',
    sourceId: `s${n}`,
    startCp: null,
    endCp: null,
    text: `Text ${n}`,
    attributes: { area: 'Cancer Care', pillar: 'Leadership', stakeholderType: 'Clinician' },
    contributorKey: `k${n}`,
    quotable: true,
    ...over,
  };
}

describe('segments and quotes', () => {
  it('slices a span in code points, or gives the whole text', () => {
    const text = 'Amser 😊 i ddysgu';
    expect(segmentText({ text, startCp: 6, endCp: 7 })).toBe('😊');
    expect(segmentText({ text, startCp: null, endCp: null })).toBe(text);
  });

  it('describes the contributor from attributes, never a name', () => {
    expect(contributorLabel({ stakeholderType: 'Clinician', area: 'Cancer Care' })).toBe('a clinician in Cancer Care');
    expect(contributorLabel({ stakeholderType: 'Educator' })).toBe('an educator');
    expect(contributorLabel({})).toBe('a contributor');
    expect(contributorLabel({ area: 'Musculoskeletal', stakeholderType: null })).toBe(
      'a contributor in Musculoskeletal',
    );
  });

  it('never quotes an unquotable source', () => {
    expect(quoteOf(seg({ quotable: false }))).toBeUndefined();
    expect(quoteOf(seg({ text: '  No time  ', sourceId: 'x' }))).toEqual({
      text: 'No time',
      contributor: 'a clinician in Cancer Care',
      sourceId: 'x',
    });
  });

  it('counts contributors distinctly; a source with no key is a contributor of its own', () => {
    const rows = [
      seg({ contributorKey: 'a' }),
      seg({ contributorKey: 'a' }),
      seg({ contributorKey: 'b' }),
      seg({ contributorKey: null, sourceId: 'anon' }),
      seg({ contributorKey: null, sourceId: 'anon', startCp: 0, endCp: 2 }),
    ];
    expect(contributorCount(rows)).toBe(3);
  });
});

describe('matrixOf', () => {
  it('is empty with no themes and no segments', () => {
    expect(matrixOf([], [], 'area')).toEqual({ by: 'area', columns: [], rows: [] });
  });

  it('keeps a theme with no segments as a row of no cells', () => {
    const m = matrixOf([T1], [], 'pillar');
    expect(m.rows).toEqual([{ theme: T1, cells: [], segments: 0, contributors: 0 }]);
  });

  it('one area: counts segments and distinct contributors, with the first quotable text as the example', () => {
    const rows = [
      seg({ contributorKey: 'a', quotable: false, text: 'secret' }),
      seg({ contributorKey: 'a', text: 'first quotable' }),
      seg({ contributorKey: 'b' }),
    ];
    const m = matrixOf([T1], rows, 'area');
    expect(m.columns).toEqual([{ value: 'Cancer Care', label: 'Cancer Care' }]);
    expect(m.rows[0]!.cells[0]).toMatchObject({ column: 'Cancer Care', segments: 3, contributors: 2 });
    expect(m.rows[0]!.cells[0]!.quote!.text).toBe('first quotable');
  });

  it('a cell with only unquotable sources has counts and no quote', () => {
    const m = matrixOf([T1], [seg({ quotable: false }), seg({ quotable: false })], 'area');
    expect(m.rows[0]!.cells[0]).toMatchObject({ segments: 2, contributors: 2, quote: undefined });
  });

  it('the same span under two codes of one theme is one segment; under two themes it counts in each', () => {
    const base = { sourceId: 'same', startCp: 0, endCp: 4, contributorKey: 'k' };
    const rows = [seg({ ...base, codeId: 'c1' }), seg({ ...base, codeId: 'c2' }), seg({ ...base, themeId: 't2' })];
    const m = matrixOf([T1, T2], rows, 'area');
    expect(m.rows.map((r) => r.segments)).toEqual([1, 1]);
  });

  it('groups by pillar and stakeholder type; missing values go in a last column saying so', () => {
    const rows = [
      seg({ attributes: { pillar: 'Research', stakeholderType: 'Manager' } }),
      seg({ attributes: { pillar: 'Leadership', stakeholderType: 'Clinician' } }),
      seg({ attributes: {} }),
    ];
    expect(matrixOf([T1], rows, 'pillar').columns.map((c) => c.label)).toEqual([
      'Leadership',
      'Research',
      'No pillar recorded',
    ]);
    const s = matrixOf([T1], rows, 'stakeholder');
    expect(s.columns.map((c) => c.value)).toEqual(['Clinician', 'Manager', '']);
    expect(s.rows[0]!.cells.map((c) => c.segments)).toEqual([1, 1, 1]);
    expect(columnLabel('', 'stakeholder')).toBe('No stakeholder type recorded');
  });

  it('a theme in all three areas: a count in each cell and a row total', () => {
    const rows = AREAS.flatMap((area, i) =>
      Array.from({ length: i + 1 }, () => seg({ attributes: { area }, contributorKey: `p${i}` })),
    );
    const m = matrixOf([T1, T2], rows, 'area');
    expect(m.columns.map((c) => c.value)).toEqual(AREAS);
    expect(m.rows[0]!.cells.map((c) => [c.segments, c.contributors])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(m.rows[0]).toMatchObject({ segments: 6, contributors: 3 });
    expect(m.rows[1]!.cells.map((c) => c.segments)).toEqual([0, 0, 0]);
  });

  it('cellSegments lists every segment behind a cell, quotable or not', () => {
    const rows = [seg({ quotable: false }), seg(), seg({ attributes: { area: 'Musculoskeletal' } })];
    expect(cellSegments(rows, 't1', 'area', 'Cancer Care')).toHaveLength(2);
    expect(cellSegments(rows, 't1', 'area', 'Musculoskeletal')).toHaveLength(1);
    expect(cellSegments(rows, 't2', 'area', 'Cancer Care')).toHaveLength(0);
  });
});

describe('crossAreaOf', () => {
  it('has nothing to compare with no areas', () => {
    expect(crossAreaOf([T1], [seg()], [])).toEqual({ areas: [], common: [], particular: [], some: [] });
  });

  it('with one area, every theme present there is common and none particular', () => {
    const c = crossAreaOf([T1, T2], [seg()], ['Cancer Care']);
    expect(c.common).toEqual([{ theme: T1, counts: [1] }]);
    expect(c.particular).toEqual([]);
  });

  it('sorts themes into common to all, particular to one, and in some', () => {
    const rows = [
      ...AREAS.map((area) => seg({ attributes: { area } })),
      seg({ themeId: 't2', attributes: { area: 'Musculoskeletal' } }),
      seg({ themeId: 't2', attributes: { area: 'Musculoskeletal' } }),
      seg({ themeId: 't3', attributes: { area: 'Cancer Care' } }),
      seg({ themeId: 't3', attributes: { area: 'Musculoskeletal' } }),
      seg({ themeId: 't3', attributes: {} }),
    ];
    const c = crossAreaOf([T1, T2, T3], rows, AREAS);
    expect(c.common).toEqual([{ theme: T1, counts: [1, 1, 1] }]);
    expect(c.particular).toEqual([{ theme: T2, area: 'Musculoskeletal', count: 2 }]);
    expect(c.some).toEqual([{ theme: T3, counts: [1, 0, 1] }]);
  });
});

describe('at the benchmark’s size', () => {
  it('builds the matrix and the cross-area view of 100,000 segments (bench/analysis.ts times them)', () => {
    const themes = Array.from({ length: 20 }, (_, i) => ({ id: `t${i}`, name: `Theme ${i}` }));
    const rows: ThemeSegment[] = Array.from({ length: 100_000 }, (_, i) => ({
      themeId: `t${i % 20}`,
      codeId: `c${i % 40}`,
      sourceId: `s${i % 30_000}`,
      startCp: i % 7,
      endCp: (i % 7) + 5,
      text: 'Some coded text here',
      attributes: { area: AREAS[i % 3], pillar: `P${i % 5}`, stakeholderType: `S${i % 6}` },
      contributorKey: `k${i % 5000}`,
      quotable: i % 4 !== 0,
    }));
    const m = matrixOf(themes, rows, 'stakeholder');
    expect(m.rows).toHaveLength(20);
    expect(m.rows[0]!.cells.reduce((n, cell) => n + cell.segments, 0)).toBe(5000);
    const c = crossAreaOf(themes, rows, AREAS);
    expect(c.common).toHaveLength(20);
  });
});
