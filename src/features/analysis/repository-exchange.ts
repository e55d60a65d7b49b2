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

export type NewSource = typeof analysisSources.$inferInsert;
export type NewCoding = typeof analysisCodings.$inferInsert;
export type NewMemo = typeof analysisMemos.$inferInsert;

/** Inserts sources, 500 to a statement. */
export async function insertSources(db: Db, rows: NewSource[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insert(analysisSources).values(rows.slice(i, i + 500));
}

/**
 * Inserts codings, 1,000 to a statement, leaving out any the same coder already made (same code, same span);
 * the ids of those inserted.
 */
export async function insertCodings(db: Db, rows: NewCoding[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (let i = 0; i < rows.length; i += 1000) {
    const done = await db
      .insert(analysisCodings)
      .values(rows.slice(i, i + 1000))
      .onConflictDoNothing()
      .returning({ id: analysisCodings.id });
    for (const r of done) inserted.add(r.id);
  }
  return inserted;
}

/** Inserts memos, 500 to a statement. */
export async function insertMemos(db: Db, rows: NewMemo[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insert(analysisMemos).values(rows.slice(i, i + 500));
}
