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
    merged: currentItemIds.filter((id) => (parentsOf.get(id)?.length ?? 0) >= 2).map((id) => ({ itemId: id, parentIds: parentsOf.get(id)!.map((e) => e.parentId) })),
    split: previousItemIds.filter((id) => (childrenOf.get(id)?.filter((e) => e.kind === 'split').length ?? 0) >= 2).map((id) => ({ parentId: id, itemIds: childrenOf.get(id)!.map((e) => e.itemId) })),
    reworded: currentItemIds.filter((id) => parentsOf.get(id)?.length === 1 && parentsOf.get(id)![0]!.kind === 'reworded'),
    carried: currentItemIds.filter((id) => parentsOf.get(id)?.length === 1 && parentsOf.get(id)![0]!.kind === 'carried'),
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
  for (const [itemId, es] of byItem) if (es.length === 1 && (es[0]!.kind === 'carried' || es[0]!.kind === 'reworded')) out.set(itemId, es[0]!.parentId);
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
