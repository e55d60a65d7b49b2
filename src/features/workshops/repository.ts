import { and, asc, count, desc, eq, inArray, isNull, max, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import {
  activities,
  clusters,
  invitations,
  notes,
  participants,
  scriptTemplates,
  sources,
  votes,
  workshops,
} from './tables';

export type Workshop = typeof workshops.$inferSelect;
export type Activity = typeof activities.$inferSelect;
export type Participant = typeof participants.$inferSelect;
export type Note = typeof notes.$inferSelect;
export type Cluster = typeof clusters.$inferSelect;
export type Vote = typeof votes.$inferSelect;

export async function insertWorkshop(db: Db, values: typeof workshops.$inferInsert): Promise<Workshop | undefined> {
  const [row] = await db
    .insert(workshops)
    .values(values)
    .onConflictDoNothing({ target: workshops.joinCode })
    .returning();
  return row;
}

export async function getWorkshop(db: Db, id: string): Promise<Workshop | undefined> {
  const [row] = await db.select().from(workshops).where(eq(workshops.id, id));
  return row;
}

export async function byJoinCode(db: Db, code: string): Promise<Workshop | undefined> {
  const [row] = await db.select().from(workshops).where(eq(workshops.joinCode, code));
  return row;
}

export async function workshopsOf(db: Db, programmeId: string): Promise<Workshop[]> {
  return db
    .select()
    .from(workshops)
    .where(eq(workshops.programmeId, programmeId))
    .orderBy(desc(workshops.startsAt), desc(workshops.createdAt));
}

export async function updateWorkshop(db: Db, id: string, values: Partial<typeof workshops.$inferInsert>) {
  await db
    .update(workshops)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(workshops.id, id));
}

export async function activitiesOf(db: Db, workshopId: string): Promise<Activity[]> {
  return db.select().from(activities).where(eq(activities.workshopId, workshopId)).orderBy(asc(activities.position));
}

export async function getActivity(db: Db, id: string): Promise<Activity | undefined> {
  const [row] = await db.select().from(activities).where(eq(activities.id, id));
  return row;
}

export async function insertActivities(db: Db, values: (typeof activities.$inferInsert)[]) {
  if (values.length) await db.insert(activities).values(values);
}

export async function nextActivityPosition(db: Db, workshopId: string): Promise<number> {
  const [row] = await db
    .select({ p: max(activities.position) })
    .from(activities)
    .where(eq(activities.workshopId, workshopId));
  return (row?.p ?? -1) + 1;
}

export async function updateActivity(db: Db, id: string, values: Partial<typeof activities.$inferInsert>) {
  await db.update(activities).set(values).where(eq(activities.id, id));
}

export async function deleteActivity(db: Db, id: string) {
  await db.delete(activities).where(eq(activities.id, id));
}

export async function insertParticipant(db: Db, values: typeof participants.$inferInsert): Promise<Participant> {
  const [row] = await db.insert(participants).values(values).returning();
  return row!;
}

export async function getParticipant(db: Db, id: string): Promise<Participant | undefined> {
  const [row] = await db.select().from(participants).where(eq(participants.id, id));
  return row;
}

export async function participantsOf(db: Db, workshopId: string): Promise<Participant[]> {
  return db.select().from(participants).where(eq(participants.workshopId, workshopId));
}

export async function participantOfUser(db: Db, workshopId: string, userId: string): Promise<Participant | undefined> {
  const [row] = await db
    .select()
    .from(participants)
    .where(and(eq(participants.workshopId, workshopId), eq(participants.userId, userId)));
  return row;
}

/** Adds a note once per client key: a retried submission returns the note the first one made. */
export async function insertNote(db: Db, values: typeof notes.$inferInsert): Promise<{ note: Note; fresh: boolean }> {
  const [row] = await db
    .insert(notes)
    .values(values)
    .onConflictDoNothing({ target: [notes.activityId, notes.clientKey] })
    .returning();
  if (row) return { note: row, fresh: true };
  const [existing] = await db
    .select()
    .from(notes)
    .where(and(eq(notes.activityId, values.activityId), eq(notes.clientKey, values.clientKey)));
  return { note: existing!, fresh: false };
}

export async function getNote(db: Db, id: string): Promise<Note | undefined> {
  const [row] = await db.select().from(notes).where(eq(notes.id, id));
  return row;
}

export async function notesOf(db: Db, activityIds: string[]): Promise<Note[]> {
  if (activityIds.length === 0) return [];
  return db
    .select()
    .from(notes)
    .where(inArray(notes.activityId, activityIds))
    .orderBy(asc(notes.createdAt), asc(notes.id));
}

