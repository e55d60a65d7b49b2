import { describe, expect, it } from 'vitest';
import { wilcoxonSignedRank } from './wilcoxon';
import { averageRanks, kendallW } from './kendall';
import { normalCdf } from './normal';

describe('normalCdf', () => {
  it('matches tables', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(-2.5758)).toBeCloseTo(0.005, 5);
  });
});

describe('Wilcoxon signed-rank test', () => {
  it('matches the Hollander & Wolfe depression example (R: V = 40, exact two-sided p = 0.03906)', () => {
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    const r = wilcoxonSignedRank(y, x);
    expect(r).toMatchObject({ n: 9, v: 40, method: 'exact' });
    expect(r.p).toBeCloseTo(0.0390625, 10);
  });
  it('uses the normal approximation with tie and continuity corrections for tied ratings (hand-worked: V = 52.5, p ≈ 0.01134)', () => {
    const before = new Array(10).fill(5);
    const after = [6, 6, 6, 7, 7, 4, 8, 8, 8, 8];
    const r = wilcoxonSignedRank(before, after);
    expect(r).toMatchObject({ n: 10, v: 52.5, method: 'normal' });
    expect(r.p).toBeCloseTo(0.01134, 4);
  });
  it('drops zero differences and says when nothing changed', () => {
    expect(wilcoxonSignedRank([5, 5, 5], [5, 5, 5])).toMatchObject({ n: 0, p: NaN });
    expect(wilcoxonSignedRank([5, 5, 5, 1], [5, 5, 5, 2]).n).toBe(1);
  });
  it('gives p = 1 for perfectly balanced changes', () => {
    expect(wilcoxonSignedRank([1, 2, 3, 4], [2, 1, 4, 3]).p).toBeCloseTo(1, 6);
  });
  it('refuses unpaired samples', () => expect(() => wilcoxonSignedRank([1], [1, 2])).toThrow('same length'));
});

describe("Kendall's W", () => {
  it('matches a hand-worked example without ties (W = 7/9, chi-square 7)', () => {
    const r = kendallW([
      [1, 2, 3, 4],
      [2, 1, 3, 4],
      [1, 3, 2, 4],
    ]);
    expect(r.w).toBeCloseTo(7 / 9, 12);
    expect(r.chiSquare).toBeCloseTo(7, 10);
  });
  it('applies the tie correction (hand-worked: W = 78/84)', () => {
    expect(
      kendallW([
        [1, 1, 2],
        [1, 2, 3],
      ]).w,
    ).toBeCloseTo(78 / 84, 12);
  });
  it('is 1 for identical rankings and 0 for exactly opposed pairs', () => {
    expect(
      kendallW([
        [9, 5, 1],
        [8, 4, 2],
      ]).w,
    ).toBeCloseTo(1, 12);
    expect(
      kendallW([
        [1, 2, 3],
        [3, 2, 1],
      ]).w,
    ).toBeCloseTo(0, 12);
  });
  it('is undefined for fewer than two raters or items', () => {
    expect(kendallW([[1, 2, 3]]).w).toBeNaN();
  });
  it('averages tied ranks', () => {
    expect(averageRanks([7, 7, 9, 1])).toEqual({ ranks: [2.5, 2.5, 4, 1], tieTerm: 6 });
  });
});
