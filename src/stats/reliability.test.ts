import { describe, expect, it } from 'vitest';
import { cohenKappa, fleissKappa, percentAgreement } from './reliability';
import { codersOf, fromMatrix, fromUnits, pairableCount, tally, type Codings, type Value } from './reliability-data';

/** Codings from a Fleiss table: per unit, how many raters chose each category (raters differ per unit). */
function fromCounts(table: number[][]): Codings {
  return fromUnits(table.map((row) => row.flatMap((n, category) => Array<Value>(n).fill(category + 1))));
}

/** Codings for two coders from a k × k contingency table: table[i][j] units got value i from A and j from B. */
function fromContingency(table: number[][]): Codings {
  const units: (Value | null)[][] = [];
  table.forEach((row, i) => row.forEach((n, j) => units.push(...Array.from({ length: n }, () => [i, j]))));
  return fromUnits(units);
}

describe('reliability data', () => {
  it('reads the canonical coders × units matrix, leaving missing values out', () => {
    const data = fromMatrix([
      [1, null, 'a'],
      [1, 2, undefined],
    ]);
    expect([...data.keys()]).toEqual(['u1', 'u2', 'u3']);
    expect(codersOf(data)).toEqual(['c1', 'c2']);
    expect(tally(data)).toEqual({
      coders: 2,
      values: [1],
      groups: [{ counts: [[0, 2]], m: 2, weight: 1 }],
      pairs: { byCategories: new Map([['0,0', 1]]), onlyOne: 2 },
    });
  });

  it('tallies units with the same values once, weighted', () => {
    const t = tally(
      fromUnits([
        ['a', 'b', 'a'],
        ['b', 'a', 'a'],
        ['a', 'a', null],
        ['c', null, null],
      ]),
    );
    expect(t.groups).toEqual([
      {
        counts: [
          [0, 2],
          [1, 1],
        ],
        m: 3,
        weight: 2,
      },
      { counts: [[0, 2]], m: 2, weight: 1 },
    ]);
    expect(pairableCount(t)).toBe(3);
    expect(t.pairs).toBeUndefined();
  });
});

describe("Cohen's κ", () => {
  it('matches a textbook 2 × 2 table', () => {
    // 50 proposals, two readers, yes/no: both yes 20, A yes B no 5, A no B yes 10, both no 15.
    // pₒ = (20 + 15) / 50 = 0.70. A says yes 25/50 = 0.5, B 30/50 = 0.6;
    // pₑ = 0.5 × 0.6 + 0.5 × 0.4 = 0.50; κ = (0.70 − 0.50) / (1 − 0.50) = 0.40.
    const data = fromContingency([
      [20, 5],
      [10, 15],
    ]);
    expect(cohenKappa(data).value).toBeCloseTo(0.4, 12);
    expect(percentAgreement(data).value).toBeCloseTo(0.7, 12);
  });

  it('matches the SAS 3 × 3 example (κ = 0.4842) with an empty category', () => {
    // n = 19; A's totals 5, 8, 6; B's 0, 13, 6. pₒ = 13/19; pₑ = (5·0 + 8·13 + 6·6)/19² = 140/361;
    // κ = (247 − 140) / (361 − 140) = 107/221 = 0.48416.
    const data = fromContingency([
      [0, 4, 1],
      [0, 8, 0],
      [0, 1, 5],
    ]);
    expect(cohenKappa(data).value).toBeCloseTo(107 / 221, 12);
    expect(cohenKappa(data).value).toBeCloseTo(0.4842, 4);
  });

  it('is 1 when the two coders always agree and −1 when they split two values evenly and never agree', () => {
    expect(
      cohenKappa(
        fromUnits([
          ['a', 'a'],
          ['b', 'b'],
          ['c', 'c'],
        ]),
      ).value,
    ).toBe(1);
    // pₒ = 0, pₑ = 0.5 × 0.5 + 0.5 × 0.5 = 0.5: κ = −0.5 / 0.5 = −1.
    expect(
      cohenKappa(
        fromUnits([
          ['a', 'b'],
          ['b', 'a'],
        ]),
      ).value,
    ).toBe(-1);
  });

  it('is null, saying why, for other than two coders, no shared unit, or one value only', () => {
    expect(cohenKappa(fromUnits([['a', 'a', 'a']]))).toEqual({
      value: null,
      note: 'it needs exactly two coders; this data has 3',
    });
    expect(cohenKappa(fromUnits([['a']])).note).toBe('it needs exactly two coders; this data has 1');
    expect(
      cohenKappa(
        fromUnits([
          ['a', null],
          [null, 'b'],
        ]),
      ).note,
    ).toBe('no unit was coded by both coders, so there is nothing to compare');
    const one = cohenKappa(
      fromUnits([
        ['x', 'x'],
        ['x', 'x'],
        ['y', null],
      ]),
    );
    expect(one.value).toBeNull();
    expect(one.note).toBe(
      'both coders gave every unit the same single value, so chance agreement is 1 and κ is undefined (1 unit coded by one coder only left out)',
    );
  });

  it('uses only the units both coders coded, and says so', () => {
    // u3 has one value and is left out. On u1, u2 A gives a, a and B gives a, b:
    // pₒ = 1/2; pₑ = 1 × 1/2 + 0 × 1/2 = 1/2; κ = 0.
    const r = cohenKappa(
      fromUnits([
        ['a', 'a'],
        ['a', 'b'],
        [null, 'b'],
      ]),
    );
    expect(r.value).toBe(0);
    expect(r.note).toBe('computed over the 2 units both coders coded (1 unit coded by one coder only left out)');
  });

  it('on a single unit with two different values is 0 (pₒ = 0, pₑ = 1 × 0 + 0 × 1 = 0)', () => {
    expect(cohenKappa(fromUnits([['a', 'b']])).value).toBe(0);
  });
});

