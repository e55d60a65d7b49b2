import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { users } from '../../platform/auth/tables';
import { evidence, groupMembers, pathwayGroups, pathways } from './tables';

/** Teams and cohorts: groups, their members, and the evidence members share with a team. */

export type Group = typeof pathwayGroups.$inferSelect;

export async function insertGroup(db: Db, values: typeof pathwayGroups.$inferInsert): Promise<Group> {
  const [row] = await db.insert(pathwayGroups).values(values).returning();
  return row!;
}

export async function getGroup(db: Db, id: string): Promise<Group | undefined> {
  const [row] = await db.select().from(pathwayGroups).where(eq(pathwayGroups.id, id));
  return row;
}

export async function groupsOwnedBy(db: Db, ownerId: string): Promise<Group[]> {
  return db.select().from(pathwayGroups).where(eq(pathwayGroups.ownerId, ownerId)).orderBy(asc(pathwayGroups.name));
}

export async function groupsOfProgrammes(db: Db, programmeIds: string[]): Promise<Group[]> {
  if (programmeIds.length === 0) return [];
  return db
    .select()
    .from(pathwayGroups)
    .where(inArray(pathwayGroups.programmeId, programmeIds))
    .orderBy(asc(pathwayGroups.name));
}

/** The groups a user was invited to or belongs to. */
export async function membershipsOf(db: Db, userId: string) {
  return db
    .select({ group: pathwayGroups, acceptedAt: groupMembers.acceptedAt })
    .from(groupMembers)
    .innerJoin(pathwayGroups, eq(pathwayGroups.id, groupMembers.groupId))
    .where(eq(groupMembers.userId, userId))
    .orderBy(asc(pathwayGroups.name));
}

export async function membersOf(db: Db, groupId: string) {
  return db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      invitedAt: groupMembers.invitedAt,
      acceptedAt: groupMembers.acceptedAt,
    })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(eq(groupMembers.groupId, groupId))
    .orderBy(asc(users.name));
}

export async function addMember(db: Db, groupId: string, userId: string, accepted: boolean): Promise<boolean> {
  const rows = await db
    .insert(groupMembers)
    .values({ groupId, userId, acceptedAt: accepted ? new Date() : null })
    .onConflictDoNothing()
    .returning({ id: groupMembers.userId });
  return rows.length > 0;
}

export async function acceptMembership(db: Db, groupId: string, userId: string): Promise<boolean> {
  const rows = await db
    .update(groupMembers)
    .set({ acceptedAt: new Date() })
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId), isNull(groupMembers.acceptedAt)))
    .returning({ id: groupMembers.userId });
  return rows.length > 0;
}

export async function removeMember(db: Db, groupId: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)))
    .returning({ id: groupMembers.userId });
  return rows.length > 0;
}

// ---- sharing with a team ----------------------------------------------------------------

/** When someone leaves a team, what they shared with it is theirs alone again. */
export async function unshareFromGroup(db: Db, groupId: string, userId: string) {
  await db
    .update(evidence)
    .set({ groupId: null })
    .where(
      and(
        eq(evidence.groupId, groupId),
        inArray(evidence.pathwayId, db.select({ id: pathways.id }).from(pathways).where(eq(pathways.userId, userId))),
      ),
    );
}

/** Evidence shared with a team, with who added it. */
export async function sharedEvidenceOf(db: Db, groupId: string) {
  return db
    .select({ evidence, authorName: users.name, authorId: users.id })
    .from(evidence)
    .innerJoin(pathways, eq(pathways.id, evidence.pathwayId))
    .innerJoin(users, eq(users.id, pathways.userId))
    .where(eq(evidence.groupId, groupId))
    .orderBy(desc(evidence.createdAt));
}

/** Evidence shared with any of these teams by someone else, to credit to a member's pathway. */
export async function sharedWith(db: Db, groupIds: string[], exceptPathwayId: string) {
  if (groupIds.length === 0) return [];
  return db
    .select({ evidence, authorName: users.name })
    .from(evidence)
    .innerJoin(pathways, eq(pathways.id, evidence.pathwayId))
    .innerJoin(users, eq(users.id, pathways.userId))
    .where(and(inArray(evidence.groupId, groupIds), sql`${evidence.pathwayId} <> ${exceptPathwayId}`))
    .orderBy(desc(evidence.createdAt));
}
