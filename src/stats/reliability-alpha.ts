import { tallied } from './reliability';
import { categoryTotals, noPairsReason, type Codings, type Stat, type Tally } from './reliability-data';

export const LEVELS = ['nominal', 'ordinal', 'interval', 'ratio'] as const;
export type Level = (typeof LEVELS)[number];

/**
 * Krippendorff's α (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"; Content Analysis, 4th ed.,
 * ch. 12) in the coincidence-matrix form, for any number of coders and missing values:
 *
 *   o_ck = Σ_u (number of c–k pairs of values in unit u) / (m_u − 1)   over units with m_u ≥ 2 values
 *   n_c  = Σ_k o_ck,  n = Σ_c n_c
 *   α    = 1 − (n − 1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck
 *
 * with the difference function δ² of the level: nominal 0 or 1; ordinal (Σ_{g=c..k} n_g − (n_c + n_k)/2)²;
 * interval (c − k)²; ratio ((c − k) / (c + k))². Ordinal, interval and ratio need numbers (ordinal orders them
 * numerically); ratio needs numbers ≥ 0. α is null when the data has no pairable unit, or only one distinct
 * value among the pairable values (expected disagreement 0).
 */
export function krippendorffAlpha(data: Codings | Tally, level: Level = 'nominal'): Stat {
  const t = tallied(data);
  const reason = noPairsReason(t);
  if (reason) return { value: null, note: reason };
  const totals = categoryTotals(t);
  // The categories present among the pairable values, in numeric order for the numeric levels.
  const present = totals.flatMap((n, c) => (n > 0 ? [c] : []));
  if (level !== 'nominal') {
    const text = present.map((c) => t.values[c]!).find((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (text !== undefined) return { value: null, note: `the ${level} level needs numbers; "${text}" is not one` };
    if (level === 'ratio' && present.some((c) => (t.values[c] as number) < 0))
      return { value: null, note: 'the ratio level needs numbers of zero or more' };
    present.sort((x, y) => (t.values[x] as number) - (t.values[y] as number));
  }
  if (present.length === 1)
    return { value: null, note: 'every value is the same, so the expected disagreement is 0 and α is undefined' };
  const position = new Map(present.map((c, i) => [c, i]));
  const size = present.length;

  // The coincidence matrix.
  const o = Array.from({ length: size }, () => new Float64Array(size));
  for (const { counts, m, weight } of t.groups) {
    const w = weight / (m - 1);
    for (const [c, nc] of counts)
      for (const [k, nk] of counts) o[position.get(c)!]![position.get(k)!]! += (c === k ? nc * (nc - 1) : nc * nk) * w;
  }
  const nc = present.map((c) => totals[c]!);
  const n = nc.reduce((a, b) => a + b, 0);

  const delta = differenceFunction(
    level,
    present.map((c) => t.values[c] as number),
    nc,
  );
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < size; c++)
    for (let k = 0; k < size; k++) {
      if (c === k) continue;
      const d = delta(c, k);
      observed += o[c]![k]! * d;
      expected += nc[c]! * nc[k]! * d;
    }
  return { value: 1 - ((n - 1) * observed) / expected };
}

/** δ²(c, k) between the values at positions c and k (values sorted numerically unless nominal). */
function differenceFunction(level: Level, values: number[], nc: number[]): (c: number, k: number) => number {
  switch (level) {
    case 'nominal':
      return (c, k) => (c === k ? 0 : 1);
    case 'ordinal': {
      // cumulative[i] = n_0 + … + n_(i−1)
      const cumulative = [0];
      for (const n of nc) cumulative.push(cumulative[cumulative.length - 1]! + n);
      return (c, k) => {
        const [lo, hi] = c < k ? [c, k] : [k, c];
        return (cumulative[hi + 1]! - cumulative[lo]! - (nc[lo]! + nc[hi]!) / 2) ** 2;
      };
    }
    case 'interval':
      return (c, k) => (values[c]! - values[k]!) ** 2;
    case 'ratio':
      return (c, k) => {
        const sum = values[c]! + values[k]!;
        return sum === 0 ? 0 : ((values[c]! - values[k]!) / sum) ** 2;
      };
  }
}
