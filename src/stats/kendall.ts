export interface KendallResult {
  /** Kendall's coefficient of concordance, 0 (no agreement) to 1 (complete). */
  w: number;
  /** Raters and items used. */
  m: number;
  n: number;
  /** Friedman's chi-square, m(n − 1)W, with n − 1 degrees of freedom. */
  chiSquare: number;
}

/** Ranks of `values`, 1 = smallest, tied values sharing their average rank; also Σ(t³ − t) over ties. */
export function averageRanks(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.v === order[start]!.v) end++;
    const r = (start + end) / 2 + 1;
    const t = end - start + 1;
    if (t > 1) tieTerm += t ** 3 - t;
    for (let k = start; k <= end; k++) ranks[order[k]!.i] = r;
    start = end + 1;
  }
  return { ranks, tieTerm };
}

/**
 * Kendall's W for m raters scoring the same n items (`scores[rater][item]`),
 * each rater's scores turned into ranks with ties averaged, with the tie
 * correction: W = 12S / (m²(n³ − n) − mΣT).
 */
export function kendallW(scores: readonly (readonly number[])[]): KendallResult {
  const m = scores.length;
  const n = m ? scores[0]!.length : 0;
  if (m < 2 || n < 2) return { w: Number.NaN, m, n, chiSquare: Number.NaN };
  const sums = new Array<number>(n).fill(0);
  let ties = 0;
  for (const row of scores) {
    if (row.length !== n) throw new Error('every rater must score every item');
    const { ranks, tieTerm } = averageRanks(row);
    ties += tieTerm;
    for (let j = 0; j < n; j++) sums[j]! += ranks[j]!;
  }
  const meanSum = (m * (n + 1)) / 2;
  let s = 0;
  for (const r of sums) s += (r - meanSum) ** 2;
  const denominator = m * m * (n ** 3 - n) - m * ties;
  const w = denominator === 0 ? Number.NaN : (12 * s) / denominator;
  return { w, m, n, chiSquare: m * (n - 1) * w };
}
