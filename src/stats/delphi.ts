import { RatingCounts, type QuantileMethod } from './descriptive';
import { bandOf, everyGroup, verdict, type ConsensusRule, type Scale, type Verdict } from './consensus';
import { signedRankOfDifferences, type WilcoxonResult } from './wilcoxon';

/** One panellist's rating of one item; null means "unable to rate". */
export interface Rating {
  panellist: string;
  group: string;
  item: string;
  rating: number | null;
}

export interface ItemStats {
  n: number;
  unableToRate: number;
  median: number | null;
  q1: number | null;
  q3: number | null;
  iqr: number | null;
  mean: number | null;
  sd: number | null;
  mad: number | null;
  percentLow: number | null;
  percentMid: number | null;
  percentHigh: number | null;
  verdict: Verdict;
}

export interface Stability {
  /** Panellists who rated the item in both rounds. */
  paired: number;
  /** Of them, the percentage whose rating moved to another band. */
  percentChangedBand: number | null;
  /** Stable when fewer than 15% changed band. */
  stable: boolean | null;
  wilcoxonP: number | null;
  wilcoxonV: number | null;
}

export interface ItemResult extends ItemStats {
  item: string;
  groups?: Record<string, ItemStats>;
  stability?: Stability;
}

export interface AnalyseOptions {
  rule: ConsensusRule;
  scale: Scale;
  quartiles: QuantileMethod;
  /** Report each stakeholder group's figures. */
  byGroup?: boolean;
  /** Consensus only when every group reaches it (implies per-group figures). */
  everyGroup?: boolean;
  /** Percentage changing band below which an item is stable. */
  stabilityPercent?: number;
}

export interface Analysis {
  rule: ConsensusRule;
  scale: { min: number; max: number; low: [number, number]; high: [number, number] };
  quartileMethod: QuantileMethod;
  items: ItemResult[];
}

const round = (x: number, places = 4) => (Number.isFinite(x) ? Math.round(x * 10 ** places) / 10 ** places : null);

/** The figures of an item nobody rated on the scale: nothing to show, no consensus. */
export function noRatings(unable = 0): ItemStats {
  return {
    n: 0,
    unableToRate: unable,
    median: null,
    q1: null,
    q3: null,
    iqr: null,
    mean: null,
    sd: null,
    mad: null,
    percentLow: null,
    percentMid: null,
    percentHigh: null,
    verdict: 'none',
  };
}

/** Figures for one set of ratings held as counts. */
export function statsOf(counts: RatingCounts, unable: number, opts: AnalyseOptions): ItemStats {
  const { scale, quartiles } = opts;
  if (counts.n === 0) return noRatings(unable);
  const median = counts.quantile(0.5, quartiles);
  const q1 = counts.quantile(0.25, quartiles);
  const q3 = counts.quantile(0.75, quartiles);
  const percentLow = counts.percentBetween(scale.low[0], scale.low[1]);
  const percentHigh = counts.percentBetween(scale.high[0], scale.high[1]);
  const v = verdict(opts.rule, {
    n: counts.n,
    median,
    iqr: q3 - q1,
    percentLow,
    percentHigh,
    p30: counts.quantile(0.3, quartiles),
    p70: counts.quantile(0.7, quartiles),
  });
  return {
    n: counts.n,
    unableToRate: unable,
    median: round(median),
    q1: round(q1),
    q3: round(q3),
    iqr: round(q3 - q1),
    mean: round(counts.mean()),
    sd: round(counts.sd()),
    mad: round(counts.mad()),
    percentLow: round(percentLow, 2),
    percentMid: round(100 - percentLow - percentHigh, 2),
    percentHigh: round(percentHigh, 2),
    verdict: v,
  };
}

interface Acc {
  all: RatingCounts;
  unable: number;
  groups: Map<string, { counts: RatingCounts; unable: number }>;
}

/**
 * Analyses one round: per item, overall and (optionally) per stakeholder
 * group, with the verdict under the rule; with `previous`, each item's
 * stability against the previous round (paired by panellist). Items keep the
 * order in which they first appear. Ratings outside the scale throw.
 */
