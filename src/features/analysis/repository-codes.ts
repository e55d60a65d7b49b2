import { and, asc, count, desc, eq, gte, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { users } from '../../platform/auth/tables';
import { analysisCodeEvents, analysisCodes, analysisCodings, analysisMemos } from './tables';
import type { CodingRow } from './codebook';

/** The codebook's queries: codes, their history, the codings they hold (by count, or to move them) and memos. */

export type Code = typeof analysisCodes.$inferSelect;
export type CodeEvent = typeof analysisCodeEvents.$inferSelect & { actorName: string | null };
export type Memo = typeof analysisMemos.$inferSelect & { authorName: string | null };

/** Holds the programme's codebook for the rest of the transaction, so two changes to it never interleave. */
export async function lockCodebook(tx: Db, programmeId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`analysis-codebook:${programmeId}`}))`);
}

/** Every code of the programme, merged ones included (they keep their history). */
export async function codesOf(db: Db, programmeId: string): Promise<Code[]> {
  return db
    .select()
    .from(analysisCodes)
    .where(eq(analysisCodes.programmeId, programmeId))
    .orderBy(asc(analysisCodes.position), asc(analysisCodes.name));
}

export async function getCode(db: Db, id: string): Promise<Code | undefined> {
  const [row] = await db.select().from(analysisCodes).where(eq(analysisCodes.id, id));
  return row;
}

export async function insertCode(db: Db, values: typeof analysisCodes.$inferInsert): Promise<Code> {
  const [row] = await db.insert(analysisCodes).values(values).returning();
  return row!;
}

export async function updateCode(
  db: Db,
  id: string,
  values: Partial<Omit<typeof analysisCodes.$inferInsert, 'id' | 'programmeId'>>,
): Promise<void> {
  await db
    .update(analysisCodes)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(analysisCodes.id, id));
}

/** Makes room after a position: live siblings at `from` or later move along by `by`. */
export async function shiftSiblings(db: Db, programmeId: string, parentId: string | null, from: number, by: number) {
  await db
    .update(analysisCodes)
    .set({ position: sql`${analysisCodes.position} + ${by}` })
    .where(
      and(
        eq(analysisCodes.programmeId, programmeId),
        parentId === null ? isNull(analysisCodes.parentId) : eq(analysisCodes.parentId, parentId),
        isNull(analysisCodes.mergedIntoId),
        gte(analysisCodes.position, from),
      ),
    );
}

/**
 * How many codings each code of the programme holds. With a viewer who codes, only the codings blind coding lets
 * them see: their own, and other coders' on sources they have marked done (see blind.ts); without, every coder's.
 */
export async function codingCounts(db: Db, programmeId: string, viewerId?: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ codeId: analysisCodings.codeId, n: count() })
    .from(analysisCodings)
    .where(and(eq(analysisCodings.programmeId, programmeId), viewerId ? seenBy(viewerId) : undefined))
    .groupBy(analysisCodings.codeId);
  return new Map(rows.map((r) => [r.codeId, Number(r.n)]));
}

/**
 * The codings a coder may see under blind coding, as a condition on analysis_codings. Written out in full SQL:
 * in a one-table query Drizzle names columns without their table, which inside the subquery would mean its own.
 */
export const seenBy = (viewerId: string) =>
  or(
    eq(analysisCodings.coderId, viewerId),
    sql`exists (select 1 from analysis_coder_progress p where p.source_id = analysis_codings.source_id and p.coder_id = ${viewerId})`,
  );

/** The codings of some codes, oldest first, as the codebook rules take them. */
export async function codingsOf(db: Db, codeIds: string[]): Promise<CodingRow[]> {
  if (codeIds.length === 0) return [];
  return db
    .select({
      id: analysisCodings.id,
      codeId: analysisCodings.codeId,
      sourceId: analysisCodings.sourceId,
      coderId: analysisCodings.coderId,
      startCp: analysisCodings.startCp,
      endCp: analysisCodings.endCp,
    })
    .from(analysisCodings)
    .where(inArray(analysisCodings.codeId, codeIds))
    .orderBy(asc(analysisCodings.createdAt), asc(analysisCodings.id));
}

export async function recodeCodings(db: Db, codingIds: string[], codeId: string): Promise<void> {
  if (codingIds.length > 0)
    await db.update(analysisCodings).set({ codeId }).where(inArray(analysisCodings.id, codingIds));
}

export async function deleteCodings(db: Db, codingIds: string[]): Promise<void> {
  if (codingIds.length > 0) await db.delete(analysisCodings).where(inArray(analysisCodings.id, codingIds));
}

export async function insertEvent(db: Db, values: typeof analysisCodeEvents.$inferInsert): Promise<void> {
  await db.insert(analysisCodeEvents).values(values);
}

/** A code's history, newest first, with who did each thing. */
export async function eventsOf(db: Db, codeIds: string[]): Promise<CodeEvent[]> {
  if (codeIds.length === 0) return [];
  const rows = await db
    .select({ e: analysisCodeEvents, actorName: users.name })
    .from(analysisCodeEvents)
    .leftJoin(users, eq(users.id, analysisCodeEvents.actorId))
    .where(inArray(analysisCodeEvents.codeId, codeIds))
    .orderBy(desc(analysisCodeEvents.at), desc(analysisCodeEvents.id));
  return rows.map((r) => ({ ...r.e, actorName: r.actorName }));
}

export async function insertMemo(db: Db, values: typeof analysisMemos.$inferInsert): Promise<string> {
  const [row] = await db.insert(analysisMemos).values(values).returning({ id: analysisMemos.id });
  return row!.id;
}

/** The memos on some targets of one type, newest first, with their authors' names. */
export async function memosOn(db: Db, programmeId: string, targetType: string, targetIds: string[]): Promise<Memo[]> {
  if (targetIds.length === 0) return [];
  const rows = await db
    .select({ m: analysisMemos, authorName: users.name })
    .from(analysisMemos)
    .leftJoin(users, eq(users.id, analysisMemos.authorId))
    .where(
      and(
        eq(analysisMemos.programmeId, programmeId),
        eq(analysisMemos.targetType, targetType),
        inArray(analysisMemos.targetId, targetIds),
      ),
    )
    .orderBy(desc(analysisMemos.createdAt), desc(analysisMemos.id));
  return rows.map((r) => ({ ...r.m, authorName: r.authorName }));
}
