import { describe, expect, it } from 'vitest';
import { analyseRound, type Rating } from './delphi';
import { GRADE_9, parseRule } from './consensus';

const rows = (item: string, group: string, ratings: (number | null)[], offset = 0): Rating[] =>
  ratings.map((rating, i) => ({ panellist: `${group}-${i + offset}`, group, item, rating }));

describe('analyseRound', () => {
  const opts = { rule: parseRule('comet'), scale: GRADE_9, quartiles: 7 as const, byGroup: true };

  it('computes every figure for an item, overall and per group, excluding unable-to-rate from percentages', () => {
    const ratings = [...rows('A', 'clinician', [7, 8, 9, 9, null]), ...rows('A', 'patient', [2, 7, 8, 8, 9])];
    const [a] = analyseRound(ratings, opts).items;
    // overall 2,7,7,8,8,8,9,9,9 (n 9): median 8, Q1 7, Q3 9; 8/9 high, 1/9 low
    expect(a).toMatchObject({
      item: 'A',
      n: 9,
      unableToRate: 1,
      median: 8,
      q1: 7,
      q3: 9,
      iqr: 2,
      percentLow: 11.11,
      percentHigh: 88.89,
      percentMid: 0,
      verdict: 'in',
    });
    expect(a!.mean).toBeCloseTo(67 / 9, 4);
    expect(a!.groups!.clinician).toMatchObject({ n: 4, unableToRate: 1, median: 8.5, percentHigh: 100, verdict: 'in' });
    expect(a!.groups!.patient).toMatchObject({ n: 5, median: 8, percentLow: 20, verdict: 'none' });
  });

  it('needs every group to agree when the study asks for consensus in every group', () => {
    const ratings = [...rows('A', 'clinician', [7, 8, 9, 9]), ...rows('A', 'patient', [2, 7, 8, 8, 9])];
    expect(analyseRound(ratings, { ...opts, everyGroup: true }).items[0]!.verdict).toBe('none');
  });

  it('reports an item nobody could rate', () => {
    const [a] = analyseRound(rows('A', 'g', [null, null]), opts).items;
    expect(a).toMatchObject({ n: 0, unableToRate: 2, median: null, verdict: 'none' });
  });

  it('measures stability against the previous round, paired by panellist', () => {
    const r1 = rows('A', 'g', [5, 5, 5, 8, 8, 8, 8, 8, 8, 8]);
    const r2 = rows('A', 'g', [8, 5, 5, 8, 8, 8, 8, 8, 8, 8]);
    const [a] = analyseRound(r2, opts, r1).items;
    expect(a!.stability).toMatchObject({ paired: 10, percentChangedBand: 10, stable: true, wilcoxonV: 1 });
    expect(a!.stability!.wilcoxonP).toBe(1);
  });

  it('refuses a rating outside the scale, naming it', () => {
    expect(() => analyseRound(rows('A', 'g', [10]), opts)).toThrow('rating 10 by g-0 for A is outside the scale 1–9');
  });
});
