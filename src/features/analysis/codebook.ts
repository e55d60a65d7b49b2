/**
 * The rules of the codebook, pure: the code tree, a code's path, which moves are allowed, and what a merge or a
 * split does to codes, sub-codes and codings. The service (service-codebook.ts) applies the plans these return.
 */

/** The deepest a code may sit: a top-level code is level 1. */
export const MAX_CODE_DEPTH = 6;

/** The colours a code may take: each readable behind white text and named, so colour is never the only cue. */
export const CODE_COLOURS = [
  { value: '#005eb8', name: 'Blue' },
  { value: '#003087', name: 'Dark blue' },
  { value: '#007f3b', name: 'Green' },
  { value: '#006747', name: 'Dark green' },
  { value: '#330072', name: 'Purple' },
  { value: '#7c2855', name: 'Dark pink' },
  { value: '#d5281b', name: 'Red' },
  { value: '#8a4a00', name: 'Brown' },
  { value: '#425563', name: 'Grey' },
  { value: '#231f20', name: 'Black' },
] as const;

export const DEFAULT_CODE_COLOUR = CODE_COLOURS[0].value;

/** The palette name of a colour, or the colour itself when it came from elsewhere (an import). */
export function colourName(colour: string): string {
  return CODE_COLOURS.find((c) => c.value === colour.toLowerCase())?.name ?? colour;
}

/** What the rules need of a code. `mergedIntoId` set means the code was merged away and is no longer live. */
export interface CodeRow {
  id: string;
  parentId: string | null;
  name: string;
  position: number;
  mergedIntoId: string | null;
}

/** What the rules need of a coding: the span is half-open code points, both null for the whole source. */
export interface CodingRow {
  id: string;
  codeId: string;
  sourceId: string;
  coderId: string;
  startCp: number | null;
  endCp: number | null;
}

export interface CodeNode<T extends CodeRow> {
  code: T;
  /** 1 for a top-level code. */
  depth: number;
  children: CodeNode<T>[];
}

const live = <T extends CodeRow>(rows: readonly T[]) => rows.filter((r) => r.mergedIntoId === null);

const byPositionThenName = <T extends CodeRow>(a: T, b: T) =>
  a.position - b.position || a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.id.localeCompare(b.id);

/** A name as compared for duplicates: trimmed, inner spaces collapsed, case ignored. */
export function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLocaleLowerCase('en');
}

/**
 * The live codes as a tree, siblings in position order (then by name). A code whose parent is missing or merged
 * away is shown at the top level, and a loop in bad data is broken rather than followed for ever.
 */
export function buildCodeTree<T extends CodeRow>(rows: readonly T[]): CodeNode<T>[] {
  const codes = live(rows);
  const ids = new Set(codes.map((c) => c.id));
  const childrenOf = new Map<string | null, T[]>();
  for (const c of codes) {
    const parent = c.parentId !== null && ids.has(c.parentId) ? c.parentId : null;
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), c]);
  }
  const placed = new Set<string>();
  const grow = (parent: string | null, depth: number): CodeNode<T>[] =>
    (childrenOf.get(parent) ?? [])
      .filter((c) => !placed.has(c.id))
      .sort(byPositionThenName)
      .map((c) => {
        placed.add(c.id);
        return { code: c, depth, children: grow(c.id, depth + 1) };
      });
  const tree = grow(null, 1);
  // Codes caught in a loop never reach the top: show them at the top level so none is lost.
  for (const c of codes.filter((x) => !placed.has(x.id)).sort(byPositionThenName)) {
    if (placed.has(c.id)) continue;
    placed.add(c.id);
    tree.push({ code: c, depth: 1, children: grow(c.id, 2) });
  }
  return tree;
}

/** The tree in reading order, each code with its depth: for selects and exports. */
export function flattenTree<T extends CodeRow>(tree: CodeNode<T>[]): { code: T; depth: number }[] {
  return tree.flatMap((n) => [{ code: n.code, depth: n.depth }, ...flattenTree(n.children)]);
}

/** A code's path from its top-level ancestor down to itself; empty when the code is unknown. */
export function codePath<T extends CodeRow>(rows: readonly T[], id: string): T[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const path: T[] = [];
  const seen = new Set<string>();
  for (let c = byId.get(id); c && !seen.has(c.id); c = c.parentId === null ? undefined : byId.get(c.parentId)) {
    seen.add(c.id);
    path.unshift(c);
  }
  return path;
}

/** Every live code below `id`, at any depth (not `id` itself). */
export function descendantIds(rows: readonly CodeRow[], id: string): Set<string> {
  const codes = live(rows);
  const out = new Set<string>();
  let frontier = new Set([id]);
  while (frontier.size > 0) {
    const next = codes.filter((c) => c.parentId !== null && frontier.has(c.parentId) && c.id !== id && !out.has(c.id));
    next.forEach((c) => out.add(c.id));
    frontier = new Set(next.map((c) => c.id));
  }
  return out;
}

