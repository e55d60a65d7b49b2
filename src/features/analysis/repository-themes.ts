import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { analysisCodes, analysisCodings, analysisSources, analysisThemeCodes, analysisThemes } from './tables';

export type Theme = typeof analysisThemes.$inferSelect;

/** The programme's themes, by name. */
export function themesOf(db: Db, programmeId: string): Promise<Theme[]> {
  return db
    .select()
    .from(analysisThemes)
    .where(eq(analysisThemes.programmeId, programmeId))
    .orderBy(asc(sql`lower(${analysisThemes.name})`));
}

export async function getTheme(db: Db, themeId: string): Promise<Theme | undefined> {
  return (await db.select().from(analysisThemes).where(eq(analysisThemes.id, themeId)))[0];
}

/** A theme of the programme with the same name, whatever its case (one other than `except`). */
export async function themeNamed(db: Db, programmeId: string, name: string, except?: string) {
  const rows = await db
    .select({ id: analysisThemes.id })
    .from(analysisThemes)
    .where(and(eq(analysisThemes.programmeId, programmeId), sql`lower(${analysisThemes.name}) = lower(${name})`));
  return rows.find((r) => r.id !== except);
}

export async function insertTheme(db: Db, values: typeof analysisThemes.$inferInsert): Promise<Theme> {
  return (await db.insert(analysisThemes).values(values).returning())[0]!;
}

export async function updateTheme(
  db: Db,
  themeId: string,
  values: Pick<Theme, 'name' | 'definition' | 'memo' | 'status'>,
): Promise<void> {
  await db
    .update(analysisThemes)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(analysisThemes.id, themeId));
}

/** Which codes each of the programme's themes is built from. */
export function themeCodeLinks(db: Db, programmeId: string) {
  return db
    .select({ themeId: analysisThemeCodes.themeId, codeId: analysisThemeCodes.codeId })
    .from(analysisThemeCodes)
    .innerJoin(analysisThemes, eq(analysisThemes.id, analysisThemeCodes.themeId))
    .where(eq(analysisThemes.programmeId, programmeId));
}

/** The codes of one theme, by name. */
export function codesOfTheme(db: Db, themeId: string) {
  return db
    .select({ id: analysisCodes.id, name: analysisCodes.name, colour: analysisCodes.colour })
    .from(analysisThemeCodes)
    .innerJoin(analysisCodes, eq(analysisCodes.id, analysisThemeCodes.codeId))
    .where(eq(analysisThemeCodes.themeId, themeId))
    .orderBy(asc(sql`lower(${analysisCodes.name})`));
}

export async function addThemeCodes(db: Db, themeId: string, codeIds: string[]): Promise<void> {
  if (!codeIds.length) return;
  await db
    .insert(analysisThemeCodes)
    .values(codeIds.map((codeId) => ({ themeId, codeId })))
    .onConflictDoNothing();
}

export async function removeThemeCode(db: Db, themeId: string, codeId: string): Promise<number> {
  const gone = await db
    .delete(analysisThemeCodes)
    .where(and(eq(analysisThemeCodes.themeId, themeId), eq(analysisThemeCodes.codeId, codeId)))
    .returning();
  return gone.length;
}

/** What the matrix needs of the programme's coded sources: text, attributes, contributor key, whether quotable. */
export function sourcesForThemes(db: Db, programmeId: string) {
  const coded = db
    .selectDistinct({ id: analysisCodings.sourceId })
    .from(analysisCodings)
    .where(eq(analysisCodings.programmeId, programmeId));
  return db
    .select({
      id: analysisSources.id,
      title: analysisSources.title,
      text: analysisSources.text,
      attributes: analysisSources.attributes,
      contributorKey: analysisSources.contributorKey,
      quotable: analysisSources.quotable,
    })
    .from(analysisSources)
    .where(and(eq(analysisSources.programmeId, programmeId), inArray(analysisSources.id, coded)))
    .orderBy(asc(analysisSources.createdAt), asc(analysisSources.id));
}
