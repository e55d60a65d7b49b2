import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { users } from '../../platform/auth/tables';
import { invitations, programmeAreas, programmeMembers, programmes, programmeStages, stakeholderTypes } from './tables';

export type Programme = typeof programmes.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
export type Area = typeof programmeAreas.$inferSelect;
export type StakeholderType = typeof stakeholderTypes.$inferSelect;

export async function insertProgramme(db: Db, values: { name: string; description: string; createdBy: string | null }) {
  const [row] = await db.insert(programmes).values(values).onConflictDoNothing({ target: programmes.name }).returning();
  return row;
}

export async function updateProgramme(db: Db, id: string, values: { name: string; description: string }) {
  const rows = await db
    .update(programmes)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(programmes.id, id))
    .returning({ id: programmes.id });
  return rows.length > 0;
}

export async function findProgrammeByName(db: Db, name: string) {
  const [row] = await db
    .select()
    .from(programmes)
    .where(sql`lower(${programmes.name}) = lower(${name})`);
  return row;
}

export async function getProgramme(db: Db, id: string): Promise<Programme | undefined> {
  const [row] = await db.select().from(programmes).where(eq(programmes.id, id));
  return row;
}

export async function listProgrammes(db: Db, onlyFor?: string[]) {
  if (onlyFor && onlyFor.length === 0) return [];
  return db
    .select()
    .from(programmes)
    .where(onlyFor ? inArray(programmes.id, onlyFor) : undefined)
    .orderBy(asc(programmes.name));
}

export async function areasOf(db: Db, programmeId: string): Promise<Area[]> {
  return db
    .select()
    .from(programmeAreas)
    .where(eq(programmeAreas.programmeId, programmeId))
    .orderBy(asc(programmeAreas.position));
}

export async function stakeholderTypesOf(db: Db, programmeId: string): Promise<StakeholderType[]> {
  return db
    .select()
    .from(stakeholderTypes)
    .where(eq(stakeholderTypes.programmeId, programmeId))
    .orderBy(asc(stakeholderTypes.position));
}

/** Makes the programme's list match `names` in order: keeps existing rows (and so members' links), adds new ones, removes the rest. */
async function syncList(
  db: Db,
  table: typeof programmeAreas | typeof stakeholderTypes,
  programmeId: string,
  names: string[],
) {
  const existing = await db.select().from(table).where(eq(table.programmeId, programmeId));
  const byName = new Map(existing.map((r) => [r.name, r]));
  const keep = new Set(names);
  const gone = existing.filter((r) => !keep.has(r.name)).map((r) => r.id);
  if (gone.length) await db.delete(table).where(inArray(table.id, gone));
  for (const [position, name] of names.entries()) {
    const row = byName.get(name);
    if (row) await db.update(table).set({ position }).where(eq(table.id, row.id));
    else await db.insert(table).values({ programmeId, name, position });
  }
}

export const syncAreas = (db: Db, programmeId: string, names: string[]) =>
  syncList(db, programmeAreas, programmeId, names);
export const syncStakeholderTypes = (db: Db, programmeId: string, names: string[]) =>
  syncList(db, stakeholderTypes, programmeId, names);

export async function stagesOf(db: Db, programmeId: string) {
  return db.select().from(programmeStages).where(eq(programmeStages.programmeId, programmeId));
}

export async function setStage(
  db: Db,
  programmeId: string,
  stage: string,
  state: string,
  note: string,
  updatedBy: string,
) {
  await db
    .insert(programmeStages)
    .values({ programmeId, stage, state, note, updatedBy })
    .onConflictDoUpdate({
      target: [programmeStages.programmeId, programmeStages.stage],
      set: { state, note, updatedBy, updatedAt: new Date() },
    });
}

// ---- members ------------------------------------------------------------------

export async function rolesInProgrammes(db: Db, userId: string) {
  return db
    .select({ programmeId: programmeMembers.programmeId, role: programmeMembers.role })
    .from(programmeMembers)
    .where(eq(programmeMembers.userId, userId));
}

