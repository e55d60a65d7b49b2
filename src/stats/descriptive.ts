/**
 * Descriptive statistics for ratings. Pure functions, no I/O.
 *
 * Quantiles follow Hyndman & Fan's definitions: type 7 (linear interpolation
 * between closest ranks: R's default, Excel QUARTILE.INC) and type 6 (the
 * (n+1)p rule used by SPSS and Minitab).
 */
export type QuantileMethod = 7 | 6;

/** The p-quantile of ascending `sorted` values. NaN for no values. */
export function quantileSorted(sorted: readonly number[], p: number, method: QuantileMethod = 7): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (p <= 0) return sorted[0]!;
  if (p >= 1) return sorted[n - 1]!;
  // h is a 1-based fractional position.
  const h = method === 7 ? (n - 1) * p + 1 : (n + 1) * p;
  if (h <= 1) return sorted[0]!;
  if (h >= n) return sorted[n - 1]!;
  const lo = Math.floor(h);
  return sorted[lo - 1]! + (h - lo) * (sorted[lo]! - sorted[lo - 1]!);
}

export function sortAscending(values: readonly number[]): number[] {
  return Array.from(Float64Array.from(values).sort());
}

export function quantile(values: readonly number[], p: number, method: QuantileMethod = 7): number {
  return quantileSorted(sortAscending(values), p, method);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample standard deviation (n − 1); NaN for fewer than two values. */
export function sd(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) ** 2;
  return Math.sqrt(ss / (values.length - 1));
}

/** Median absolute deviation from the median, unscaled. */
export function mad(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const med = quantile(values, 0.5);
  return quantile(
    values.map((v) => Math.abs(v - med)),
    0.5,
  );
}

/**
 * Statistics of integer ratings held as counts (counts[i] = how many rated
 * `min + i`). This is how Waymark analyses large panels: building the counts
 * is one pass over the ratings, and every statistic after that costs the
 * size of the scale, not the size of the panel. Results equal the array
 * functions above on the same values.
 */
export class RatingCounts {
  readonly counts: number[];
  n = 0;

  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    this.counts = new Array(max - min + 1).fill(0);
  }

  add(value: number): void {
    this.counts[value - this.min]!++;
    this.n++;
  }

  static of(values: readonly number[], min: number, max: number): RatingCounts {
    const c = new RatingCounts(min, max);
    for (const v of values) c.add(v);
    return c;
  }

  /** The k-th smallest value, 1-based. */
  orderStatistic(k: number): number {
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= k) return this.min + i;
    }
    return this.max;
  }

  quantile(p: number, method: QuantileMethod = 7): number {
    const n = this.n;
    if (n === 0) return Number.NaN;
    if (p <= 0) return this.orderStatistic(1);
    if (p >= 1) return this.orderStatistic(n);
    const h = method === 7 ? (n - 1) * p + 1 : (n + 1) * p;
    if (h <= 1) return this.orderStatistic(1);
    if (h >= n) return this.orderStatistic(n);
    const lo = Math.floor(h);
    const a = this.orderStatistic(lo);
    const b = this.orderStatistic(lo + 1);
    return a + (h - lo) * (b - a);
  }

  mean(): number {
    if (this.n === 0) return Number.NaN;
    let s = 0;
    for (let i = 0; i < this.counts.length; i++) s += this.counts[i]! * (this.min + i);
    return s / this.n;
  }

  sd(): number {
    if (this.n < 2) return Number.NaN;
    const m = this.mean();
    let ss = 0;
    for (let i = 0; i < this.counts.length; i++) ss += this.counts[i]! * (this.min + i - m) ** 2;
    return Math.sqrt(ss / (this.n - 1));
  }

  /** Median absolute deviation from the median (type 7 medians, as `mad`). */
  mad(): number {
    if (this.n === 0) return Number.NaN;
    const med = this.quantile(0.5);
    // Deviations are half-integers or integers; collect their counts in a sorted map.
    const dev = new Map<number, number>();
    for (let i = 0; i < this.counts.length; i++) {
      if (!this.counts[i]) continue;
      const d = Math.abs(this.min + i - med);
      dev.set(d, (dev.get(d) ?? 0) + this.counts[i]!);
    }
    const keys = [...dev.keys()].sort((a, b) => a - b);
    const kth = (k: number) => {
      let seen = 0;
      for (const key of keys) {
        seen += dev.get(key)!;
        if (seen >= k) return key;
      }
      return keys[keys.length - 1]!;
    };
    const h = (this.n - 1) * 0.5 + 1;
    const lo = Math.floor(h);
    return kth(lo) + (h - lo) * (kth(Math.min(lo + 1, this.n)) - kth(lo));
  }

  /** Share (0–100) of ratings from `from` to `to` inclusive. */
  percentBetween(from: number, to: number): number {
    if (this.n === 0) return Number.NaN;
    let s = 0;
    for (let v = Math.max(from, this.min); v <= Math.min(to, this.max); v++) s += this.counts[v - this.min]!;
    return (100 * s) / this.n;
  }
}
