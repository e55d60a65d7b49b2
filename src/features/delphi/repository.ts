import { and, asc, desc, eq, inArray, isNull, max, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import {
  delphiItems,
  delphiLineage,
  delphiPanellists,
  delphiParticipation,
  delphiRatings,
  delphiRetirements,
  delphiRounds,
  delphiSettingChanges,
  delphiStudies,
  delphiSuggestions,
} from './tables';

export type Study = typeof delphiStudies.$inferSelect;
export type Round = typeof delphiRounds.$inferSelect;
export type Item = typeof delphiItems.$inferSelect;
export type Panellist = typeof delphiPanellists.$inferSelect;
export type RatingRow = typeof delphiRatings.$inferSelect;

// ---- studies -----------------------------------------------------------------

export async function insertStudy(db: Db, values: typeof delphiStudies.$inferInsert): Promise<Study> {
  const [row] = await db.insert(delphiStudies).values(values).returning();
  return row!;
}

export async function getStudy(db: Db, id: string): Promise<Study | undefined> {
  const [row] = await db.select().from(delphiStudies).where(eq(delphiStudies.id, id));
  return row;
}

/** Reads a study and holds it until the transaction ends, so two sends of its final list take turns. */
export async function lockStudy(db: Db, id: string): Promise<Study | undefined> {
  const [row] = await db.select().from(delphiStudies).where(eq(delphiStudies.id, id)).for('update');
  return row;
}

/** Reads a panellist and holds them until the transaction ends, so two requests for a new link take turns. */
export async function lockPanellist(db: Db, id: string): Promise<Panellist | undefined> {
  const [row] = await db.select().from(delphiPanellists).where(eq(delphiPanellists.id, id)).for('update');
  return row;
}

export async function studiesOf(db: Db, programmeId: string): Promise<Study[]> {
  return db
    .select()
    .from(delphiStudies)
    .where(eq(delphiStudies.programmeId, programmeId))
    .orderBy(desc(delphiStudies.createdAt));
}

export async function updateStudy(db: Db, id: string, values: Partial<typeof delphiStudies.$inferInsert>) {
  await db
    .update(delphiStudies)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(delphiStudies.id, id));
}

export async function insertSettingChange(db: Db, values: typeof delphiSettingChanges.$inferInsert) {
  await db.insert(delphiSettingChanges).values(values);
}

export async function settingChanges(db: Db, studyId: string) {
  return db
    .select()
    .from(delphiSettingChanges)
    .where(eq(delphiSettingChanges.studyId, studyId))
    .orderBy(asc(delphiSettingChanges.at));
}

// ---- rounds ------------------------------------------------------------------

export async function insertRound(db: Db, studyId: string, number: number): Promise<Round> {
  const [row] = await db.insert(delphiRounds).values({ studyId, number }).onConflictDoNothing().returning();
  return row!;
}

/** Reads a round and holds it until the transaction ends, so closing waits for a save in progress (and the other way round). */
export async function lockRound(db: Db, id: string): Promise<Round | undefined> {
  const [row] = await db.select().from(delphiRounds).where(eq(delphiRounds.id, id)).for('update');
  return row;
}

export async function roundsOf(db: Db, studyId: string): Promise<Round[]> {
  return db.select().from(delphiRounds).where(eq(delphiRounds.studyId, studyId)).orderBy(asc(delphiRounds.number));
}

export async function getRound(db: Db, id: string): Promise<Round | undefined> {
  const [row] = await db.select().from(delphiRounds).where(eq(delphiRounds.id, id));
  return row;
}

/** Moves a round from one status to the next only if it is still in `from`: a repeated click changes nothing. */
export async function setRoundStatus(
  db: Db,
  id: string,
  from: string,
  values: { status: string; closesAt?: Date | null; openedAt?: Date; closedAt?: Date },
): Promise<boolean> {
  const rows = await db
    .update(delphiRounds)
    .set(values)
    .where(and(eq(delphiRounds.id, id), eq(delphiRounds.status, from)))
    .returning({ id: delphiRounds.id });
  return rows.length > 0;
}

