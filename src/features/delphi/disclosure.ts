import type { ItemResult, ItemStats } from '../../stats/delphi';

/**
 * The fewest people behind any figure Waymark shows for one stakeholder group
 * (or writes as a group or area in the anonymised export). With one or two,
 * a group's median or distribution is their own ratings, which breaks the
 * panel's promise that nobody sees who gave which rating.
 */
export const MIN_GROUP_SIZE = 3;
export const WITHHELD = `Withheld: fewer than ${MIN_GROUP_SIZE} people`;
export const OTHER_GROUP = `Other (fewer than ${MIN_GROUP_SIZE})`;

/** A group's figures as people may see them: all of them, or none. */
export type ShownGroup = (ItemStats & { withheld: false }) | { withheld: true };

/** An item's figures as people may see them: the panel's in full, each group's only when enough people rated the item. */
export type ShownItem = Omit<ItemResult, 'groups'> & { groups: Record<string, ShownGroup> };

export function shownGroup(g: ItemStats | undefined): ShownGroup | undefined {
  if (!g) return undefined;
  // n counts ratings on the scale: the figures are made from those alone.
  return g.n >= MIN_GROUP_SIZE ? { ...g, withheld: false } : { withheld: true };
}

/** Consensus keeps the real group figures (see analyse); only what is shown is withheld. */
export function shownItem(item: ItemResult): ShownItem {
  const groups: Record<string, ShownGroup> = {};
  for (const [name, g] of Object.entries(item.groups ?? {})) groups[name] = shownGroup(g)!;
  return { ...item, groups };
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Labels for one column of the anonymised export: a value held by fewer than
 * MIN_GROUP_SIZE people becomes OTHER_GROUP. When that leaves OTHER_GROUP
 * itself with one or two people, the next smallest value joins it, so the
 * "Other" row cannot be read as the one person everyone knows is left over.
 * Returns the label for each person.
 */
export function coarsen(valueOf: ReadonlyMap<string, string>): Map<string, string> {
  const members = new Map<string, string[]>();
  for (const [person, value] of valueOf) (members.get(value) ?? members.set(value, []).get(value)!).push(person);
  const folded = new Set([...members].filter(([, m]) => m.length < MIN_GROUP_SIZE).map(([v]) => v));
  const size = (vs: Iterable<string>) => [...vs].reduce((n, v) => n + members.get(v)!.length, 0);
  const rest = [...members.keys()]
    .filter((v) => !folded.has(v))
    .sort((a, b) => members.get(a)!.length - members.get(b)!.length || a.localeCompare(b));
  while (folded.size && size(folded) < MIN_GROUP_SIZE && rest.length) folded.add(rest.shift()!);
  return new Map([...valueOf].map(([person, value]) => [person, folded.has(value) ? OTHER_GROUP : value]));
}

/**
 * Group and area for each person in the anonymised export. Areas are
 * coarsened within each (already coarsened) group, so that no group-and-area
 * pair names fewer than MIN_GROUP_SIZE people either.
 */
export function exportLabels(
  people: ReadonlyMap<string, { group: string; area: string }>,
): Map<string, { group: string; area: string }> {
  const group = coarsen(new Map([...people].map(([p, x]) => [p, x.group])));
  const byGroup = new Map<string, Map<string, string>>();
  for (const [p, x] of people) {
    const g = group.get(p)!;
    (byGroup.get(g) ?? byGroup.set(g, new Map()).get(g)!).set(p, x.area);
  }
  const out = new Map<string, { group: string; area: string }>();
  for (const [g, areas] of byGroup) for (const [p, area] of coarsen(areas)) out.set(p, { group: g, area });
  return out;
}
