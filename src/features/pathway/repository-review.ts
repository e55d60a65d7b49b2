import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { users } from '../../platform/auth/tables';
import { confirmations, stageSignoffs, supervisionMeetings, supervisions } from './tables';

/** Confirmations of evidence, supervision (who supervises whom, meetings) and stage sign-offs. */

// ---- confirmations ---------------------------------------------------------------------

export type Confirmation = typeof confirmations.$inferSelect;

export async function insertConfirmation(db: Db, values: typeof confirmations.$inferInsert): Promise<Confirmation> {
  const [row] = await db.insert(confirmations).values(values).returning();
  return row!;
}

export async function getConfirmation(db: Db, id: string): Promise<Confirmation | undefined> {
  const [row] = await db.select().from(confirmations).where(eq(confirmations.id, id));
  return row;
}

export async function confirmationsOf(db: Db, evidenceIds: string[]): Promise<Confirmation[]> {
  if (evidenceIds.length === 0) return [];
  return db
    .select()
    .from(confirmations)
    .where(inArray(confirmations.evidenceId, evidenceIds))
    .orderBy(asc(confirmations.createdAt));
}

/** Records the answer to a waiting request; false if it was already answered or withdrawn. */
export async function decideConfirmation(
  db: Db,
  id: string,
  values: Partial<typeof confirmations.$inferInsert>,
): Promise<boolean> {
  const rows = await db
    .update(confirmations)
    .set({ ...values, decidedAt: new Date() })
    .where(and(eq(confirmations.id, id), isNull(confirmations.outcome)))
    .returning({ id: confirmations.id });
  return rows.length > 0;
}

// ---- supervision -----------------------------------------------------------------------

export async function supervisorsOf(db: Db, practitionerId: string) {
  return db
    .select({ id: users.id, name: users.name, email: users.email, since: supervisions.createdAt })
    .from(supervisions)
    .innerJoin(users, eq(users.id, supervisions.supervisorId))
    .where(eq(supervisions.practitionerId, practitionerId))
    .orderBy(asc(users.name));
}

export async function supervisorIdsOf(db: Db, practitionerId: string): Promise<string[]> {
  const rows = await db
    .select({ id: supervisions.supervisorId })
    .from(supervisions)
    .where(eq(supervisions.practitionerId, practitionerId));
  return rows.map((r) => r.id);
}

export async function superviseesOf(db: Db, supervisorId: string) {
  return db
    .select({ id: users.id, name: users.name, email: users.email, since: supervisions.createdAt })
    .from(supervisions)
    .innerJoin(users, eq(users.id, supervisions.practitionerId))
    .where(eq(supervisions.supervisorId, supervisorId))
    .orderBy(asc(users.name));
}

export async function addSupervision(db: Db, practitionerId: string, supervisorId: string): Promise<boolean> {
  const rows = await db
    .insert(supervisions)
    .values({ practitionerId, supervisorId })
    .onConflictDoNothing()
    .returning({ id: supervisions.supervisorId });
  return rows.length > 0;
}

export async function removeSupervision(db: Db, practitionerId: string, supervisorId: string): Promise<boolean> {
  const rows = await db
    .delete(supervisions)
    .where(and(eq(supervisions.practitionerId, practitionerId), eq(supervisions.supervisorId, supervisorId)))
    .returning({ id: supervisions.supervisorId });
  return rows.length > 0;
}

export async function insertMeeting(db: Db, values: typeof supervisionMeetings.$inferInsert) {
  const [row] = await db.insert(supervisionMeetings).values(values).returning();
  return row!;
}

export async function meetingsOf(db: Db, practitionerId: string) {
  return db
    .select({ meeting: supervisionMeetings, supervisorName: users.name })
    .from(supervisionMeetings)
    .leftJoin(users, eq(users.id, supervisionMeetings.supervisorId))
    .where(eq(supervisionMeetings.practitionerId, practitionerId))
    .orderBy(desc(supervisionMeetings.heldOn), desc(supervisionMeetings.createdAt));
}

// ---- stage sign-offs -------------------------------------------------------------------

export type Signoff = typeof stageSignoffs.$inferSelect;

export async function insertSignoff(db: Db, values: typeof stageSignoffs.$inferInsert): Promise<Signoff | undefined> {
  const [row] = await db.insert(stageSignoffs).values(values).onConflictDoNothing().returning();
  return row;
}

export async function signoffsOf(db: Db, pathwayId: string): Promise<Signoff[]> {
  return db
    .select()
    .from(stageSignoffs)
    .where(eq(stageSignoffs.pathwayId, pathwayId))
    .orderBy(asc(stageSignoffs.signedAt));
}

export async function getSignoff(db: Db, id: string): Promise<Signoff | undefined> {
  const [row] = await db.select().from(stageSignoffs).where(eq(stageSignoffs.id, id));
  return row;
}