export async function updateNotes(db: Db, ids: string[], values: Partial<typeof notes.$inferInsert>) {
  if (ids.length)
    await db
      .update(notes)
      .set({ ...values, updatedAt: new Date() })
      .where(inArray(notes.id, ids));
}

export async function clustersOf(db: Db, activityIds: string[]): Promise<Cluster[]> {
  if (activityIds.length === 0) return [];
  return db.select().from(clusters).where(inArray(clusters.activityId, activityIds)).orderBy(asc(clusters.position));
}

export async function insertCluster(db: Db, activityId: string, name: string): Promise<Cluster> {
  const [p] = await db
    .select({ p: max(clusters.position) })
    .from(clusters)
    .where(eq(clusters.activityId, activityId));
  const [row] = await db
    .insert(clusters)
    .values({ activityId, name, position: (p?.p ?? -1) + 1 })
    .returning();
  return row!;
}

export async function getCluster(db: Db, id: string): Promise<Cluster | undefined> {
  const [row] = await db.select().from(clusters).where(eq(clusters.id, id));
  return row;
}

export async function votesOf(db: Db, activityIds: string[]): Promise<Vote[]> {
  if (activityIds.length === 0) return [];
  return db.select().from(votes).where(inArray(votes.activityId, activityIds));
}

export async function countVotes(db: Db, activityId: string, participantId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(votes)
    .where(and(eq(votes.activityId, activityId), eq(votes.participantId, participantId)));
  return row?.n ?? 0;
}

export async function insertVote(db: Db, values: typeof votes.$inferInsert) {
  const [row] = await db.insert(votes).values(values).returning();
  return row!;
}

export async function deleteVote(db: Db, id: string, participantId: string, activityId: string): Promise<boolean> {
  const rows = await db
    .delete(votes)
    .where(and(eq(votes.id, id), eq(votes.participantId, participantId), eq(votes.activityId, activityId)))
    .returning({ id: votes.id });
  return rows.length > 0;
}

/** Serialises changes to one activity's votes, so two quick clicks cannot both use the last vote. */
export async function lockActivity(db: Db, id: string): Promise<void> {
  await db.execute(sql`select id from workshop_activities where id = ${id} for update`);
}

export async function insertSource(db: Db, values: typeof sources.$inferInsert) {
  await db.insert(sources).values(values);
}

export async function sourcesOf(db: Db, workshopId: string) {
  return db
    .select({
      id: sources.id,
      filename: sources.filename,
      kind: sources.kind,
      createdAt: sources.createdAt,
      length: sql<number>`length(${sources.text})`,
    })
    .from(sources)
    .where(eq(sources.workshopId, workshopId))
    .orderBy(asc(sources.createdAt));
}

export async function insertTemplate(db: Db, programmeId: string, name: string, list: unknown) {
  await db.insert(scriptTemplates).values({ programmeId, name, activities: list });
}

export async function templatesOf(db: Db, programmeId: string) {
  return db
    .select()
    .from(scriptTemplates)
    .where(eq(scriptTemplates.programmeId, programmeId))
    .orderBy(asc(scriptTemplates.name));
}

export async function getTemplate(db: Db, id: string) {
  const [row] = await db.select().from(scriptTemplates).where(eq(scriptTemplates.id, id));
  return row;
}

export async function activeNotesCount(db: Db, activityId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notes)
    .where(and(eq(notes.activityId, activityId), isNull(notes.withdrawnAt)));
  return row?.n ?? 0;
}

export async function notesOfUser(db: Db, userId: string) {
  return db
    .select({
      workshop: workshops.title,
      prompt: activities.prompt,
      text: notes.text,
      createdAt: notes.createdAt,
      withdrawnAt: notes.withdrawnAt,
    })
    .from(notes)
    .innerJoin(participants, eq(participants.id, notes.participantId))
    .innerJoin(activities, eq(activities.id, notes.activityId))
    .innerJoin(workshops, eq(workshops.id, activities.workshopId))
    .where(eq(participants.userId, userId))
    .orderBy(asc(notes.createdAt));
}

/** Records that these addresses were emailed the join link; gives back only those not emailed before. */
export async function insertInvitations(db: Db, workshopId: string, emails: string[]): Promise<string[]> {
  if (emails.length === 0) return [];
  const rows = await db
    .insert(invitations)
    .values(emails.map((email) => ({ workshopId, email })))
    .onConflictDoNothing()
    .returning({ email: invitations.email });
  const fresh = new Set(rows.map((r) => r.email));
  return emails.filter((e) => fresh.has(e));
}
