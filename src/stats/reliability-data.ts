/*
 * Reliability data, and its tally: the form every statistic in reliability*.ts computes from. Units with the same
 * multiset of values are counted once with a weight, so per-code figures over tens of thousands of units (where
 * a unit is one of a handful of "m coders, k applied the code" kinds) take one pass over the data.
 */

export type Value = string | number;

/** Reliability data: for each unit, the value each coder gave it. A coder absent from a unit is a missing value. */
export type Codings = ReadonlyMap<string, ReadonlyMap<string, Value>>;

/** One statistic: its value, or null with the reason it is undefined for this data. */
export interface Stat {
  value: number | null;
  note?: string;
}

/** Units of one kind: the count of each category among their values (categories index `Tally.values`). */
export interface UnitGroup {
  counts: [category: number, n: number][];
  /** Values per unit (coders who coded it). */
  m: number;
  /** How many units are of this kind. */
  weight: number;
}

/** The data as the statistics need it; build it with `tally` (or `tallyBinary` for applied / not applied). */
export interface Tally {
  /** Distinct coders in the data. */
  coders: number;
  /** The distinct values; a category is an index into this list. */
  values: Value[];
  /** The units coded by two or more coders ("pairable"), grouped by their multiset of values. */
  groups: UnitGroup[];
  /** With exactly two coders: units by (first coder's category, second's), keyed "a,b"; and units one coded. */
  pairs?: { byCategories: Map<string, number>; onlyOne: number };
  /** What a unit is, in notes (default "unit"). */
  unitName?: string;
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

/** Adds `weight` units with these category counts to the groups, keyed by their sorted counts. */
function addGroup(groups: Map<string, UnitGroup>, counts: [number, number][], m: number, weight = 1): void {
  counts.sort((x, y) => x[0] - y[0]);
  const key = counts.join(';');
  const group = groups.get(key);
  if (group) group.weight += weight;
  else groups.set(key, { counts, m, weight });
}

function addPair(pairs: Map<string, number>, a: number, b: number, weight = 1): void {
  pairs.set(`${a},${b}`, (pairs.get(`${a},${b}`) ?? 0) + weight);
}

/** The tally of reliability data. */
export function tally(data: Codings): Tally {
  const coderList = codersOf(data);
  const index = new Map<string, number>();
  const values: Value[] = [];
  const category = (v: Value) => {
    const key = valueKey(v);
    let i = index.get(key);
    if (i === undefined) {
      i = values.push(v) - 1;
      index.set(key, i);
    }
    return i;
  };
  const groups = new Map<string, UnitGroup>();
  const two = coderList.length === 2 ? (coderList as [string, string]) : undefined;
  const pairs = two ? { byCategories: new Map<string, number>(), onlyOne: 0 } : undefined;
  for (const unit of data.values()) {
    if (unit.size < 2) {
      if (pairs && unit.size === 1) pairs.onlyOne++;
      continue;
    }
    const counts = new Map<number, number>();
    for (const v of unit.values()) {
      const c = category(v);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    addGroup(groups, [...counts], unit.size);
    if (two && pairs) addPair(pairs.byCategories, category(unit.get(two[0])!), category(unit.get(two[1])!));
  }
  return { coders: coderList.length, values, groups: [...groups.values()], pairs };
}

/** Multi-code data: for each unit, each coder who coded it and the codes they applied (none is allowed). */
export type MultiCodings = ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>;

/**
 * Multi-code data from rows of (unit, coder, code): a row with a null code says the coder coded the unit and
 * applied no code. Repeated rows count once.
 */
export function multiCodingsOf(rows: Iterable<{ unit: string; coder: string; code: string | null }>): MultiCodings {
  const units = new Map<string, Map<string, Set<string>>>();
  for (const { unit, coder, code } of rows) {
    if (!units.has(unit)) units.set(unit, new Map());
    const coders = units.get(unit)!;
    if (!coders.has(coder)) coders.set(coder, new Set());
    if (code !== null) coders.get(coder)!.add(code);
  }
  return units;
}

/**
 * The tally of each code as a nominal variable with two values, not applied (0) and applied (1), given to a unit
 * by every coder who coded it; and the pooled tally over every unit × code pair.
 */
export function tallyBinary(data: MultiCodings, codes: readonly string[]): { perCode: Tally[]; pooled: Tally } {
  const coderList = [...new Set([...data.values()].flatMap((c) => [...c.keys()]))];
  const two = coderList.length === 2 ? (coderList as [string, string]) : undefined;
  const position = new Map(codes.map((code, i) => [code, i]));
  // Per code: units by (m coders, k of them applied it), keyed m · SPAN + k; with two coders, units by
  // (first applied, second applied) as 2·x + y.
  const SPAN = coderList.length + 1;
  const kinds = codes.map(() => new Map<number, number>());
  const pairs = codes.map(() => [0, 0, 0, 0]);
  let onlyOne = 0;
  const applied = new Array<number>(codes.length);
  for (const coders of data.values()) {
    const m = coders.size;
    if (m < 2) {
      if (m === 1) onlyOne++;
      continue;
    }
    applied.fill(0);
    for (const set of coders.values()) for (const code of set) applied[position.get(code)!]!++;
    for (let i = 0; i < codes.length; i++) {
      const key = m * SPAN + applied[i]!;
      kinds[i]!.set(key, (kinds[i]!.get(key) ?? 0) + 1);
    }
    if (two) {
      const a = coders.get(two[0])!;
      const b = coders.get(two[1])!;
      codes.forEach((code, i) => pairs[i]![(a.has(code) ? 2 : 0) + (b.has(code) ? 1 : 0)]!++);
    }
  }
  const toTally = (byKind: Map<number, number>[], cells: number[][], only: number): Tally => {
    const groups = new Map<string, UnitGroup>();
    for (const map of byKind)
      for (const [key, weight] of map) {
        const [m, k] = [Math.floor(key / SPAN), key % SPAN];
        const counts: [number, number][] = [];
        if (m - k > 0) counts.push([0, m - k]);
        if (k > 0) counts.push([1, k]);
        addGroup(groups, counts, m, weight);
      }
    const byCategories = new Map<string, number>();
    for (const cell of cells) cell.forEach((w, xy) => w && addPair(byCategories, xy >> 1, xy & 1, w));
    return {
      coders: coderList.length,
      values: [0, 1],
      groups: [...groups.values()],
      pairs: two ? { byCategories, onlyOne: only } : undefined,
    };
  };
  return {
    perCode: codes.map((_, i) => toTally([kinds[i]!], [pairs[i]!], onlyOne)),
    pooled: { ...toTally(kinds, pairs, onlyOne * codes.length), unitName: 'unit × code pair' },
  };
}

/** Units coded by two or more coders. */
export function pairableCount(t: Tally): number {
  return t.groups.reduce((sum, g) => sum + g.weight, 0);
}

/** How many times each category occurs among the pairable values. */
export function categoryTotals(t: Tally): number[] {
  const totals = new Array<number>(t.values.length).fill(0);
  for (const g of t.groups) for (const [c, n] of g.counts) totals[c]! += n * g.weight;
  return totals;
}

/** Why nothing can be computed when no unit is pairable, or undefined when some are. */
export function noPairsReason(t: Tally): string | undefined {
  if (t.groups.length > 0) return undefined;
  if (t.coders < 2) return `agreement needs at least two coders; this data has ${t.coders}`;
  return 'no unit was coded by two or more coders, so there is nothing to compare';
}