describe("Cohen's κ and Fleiss' κ: invariances", () => {
  it('do not change when the coders swap, the units are reordered or the categories relabelled', () => {
    const table = [
      [7, 2, 1],
      [3, 9, 2],
      [0, 4, 6],
    ];
    const data = fromContingency(table);
    const kappa = cohenKappa(data).value!;
    const swapped = fromContingency(table[0]!.map((_, j) => table.map((row) => row[j]!)));
    expect(cohenKappa(swapped).value).toBeCloseTo(kappa, 12);
    const relabelled = new Map([...data].reverse().map(([u, m]) => [u, new Map([...m].map(([c, v]) => [c, `x${v}`]))]));
    expect(cohenKappa(relabelled).value).toBeCloseTo(kappa, 12);
    expect(fleissKappa(relabelled).value).toBeCloseTo(fleissKappa(data).value!, 12);
  });
});

describe("Fleiss' κ", () => {
  it('matches the worked example on Wikipedia\'s "Fleiss\' kappa" page (10 subjects, 14 raters, 5 categories: κ = 0.210)', () => {
    const data = fromCounts([
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ]);
    // P̄ = 0.378, P̄ₑ = 0.213 on the page.
    expect(fleissKappa(data).value).toBeCloseTo(0.21, 3);
    expect(percentAgreement(data).value).toBeCloseTo(0.378, 3);
  });

  it('matches Fleiss (1971): 30 patients, 6 psychiatrists each, 5 diagnoses (κ = 0.430)', () => {
    // The patient-by-rater diagnoses as distributed with R's irr package (data "diagnoses"); Fleiss gives κ = .430,
    // irr's kappam.fleiss 0.4302445.
    const diagnoses = [
      [4, 4, 4, 4, 4, 4],
      [2, 2, 2, 5, 5, 5],
      [2, 3, 3, 3, 3, 5],
      [5, 5, 5, 5, 5, 5],
      [2, 2, 2, 4, 4, 4],
      [1, 1, 3, 3, 3, 3],
      [3, 3, 3, 3, 5, 5],
      [1, 1, 3, 3, 3, 4],
      [1, 1, 4, 4, 4, 4],
      [5, 5, 5, 5, 5, 5],
      [1, 4, 4, 4, 4, 4],
      [1, 2, 4, 4, 4, 4],
      [2, 2, 2, 3, 3, 3],
      [1, 4, 4, 4, 4, 4],
      [2, 2, 4, 4, 4, 5],
      [3, 3, 3, 3, 3, 5],
      [1, 1, 1, 4, 5, 5],
      [1, 1, 1, 1, 1, 2],
      [2, 2, 4, 4, 4, 4],
      [1, 3, 3, 5, 5, 5],
      [5, 5, 5, 5, 5, 5],
      [2, 4, 4, 4, 4, 4],
      [2, 2, 4, 5, 5, 5],
      [1, 1, 4, 4, 4, 4],
      [1, 4, 4, 4, 4, 5],
      [2, 2, 2, 2, 2, 4],
      [1, 1, 1, 1, 5, 5],
      [2, 2, 4, 4, 4, 4],
      [1, 3, 3, 3, 3, 3],
      [5, 5, 5, 5, 5, 5],
    ];
    expect(fleissKappa(fromUnits(diagnoses)).value).toBeCloseTo(0.4302445, 7);
  });

  it('equals 1 when all agree and −1 when two raters always split two values', () => {
    expect(
      fleissKappa(
        fromUnits([
          ['a', 'a', 'a'],
          ['b', 'b', 'b'],
        ]),
      ).value,
    ).toBe(1);
    // Pᵢ = 0 on both units; pₐ = p_b = 1/2 so P̄ₑ = 1/2: κ = (0 − 1/2) / (1/2) = −1. One unit alone gives the same.
    expect(
      fleissKappa(
        fromUnits([
          ['a', 'b'],
          ['b', 'a'],
        ]),
      ).value,
    ).toBe(-1);
    expect(fleissKappa(fromUnits([['a', 'b']])).value).toBe(-1);
  });

  it('is null, saying why, when the number of coders per unit varies, there is one value only, or nothing to pair', () => {
    expect(
      fleissKappa(
        fromUnits([
          ['a', 'a', null],
          ['a', 'b', 'b'],
        ]),
      ),
    ).toEqual({
      value: null,
      note: "it needs the same number of coders on every unit; here units have between 2 and 3 (Krippendorff's α allows missing values)",
    });
    expect(
      fleissKappa(
        fromUnits([
          ['x', 'x'],
          ['x', 'x'],
        ]),
      ).note,
    ).toBe('every rating is the same single value, so chance agreement is 1 and κ is undefined');
    expect(
      fleissKappa(
        fromUnits([
          ['x', null],
          [null, 'y'],
        ]),
      ).note,
    ).toBe('no unit was coded by two or more coders, so there is nothing to compare');
    expect(fleissKappa(fromUnits([['x'], ['y']])).note).toBe('agreement needs at least two coders; this data has 1');
  });

  it('leaves out units with one value, which carry no agreement', () => {
    expect(
      fleissKappa(
        fromUnits([
          ['a', 'a'],
          ['b', 'b'],
          ['c', null],
        ]),
      ).value,
    ).toBe(1);
  });
});

