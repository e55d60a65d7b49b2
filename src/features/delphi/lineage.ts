/** Pure helpers for how items move between rounds. */

export interface LineageEdge {
  itemId: string;
  parentId: string;
  /** carried | reworded | merged | split */
  kind: string;
}

export interface RoundChanges {
  /** Items with no parent in the previous round. */
  added: string[];
  /** Previous-round items with no child in this round. */
  dropped: string[];
  /** Items made from two or more previous items. */
  merged: { itemId: string; parentIds: string[] }[];
  /** Previous items split into two or more items. */
  split: { parentId: string; itemIds: string[] }[];
  reworded: string[];
  carried: string[];
}

/**
 * What happened between a round and the one before it, from the lineage
 * edges into the later round's items.
 */
export function roundChanges(previousItemIds: string[], currentItemIds: string[], edges: LineageEdge[]): RoundChanges {
  const current = new Set(currentItemIds);
  const previous = new Set(previousItemIds);
  const relevant = edges.filter((e) => current.has(e.itemId) && previous.has(e.parentId));
  const parentsOf = new Map<string, LineageEdge[]>();
  const childrenOf = new Map<string, LineageEdge[]>();
  for (const e of relevant) {
    parentsOf.set(e.itemId, [...(parentsOf.get(e.itemId) ?? []), e]);
    childrenOf.set(e.parentId, [...(childrenOf.get(e.parentId) ?? []), e]);
  }
  return {
    added: currentItemIds.filter((id) => !parentsOf.has(id)),
    dropped: previousItemIds.filter((id) => !childrenOf.has(id)),
    merged: currentItemIds
      .filter((id) => (parentsOf.get(id)?.length ?? 0) >= 2)
      .map((id) => ({ itemId: id, parentIds: parentsOf.get(id)!.map((e) => e.parentId) })),
    split: previousItemIds
      .filter((id) => (childrenOf.get(id)?.filter((e) => e.kind === 'split').length ?? 0) >= 2)
      .map((id) => ({ parentId: id, itemIds: childrenOf.get(id)!.map((e) => e.itemId) })),
    reworded: currentItemIds.filter(
      (id) => parentsOf.get(id)?.length === 1 && parentsOf.get(id)![0]!.kind === 'reworded',
    ),
    carried: currentItemIds.filter(
      (id) => parentsOf.get(id)?.length === 1 && parentsOf.get(id)![0]!.kind === 'carried',
    ),
  };
}

/**
 * The single previous item whose ratings an item's feedback and stability
 * compare with: only a carried or reworded item has one. A merged or split
 * item is a new question, so it has none.
 */
export function comparablePrevious(edges: LineageEdge[]): Map<string, string> {
  const byItem = new Map<string, LineageEdge[]>();
  for (const e of edges) byItem.set(e.itemId, [...(byItem.get(e.itemId) ?? []), e]);
  const out = new Map<string, string>();
  for (const [itemId, es] of byItem)
    if (es.length === 1 && (es[0]!.kind === 'carried' || es[0]!.kind === 'reworded')) out.set(itemId, es[0]!.parentId);
  return out;
}

/** The full ancestry of an item back to round 1, for reports: "2.3 ← 1.3 + 1.4". */
export function ancestry(itemId: string, edges: LineageEdge[]): string[][] {
  const parentsOf = new Map<string, string[]>();
  for (const e of edges) parentsOf.set(e.itemId, [...(parentsOf.get(e.itemId) ?? []), e.parentId]);
  const generations: string[][] = [];
  let frontier = [itemId];
  const seen = new Set(frontier);
  for (;;) {
    const next = [...new Set(frontier.flatMap((id) => parentsOf.get(id) ?? []))].filter((id) => !seen.has(id));
    if (next.length === 0) return generations;
    next.forEach((id) => seen.add(id));
    generations.push(next);
    frontier = next;
  }
}

export interface RoundVerdicts {
  number: number;
  /** Every item of the round, in order, with the verdict the round gave it. */
  items: { id: string; verdict: 'in' | 'out' | 'none' }[];
}

export interface AgreedEntry {
  /** The item, in the round that agreed it: its wording and figures are the agreed ones. */
  itemId: string;
  round: number;
  /** Taken out of later rounds as agreed. */
  retired: boolean;
  /** Later rounds that rated the same statement (carried or reworded) without reaching consensus either way. */
  reratedWithoutConsensus: number[];
}

/**
 * The study's final list, across every closed round (given in order). An item
 * that reached consensus "in" stays agreed, with its own round, wording and
 * figures, unless a later round replaced it: a carried or reworded version
 * that reached consensus "in" (which then stands instead) or "out", a merge or
 * a split. At the end of its line it must be in the last round, or have been
 * retired as agreed; dropping it takes it off the list.
 */
export function finalList(rounds: RoundVerdicts[], edges: LineageEdge[], retired: ReadonlySet<string>): AgreedEntry[] {
  const verdictOf = new Map<string, 'in' | 'out' | 'none'>();
  const roundOf = new Map<string, number>();
  for (const r of rounds) {
    for (const i of r.items) {
      verdictOf.set(i.id, i.verdict);
      roundOf.set(i.id, r.number);
    }
  }
  const childrenOf = new Map<string, LineageEdge[]>();
  for (const e of edges)
    if (verdictOf.has(e.itemId) && verdictOf.has(e.parentId))
      childrenOf.set(e.parentId, [...(childrenOf.get(e.parentId) ?? []), e]);
  const last = rounds[rounds.length - 1]?.number;
  const out: AgreedEntry[] = [];
  for (const r of rounds) {
    for (const item of r.items) {
      if (item.verdict !== 'in') continue;
      let current = item.id;
      const rerated: number[] = [];
      let replaced = false;
      for (;;) {
        const kids = childrenOf.get(current) ?? [];
        if (kids.length === 0) break;
        const only = kids[0]!;
        const comparable = kids.length === 1 && (only.kind === 'carried' || only.kind === 'reworded');
        if (!comparable || verdictOf.get(only.itemId) !== 'none') {
          replaced = true;
          break;
        }
        rerated.push(roundOf.get(only.itemId)!);
        current = only.itemId;
      }
      if (replaced) continue;
      const inLastRound = roundOf.get(current) === last;
      const wasRetired = current === item.id && retired.has(item.id);
      if (inLastRound || wasRetired)
        out.push({ itemId: item.id, round: r.number, retired: wasRetired, reratedWithoutConsensus: rerated });
    }
  }
  return out;
}

/** The item and the earlier versions of the same statement (carried or reworded) it came from. */
export function sameStatementBefore(itemId: string, edges: LineageEdge[]): string[] {
  const parent = comparablePrevious(edges);
  const out = [itemId];
  for (let id = parent.get(itemId); id && !out.includes(id); id = parent.get(id)) out.push(id);
  return out;
}
