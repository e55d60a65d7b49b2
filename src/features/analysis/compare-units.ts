import type { Adjudication } from './repository-compare';

/*
 * The units coders are compared on, built from the rows service-units.ts reads once from the tables: a unit is a source; on it, each code is applied or
 * not by each coder who marked the source done (a coder's codings count only once they mark it done: blind
 * coding). Shared by the compare view, adjudication, the agreed set and the reliability figures. No I/O here.
 */

export interface Coder {
  id: string;
  name: string;
  /** The name, made unique among the programme's coders (the reliability CSV's coder column). */
  label: string;
}

export interface CodeInfo {
  id: string;
  name: string;
  /** The code's path in the tree, "Parent / Child": unique among live codes (the CSV's code column). */
  label: string;
  colour: string;
  live: boolean;
}

/** One coded span; start and end null mean the whole source. */
export interface CodedSpan {
  startCp: number | null;
  endCp: number | null;
}

export interface Unit {
  sourceId: string;
  /** Coders who marked the source done, in name order. */
  coders: Coder[];
  /** For each (live) code applied: the spans each coder coded with it. */
  byCode: Map<string, Map<string, CodedSpan[]>>;
}

export interface Units {
  /** Sources marked done by at least one coder. */
  units: Unit[];
  /** Every coder who marked any source done. */
  coders: Coder[];
  codes: Map<string, CodeInfo>;
  /** The live code a code's codings now belong to (itself, or the code it was merged into). */
  resolve: (codeId: string) => string;
}

/** The key of a span, for comparing and de-duplicating. */
export const spanKey = (s: CodedSpan) => `${s.startCp ?? ''}:${s.endCp ?? ''}`;

/** Spans without repeats, in order (whole source first, then by start and end). */
export function distinctSpans(spans: CodedSpan[]): CodedSpan[] {
  const seen = new Map(spans.map((s) => [spanKey(s), s]));
  return [...seen.values()].sort((x, y) => (x.startCp ?? -1) - (y.startCp ?? -1) || (x.endCp ?? -1) - (y.endCp ?? -1));
}

/** A source a coder marked done, with the coder's name. */
export interface DoneMark {
  sourceId: string;
  coderId: string;
  coderName: string;
}

/** A coding by a coder who marked its source done. */
export interface DoneCoding extends CodedSpan {
  sourceId: string;
  coderId: string;
  codeId: string;
}

/** A code as stored: enough to give its path and follow its merges. */
export interface CodeRow {
  id: string;
  name: string;
  parentId: string | null;
  colour: string;
  mergedIntoId: string | null;
}

/** The programme's codes with their paths; a merged code resolves to the live code it was merged into. */
function codeInfo(rows: CodeRow[]) {
  const byId = new Map(rows.map((c) => [c.id, c]));
  const path = (id: string): string => {
    const names: string[] = [];
    const seen = new Set<string>();
    for (let c = byId.get(id); c && !seen.has(c.id); c = c.parentId ? byId.get(c.parentId) : undefined) {
      seen.add(c.id);
      names.unshift(c.name);
    }
    return names.join(' / ');
  };
  const codes = new Map<string, CodeInfo>(
    rows.map((c) => [
      c.id,
      { id: c.id, name: c.name, label: path(c.id), colour: c.colour, live: c.mergedIntoId === null },
    ]),
  );
  const resolve = (id: string): string => {
    const seen = new Set<string>();
    let at = id;
    while (byId.get(at)?.mergedIntoId && !seen.has(at)) {
      seen.add(at);
      at = byId.get(at)!.mergedIntoId!;
    }
    return at;
  };
  return { codes, resolve };
}

/** Names made unique: a second coder of the same name gets the start of their id after it. */
function labelled(coders: { id: string; name: string }[]): Coder[] {
  const counts = new Map<string, number>();
  for (const c of coders) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
  return coders.map((c) => ({ ...c, label: counts.get(c.name)! > 1 ? `${c.name} (${c.id.slice(0, 8)})` : c.name }));
}

/** The programme's units: every source marked done by a coder, with the done coders' codings by code. */
export function unitsOf(marks: DoneMark[], codings: DoneCoding[], codeRows: CodeRow[]): Units {
  const { codes, resolve } = codeInfo(codeRows);
  const coders = labelled([...new Map(marks.map((m) => [m.coderId, { id: m.coderId, name: m.coderName }])).values()]);
  const coderById = new Map(coders.map((c) => [c.id, c]));
  const bySource = new Map<string, Unit>();
  for (const m of marks) {
    let unit = bySource.get(m.sourceId);
    if (!unit) bySource.set(m.sourceId, (unit = { sourceId: m.sourceId, coders: [], byCode: new Map() }));
    unit.coders.push(coderById.get(m.coderId)!);
  }
  for (const c of codings) {
    const unit = bySource.get(c.sourceId)!;
    const codeId = resolve(c.codeId);
    if (!unit.byCode.has(codeId)) unit.byCode.set(codeId, new Map());
    const byCoder = unit.byCode.get(codeId)!;
    if (!byCoder.has(c.coderId)) byCoder.set(c.coderId, []);
    byCoder.get(c.coderId)!.push({ startCp: c.startCp, endCp: c.endCp });
  }
  return { units: [...bySource.values()], coders, codes, resolve };
}

/** A code applied to a source by some of the coders compared and not by the others. */
export interface Disagreement {
  sourceId: string;
  codeId: string;
  /** The coders compared on this source (the pair, or every coder who marked it done). */
  coders: Coder[];
  appliedBy: Set<string>;
  spans: Map<string, CodedSpan[]>;
}

/**
 * The disagreements among the units marked done by two or more of the coders compared: every coder who marked a
 * source done, or only the pair given (both must have marked it done); one code, or all.
 */
export function disagreementsOf(units: Unit[], pair?: [string, string], codeId?: string): Disagreement[] {
  const found: Disagreement[] = [];
  for (const unit of units) {
    const coders = pair ? unit.coders.filter((c) => pair.includes(c.id)) : unit.coders;
    if (coders.length < 2) continue;
    for (const [code, byCoder] of unit.byCode) {
      if (codeId && code !== codeId) continue;
      const appliedBy = new Set(coders.filter((c) => byCoder.has(c.id)).map((c) => c.id));
      if (appliedBy.size > 0 && appliedBy.size < coders.length)
        found.push({ sourceId: unit.sourceId, codeId: code, coders, appliedBy, spans: byCoder });
    }
  }
  return found;
}

/**
 * The adjudication that counts for each disagreement ("source:code"): the latest. Codes are resolved through merges,
 * so a decision follows its code, and a recode lands on the code its target was merged into.
 */
export function latestOf(adjudications: Adjudication[], resolve: (codeId: string) => string) {
  const latest = new Map<string, Adjudication>();
  for (const a of adjudications)
    latest.set(`${a.sourceId}:${resolve(a.codeId)}`, { ...a, recodeId: a.recodeId && resolve(a.recodeId) });
  return latest;
}
