import { describe, expect, it } from 'vitest';
import { fromMatrix, fromUnits } from './reliability-data';
import { multiCodingsOf, type MultiCodings } from './reliability-data';
import { multiCodeReport, reliabilityReport } from './reliability-report';

const _ = null;

/** Multi-code data from { unit: { coder: [codes] } }. */
function multi(data: Record<string, Record<string, string[]>>): MultiCodings {
  return new Map(
    Object.entries(data).map(([unit, coders]) => [
      unit,
      new Map(Object.entries(coders).map(([coder, codes]) => [coder, new Set(codes)])),
    ]),
  );
}

describe('the reliability report for one value per coder per unit', () => {
  it("reports the four figures, the counts and the unit of analysis for Krippendorff's example", () => {
    const data = fromMatrix([
      [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
      [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
    ]);
    const r = reliabilityReport(data, 'interval');
    expect(r).toMatchObject({
      units: 12,
      coders: 4,
      level: 'interval',
      overall: { cohenKappa: null, fleissKappa: null },
    });
    expect(r.overall.krippendorffAlpha).toBeCloseTo(0.849, 3);
    expect(r.notes).toEqual([
      'Unit of analysis: the unit (one value per coder per unit); 11 of 12 units were coded by two or more coders and enter the statistics.',
      "Percent agreement, Cohen's κ and Fleiss' κ compare values as unordered categories; only Krippendorff's α uses the interval level.",
      "Cohen's κ is null: it needs exactly two coders; this data has 4",
      "Fleiss' κ is null: it needs the same number of coders on every unit; here units have between 2 and 4 (Krippendorff's α allows missing values)",
    ]);
  });

  it('gives every statistic for two coders on complete data, with no note but the unit of analysis', () => {
    const r = reliabilityReport(
      fromUnits([
        ['a', 'a'],
        ['b', 'b'],
        ['a', 'b'],
        ['b', 'b'],
      ]),
    );
    // pₒ = 3/4; A: a 2, b 2; B: a 1, b 3; pₑ = 1/2·1/4 + 1/2·3/4 = 1/2; κ = (3/4 − 1/2)/(1/2) = 1/2.
    // Fleiss pools the marginals: p_a = 3/8, p_b = 5/8, P̄ₑ = 34/64; κ = (3/4 − 34/64)/(30/64) = 14/30.
    // α nominal: o_aa = 2, o_bb = 4, o_ab = o_ba = 1; n_a = 3, n_b = 5, n = 8: α = 1 − 7·2/30 = 16/30.
    expect(r.overall.percentAgreement).toBe(0.75);
    expect(r.overall.cohenKappa).toBeCloseTo(0.5, 12);
    expect(r.overall.fleissKappa).toBeCloseTo(14 / 30, 12);
    expect(r.overall.krippendorffAlpha).toBeCloseTo(16 / 30, 12);
    expect(r.notes).toHaveLength(1);
  });

  it('says once that nothing can be computed when there is one coder', () => {
    const r = reliabilityReport(fromUnits([['a'], ['b']]));
    expect(r.overall).toEqual({ percentAgreement: null, cohenKappa: null, fleissKappa: null, krippendorffAlpha: null });
    expect(r.notes[1]).toBe('every statistic is null: agreement needs at least two coders; this data has 1');
    expect(r.notes).toHaveLength(2);
  });

  it('reports one category only as percent agreement 1 and the chance-corrected figures null with notes', () => {
    const r = reliabilityReport(
      fromUnits([
        ['x', 'x'],
        ['x', 'x'],
      ]),
    );
    expect(r.overall).toEqual({ percentAgreement: 1, cohenKappa: null, fleissKappa: null, krippendorffAlpha: null });
    expect(r.notes.slice(1)).toEqual([
      "Cohen's κ is null: both coders gave every unit the same single value, so chance agreement is 1 and κ is undefined",
      "Fleiss' κ is null: every rating is the same single value, so chance agreement is 1 and κ is undefined",
      "Krippendorff's α is null: every value is the same, so the expected disagreement is 0 and α is undefined",
    ]);
  });
});

describe('the multi-code report', () => {
  // u4 is coded by one coder only and is left out; c1 applied no code to u3.
  const data = multi({
    u1: { c1: ['A'], c2: ['A'] },
    u2: { c1: ['A', 'B'], c2: ['B'] },
    u3: { c1: [], c2: ['B'] },
    u4: { c1: ['A'] },
  });

  it('gives each code as applied / not applied per unit, and pooled figures over unit × code pairs', () => {
    const r = multiCodeReport(data);
    expect(r).toMatchObject({ units: 4, coders: 2, level: 'nominal' });
    // Code A on u1–u3: (1,1), (1,0), (0,0). pₒ = 2/3; c1 applies it 2/3, c2 1/3: pₑ = 2/9 + 2/9 = 4/9;
    // κ = (2/3 − 4/9)/(5/9) = 2/5. Code B: (0,0), (1,1), (0,1): the same, κ = 2/5.
    expect(r.codes!.A!.percentAgreement).toBeCloseTo(2 / 3, 12);
    expect(r.codes!.A!.cohenKappa).toBeCloseTo(0.4, 12);
    expect(r.codes!.B!.cohenKappa).toBeCloseTo(0.4, 12);
    // Pooled, 6 pairs: (1,1) (1,0) (0,0) (0,0) (1,1) (0,1). pₒ = 4/6; each coder applies 3/6: pₑ = 1/2; κ = 1/3.
    // α: o₁₁ = 4, o₀₀ = 4, o₀₁ = o₁₀ = 2; n₀ = n₁ = 6, n = 12: α = 1 − 11·4/72 = 28/72.
    expect(r.overall.percentAgreement).toBeCloseTo(2 / 3, 12);
    expect(r.overall.cohenKappa).toBeCloseTo(1 / 3, 12);
    expect(r.overall.fleissKappa).toBeCloseTo(1 / 3, 12);
    expect(r.overall.krippendorffAlpha).toBeCloseTo(28 / 72, 12);
    expect(r.notes[0]).toBe(
      'Unit of analysis: for each code, the unit, with the code applied (1) or not applied (0) by each coder who coded the unit; the overall figures pool every unit × code pair (4 units × 2 codes). 3 of 4 units were coded by two or more coders and enter the statistics.',
    );
    expect(r.notes).toContain(
      "overall, Cohen's κ: computed over the 6 unit × code pairs both coders coded (2 unit × code pairs coded by one coder only left out)",
    );
  });

  it('reports a code everyone applied everywhere as agreement 1 with undefined chance-corrected figures', () => {
    const r = multiCodeReport(multi({ u1: { c1: ['A', 'B'], c2: ['A'] }, u2: { c1: ['A'], c2: ['A'] } }));
    expect(r.codes!.A).toEqual({ percentAgreement: 1, cohenKappa: null, fleissKappa: null, krippendorffAlpha: null });
    expect(r.notes).toContain(
      'code "A", Krippendorff\'s α is null: every value is the same, so the expected disagreement is 0 and α is undefined',
    );
  });

  it('keeps a code named __proto__ as an ordinary code', () => {
    const r = multiCodeReport(multi({ u1: { c1: ['__proto__'], c2: ['__proto__'] }, u2: { c1: [], c2: [] } }));
    expect(Object.keys(r.codes!)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(r)).codes.__proto__.krippendorffAlpha).toBe(1);
  });

  it('says so when no code was applied at all', () => {
    const r = multiCodeReport(multi({ u1: { c1: [], c2: [] } }));
    expect(r.codes).toEqual({});
    expect(r.overall.krippendorffAlpha).toBeNull();
    expect(r.notes).toContain('Every statistic is null: no code was applied to any unit.');
  });
});

describe('the multi-code tally', () => {
  /** Random multi-code data from a seeded generator: some units coded by one coder, some codes by nobody. */
  function randomMulti(seed: number, coders: number): MultiCodings {
    const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const data = new Map<string, Map<string, Set<string>>>();
    for (let u = 0; u < 60; u++) {
      const unit = new Map<string, Set<string>>();
      for (let c = 0; c < coders; c++)
        if (next() < 0.8) unit.set(`c${c}`, new Set(['A', 'B', 'C', 'D'].filter(() => next() < 0.35)));
      data.set(`u${u}`, unit);
    }
    return data;
  }

  /** The same data spelt out: one 0/1 value per coder per unit (or per unit × code when pooled). */
  function spelt(data: MultiCodings, codes: string[]): Map<string, Map<string, number>> {
    const out = new Map<string, Map<string, number>>();
    for (const [unit, coders] of data)
      for (const code of codes)
        out.set(`${unit} ${code}`, new Map([...coders].map(([coder, set]) => [coder, set.has(code) ? 1 : 0])));
    return out;
  }

  it('gives the figures of the data spelt out as 0/1 values, per code and pooled, for 2 and 4 coders', () => {
    for (const [seed, coders] of [
      [7, 2],
      [11, 4],
      [13, 3],
    ] as const) {
      const data = randomMulti(seed, coders);
      const r = multiCodeReport(data);
      const codes = Object.keys(r.codes!);
      expect(codes.length).toBeGreaterThan(1);
      const near = (got: object, want: object) =>
        Object.entries(want).forEach(([k, v]) =>
          v === null
            ? expect(got[k as keyof typeof got]).toBeNull()
            : expect(got[k as keyof typeof got]).toBeCloseTo(v, 12),
        );
      near(r.overall, reliabilityReport(spelt(data, codes)).overall);
      for (const code of codes) near(r.codes![code]!, reliabilityReport(spelt(data, [code])).overall);
    }
  });
});

describe('multi-code data from rows', () => {
  it('reads (unit, coder, code) rows, a null code meaning "coded, applied none", repeats counted once', () => {
    const data = multiCodingsOf([
      { unit: 'n1', coder: 'ana', code: 'A' },
      { unit: 'n1', coder: 'ana', code: 'A' },
      { unit: 'n1', coder: 'ben', code: null },
    ]);
    expect(data).toEqual(
      new Map([
        [
          'n1',
          new Map([
            ['ana', new Set(['A'])],
            ['ben', new Set()],
          ]),
        ],
      ]),
    );
    expect(multiCodeReport(data).codes!.A!.percentAgreement).toBe(0);
  });
});
