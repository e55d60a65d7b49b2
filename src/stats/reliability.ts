/*
 * Inter-rater reliability (issue 12): percent agreement, Cohen's κ and Fleiss' κ. Krippendorff's α is in
 * reliability-alpha.ts, the data and its tally in reliability-data.ts, the whole report (overall and per code) in
 * reliability-report.ts.
 *
 * Pure functions, no I/O. A statistic the data cannot define is `null` with a note saying why, never NaN and
 * never a guess. Only units coded by two or more coders ("pairable" units) carry information about agreement;
 * every statistic here uses those and leaves the others out. Each takes the data or its tally (computed once
 * when several statistics are wanted).
 */
import {
  categoryTotals,
  noPairsReason,
  pairableCount,
  tally,
  type Codings,
  type Stat,
  type Tally,
} from './reliability-data';

/** The tally of the data, or the tally given. */
export function tallied(data: Codings | Tally): Tally {
  return 'groups' in data ? (data as Tally) : tally(data as Codings);
}

/**
 * Percent agreement, pairwise: for each unit coded by two or more coders, the share of its pairs of coders who
 * gave the same value; then the mean over those units (each unit weighs the same). With two coders this is the
 * share of units on which they agree. Values are compared exactly, whatever the level of measurement.
 */
export function percentAgreement(data: Codings | Tally): Stat {
  const t = tallied(data);
  const reason = noPairsReason(t);
  if (reason) return { value: null, note: reason };
  let sum = 0;
  for (const { counts, m, weight } of t.groups) {
    let agreeing = 0;
    for (const [, n] of counts) agreeing += n * (n - 1);
    sum += (weight * agreeing) / (m * (m - 1));
  }
  return { value: sum / pairableCount(t) };
}

/**
 * Cohen's κ (Cohen 1960), unweighted, for exactly two coders over the units both coded:
 * κ = (pₒ − pₑ) / (1 − pₑ), pₑ from each coder's own distribution of values.
 */
export function cohenKappa(data: Codings | Tally): Stat {
  const t = tallied(data);
  if (t.coders !== 2 || !t.pairs)
    return { value: null, note: `it needs exactly two coders; this data has ${t.coders}` };
  const { byCategories, onlyOne } = t.pairs;
  const cells = [...byCategories].map(([key, n]) => [...key.split(',').map(Number), n] as [number, number, number]);
  const n = cells.reduce((sum, [, , w]) => sum + w, 0);
  if (n === 0) return { value: null, note: 'no unit was coded by both coders, so there is nothing to compare' };
  const unit = t.unitName ?? 'unit';
  const left = onlyOne ? ` (${onlyOne} ${unit}${onlyOne === 1 ? '' : 's'} coded by one coder only left out)` : '';
  const countA = new Map<number, number>();
  const countB = new Map<number, number>();
  let agree = 0;
  for (const [x, y, w] of cells) {
    if (x === y) agree += w;
    countA.set(x, (countA.get(x) ?? 0) + w);
    countB.set(y, (countB.get(y) ?? 0) + w);
  }
  const categories = new Set([...countA.keys(), ...countB.keys()]);
  if (categories.size === 1)
    return {
      value: null,
      note: `both coders gave every unit the same single value, so chance agreement is 1 and κ is undefined${left}`,
    };
  let pe = 0;
  for (const c of categories) pe += ((countA.get(c) ?? 0) / n) * ((countB.get(c) ?? 0) / n);
  const kappa = (agree / n - pe) / (1 - pe);
  return left ? { value: kappa, note: `computed over the ${n} ${unit}s both coders coded${left}` } : { value: kappa };
}

/**
 * Fleiss' κ (Fleiss 1971) over the units coded by two or more coders. Fleiss' formula assumes the same number of
 * ratings on every unit (the coders may differ from unit to unit); when that number varies, κ is null with a note
 * rather than computed on a formula that does not hold — Krippendorff's α is the statistic for missing values.
 */
export function fleissKappa(data: Codings | Tally): Stat {
  const t = tallied(data);
  const reason = noPairsReason(t);
  if (reason) return { value: null, note: reason };
  const sizes = new Set(t.groups.map((g) => g.m));
  if (sizes.size > 1)
    return {
      value: null,
      note: `it needs the same number of coders on every unit; here units have between ${Math.min(...sizes)} and ${Math.max(...sizes)} (Krippendorff's α allows missing values)`,
    };
  const m = t.groups[0]!.m;
  const totals = categoryTotals(t).filter((n) => n > 0);
  if (totals.length === 1)
    return { value: null, note: 'every rating is the same single value, so chance agreement is 1 and κ is undefined' };
  const units = pairableCount(t);
  let pBar = 0;
  for (const { counts, weight } of t.groups) {
    let squares = 0;
    for (const [, n] of counts) squares += n * n;
    pBar += (weight * (squares - m)) / (m * (m - 1));
  }
  pBar /= units;
  let pe = 0;
  for (const n of totals) pe += (n / (units * m)) ** 2;
  return { value: (pBar - pe) / (1 - pe) };
}
