import type { FrameworkItem } from './model';

export interface ItemChange {
  identifier: string;
  code: string;
  type: FrameworkItem['type'];
  before?: FrameworkItem;
  after?: FrameworkItem;
  /** What changed for an item in both versions. */
  changes: ('reworded' | 'moved' | 'stage' | 'renumbered')[];
}

export interface VersionDiff {
  added: ItemChange[];
  removed: ItemChange[];
  reworded: ItemChange[];
  moved: ItemChange[];
  stageChanged: ItemChange[];
  unchanged: number;
}

/**
 * Text as a reader sees it: Unicode composed one way (NFC), line endings and
 * runs of spaces as one space, no space at either end. A spreadsheet or a
 * CASE tool that re-saves a file changes these without changing the words,
 * and that is not a rewording.
 */
export const sameText = (a: string, b: string): boolean => normalise(a) === normalise(b);
const normalise = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();

/**
 * What changed between two versions of a framework. Items are the same item
 * when they share an identifier (Waymark keeps identifiers across versions,
 * matching by code when a CSV carries none). An item can be reworded, moved
 * (new parent) and change stage at once; a new number alone counts as moved.
 */
export function diffVersions(from: FrameworkItem[], to: FrameworkItem[]): VersionDiff {
  const before = new Map(from.map((i) => [i.identifier, i]));
  const after = new Map(to.map((i) => [i.identifier, i]));
  const codeToIdBefore = new Map(from.map((i) => [i.code, i.identifier]));
  const codeToIdAfter = new Map(to.map((i) => [i.code, i.identifier]));
  const parentId = (codes: Map<string, string>, code: string | null) =>
    code === null ? null : (codes.get(code) ?? code);

  const result: VersionDiff = { added: [], removed: [], reworded: [], moved: [], stageChanged: [], unchanged: 0 };
  for (const a of to) {
    const b = before.get(a.identifier);
    if (!b) {
      result.added.push({ identifier: a.identifier, code: a.code, type: a.type, after: a, changes: [] });
      continue;
    }
    const change: ItemChange = {
      identifier: a.identifier,
      code: a.code,
      type: a.type,
      before: b,
      after: a,
      changes: [],
    };
    if (!sameText(b.text, a.text) || !sameText(b.description, a.description)) change.changes.push('reworded');
    if (parentId(codeToIdBefore, b.parentCode) !== parentId(codeToIdAfter, a.parentCode)) change.changes.push('moved');
    else if (b.code !== a.code) change.changes.push('renumbered');
    if ((b.stage ?? null) !== (a.stage ?? null)) change.changes.push('stage');
    if (change.changes.includes('reworded')) result.reworded.push(change);
    if (change.changes.includes('moved') || change.changes.includes('renumbered')) result.moved.push(change);
    if (change.changes.includes('stage')) result.stageChanged.push(change);
    if (change.changes.length === 0) result.unchanged++;
  }
  for (const b of from)
    if (!after.has(b.identifier))
      result.removed.push({ identifier: b.identifier, code: b.code, type: b.type, before: b, changes: [] });
  return result;
}
