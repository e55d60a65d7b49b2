import { and, eq, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { delphiItems, delphiPanellists, delphiRatings, delphiRounds, delphiStudies, delphiSuggestions } from './tables';

/** Count and latest time of a set of rows, as text: part of a fingerprint. */
const countAndLatest = (id: unknown, at: unknown) =>
  sql<string>`count(${id})::text || '/' || coalesce(max(${at})::text, '-')`;

/**
 * A cheap fingerprint of a programme's Delphi material: counts and latest times of the ratings
 * (a comment or reason written or changed touches updated_at), the round-0 suggestions and the
 * studies (a title changed touches updated_at).
 */
export async function fingerprint(db: Db, programmeId: string): Promise<string> {
  const inProgramme = eq(delphiStudies.programmeId, programmeId);
  const [r] = await db
    .select({ v: countAndLatest(delphiRatings.id, delphiRatings.updatedAt) })
    .from(delphiRatings)
    .innerJoin(delphiItems, eq(delphiItems.id, delphiRatings.itemId))
    .innerJoin(delphiRounds, eq(delphiRounds.id, delphiItems.roundId))
    .innerJoin(delphiStudies, eq(delphiStudies.id, delphiRounds.studyId))
    .where(inProgramme);
  const [s] = await db
    .select({ v: countAndLatest(delphiSuggestions.id, delphiSuggestions.createdAt) })
    .from(delphiSuggestions)
    .innerJoin(delphiRounds, eq(delphiRounds.id, delphiSuggestions.roundId))
    .innerJoin(delphiStudies, eq(delphiStudies.id, delphiRounds.studyId))
    .where(inProgramme);
  const [t] = await db
    .select({ v: countAndLatest(delphiStudies.id, delphiStudies.updatedAt) })
    .from(delphiStudies)
    .where(inProgramme);
  return ['ratings', r?.v, 'suggestions', s?.v, 'studies', t?.v].join(' ');
}

/** Every rating of a programme's studies with a comment or a reason, with its study, round, item and panellist. */
export async function ratingsWithWords(db: Db, programmeId: string) {
  return db
    .select({
      id: delphiRatings.id,
      comment: delphiRatings.comment,
      reason: delphiRatings.reason,
      updatedAt: delphiRatings.updatedAt,
      panellistId: delphiRatings.panellistId,
      stakeholderType: delphiPanellists.stakeholderType,
      panellistArea: delphiPanellists.area,
      itemCode: delphiItems.code,
      itemText: delphiItems.text,
      itemArea: delphiItems.area,
      round: delphiRounds.number,
      studyId: delphiStudies.id,
      study: delphiStudies.title,
    })
    .from(delphiRatings)
    .innerJoin(delphiPanellists, eq(delphiPanellists.id, delphiRatings.panellistId))
    .innerJoin(delphiItems, eq(delphiItems.id, delphiRatings.itemId))
    .innerJoin(delphiRounds, eq(delphiRounds.id, delphiItems.roundId))
    .innerJoin(delphiStudies, eq(delphiStudies.id, delphiRounds.studyId))
    .where(
      and(eq(delphiStudies.programmeId, programmeId), or(ne(delphiRatings.comment, ''), ne(delphiRatings.reason, ''))),
    );
}

/** Every round-0 suggestion of a programme's studies, with its study and panellist. */
export async function suggestionsOf(db: Db, programmeId: string) {
  return db
    .select({
      id: delphiSuggestions.id,
      text: delphiSuggestions.text,
      createdAt: delphiSuggestions.createdAt,
      panellistId: delphiSuggestions.panellistId,
      stakeholderType: delphiPanellists.stakeholderType,
      panellistArea: delphiPanellists.area,
      round: delphiRounds.number,
      studyId: delphiStudies.id,
      study: delphiStudies.title,
    })
    .from(delphiSuggestions)
    .innerJoin(delphiPanellists, eq(delphiPanellists.id, delphiSuggestions.panellistId))
    .innerJoin(delphiRounds, eq(delphiRounds.id, delphiSuggestions.roundId))
    .innerJoin(delphiStudies, eq(delphiStudies.id, delphiRounds.studyId))
    .where(eq(delphiStudies.programmeId, programmeId));
}