// ---- items ---------------------------------------------------------------------

export async function itemsOf(db: Db, roundId: string): Promise<Item[]> {
  return db.select().from(delphiItems).where(eq(delphiItems.roundId, roundId)).orderBy(asc(delphiItems.position));
}

export async function getItem(db: Db, id: string): Promise<Item | undefined> {
  const [row] = await db.select().from(delphiItems).where(eq(delphiItems.id, id));
  return row;
}

export async function nextPosition(db: Db, roundId: string): Promise<number> {
  const [row] = await db
    .select({ p: max(delphiItems.position) })
    .from(delphiItems)
    .where(eq(delphiItems.roundId, roundId));
  return (row?.p ?? -1) + 1;
}

export async function insertItems(db: Db, values: (typeof delphiItems.$inferInsert)[]): Promise<Item[]> {
  if (values.length === 0) return [];
  return db.insert(delphiItems).values(values).returning();
}

export async function updateItem(
  db: Db,
  id: string,
  values: Partial<Pick<Item, 'text' | 'domain' | 'stage' | 'area'>>,
) {
  await db.update(delphiItems).set(values).where(eq(delphiItems.id, id));
}

export async function deleteItems(db: Db, ids: string[]) {
  if (ids.length) await db.delete(delphiItems).where(inArray(delphiItems.id, ids));
}

export async function insertLineage(db: Db, rows: { itemId: string; parentId: string; kind: string }[]) {
  if (rows.length) await db.insert(delphiLineage).values(rows).onConflictDoNothing();
}

export async function setLineageKind(db: Db, itemId: string, from: string, to: string) {
  await db
    .update(delphiLineage)
    .set({ kind: to })
    .where(and(eq(delphiLineage.itemId, itemId), eq(delphiLineage.kind, from)));
}

/** Lineage edges whose child items are in the given round. */
export async function lineageInto(db: Db, roundId: string) {
  return db
    .select({ itemId: delphiLineage.itemId, parentId: delphiLineage.parentId, kind: delphiLineage.kind })
    .from(delphiLineage)
    .innerJoin(delphiItems, eq(delphiItems.id, delphiLineage.itemId))
    .where(eq(delphiItems.roundId, roundId));
}

export async function lineageOfItems(db: Db, itemIds: string[]) {
  if (itemIds.length === 0) return [];
  return db.select().from(delphiLineage).where(inArray(delphiLineage.itemId, itemIds));
}

// ---- panel -------------------------------------------------------------------------

export async function insertPanellist(
  db: Db,
  values: typeof delphiPanellists.$inferInsert,
): Promise<Panellist | undefined> {
  const [row] = await db.insert(delphiPanellists).values(values).onConflictDoNothing().returning();
  return row;
}

export async function panelOf(db: Db, studyId: string): Promise<Panellist[]> {
  return db
    .select()
    .from(delphiPanellists)
    .where(eq(delphiPanellists.studyId, studyId))
    .orderBy(asc(delphiPanellists.invitedAt), asc(delphiPanellists.email));
}

export async function getPanellist(db: Db, id: string): Promise<Panellist | undefined> {
  const [row] = await db.select().from(delphiPanellists).where(eq(delphiPanellists.id, id));
  return row;
}

export async function participationOf(db: Db, roundIds: string[]) {
  if (roundIds.length === 0) return [];
  return db.select().from(delphiParticipation).where(inArray(delphiParticipation.roundId, roundIds));
}

export async function ensureParticipation(db: Db, panellistId: string, roundId: string) {
  await db.insert(delphiParticipation).values({ panellistId, roundId }).onConflictDoNothing();
}

export async function markStarted(db: Db, panellistId: string, roundId: string, at: Date) {
  await db
    .insert(delphiParticipation)
    .values({ panellistId, roundId, startedAt: at })
    .onConflictDoUpdate({
      target: [delphiParticipation.panellistId, delphiParticipation.roundId],
      set: { startedAt: sql`coalesce(${delphiParticipation.startedAt}, ${at})` },
    });
}