export async function listMembers(db: Db, programmeId: string) {
  return db
    .select({
      userId: programmeMembers.userId,
      role: programmeMembers.role,
      joinedAt: programmeMembers.joinedAt,
      name: users.name,
      email: users.email,
      stakeholderType: stakeholderTypes.name,
      area: programmeAreas.name,
    })
    .from(programmeMembers)
    .innerJoin(users, eq(users.id, programmeMembers.userId))
    .leftJoin(stakeholderTypes, eq(stakeholderTypes.id, programmeMembers.stakeholderTypeId))
    .leftJoin(programmeAreas, eq(programmeAreas.id, programmeMembers.areaId))
    .where(eq(programmeMembers.programmeId, programmeId))
    .orderBy(asc(users.name), asc(programmeMembers.role));
}

export async function countMembers(db: Db, programmeId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(distinct ${programmeMembers.userId})::int` })
    .from(programmeMembers)
    .where(eq(programmeMembers.programmeId, programmeId));
  return row?.n ?? 0;
}

export async function addMember(
  db: Db,
  values: {
    programmeId: string;
    userId: string;
    role: string;
    stakeholderTypeId: string | null;
    areaId: string | null;
  },
) {
  const rows = await db.insert(programmeMembers).values(values).onConflictDoNothing().returning();
  return rows.length > 0;
}

export async function hasMember(db: Db, programmeId: string, userId: string, role: string) {
  const [row] = await db
    .select({ userId: programmeMembers.userId })
    .from(programmeMembers)
    .where(
      and(
        eq(programmeMembers.programmeId, programmeId),
        eq(programmeMembers.userId, userId),
        eq(programmeMembers.role, role),
      ),
    );
  return !!row;
}

export async function removeMember(db: Db, programmeId: string, userId: string, role: string) {
  const rows = await db
    .delete(programmeMembers)
    .where(
      and(
        eq(programmeMembers.programmeId, programmeId),
        eq(programmeMembers.userId, userId),
        eq(programmeMembers.role, role),
      ),
    )
    .returning();
  return rows.length > 0;
}

export async function countRoleInProgramme(db: Db, programmeId: string, role: string) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(programmeMembers)
    .where(and(eq(programmeMembers.programmeId, programmeId), eq(programmeMembers.role, role)));
  return row?.n ?? 0;
}

// ---- invitations ---------------------------------------------------------------

/** Adds an invitation unless one is already waiting for this person in this programme (then undefined). */
export async function insertInvitation(
  db: Db,
  values: {
    programmeId: string;
    email: string;
    role: string;
    stakeholderTypeId: string | null;
    areaId: string | null;
    invitedBy: string | null;
    expiresAt: Date;
  },
) {
  const [row] = await db.insert(invitations).values(values).onConflictDoNothing().returning();
  return row;
}

export async function getInvitation(db: Db, id: string): Promise<Invitation | undefined> {
  const [row] = await db.select().from(invitations).where(eq(invitations.id, id));
  return row;
}

/** The invitation waiting for this person in this programme (not accepted or withdrawn; it may have expired). */
export async function waitingInvitation(db: Db, programmeId: string, email: string) {
  const [row] = await db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.programmeId, programmeId),
        eq(invitations.email, email),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    );
  return row;
}

export async function listPendingInvitations(db: Db, programmeId: string) {
  return db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
      stakeholderType: stakeholderTypes.name,
      area: programmeAreas.name,
    })
    .from(invitations)
    .leftJoin(stakeholderTypes, eq(stakeholderTypes.id, invitations.stakeholderTypeId))
    .leftJoin(programmeAreas, eq(programmeAreas.id, invitations.areaId))
    .where(and(eq(invitations.programmeId, programmeId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .orderBy(asc(invitations.createdAt));
}

export async function markInvitationAccepted(db: Db, id: string, userId: string) {
  const rows = await db
    .update(invitations)
    .set({ acceptedAt: new Date(), acceptedBy: userId })
    .where(and(eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning();
  return rows.length > 0;
}

export async function extendInvitation(db: Db, id: string, expiresAt: Date) {
  await db.update(invitations).set({ expiresAt }).where(eq(invitations.id, id));
}

export async function revokeInvitation(db: Db, programmeId: string, id: string) {
  const rows = await db
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(invitations.id, id),
        eq(invitations.programmeId, programmeId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    )
    .returning();
  return rows.length > 0;
}
