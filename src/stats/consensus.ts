import type { QuantileMethod } from './descriptive';

/** A rating scale: its range and the three bands ratings are grouped into. */
export interface Scale {
  min: number;
  max: number;
  /** Inclusive bounds of the low and high bands; the middle band is what lies between. */
  low: [number, number];
  high: [number, number];
  labels?: { low: string; mid: string; high: string };
}

export const GRADE_9: Scale = {
  min: 1,
  max: 9,
  low: [1, 3],
  high: [7, 9],
  labels: { low: 'Not important (1–3)', mid: 'Important but not critical (4–6)', high: 'Critical (7–9)' },
};
export const LIKERT_5: Scale = {
  min: 1,
  max: 5,
  low: [1, 2],
  high: [4, 5],
  labels: { low: 'Disagree (1–2)', mid: 'Neutral (3)', high: 'Agree (4–5)' },
};

export type Band = 'low' | 'mid' | 'high';
export function bandOf(scale: Scale, value: number): Band {
  if (value >= scale.low[0] && value <= scale.low[1]) return 'low';
  if (value >= scale.high[0] && value <= scale.high[1]) return 'high';
  return 'mid';
}

export type Verdict = 'in' | 'out' | 'none';

export type ConsensusRule =
  /** COMET: in when ≥ inPercent rate high and < otherPercent rate low; out the other way round. */
  | { kind: 'comet'; inPercent: number; otherPercent: number }
  /** Percentage agreement: in when ≥ threshold rate high; out when ≥ threshold rate low. */
  | { kind: 'percent'; threshold: number }
  /** Median and IQR: in when median ≥ inMedian and IQR ≤ maxIqr; out when median ≤ outMedian and IQR ≤ maxIqr. */
  | { kind: 'median-iqr'; inMedian: number; outMedian: number; maxIqr: number }
  /** RAND/UCLA appropriateness: disagreement when IPR > IPRAS; median ≥ 7 appropriate, ≤ 3 inappropriate (9-point scale). */
  | { kind: 'rand-ucla' };

export interface ItemFigures {
  n: number;
  median: number;
  iqr: number;
  percentLow: number;
  percentHigh: number;
  /** 30th and 70th percentiles, for RAND/UCLA. */
  p30: number;
  p70: number;
}

/** RAND/UCLA disagreement: IPR > IPRAS = 2.35 + 1.5 × |5 − (P30 + P70)/2| (the manual's constants for a 1–9 scale). */
export function randUcla(p30: number, p70: number): { ipr: number; ipras: number; disagreement: boolean } {
  const ipr = p70 - p30;
  const ipras = 2.35 + 1.5 * Math.abs(5 - (p30 + p70) / 2);
  return { ipr, ipras, disagreement: ipr > ipras };
}

/** The verdict for one item (or one group's ratings of it) under a rule. No ratings: no consensus. */
export function verdict(rule: ConsensusRule, f: ItemFigures): Verdict {
  if (f.n === 0) return 'none';
  switch (rule.kind) {
    case 'comet':
      if (f.percentHigh >= rule.inPercent && f.percentLow < rule.otherPercent) return 'in';
      if (f.percentLow >= rule.inPercent && f.percentHigh < rule.otherPercent) return 'out';
      return 'none';
    case 'percent':
      if (f.percentHigh >= rule.threshold) return 'in';
      if (f.percentLow >= rule.threshold) return 'out';
      return 'none';
    case 'median-iqr':
      if (f.iqr > rule.maxIqr) return 'none';
      if (f.median >= rule.inMedian) return 'in';
      if (f.median <= rule.outMedian) return 'out';
      return 'none';
    case 'rand-ucla': {
      if (randUcla(f.p30, f.p70).disagreement) return 'none';
      if (f.median >= 7) return 'in';
      if (f.median <= 3) return 'out';
      return 'none';
    }
  }
}

