import { and, asc, eq, inArray } from 'drizzle-orm';
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