export function analyseRound(ratings: readonly Rating[], opts: AnalyseOptions, previous?: readonly Rating[]): Analysis {
  const { scale } = opts;
  const perGroup = !!(opts.byGroup || opts.everyGroup);
  const items = new Map<string, Acc>();
  for (const r of ratings) {
    let acc = items.get(r.item);
    if (!acc) items.set(r.item, (acc = { all: new RatingCounts(scale.min, scale.max), unable: 0, groups: new Map() }));
    let g = perGroup ? acc.groups.get(r.group) : undefined;
    if (perGroup && !g) acc.groups.set(r.group, (g = { counts: new RatingCounts(scale.min, scale.max), unable: 0 }));
    if (r.rating === null) {
      acc.unable++;
      if (g) g.unable++;
      continue;
    }
    if (!Number.isInteger(r.rating) || r.rating < scale.min || r.rating > scale.max) {
      throw new Error(
        `rating ${r.rating} by ${r.panellist} for ${r.item} is outside the scale ${scale.min}–${scale.max}`,
      );
    }
    acc.all.add(r.rating);
    g?.counts.add(r.rating);
  }

  const stabilityByItem = previous ? stability(ratings, previous, scale, opts.stabilityPercent ?? 15) : undefined;

  const out: ItemResult[] = [];
  for (const [item, acc] of items) {
    const overall = statsOf(acc.all, acc.unable, opts);
    const result: ItemResult = { item, ...overall };
    if (perGroup) {
      const groups: Record<string, ItemStats> = {};
      for (const name of [...acc.groups.keys()].sort()) {
        const g = acc.groups.get(name)!;
        groups[name] = statsOf(g.counts, g.unable, opts);
      }
      result.groups = groups;
      if (opts.everyGroup)
        result.verdict = everyGroup(
          Object.values(groups)
            .filter((g) => g.n > 0)
            .map((g) => g.verdict),
        );
    }
    if (stabilityByItem)
      result.stability = stabilityByItem.get(item) ?? {
        paired: 0,
        percentChangedBand: null,
        stable: null,
        wilcoxonP: null,
        wilcoxonV: null,
      };
    out.push(result);
  }
  return {
    rule: opts.rule,
    scale: { min: scale.min, max: scale.max, low: scale.low, high: scale.high },
    quartileMethod: opts.quartiles,
    items: out,
  };
}

/** Band changes and the Wilcoxon signed-rank test between two rounds, per item, over panellists who rated it in both. */
export function stability(
  current: readonly Rating[],
  previous: readonly Rating[],
  scale: Scale,
  stablePercent = 15,
): Map<string, Stability> {
  // Nested maps rather than joined string keys: no string is built per rating.
  const before = new Map<string, Map<string, number>>();
  for (const r of previous) {
    if (r.rating === null) continue;
    let m = before.get(r.item);
    if (!m) before.set(r.item, (m = new Map()));
    m.set(r.panellist, r.rating);
  }
  const span = scale.max - scale.min;
  const acc = new Map<string, { paired: number; changed: number; pos: number[]; neg: number[] }>();
  for (const r of current) {
    if (r.rating === null) continue;
    const was = before.get(r.item)?.get(r.panellist);
    if (was === undefined) continue;
    let a = acc.get(r.item);
    if (!a)
      acc.set(
        r.item,
        (a = { paired: 0, changed: 0, pos: new Array(span + 1).fill(0), neg: new Array(span + 1).fill(0) }),
      );
    a.paired++;
    if (bandOf(scale, was) !== bandOf(scale, r.rating)) a.changed++;
    const d = r.rating - was;
    if (d > 0) a.pos[d]!++;
    else if (d < 0) a.neg[-d]!++;
  }
  const result = new Map<string, Stability>();
  for (const [item, a] of acc) {
    const w = wilcoxonFromCounts(a.pos, a.neg);
    const pct = a.paired ? (100 * a.changed) / a.paired : null;
    result.set(item, {
      paired: a.paired,
      percentChangedBand: pct === null ? null : round(pct, 2),
      stable: pct === null ? null : pct < stablePercent,
      wilcoxonP: Number.isNaN(w.p) ? null : round(w.p, 6),
      wilcoxonV: w.n ? w.v : null,
    });
  }
  return result;
}

/** The signed-rank test from counts of each absolute difference (index = |d|), the same as listing the differences. */
function wilcoxonFromCounts(pos: number[], neg: number[]): WilcoxonResult {
  const diffs: number[] = [];
  for (let a = 1; a < pos.length; a++) {
    for (let k = 0; k < pos[a]!; k++) diffs.push(a);
    for (let k = 0; k < neg[a]!; k++) diffs.push(-a);
  }
  return signedRankOfDifferences(diffs);
}
