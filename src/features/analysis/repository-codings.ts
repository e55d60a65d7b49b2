import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { users } from '../../platform/auth/tables';
import { analysisCoderProgress, analysisCodings, analysisSources } from './tables';

/** Reading and writing codings and coders' progress (blind coding) for the coding pages. */

export type Coding = typeof analysisCodings.$inferSelect;
export type CodingWithCoder = Coding & { coderName: string };

/** A source of the programme, or undefined (another programme's source is not found). */
export async function sourceOf(db: Db, programmeId: string, sourceId: string) {
  const [row] = await db
    .select()
    .from(analysisSources)
    .where(and(eq(analysisSources.id, sourceId), eq(analysisSources.programmeId, programmeId)));
  return row;
}

/** Every coding of a source, by every coder (the blind rule decides who sees which), oldest first. */
export async function codingsOfSource(db: Db, sourceId: string): Promise<CodingWithCoder[]> {
  const rows = await db
    .select({ coding: analysisCodings, coderName: users.name })
    .from(analysisCodings)
    .innerJoin(users, eq(users.id, analysisCodings.coderId))
    .where(eq(analysisCodings.sourceId, sourceId))
    .orderBy(asc(analysisCodings.startCp), asc(analysisCodings.createdAt), asc(analysisCodings.id));
  return rows.map((r) => ({ ...r.coding, coderName: r.coderName }));
}

/** One coder's codings of a source. */
export function coderCodings(db: Db, sourceId: string, coderId: string): Promise<Coding[]> {
  return db
    .select()
    .from(analysisCodings)
    .where(and(eq(analysisCodings.sourceId, sourceId), eq(analysisCodings.coderId, coderId)));
}

export async function insertCodings(db: Db, values: (typeof analysisCodings.$inferInsert)[]): Promise<Coding[]> {
  if (!values.length) return [];
  return db.insert(analysisCodings).values(values).returning();
}

export async function deleteCodingsById(db: Db, ids: string[]): Promise<void> {
  if (ids.length) await db.delete(analysisCodings).where(inArray(analysisCodings.id, ids));
}

/** Whether a coder has marked a source done. */
export async function isDone(db: Db, sourceId: string, coderId: string): Promise<boolean> {
  const [row] = await db
    .select({ doneAt: analysisCoderProgress.doneAt })
    .from(analysisCoderProgress)
    .where(and(eq(analysisCoderProgress.sourceId, sourceId), eq(analysisCoderProgress.coderId, coderId)));
  return Boolean(row);
}

export async function markDone(db: Db, sourceId: string, coderId: string): Promise<void> {
  await db.insert(analysisCoderProgress).values({ sourceId, coderId }).onConflictDoNothing();
}

export async function markNotDone(db: Db, sourceId: string, coderId: string): Promise<void> {
  await db
    .delete(analysisCoderProgress)
    .where(and(eq(analysisCoderProgress.sourceId, sourceId), eq(analysisCoderProgress.coderId, coderId)));
}

/** A coder's progress over a programme's sources: each source they coded or marked done, with their counts. */
export async function progressOf(db: Db, programmeId: string, coderId: string) {
  const [coded, done] = await Promise.all([
    db
      .select({ sourceId: analysisCodings.sourceId, n: count() })
      .from(analysisCodings)
      .where(and(eq(analysisCodings.programmeId, programmeId), eq(analysisCodings.coderId, coderId)))
      .groupBy(analysisCodings.sourceId),
    db
      .select({ sourceId: analysisCoderProgress.sourceId, doneAt: analysisCoderProgress.doneAt })
      .from(analysisCoderProgress)
      .innerJoin(analysisSources, eq(analysisSources.id, analysisCoderProgress.sourceId))
      .where(and(eq(analysisSources.programmeId, programmeId), eq(analysisCoderProgress.coderId, coderId))),
  ]);
  const ids = [...new Set([...coded.map((r) => r.sourceId), ...done.map((r) => r.sourceId)])];
  const sources = ids.length
    ? await db
        .select({ id: analysisSources.id, title: analysisSources.title, kind: analysisSources.kind })
        .from(analysisSources)
        .where(inArray(analysisSources.id, ids))
        .orderBy(asc(analysisSources.title), asc(analysisSources.id))
    : [];
  const counts = new Map(coded.map((r) => [r.sourceId, Number(r.n)]));
  const doneAt = new Map(done.map((r) => [r.sourceId, r.doneAt]));
  return sources.map((s) => ({ ...s, codings: counts.get(s.id) ?? 0, doneAt: doneAt.get(s.id) ?? null }));
}

/** Which of these ids are sources of the programme. */
export async function sourceIdsIn(db: Db, programmeId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .select({ id: analysisSources.id })
    .from(analysisSources)
    .where(and(eq(analysisSources.programmeId, programmeId), inArray(analysisSources.id, ids)));
  return new Set(rows.map((r) => r.id));
}