/** "In every stakeholder group": in (or out) only when every group with ratings says so. */
export function everyGroup(verdicts: Verdict[]): Verdict {
  const rated = verdicts;
  if (rated.length === 0) return 'none';
  if (rated.every((v) => v === 'in')) return 'in';
  if (rated.every((v) => v === 'out')) return 'out';
  return 'none';
}

/**
 * Reads a rule as the command line writes it: comet, comet:70:15,
 * percent:75, median-iqr:7:1 (or median-iqr:7:3:1 with an out median),
 * rand-ucla. Throws with a message naming what is wrong.
 */
export function parseRule(text: string): ConsensusRule {
  const [kind, ...args] = text.trim().toLowerCase().split(':');
  const nums = args.map((a) => {
    const n = Number(a);
    if (a === '' || !Number.isFinite(n)) throw new Error(`"${a}" in rule "${text}" is not a number`);
    return n;
  });
  const pct = (n: number, what: string) => {
    if (n <= 0 || n > 100) throw new Error(`${what} must be a percentage above 0 and at most 100`);
    return n;
  };
  switch (kind) {
    case 'comet':
      if (nums.length !== 0 && nums.length !== 2) throw new Error('comet takes no numbers or two: comet:70:15');
      return {
        kind: 'comet',
        inPercent: pct(nums[0] ?? 70, 'the agreement threshold'),
        otherPercent: pct(nums[1] ?? 15, 'the opposite-band limit'),
      };
    case 'percent':
      if (nums.length !== 1) throw new Error('percent takes one threshold: percent:75');
      return { kind: 'percent', threshold: pct(nums[0]!, 'the threshold') };
    case 'median-iqr':
      if (nums.length === 2) return { kind: 'median-iqr', inMedian: nums[0]!, outMedian: 3, maxIqr: nums[1]! };
      if (nums.length === 3) return { kind: 'median-iqr', inMedian: nums[0]!, outMedian: nums[1]!, maxIqr: nums[2]! };
      throw new Error('median-iqr takes a median and an IQR: median-iqr:7:1');
    case 'rand-ucla':
      if (nums.length) throw new Error('rand-ucla takes no numbers');
      return { kind: 'rand-ucla' };
    default:
      throw new Error(`unknown rule "${kind}": use comet, percent:N, median-iqr:M:I or rand-ucla`);
  }
}

export function describeRule(rule: ConsensusRule, scale: Scale, quartiles: QuantileMethod): string {
  const hi = `${scale.high[0]}–${scale.high[1]}`;
  const lo = `${scale.low[0]}–${scale.low[1]}`;
  const q =
    quartiles === 7
      ? 'quartiles by linear interpolation (R type 7, Excel QUARTILE.INC)'
      : 'quartiles by the (n+1)p rule (R type 6, SPSS)';
  switch (rule.kind) {
    case 'comet':
      return `Consensus in when at least ${rule.inPercent}% rated ${hi} and fewer than ${rule.otherPercent}% rated ${lo}; consensus out when at least ${rule.inPercent}% rated ${lo} and fewer than ${rule.otherPercent}% rated ${hi}; otherwise no consensus. Percentages exclude "unable to rate". Medians and IQRs use ${q}.`;
    case 'percent':
      return `Consensus in when at least ${rule.threshold}% rated ${hi}; consensus out when at least ${rule.threshold}% rated ${lo}; otherwise no consensus. Percentages exclude "unable to rate". Medians and IQRs use ${q}.`;
    case 'median-iqr':
      return `Consensus in when the median is at least ${rule.inMedian} and the IQR at most ${rule.maxIqr}; consensus out when the median is at most ${rule.outMedian} and the IQR at most ${rule.maxIqr}; otherwise no consensus. Medians and IQRs use ${q}.`;
    case 'rand-ucla':
      return `RAND/UCLA appropriateness: disagreement when the interpercentile range (70th − 30th percentile) exceeds the IPR adjusted for symmetry (2.35 + 1.5 × |5 − its central point|); in (appropriate) when the median is 7 or more without disagreement, out (inappropriate) when the median is 3 or less without disagreement, otherwise uncertain. Percentiles use ${q}.`;
  }
}
