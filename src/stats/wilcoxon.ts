import { normalCdf } from './normal';

export interface WilcoxonResult {
  /** Pairs with a non-zero difference. */
  n: number;
  /** Sum of the ranks of the positive differences (R's V). */
  v: number;
  /** Two-sided p-value; NaN when there is no non-zero difference. */
  p: number;
  method: 'exact' | 'normal';
}

/**
 * Wilcoxon signed-rank test on paired values (after − before), two-sided,
 * as R's wilcox.test(after, before, paired = TRUE): zero differences are
 * dropped; tied absolute differences get average ranks; the p-value is exact
 * when fewer than 50 pairs remain and there are no ties, and otherwise from
 * the normal approximation with the tie correction and a continuity correction.
 */
export function wilcoxonSignedRank(before: readonly number[], after: readonly number[]): WilcoxonResult {
  if (before.length !== after.length) throw new Error('paired samples must have the same length');
  const diffs: number[] = [];
  for (let i = 0; i < before.length; i++) {
    const d = after[i]! - before[i]!;
    if (d !== 0) diffs.push(d);
  }
  return signedRankOfDifferences(diffs);
}

export function signedRankOfDifferences(nonZero: readonly number[]): WilcoxonResult {
  const n = nonZero.length;
  if (n === 0) return { n: 0, v: 0, p: Number.NaN, method: 'normal' };
  const order = nonZero.map((d, i) => ({ a: Math.abs(d), positive: d > 0, i })).sort((x, y) => x.a - y.a);
  let v = 0;
  let tieTerm = 0;
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && order[end + 1]!.a === order[start]!.a) end++;
    const rank = (start + end) / 2 + 1;
    const t = end - start + 1;
    if (t > 1) tieTerm += t ** 3 - t;
    for (let k = start; k <= end; k++) if (order[k]!.positive) v += rank;
    start = end + 1;
  }
  if (n < 50 && tieTerm === 0) return { n, v, p: exactTwoSided(n, v), method: 'exact' };
  return { n, v, p: normalTwoSided(n, v, tieTerm), method: 'normal' };
}

/** Two-sided exact p from the distribution of V: the number of subsets of 1..n with each rank sum. */
function exactTwoSided(n: number, v: number): number {
  const max = (n * (n + 1)) / 2;
  const ways = new Float64Array(max + 1);
  ways[0] = 1;
  for (let r = 1; r <= n; r++) for (let s = max; s >= r; s--) ways[s]! += ways[s - r]!;
  const total = 2 ** n;
  const atMost = (x: number) => {
    let c = 0;
    for (let s = 0; s <= Math.min(x, max); s++) c += ways[s]!;
    return c / total;
  };
  const lower = atMost(v);
  const upper = 1 - atMost(v - 1);
  return Math.min(1, 2 * Math.min(lower, upper));
}

function normalTwoSided(n: number, v: number, tieTerm: number): number {
  const centre = v - (n * (n + 1)) / 4;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  if (sigma === 0) return Number.NaN;
  const z = (centre - Math.sign(centre) * 0.5) / sigma;
  return Math.min(1, 2 * Math.min(normalCdf(z), 1 - normalCdf(z)));
}