export async function markCompleted(db: Db, panellistId: string, roundId: string, at: Date) {
  await db
    .update(delphiParticipation)
    .set({ completedAt: at })
    .where(and(eq(delphiParticipation.panellistId, panellistId), eq(delphiParticipation.roundId, roundId)));
}

export async function markReminded(db: Db, panellistIds: string[], roundId: string, at: Date) {
  if (panellistIds.length === 0) return;
  await db
    .update(delphiParticipation)
    .set({ remindedAt: at })
    .where(and(eq(delphiParticipation.roundId, roundId), inArray(delphiParticipation.panellistId, panellistIds)));
}

/** Panellists invited to a round who have not completed it. */
export async function notCompleted(db: Db, roundId: string): Promise<Panellist[]> {
  const rows = await db
    .select({ p: delphiPanellists })
    .from(delphiParticipation)
    .innerJoin(delphiPanellists, eq(delphiPanellists.id, delphiParticipation.panellistId))
    .where(
      and(
        eq(delphiParticipation.roundId, roundId),
        isNull(delphiParticipation.completedAt),
        isNull(delphiPanellists.withdrawnAt),
      ),
    );
  return rows.map((r) => r.p);
}

// ---- ratings -------------------------------------------------------------------------

export async function ratingsOfRound(db: Db, roundId: string) {
  return db
    .select({
      itemId: delphiRatings.itemId,
      panellistId: delphiRatings.panellistId,
      rating: delphiRatings.rating,
      comment: delphiRatings.comment,
      reason: delphiRatings.reason,
      updatedAt: delphiRatings.updatedAt,
    })
    .from(delphiRatings)
    .innerJoin(delphiItems, eq(delphiItems.id, delphiRatings.itemId))
    .where(eq(delphiItems.roundId, roundId));
}

export async function ratingsOfPanellist(db: Db, panellistId: string, itemIds: string[]) {
  if (itemIds.length === 0) return [];
  return db
    .select()
    .from(delphiRatings)
    .where(and(eq(delphiRatings.panellistId, panellistId), inArray(delphiRatings.itemId, itemIds)));
}

/** One response per panellist and item: a later save replaces the earlier one. */
export async function upsertRating(
  db: Db,
  values: { itemId: string; panellistId: string; rating: number | null; comment: string; reason: string },
) {
  await db
    .insert(delphiRatings)
    .values(values)
    .onConflictDoUpdate({
      target: [delphiRatings.itemId, delphiRatings.panellistId],
      set: { rating: values.rating, comment: values.comment, reason: values.reason, updatedAt: new Date() },
    });
}

// ---- suggestions ---------------------------------------------------------------------

export async function insertSuggestion(db: Db, values: { roundId: string; panellistId: string; text: string }) {
  await db.insert(delphiSuggestions).values(values);
}

export async function suggestionsOf(db: Db, roundId: string) {
  return db
    .select()
    .from(delphiSuggestions)
    .where(eq(delphiSuggestions.roundId, roundId))
    .orderBy(asc(delphiSuggestions.createdAt));
}

export async function markSuggestionUsed(db: Db, id: string, itemId: string): Promise<boolean> {
  const rows = await db
    .update(delphiSuggestions)
    .set({ usedForItemId: itemId })
    .where(and(eq(delphiSuggestions.id, id), isNull(delphiSuggestions.usedForItemId)))
    .returning({ id: delphiSuggestions.id });
  return rows.length > 0;
}

// ---- retirements -----------------------------------------------------------------------

export async function insertRetirements(db: Db, rows: { itemId: string; roundId: string; retiredBy: string | null }[]) {
  if (rows.length) await db.insert(delphiRetirements).values(rows).onConflictDoNothing();
}

/** The items of a study retired as agreed. */
export async function retiredOf(db: Db, studyId: string): Promise<string[]> {
  const rows = await db
    .select({ itemId: delphiRetirements.itemId })
    .from(delphiRetirements)
    .innerJoin(delphiRounds, eq(delphiRounds.id, delphiRetirements.roundId))
    .where(eq(delphiRounds.studyId, studyId));
  return rows.map((r) => r.itemId);
}
