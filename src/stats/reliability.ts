/*
 * Inter-rater reliability (issue 12): percent agreement, Cohen's κ and Fleiss' κ. Krippendorff's α is in
 * reliability-alpha.ts, the whole report (overall and per code) in reliability-report.ts.
 *
 * Pure functions, no I/O. A statistic the data cannot define is `null` with a note saying why, never NaN and
 * never a guess. Only units coded by two or more coders ("pairable" units) carry information about agreement;
 * every statistic here uses those and leaves the others out.
 */

export type Value = string | number;

/** Reliability data: for each unit, the value each coder gave it. A coder absent from a unit is a missing value. */
export type Codings = ReadonlyMap<string, ReadonlyMap<string, Value>>;

/** One statistic: its value, or null with the reason it is undefined for this data. */
export interface Stat {
  value: number | null;
  note?: string;
}

/** The key two values are compared by: equal keys are the same category. */
export function valueKey(value: Value): string {
  return typeof value === 'number' ? `n:${value}` : `s:${value}`;
}

/**
 * Codings from the canonical reliability data matrix: one row per coder, one column per unit, null (or
 * undefined) for a missing value. Coders are named c1, c2, …; units u1, u2, ….
 */
export function fromMatrix(matrix: readonly (readonly (Value | null | undefined)[])[]): Codings {
  const units = new Map<string, Map<string, Value>>();
  const width = Math.max(0, ...matrix.map((row) => row.length));
  for (let u = 0; u < width; u++) units.set(`u${u + 1}`, new Map());
  matrix.forEach((row, c) =>
    row.forEach((value, u) => {
      if (value !== null && value !== undefined) units.get(`u${u + 1}`)!.set(`c${c + 1}`, value);
    }),
  );
  return units;
}

/** Codings from one row per unit, coders r1, r2, … by column, null (or undefined) for a missing value. */
export function fromUnits(rows: readonly (readonly (Value | null | undefined)[])[]): Codings {
  return new Map(
    rows.map((row, u) => {
      const values = new Map<string, Value>();
      row.forEach((v, c) => {
        if (v !== null && v !== undefined) values.set(`r${c + 1}`, v);
      });
      return [`u${u + 1}`, values];
    }),
  );
}

/** Every coder who gave any value. */
export function codersOf(data: Codings): string[] {
  const coders = new Set<string>();
  for (const values of data.values()) for (const coder of values.keys()) coders.add(coder);
  return [...coders];
}

/** The values of each unit coded by two or more coders. */
export function pairableUnits(data: Codings): Value[][] {
  const units: Value[][] = [];
  for (const values of data.values()) if (values.size >= 2) units.push([...values.values()]);
  return units;
}

/** Why nothing can be computed when no unit is pairable, or undefined when some are. */
export function noPairsReason(data: Codings): string | undefined {
  if (pairableUnits(data).length > 0) return undefined;
  const coders = codersOf(data).length;
  if (coders < 2) return `agreement needs at least two coders; this data has ${coders}`;
  return 'no unit was coded by two or more coders, so there is nothing to compare';
}

/** How many coders gave each category, per unit. */
function categoryCounts(values: readonly Value[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(valueKey(v), (counts.get(valueKey(v)) ?? 0) + 1);
  return counts;
}

/**
 * Percent agreement, pairwise: for each unit coded by two or more coders, the share of its pairs of coders who
 * gave the same value; then the mean over those units (each unit weighs the same). With two coders this is the
 * share of units on which they agree. Values are compared exactly, whatever the level of measurement.
 */
export function percentAgreement(data: Codings): Stat {
  const reason = noPairsReason(data);
  if (reason) return { value: null, note: reason };
  const units = pairableUnits(data);
  let sum = 0;
  for (const values of units) {
    const m = values.length;
    let agreeing = 0;
    for (const n of categoryCounts(values).values()) agreeing += (n * (n - 1)) / 2;
    sum += agreeing / ((m * (m - 1)) / 2);
  }
  return { value: sum / units.length };
}

/**
 * Cohen's κ (Cohen 1960), unweighted, for exactly two coders over the units both coded:
 * κ = (pₒ − pₑ) / (1 − pₑ), pₑ from each coder's own distribution of values.
 */
export function cohenKappa(data: Codings): Stat {
  const coders = codersOf(data);
  if (coders.length !== 2) return { value: null, note: `it needs exactly two coders; this data has ${coders.length}` };
  const [a, b] = coders as [string, string];
  const pairs: [string, string][] = [];
  let onlyOne = 0;
  for (const values of data.values()) {
    const va = values.get(a);
    const vb = values.get(b);
    if (va !== undefined && vb !== undefined) pairs.push([valueKey(va), valueKey(vb)]);
    else if (va !== undefined || vb !== undefined) onlyOne++;
  }
  if (pairs.length === 0)
    return { value: null, note: 'no unit was coded by both coders, so there is nothing to compare' };
  const left = onlyOne ? ` (${onlyOne} unit${onlyOne === 1 ? '' : 's'} coded by one coder only left out)` : '';
  const categories = new Set(pairs.flat());
  if (categories.size === 1)
    return {
      value: null,
      note: `both coders gave every unit the same single value, so chance agreement is 1 and κ is undefined${left}`,
    };
  const n = pairs.length;
  const countA = new Map<string, number>();
  const countB = new Map<string, number>();
  let agree = 0;
  for (const [x, y] of pairs) {
    if (x === y) agree++;
    countA.set(x, (countA.get(x) ?? 0) + 1);
    countB.set(y, (countB.get(y) ?? 0) + 1);
  }
  let pe = 0;
  for (const c of categories) pe += ((countA.get(c) ?? 0) / n) * ((countB.get(c) ?? 0) / n);
  const po = agree / n;
  const kappa = (po - pe) / (1 - pe);
  return left ? { value: kappa, note: `computed over the ${n} units both coders coded${left}` } : { value: kappa };
}

/**
 * Fleiss' κ (Fleiss 1971) over the units coded by two or more coders. Fleiss' formula assumes the same number of
 * ratings on every unit (the coders may differ from unit to unit); when that number varies, κ is null with a note
 * rather than computed on a formula that does not hold — Krippendorff's α is the statistic for missing values.
 */
export function fleissKappa(data: Codings): Stat {
  const reason = noPairsReason(data);
  if (reason) return { value: null, note: reason };
  const units = pairableUnits(data);
  const sizes = new Set(units.map((u) => u.length));
  if (sizes.size > 1)
    return {
      value: null,
      note: `it needs the same number of coders on every unit; here units have between ${Math.min(...sizes)} and ${Math.max(...sizes)} (Krippendorff's α allows missing values)`,
    };
  const m = units[0]!.length;
  const totals = new Map<string, number>();
  let pBar = 0;
  for (const values of units) {
    let squares = 0;
    for (const [c, n] of categoryCounts(values)) {
      squares += n * n;
      totals.set(c, (totals.get(c) ?? 0) + n);
    }
    pBar += (squares - m) / (m * (m - 1));
  }
  if (totals.size === 1)
    return { value: null, note: 'every rating is the same single value, so chance agreement is 1 and κ is undefined' };
  pBar /= units.length;
  let pe = 0;
  for (const n of totals.values()) pe += (n / (units.length * m)) ** 2;
  return { value: (pBar - pe) / (1 - pe) };
}
