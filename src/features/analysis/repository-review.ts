import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { linkTokens } from '../../platform/tokens/tables';
import { programmeAreas, stakeholderTypes } from '../programmes/tables';
import { analysisThemeReviews, analysisThemes } from './tables';

export type ThemeReview = typeof analysisThemeReviews.$inferSelect;

/** Records a reviewer's answer about a theme; a second answer from the same reviewer replaces the first. */
export async function saveReview(db: Db, values: typeof analysisThemeReviews.$inferInsert): Promise<void> {
  await db
    .insert(analysisThemeReviews)
    .values(values)
    .onConflictDoUpdate({
      target: [analysisThemeReviews.themeId, analysisThemeReviews.reviewerKey],
      set: {
        verdict: values.verdict,
        comment: values.comment ?? '',
        reviewerLabel: values.reviewerLabel ?? '',
        area: values.area ?? '',
        stakeholderType: values.stakeholderType ?? '',
        updatedAt: new Date(),
      },
    });
}

/** The reviews of one theme, oldest first. */
export function reviewsOfTheme(db: Db, themeId: string): Promise<ThemeReview[]> {
  return db
    .select()
    .from(analysisThemeReviews)
    .where(eq(analysisThemeReviews.themeId, themeId))
    .orderBy(asc(analysisThemeReviews.createdAt), asc(analysisThemeReviews.id));
}

/** How many reviews a theme has. */
export async function reviewCount(db: Db, themeId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(analysisThemeReviews)
    .where(eq(analysisThemeReviews.themeId, themeId));
  return Number(row?.n ?? 0);
}

/** How many reviews each of the programme's themes has. */
export function reviewCounts(db: Db, programmeId: string) {
  return db
    .select({ themeId: analysisThemeReviews.themeId, n: sql<number>`count(*)::int` })
    .from(analysisThemeReviews)
    .where(eq(analysisThemeReviews.programmeId, programmeId))
    .groupBy(analysisThemeReviews.themeId);
}

/** The answers one reviewer has given, by theme. */
export function reviewsBy(db: Db, reviewerKey: string, themeIds: string[]) {
  if (!themeIds.length) return Promise.resolve([] as ThemeReview[]);
  return db
    .select()
    .from(analysisThemeReviews)
    .where(and(eq(analysisThemeReviews.reviewerKey, reviewerKey), inArray(analysisThemeReviews.themeId, themeIds)));
}

/** Themes of the programme among the ids given, by name. */
export function themesAmong(db: Db, programmeId: string, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db
    .select()
    .from(analysisThemes)
    .where(and(eq(analysisThemes.programmeId, programmeId), inArray(analysisThemes.id, ids)))
    .orderBy(asc(sql`lower(${analysisThemes.name})`));
}

/** A link token by its row id, whatever its state (the session keeps the id, never the token). */
export async function linkTokenById(db: Db, id: string) {
  return (await db.select().from(linkTokens).where(eq(linkTokens.id, id)))[0];
}

/** The programme's clinical areas and stakeholder types, in their order: what a representative may say they are. */
export async function reviewerChoices(db: Db, programmeId: string) {
  const [areas, types] = await Promise.all([
    db
      .select({ name: programmeAreas.name })
      .from(programmeAreas)
      .where(eq(programmeAreas.programmeId, programmeId))
      .orderBy(asc(programmeAreas.position)),
    db
      .select({ name: stakeholderTypes.name })
      .from(stakeholderTypes)
      .where(eq(stakeholderTypes.programmeId, programmeId))
      .orderBy(asc(stakeholderTypes.position)),
  ]);
  return { areas: areas.map((a) => a.name), stakeholderTypes: types.map((t) => t.name) };
}
