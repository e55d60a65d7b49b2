import { describe, expect, it } from 'vitest';
import { mad, mean, quantile, RatingCounts, sd } from './descriptive';

describe('quantiles', () => {
  it('type 7 (R default, Excel QUARTILE.INC) on 1..4', () => {
    expect([0.25, 0.5, 0.75].map((p) => quantile([4, 1, 3, 2], p, 7))).toEqual([1.75, 2.5, 3.25]);
  });
  it('type 6 (SPSS) on 1..4', () => {
    expect([0.25, 0.5, 0.75].map((p) => quantile([4, 1, 3, 2], p, 6))).toEqual([1.25, 2.5, 3.75]);
  });
  it('both methods on ten Delphi ratings, as R quantile(type = 7 / 6) gives', () => {
    const x = [7, 8, 8, 9, 9, 9, 6, 5, 9, 8];
    expect([quantile(x, 0.25, 7), quantile(x, 0.5, 7), quantile(x, 0.75, 7)]).toEqual([7.25, 8, 9]);
    expect([quantile(x, 0.25, 6), quantile(x, 0.5, 6), quantile(x, 0.75, 6)]).toEqual([6.75, 8, 9]);
  });
  it('clamps type 6 at the ends for small samples', () => {
    expect(quantile([3, 8], 0.25, 6)).toBe(3);
    expect(quantile([3, 8], 0.75, 6)).toBe(8);
    expect(quantile([5], 0.25, 7)).toBe(5);
  });
  it('gives NaN for no values, and the extremes at p = 0 and 1', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantile([3, 1, 2], 0)).toBe(1);
    expect(quantile([3, 1, 2], 1)).toBe(3);
  });
});

describe('mean, SD and MAD', () => {
  it('match hand-computed values', () => {
    const x = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(x)).toBe(5);
    expect(sd(x)).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBe(1);
  });
  it('are NaN where undefined', () => {
    expect(mean([])).toBeNaN();
    expect(sd([4])).toBeNaN();
    expect(mad([])).toBeNaN();
  });
});

describe('RatingCounts', () => {
  it('gives exactly what the array functions give, on many random panels and both quartile methods', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 400; trial++) {
      const n = 1 + Math.floor(rand() * 60);
      const values = Array.from({ length: n }, () => 1 + Math.floor(rand() * 9));
      const c = RatingCounts.of(values, 1, 9);
      for (const p of [0.25, 0.3, 0.5, 0.7, 0.75]) {
        expect(c.quantile(p, 7)).toBeCloseTo(quantile(values, p, 7), 10);
        expect(c.quantile(p, 6)).toBeCloseTo(quantile(values, p, 6), 10);
      }
      expect(c.mean()).toBeCloseTo(mean(values), 10);
      if (n > 1) expect(c.sd()).toBeCloseTo(sd(values), 10);
      expect(c.mad()).toBeCloseTo(mad(values), 10);
      expect(c.percentBetween(7, 9)).toBeCloseTo((100 * values.filter((v) => v >= 7).length) / n, 10);
    }
  });
  it('is empty-safe', () => {
    const c = new RatingCounts(1, 9);
    expect(c.quantile(0.5)).toBeNaN();
    expect(c.percentBetween(1, 3)).toBeNaN();
  });
});