describe('percent agreement', () => {
  it('is the mean over pairable units of the share of agreeing coder pairs', () => {
    // u1: 1 pair, agrees → 1. u2: 3 pairs, one agrees (2, 2) → 1/3. u3 has one value and is left out. Mean 2/3.
    expect(
      percentAgreement(
        fromUnits([
          [1, 1, null],
          [1, 2, 2],
          [2, null, null],
        ]),
      ).value,
    ).toBeCloseTo(2 / 3, 12);
  });

  it('is 1 when all agree, 0 when none do, and null with a note when nothing can be compared', () => {
    expect(
      percentAgreement(
        fromUnits([
          ['a', 'a', 'a'],
          ['b', 'b', 'b'],
        ]),
      ).value,
    ).toBe(1);
    expect(
      percentAgreement(
        fromUnits([
          ['a', 'a', 'b'],
          ['c', 'd', 'e'],
        ]),
      ).value,
    ).toBeCloseTo(1 / 6, 12); // 1 of 3 pairs agree on u1, none on u2
    expect(
      percentAgreement(
        fromUnits([
          ['a', 'b'],
          ['b', 'a'],
        ]),
      ).value,
    ).toBe(0);
    expect(percentAgreement(fromUnits([]))).toEqual({
      value: null,
      note: 'agreement needs at least two coders; this data has 0',
    });
  });

  it('compares values exactly: the number 1 and the text "1" are different values', () => {
    expect(percentAgreement(fromUnits([[1, '1']])).value).toBe(0);
  });
});
