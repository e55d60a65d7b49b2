import { describe, expect, it } from 'vitest';
import {
  bandOf,
  describeRule,
  everyGroup,
  GRADE_9,
  LIKERT_5,
  parseRule,
  randUcla,
  verdict,
  type ItemFigures,
} from './consensus';
import { quantile } from './descriptive';

/** Figures for a list of 1–9 ratings, computed the long way. */
function figures(ratings: number[]): ItemFigures {
  const n = ratings.length;
  return {
    n,
    median: quantile(ratings, 0.5),
    iqr: quantile(ratings, 0.75) - quantile(ratings, 0.25),
    percentLow: (100 * ratings.filter((r) => r <= 3).length) / n,
    percentHigh: (100 * ratings.filter((r) => r >= 7).length) / n,
    p30: quantile(ratings, 0.3),
    p70: quantile(ratings, 0.7),
  };
}
const panel = (high: number, mid: number, low: number) => [
  ...Array(high).fill(8),
  ...Array(mid).fill(5),
  ...Array(low).fill(2),
];
const comet = parseRule('comet');

describe('COMET rule (70% / 15%)', () => {
  it('is in at exactly 70% high with under 15% low', () => expect(verdict(comet, figures(panel(14, 4, 2)))).toBe('in'));
  it('is not in at exactly 15% low', () => expect(verdict(comet, figures(panel(14, 3, 3)))).toBe('none'));
  it('is not in just under 70% high', () => expect(verdict(comet, figures(panel(13, 6, 1)))).toBe('none'));
  it('is out at exactly 70% low with under 15% high', () =>
    expect(verdict(comet, figures(panel(2, 4, 14)))).toBe('out'));
  it('is not out at exactly 15% high', () => expect(verdict(comet, figures(panel(3, 3, 14)))).toBe('none'));
  it('takes edited thresholds', () => expect(verdict(parseRule('comet:80:10'), figures(panel(14, 4, 2)))).toBe('none'));
  it('has no consensus without ratings', () =>
    expect(verdict(comet, { n: 0, median: NaN, iqr: NaN, percentLow: NaN, percentHigh: NaN, p30: NaN, p70: NaN })).toBe(
      'none',
    ));
});

describe('percentage rule', () => {
  const rule = parseRule('percent:75');
  it('is in at exactly the threshold', () => expect(verdict(rule, figures(panel(15, 5, 0)))).toBe('in'));
  it('is not in just under it', () => expect(verdict(rule, figures(panel(14, 6, 0)))).toBe('none'));
  it('is out at the threshold of low ratings', () => expect(verdict(rule, figures(panel(0, 5, 15)))).toBe('out'));
});

describe('median and IQR rule (median ≥ 7, IQR ≤ 1)', () => {
  const rule = parseRule('median-iqr:7:1');
  it('is in with median 7 and IQR exactly 1', () => {
    // type 7: Q1 = 7, Q3 = 8 for 7,7,7,7,8,8,8,8,8 → median 8, IQR 1
    expect(figures([7, 7, 7, 7, 8, 8, 8, 8, 8]).iqr).toBe(1);
    expect(verdict(rule, figures([7, 7, 7, 7, 8, 8, 8, 8, 8]))).toBe('in');
  });
  it('is not in with IQR above 1', () => expect(verdict(rule, figures([5, 6, 7, 8, 9]))).toBe('none'));
  it('is out with a low median and narrow IQR', () => expect(verdict(rule, figures([2, 2, 3, 3, 3]))).toBe('out'));
  it('reads an out median when given three numbers', () =>
    expect(parseRule('median-iqr:7:2:1')).toEqual({ kind: 'median-iqr', inMedian: 7, outMedian: 2, maxIqr: 1 }));
});

describe('RAND/UCLA rule', () => {
  const rule = parseRule('rand-ucla');
  it('computes IPR and IPRAS as the manual does (hand-worked)', () => {
    // 7,7,8,8,8,9,9,9,9: P30 = 8, P70 = 9 (type 7); IPR 1; central point 8.5; IPRAS = 2.35 + 1.5 × 3.5 = 7.6
    const f = figures([7, 7, 8, 8, 8, 9, 9, 9, 9]);
    expect([f.p30, f.p70]).toEqual([8, 9]);
    const r = randUcla(f.p30, f.p70);
    expect(r.ipr).toBe(1);
    expect(r.ipras).toBeCloseTo(7.6, 10);
    expect(r.disagreement).toBe(false);
    expect(verdict(rule, f)).toBe('in');
  });
  it('finds disagreement in a split panel even with a high median', () => {
    // 1,1,1,1,8,8,9,9,9,9: median 8, P30 = 1, P70 = 9, IPR 8 > IPRAS 2.35
    const f = figures([1, 1, 1, 1, 8, 8, 9, 9, 9, 9]);
    expect(f.median).toBe(8);
    expect(randUcla(f.p30, f.p70)).toEqual({ ipr: 8, ipras: 2.35, disagreement: true });
    expect(verdict(rule, f)).toBe('none');
  });
  it('is out with a low median and no disagreement, uncertain in the middle', () => {
    expect(verdict(rule, figures([1, 2, 2, 3, 3]))).toBe('out');
    expect(verdict(rule, figures([4, 5, 5, 6, 6]))).toBe('none');
  });
});

describe('bands, groups and rule text', () => {
  it('bands the GRADE and 5-point scales', () => {
    expect([1, 3, 4, 6, 7, 9].map((v) => bandOf(GRADE_9, v))).toEqual(['low', 'low', 'mid', 'mid', 'high', 'high']);
    expect([1, 2, 3, 4, 5].map((v) => bandOf(LIKERT_5, v))).toEqual(['low', 'low', 'mid', 'high', 'high']);
  });
  it('needs every group for "in every stakeholder group"', () => {
    expect(everyGroup(['in', 'in', 'in'])).toBe('in');
    expect(everyGroup(['in', 'none', 'in'])).toBe('none');
    expect(everyGroup(['out', 'out'])).toBe('out');
    expect(everyGroup([])).toBe('none');
  });
  it.each([
    ['percent', 'percent takes one threshold'],
    ['percent:0', 'above 0'],
    ['percent:abc', 'is not a number'],
    ['median-iqr:7', 'median-iqr takes a median and an IQR'],
    ['kappa', 'unknown rule "kappa"'],
  ])('refuses the rule %j', (text, message) => expect(() => parseRule(text)).toThrow(message));
  it('states the rule and the quartile method for reports', () => {
    expect(describeRule(comet, GRADE_9, 7)).toContain('at least 70% rated 7–9 and fewer than 15% rated 1–3');
    expect(describeRule(comet, GRADE_9, 6)).toContain('R type 6, SPSS');
  });
});
