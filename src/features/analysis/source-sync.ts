import type { Db } from '../../platform/db/database';
import type { MaterialRecord } from './model';
import * as repo from './repository-sources';
import type { SourceAttributes } from './tables';

/** JSON with its keys in order, so attributes read back from jsonb compare equal to the same attributes given. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

export interface SyncResult {
  added: number;
  updated: number;
  removed: number;
  /** Sources whose original text changed after they were coded: their text was kept. */
  kept: number;
}

/**
 * Brings a programme's sources up to date with its material, in one transaction:
 * - a record not yet a source becomes one (its text exactly as entered);
 * - a source whose record changed is updated: title, attributes (cluster, votes…), contributor, quotable;
 * - THE SYNC RULE for text: when the original's text changed (a note edited), the source takes the new text
 *   only if no coding refers to it. Once coded, codings are offsets into the stored text, so it is KEPT as it
 *   was coded and the source records `originalChanged: true` in its attributes (shown on its page); if the
 *   original later changes back, the mark goes. We chose keeping over re-anchoring: a coding never silently
 *   lands on different words;
 * - a source whose record is gone (a note withdrawn by its writer, a workshop or study deleted) is removed
 *   with its codings: withdrawing a note withdraws it from the analysis too.
 */
export async function applyMaterial(tx: Db, programmeId: string, material: MaterialRecord[]): Promise<SyncResult> {
  const existing = new Map((await repo.sourcesForSync(tx, programmeId)).map((s) => [`${s.kind}:${s.originId}`, s]));
  const result: SyncResult = { added: 0, updated: 0, removed: 0, kept: 0 };
  const fresh: repo.NewSource[] = [];
  for (const m of material) {
    const key = `${m.kind}:${m.originId}`;
    const source = existing.get(key);
    existing.delete(key);
    if (!source) {
      fresh.push({
        programmeId,
        kind: m.kind,
        originId: m.originId,
        title: m.title,
        text: m.text,
        attributes: m.attributes,
        contributorKey: m.contributorKey,
        quotable: m.quotable,
        createdAt: m.createdAt,
      });
      continue;
    }
    const keep = source.coded && source.text !== m.text;
    if (keep) result.kept++;
    const attributes: SourceAttributes = { ...m.attributes, ...(keep ? { originalChanged: true } : {}) };
    const next = {
      title: m.title,
      text: keep ? source.text : m.text,
      attributes,
      contributorKey: m.contributorKey,
      quotable: m.quotable,
    };
    const same =
      next.title === source.title &&
      next.text === source.text &&
      canonical(next.attributes) === canonical(source.attributes) &&
      next.contributorKey === source.contributorKey &&
      next.quotable === source.quotable;
    if (same) continue;
    await repo.updateSource(tx, source.id, next);
    result.updated++;
  }
  for (let i = 0; i < fresh.length; i += 500) await repo.insertSources(tx, fresh.slice(i, i + 500));
  result.added = fresh.length;
  const gone = [...existing.values()].map((s) => s.id);
  await repo.deleteSources(tx, gone);
  result.removed = gone.length;
  return result;
}
