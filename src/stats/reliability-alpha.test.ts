import { describe, expect, it } from 'vitest';
import { fromMatrix, fromUnits } from './reliability-data';
import { krippendorffAlpha, LEVELS } from './reliability-alpha';

const _ = null;

/*
 * Krippendorff's own example: 4 observers × 12 units with missing values (Krippendorff 2011, "Computing
 * Krippendorff's Alpha-Reliability"; Content Analysis, 4th ed., 2018, p. 290): α nominal .743, ordinal .815,
 * interval .849, ratio .797. The same matrix and figures are the test cases of R's icr package
 * (krippendorff-2018-p290) and Python's krippendorff package.
 */
const KRIPPENDORFF = fromMatrix([
  [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
  [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]);

/* The computational example on Wikipedia's "Krippendorff's alpha" page: 3 coders × 15 units; nominal .691, interval .811. */
const WIKIPEDIA = fromMatrix([
  [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
  [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
  [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
]);

describe("Krippendorff's α against published examples", () => {
  it("matches Krippendorff's 4 × 12 example at every level", () => {
    expect(krippendorffAlpha(KRIPPENDORFF, 'nominal').value).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(KRIPPENDORFF, 'ordinal').value).toBeCloseTo(0.815, 3);
    expect(krippendorffAlpha(KRIPPENDORFF, 'interval').value).toBeCloseTo(0.849, 3);
    expect(krippendorffAlpha(KRIPPENDORFF, 'ratio').value).toBeCloseTo(0.797, 3);
    // Nominal by hand: unit 12 has one value and is left out, leaving n = 40 values; n_c = 9, 13, 10, 5, 3 for
    // values 1–5 (Σn_c² = 384). Off-diagonal coincidences: unit 2 (2,2,3,2) 6 ordered pairs / 3 = 2, unit 6
    // (1,2,3,4) 12 / 3 = 4, unit 8 (1,2,1,1) 6 / 3 = 2: 8 in all. α = 1 − (n − 1)·8 / (n² − Σn_c²).
    expect(krippendorffAlpha(KRIPPENDORFF).value).toBeCloseTo(1 - (39 * 8) / (1600 - 384), 12);
  });

  it("matches Wikipedia's 3 × 15 example (nominal 0.691, interval 0.811)", () => {
    expect(krippendorffAlpha(WIKIPEDIA).value).toBeCloseTo(0.691358, 6);
    expect(krippendorffAlpha(WIKIPEDIA, 'interval').value).toBeCloseTo(0.810845, 6);
  });
});

describe("Krippendorff's α by hand", () => {
  // Two coders, u1 = (1, 2), u2 = (3, 3). Coincidences o₁₂ = o₂₁ = 1, o₃₃ = 2; n₁ = n₂ = 1, n₃ = 2, n = 4.
  const small = fromUnits([
    [1, 2],
    [3, 3],
  ]);

  it('nominal: α = 1 − (n − 1)·Σo_ck / Σn_c·n_k = 1 − 3·2 / (2·(1 + 2 + 2)) = 0.4', () => {
    expect(krippendorffAlpha(small, 'nominal').value).toBeCloseTo(1 - (3 * 2) / 10, 12);
  });

  it('interval: δ² = (c − k)²; observed 2·1, expected 2·(1·1·1 + 1·2·4 + 1·2·1) = 22; α = 1 − 3·2/22 = 8/11', () => {
    expect(krippendorffAlpha(small, 'interval').value).toBeCloseTo(8 / 11, 12);
  });

  it('ordinal: δ²₁₂ = (2 − 1)² = 1, δ²₁₃ = (4 − 1.5)² = 6.25, δ²₂₃ = (3 − 1.5)² = 2.25; α = 1 − 3·2/36 = 5/6', () => {
    expect(krippendorffAlpha(small, 'ordinal').value).toBeCloseTo(5 / 6, 12);
  });

  it('ratio: δ² = ((c − k)/(c + k))²: 1/9, 1/4, 1/25', () => {
    const observed = 2 * (1 / 9);
    const expected = 2 * (1 / 9) + 2 * 2 * (1 / 4) + 2 * 2 * (1 / 25);
    expect(krippendorffAlpha(small, 'ratio').value).toBeCloseTo(1 - (3 * observed) / expected, 12);
  });

  it('ordinal depends only on the order of the values, not their spacing', () => {
    const spread = fromUnits([
      [1, 20],
      [300, 300],
    ]);
    expect(krippendorffAlpha(spread, 'ordinal').value).toBeCloseTo(5 / 6, 12);
  });

  it('is 1 when all agree, at every level, with zeros at the ratio level', () => {
    const same = fromUnits([
      [0, 0, 0],
      [1, 1, 1],
      [2, 2, 2],
    ]);
    for (const level of LEVELS) expect(krippendorffAlpha(same, level).value).toBe(1);
  });

  it('all disagree: u1 = (a, b), u2 = (b, a): o_ab = o_ba = 2, n_a = n_b = 2; α = 1 − 3·4/8 = −0.5', () => {
    expect(
      krippendorffAlpha(
        fromUnits([
          ['a', 'b'],
          ['b', 'a'],
        ]),
      ).value,
    ).toBe(-0.5);
  });

  it('missing data: u1 = (1, 1, –), u2 = (1, 2, 2), u3 = (2, –, –)', () => {
    // u3 is left out. u1 adds o₁₁ = 2; u2 (weight 1/2) adds o₁₂ = o₂₁ = 1, o₂₂ = 1. n₁ = 3, n₂ = 2, n = 5.
    // α = 1 − 4·(1 + 1) / (2·3·2) = 1 − 8/12 = 1/3.
    const data = fromUnits([
      [1, 1, _],
      [1, 2, 2],
      [2, _, _],
    ]);
    expect(krippendorffAlpha(data).value).toBeCloseTo(1 / 3, 12);
  });

  it('a single unit with two different values: o_ab = o_ba = 1, n = 2: α = 1 − 1·2/2 = 0', () => {
    expect(krippendorffAlpha(fromUnits([['a', 'b']])).value).toBe(0);
  });
});

describe("Krippendorff's α when undefined", () => {
  it('is null when every value is the same (expected disagreement 0)', () => {
    expect(krippendorffAlpha(fromUnits([['x', 'x'], ['x', 'x', 'x'], ['y']]))).toEqual({
      value: null,
      note: 'every value is the same, so the expected disagreement is 0 and α is undefined',
    });
  });

  it('is null with fewer than two coders, or no unit coded twice', () => {
    expect(krippendorffAlpha(fromUnits([[1], [2]])).note).toBe('agreement needs at least two coders; this data has 1');
    expect(
      krippendorffAlpha(
        fromUnits([
          [1, _],
          [_, 2],
        ]),
      ).note,
    ).toBe('no unit was coded by two or more coders, so there is nothing to compare');
  });

  it('is null for text at a numeric level and for negative numbers at the ratio level', () => {
    expect(krippendorffAlpha(fromUnits([['low', 'high']]), 'interval').note).toBe(
      'the interval level needs numbers; "low" is not one',
    );
    expect(krippendorffAlpha(fromUnits([[1, 'high']]), 'ordinal').note).toBe(
      'the ordinal level needs numbers; "high" is not one',
    );
    expect(krippendorffAlpha(fromUnits([[-1, 2]]), 'ratio').note).toBe('the ratio level needs numbers of zero or more');
    expect(krippendorffAlpha(fromUnits([[-1, 2]]), 'interval').value).toBe(0);
  });
});

describe("Krippendorff's α: invariances", () => {
  /** Seeded random coders × units matrix of values 1–5 with about a fifth missing. */
  function randomMatrix(seed: number, coders: number, units: number): (number | null)[][] {
    const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    return Array.from({ length: coders }, () =>
      Array.from({ length: units }, () => (next() < 0.2 ? null : 1 + Math.floor(next() * 5))),
    );
  }
  const map = (m: (number | null)[][], f: (v: number) => number | string) =>
    m.map((row) => row.map((v) => (v === null ? null : f(v))));

  it('nominal ignores the labels, interval a linear change of scale, ratio a change of unit, ordinal any monotone one', () => {
    for (const seed of [3, 5, 8]) {
      const m = randomMatrix(seed, 4, 30);
      const base = (level: (typeof LEVELS)[number]) => krippendorffAlpha(fromMatrix(m), level).value!;
      expect(krippendorffAlpha(fromMatrix(map(m, (v) => `label ${6 - v}`))).value).toBeCloseTo(base('nominal'), 12);
      expect(krippendorffAlpha(fromMatrix(map(m, (v) => 3 * v - 7)), 'interval').value).toBeCloseTo(
        base('interval'),
        12,
      );
      expect(krippendorffAlpha(fromMatrix(map(m, (v) => 2.5 * v)), 'ratio').value).toBeCloseTo(base('ratio'), 12);
      expect(krippendorffAlpha(fromMatrix(map(m, (v) => v ** 3)), 'ordinal').value).toBeCloseTo(base('ordinal'), 12);
      // …and the order of the coders and of the units does not matter.
      const shuffled = [...m].reverse().map((row) => [...row].reverse());
      for (const level of LEVELS)
        expect(krippendorffAlpha(fromMatrix(shuffled), level).value).toBeCloseTo(base(level), 12);
    }
  });
});