/** How many levels a code and its sub-codes take: 1 for a code with none. */
export function subtreeHeight(rows: readonly CodeRow[], id: string): number {
  const codes = live(rows);
  const height = (at: string, seen: Set<string>): number => {
    const kids = codes.filter((c) => c.parentId === at && !seen.has(c.id));
    return 1 + Math.max(0, ...kids.map((k) => height(k.id, new Set([...seen, k.id]))));
  };
  return height(id, new Set([id]));
}

/** Whether a live code under `parentId` already has this name (ignoring case and spacing), other than `exceptId`. */
export function nameTaken(
  rows: readonly CodeRow[],
  parentId: string | null,
  name: string,
  exceptIds: readonly string[] = [],
): boolean {
  const key = nameKey(name);
  return live(rows).some((c) => c.parentId === parentId && !exceptIds.includes(c.id) && nameKey(c.name) === key);
}

export type MoveProblem = 'unknown' | 'self' | 'cycle' | 'depth' | 'duplicate';

/**
 * Whether `id` may move under `newParentId` (null for the top level): never under itself or one of its own
 * sub-codes, never deeper than `maxDepth` with its sub-codes, never beside a code of the same name.
 */
export function checkMove(
  rows: readonly CodeRow[],
  id: string,
  newParentId: string | null,
  maxDepth = MAX_CODE_DEPTH,
): { ok: true } | { ok: false; problem: MoveProblem } {
  const codes = live(rows);
  const code = codes.find((c) => c.id === id);
  if (!code) return { ok: false, problem: 'unknown' };
  if (newParentId === id) return { ok: false, problem: 'self' };
  if (newParentId !== null) {
    if (!codes.some((c) => c.id === newParentId)) return { ok: false, problem: 'unknown' };
    if (descendantIds(rows, id).has(newParentId)) return { ok: false, problem: 'cycle' };
  }
  const parentDepth = newParentId === null ? 0 : codePath(codes, newParentId).length;
  if (parentDepth + subtreeHeight(rows, id) > maxDepth) return { ok: false, problem: 'depth' };
  if (newParentId !== code.parentId && nameTaken(rows, newParentId, code.name, [id]))
    return { ok: false, problem: 'duplicate' };
  return { ok: true };
}

/** The position a code takes at the end of its new siblings. */
export function nextPosition(rows: readonly CodeRow[], parentId: string | null, exceptId?: string): number {
  const siblings = live(rows).filter((c) => c.parentId === parentId && c.id !== exceptId);
  return siblings.length === 0 ? 0 : Math.max(...siblings.map((c) => c.position)) + 1;
}

/** Whether two codings cover the same text for the same coder (so one code may hold only one of them). */
export const sameSpan = (a: CodingRow, b: CodingRow) =>
  a.sourceId === b.sourceId && a.coderId === b.coderId && a.startCp === b.startCp && a.endCp === b.endCp;

export type MergeProblem = 'unknown' | 'none' | 'target' | 'ancestor' | 'depth' | 'duplicate';

export interface MergePlan {
  targetId: string;
  mergedIds: string[];
  /** Codings that now belong to the target. */
  moved: { codingId: string; fromCodeId: string }[];
  /** Codings the target already had for the same coder and text: removed, the target's one kept. */
  duplicates: { codingId: string; fromCodeId: string; keptCodingId: string }[];
  /** Sub-codes of merged codes (not merged themselves), now directly under the target, at the end. */
  children: { codeId: string; fromParentId: string; position: number }[];
}

/**
 * What merging `mergedIds` into `targetId` does: the target survives; every coding of a merged code follows it to
 * the target (a coding the target already has for the same coder and span is folded into that one); the merged
 * codes' own sub-codes move under the target. Refused when a code is unknown or merged already, when nothing is
 * chosen, when the target is among the merged, when a merged code is an ancestor of the target (the target would
 * become its own sub-code), when the moved sub-codes would pass the depth limit, or when one would sit beside a code
 * of the same name (`clash` names it).
 */
