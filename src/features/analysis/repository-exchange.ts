import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { users } from '../../platform/auth/tables';
import { programmeMembers } from '../programmes/tables';
import { analysisCoderProgress, analysisCodings, analysisMemos, analysisSources } from './tables';

/**
 * The exchange's queries (REFI-QDA files, CSV and XLSX of codings): everything of a programme's analysis read
 * in one go, and what an import writes. Codings are read straight from the tables here.
 */

export type ExchangeSource = typeof analysisSources.$inferSelect;
export type ExchangeCoding = typeof analysisCodings.$inferSelect;
export type ExchangeMemo = typeof analysisMemos.$inferSelect;

/** Every source of the programme, oldest first. */
export async function sourcesOf(db: Db, programmeId: string): Promise<ExchangeSource[]> {
  return db
    .select()
    .from(analysisSources)
    .where(eq(analysisSources.programmeId, programmeId))
    .orderBy(asc(analysisSources.createdAt), asc(analysisSources.id));
}

/** Every coding of the programme, oldest first. */
export async function codingsOf(db: Db, programmeId: string): Promise<ExchangeCoding[]> {
  return db
    .select()
    .from(analysisCodings)
    .where(eq(analysisCodings.programmeId, programmeId))
    .orderBy(asc(analysisCodings.createdAt), asc(analysisCodings.id));
}

/** Every memo of the programme, oldest first. */
export async function memosOf(db: Db, programmeId: string): Promise<ExchangeMemo[]> {
  return db
    .select()
    .from(analysisMemos)
    .where(eq(analysisMemos.programmeId, programmeId))
    .orderBy(asc(analysisMemos.createdAt), asc(analysisMemos.id));
}

/** The sources of the programme a coder has marked done (they may see others' codings of those). */
export async function doneSources(db: Db, programmeId: string, coderId: string): Promise<Set<string>> {
  const rows = await db
    .select({ sourceId: analysisCoderProgress.sourceId })
    .from(analysisCoderProgress)
    .innerJoin(analysisSources, eq(analysisSources.id, analysisCoderProgress.sourceId))
    .where(and(eq(analysisCoderProgress.coderId, coderId), eq(analysisSources.programmeId, programmeId)));
  return new Set(rows.map((r) => r.sourceId));
}

/** The programme's leads and analysts (the people who code), with their names. */
export async function codersOf(db: Db, programmeId: string): Promise<{ id: string; name: string }[]> {
  const rows = await db
    .selectDistinct({ id: users.id, name: users.name })
    .from(programmeMembers)
    .innerJoin(users, eq(users.id, programmeMembers.userId))
    .where(and(eq(programmeMembers.programmeId, programmeId), inArray(programmeMembers.role, ['lead', 'analyst'])));
  return rows.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

export async function insertSource(db: Db, values: typeof analysisSources.$inferInsert): Promise<string> {
  const [row] = await db.insert(analysisSources).values(values).returning({ id: analysisSources.id });
  return row!.id;
}

/** Inserts a coding unless the same coder already applied the same code to the same span; returns its id or null. */
export async function insertCoding(db: Db, values: typeof analysisCodings.$inferInsert): Promise<string | null> {
  const rows = await db
    .insert(analysisCodings)
    .values(values)
    .onConflictDoNothing()
    .returning({ id: analysisCodings.id });
  return rows[0]?.id ?? null;
}
