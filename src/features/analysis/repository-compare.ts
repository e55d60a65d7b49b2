import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { users } from '../../platform/auth/tables';
import { analysisAdjudications, analysisCoderProgress, analysisCodings, analysisSources } from './tables';

/**
 * The queries behind comparing coders, adjudicating and reliability: who marked which source done, the codings of
 * done coders (read straight from the tables: a coder's codings count only once they marked the source done), the
 * sources' text, and the adjudications.
 */

export type Adjudication = typeof analysisAdjudications.$inferSelect & { deciderName: string | null };

/** Every (source, coder) of the programme marked done, with the coder's name. */
export async function doneMarks(db: Db, programmeId: string) {
  return db
    .select({
      sourceId: analysisCoderProgress.sourceId,
      coderId: analysisCoderProgress.coderId,
      coderName: users.name,
    })
    .from(analysisCoderProgress)
    .innerJoin(analysisSources, eq(analysisSources.id, analysisCoderProgress.sourceId))
    .innerJoin(users, eq(users.id, analysisCoderProgress.coderId))
    .where(eq(analysisSources.programmeId, programmeId))
    .orderBy(asc(users.name), asc(users.id));
}

/** The codings of the programme made by a coder who has marked that source done. */
export async function doneCodings(db: Db, programmeId: string) {
  return db
    .select({
      id: analysisCodings.id,
      sourceId: analysisCodings.sourceId,
      codeId: analysisCodings.codeId,
      coderId: analysisCodings.coderId,
      startCp: analysisCodings.startCp,
      endCp: analysisCodings.endCp,
    })
    .from(analysisCodings)
    .innerJoin(
      analysisCoderProgress,
      and(
        eq(analysisCoderProgress.sourceId, analysisCodings.sourceId),
        eq(analysisCoderProgress.coderId, analysisCodings.coderId),
      ),
    )
    .where(eq(analysisCodings.programmeId, programmeId))
    .orderBy(asc(analysisCodings.startCp), asc(analysisCodings.endCp));
}

/** The title and text of the programme's sources with these ids. */
export async function sourceTexts(db: Db, programmeId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: analysisSources.id, title: analysisSources.title, text: analysisSources.text })
    .from(analysisSources)
    .where(and(eq(analysisSources.programmeId, programmeId), inArray(analysisSources.id, ids)));
}

/** Every adjudication of the programme, oldest first (the latest for a source and code is the one that counts). */
export async function adjudicationsOf(db: Db, programmeId: string): Promise<Adjudication[]> {
  const rows = await db
    .select({ a: analysisAdjudications, deciderName: users.name })
    .from(analysisAdjudications)
    .leftJoin(users, eq(users.id, analysisAdjudications.decidedBy))
    .where(eq(analysisAdjudications.programmeId, programmeId))
    .orderBy(asc(analysisAdjudications.decidedAt), asc(analysisAdjudications.id));
  return rows.map(({ a, deciderName }) => ({ ...a, deciderName }));
}

export async function insertAdjudication(db: Db, values: typeof analysisAdjudications.$inferInsert): Promise<string> {
  const [row] = await db.insert(analysisAdjudications).values(values).returning({ id: analysisAdjudications.id });
  return row!.id;
}