export function planMerge(
  rows: readonly CodeRow[],
  codings: readonly CodingRow[],
  targetId: string,
  mergedIds: readonly string[],
  maxDepth = MAX_CODE_DEPTH,
): { ok: true; plan: MergePlan } | { ok: false; problem: MergeProblem; clash?: string } {
  const codes = live(rows);
  const ids = [...new Set(mergedIds)];
  if (ids.length === 0) return { ok: false, problem: 'none' };
  if (ids.includes(targetId)) return { ok: false, problem: 'target' };
  const known = new Set(codes.map((c) => c.id));
  if (!known.has(targetId) || ids.some((id) => !known.has(id))) return { ok: false, problem: 'unknown' };
  const targetPath = codePath(codes, targetId).map((c) => c.id);
  if (ids.some((id) => targetPath.includes(id))) return { ok: false, problem: 'ancestor' };

  const merged = new Set(ids);
  // A sub-code moves when its parent is merged and it is not; its nearest live ancestor chain ends at the target.
  const movers = codes
    .filter((c) => c.parentId !== null && merged.has(c.parentId) && !merged.has(c.id))
    .sort(byPositionThenName);
  const targetDepth = targetPath.length;
  if (movers.some((m) => targetDepth + subtreeHeight(rows, m.id) > maxDepth)) return { ok: false, problem: 'depth' };
  const staying = codes.filter((c) => c.parentId === targetId && !merged.has(c.id));
  const seenNames = new Map(staying.map((c) => [nameKey(c.name), c.name]));
  for (const m of movers) {
    if (seenNames.has(nameKey(m.name))) return { ok: false, problem: 'duplicate', clash: m.name };
    seenNames.set(nameKey(m.name), m.name);
  }
  let position = nextPosition(
    codes.filter((c) => !merged.has(c.id)),
    targetId,
  );
  const children = movers.map((m) => ({ codeId: m.id, fromParentId: m.parentId!, position: position++ }));

  const kept: CodingRow[] = codings.filter((c) => c.codeId === targetId);
  const moved: MergePlan['moved'] = [];
  const duplicates: MergePlan['duplicates'] = [];
  for (const c of codings.filter((x) => merged.has(x.codeId))) {
    const same = kept.find((k) => sameSpan(k, c));
    if (same) duplicates.push({ codingId: c.id, fromCodeId: c.codeId, keptCodingId: same.id });
    else {
      moved.push({ codingId: c.id, fromCodeId: c.codeId });
      kept.push(c);
    }
  }
  return { ok: true, plan: { targetId, mergedIds: ids, moved, duplicates, children } };
}

export type SplitProblem = 'unknown' | 'few' | 'repeated' | 'duplicate' | 'reassign';

export interface SplitPlan {
  codeId: string;
  /** The code keeps its id, codings, sub-codes and memos and takes the first name. */
  rename: string | null;
  /** New sibling codes, in order after the code: the second name onwards. */
  created: { name: string; position: number }[];
  /** Codings given to a new code: index into `created`. */
  reassigned: { codingId: string; to: number }[];
}

/**
 * What splitting a code into `names` (two or more) does: the code itself becomes the first (renamed if the name
 * differs) and keeps every coding and sub-code unless reassigned; the others are new codes beside it. `reassign`
 * maps a coding of this code to the index of a name (0 = stays). Refused for an unknown or merged code, fewer than
 * two names, a name given twice, a name taken by a sibling (`clash`), or a reassignment of a coding the code does
 * not hold or to a name that is not there.
 */
export function planSplit(
  rows: readonly CodeRow[],
  codings: readonly CodingRow[],
  codeId: string,
  names: readonly string[],
  reassign: ReadonlyMap<string, number> = new Map(),
): { ok: true; plan: SplitPlan } | { ok: false; problem: SplitProblem; clash?: string } {
  const code = live(rows).find((c) => c.id === codeId);
  if (!code) return { ok: false, problem: 'unknown' };
  const given = names.map((n) => n.trim().replace(/\s+/g, ' ')).filter((n) => n !== '');
  if (given.length < 2) return { ok: false, problem: 'few' };
  if (new Set(given.map(nameKey)).size !== given.length) return { ok: false, problem: 'repeated' };
  const clash = given.find((n) => nameTaken(rows, code.parentId, n, [codeId]));
  if (clash) return { ok: false, problem: 'duplicate', clash };
  const own = new Set(codings.filter((c) => c.codeId === codeId).map((c) => c.id));
  for (const [codingId, to] of reassign)
    if (!own.has(codingId) || !Number.isInteger(to) || to < 0 || to >= given.length)
      return { ok: false, problem: 'reassign' };
  // New codes come straight after the code: the service shifts later siblings along by created.length.
  const created = given.slice(1).map((name, i) => ({ name, position: code.position + 1 + i }));
  const reassigned = [...reassign]
    .filter(([, to]) => to > 0)
    .map(([codingId, to]) => ({ codingId, to: to - 1 }))
    .sort((a, b) => a.codingId.localeCompare(b.codingId));
  return {
    ok: true,
    plan: { codeId, rename: given[0] === code.name ? null : given[0]!, created, reassigned },
  };
}
