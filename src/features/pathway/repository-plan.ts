import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { users } from '../../platform/auth/tables';
import { groupMembers, pathwayGroups, pathways, planActions, planGoals } from './tables';

/** The development plan: goals, actions and the reminders about them. */

export type Goal = typeof planGoals.$inferSelect;
export type Action = typeof planActions.$inferSelect;

export async function goalsOf(db: Db, pathwayId: string, groupIds: string[] = []): Promise<Goal[]> {
  const where = groupIds.length
    ? sql`${planGoals.pathwayId} = ${pathwayId} or ${inArray(planGoals.groupId, groupIds)}`
    : eq(planGoals.pathwayId, pathwayId);
  return db.select().from(planGoals).where(where).orderBy(asc(planGoals.createdAt));
}

export async function getGoal(db: Db, id: string): Promise<Goal | undefined> {
  const [row] = await db.select().from(planGoals).where(eq(planGoals.id, id));
  return row;
}

export async function insertGoals(db: Db, values: (typeof planGoals.$inferInsert)[]): Promise<Goal[]> {
  if (values.length === 0) return [];
  return db.insert(planGoals).values(values).returning();
}

export async function updateGoal(db: Db, id: string, values: Partial<typeof planGoals.$inferInsert>) {
  await db
    .update(planGoals)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(planGoals.id, id));
}

export async function deleteGoal(db: Db, id: string) {
  await db.delete(planGoals).where(eq(planGoals.id, id));
}

export async function actionsOf(db: Db, goalIds: string[]): Promise<Action[]> {
  if (goalIds.length === 0) return [];
  return db
    .select()
    .from(planActions)
    .where(inArray(planActions.goalId, goalIds))
    .orderBy(asc(planActions.dueOn), asc(planActions.createdAt));
}

export async function getAction(db: Db, id: string): Promise<Action | undefined> {
  const [row] = await db.select().from(planActions).where(eq(planActions.id, id));
  return row;
}

export async function insertAction(db: Db, values: typeof planActions.$inferInsert): Promise<Action> {
  const [row] = await db.insert(planActions).values(values).returning();
  return row!;
}

export async function setActionDone(db: Db, id: string, done: boolean) {
  await db.update(planActions).set({ done }).where(eq(planActions.id, id));
}

export async function deleteAction(db: Db, id: string) {
  await db.delete(planActions).where(eq(planActions.id, id));
}

/**
 * Open actions due on or before `until` that have not been reminded about,
 * with whom to remind: the owner of a personal goal, or every member who
 * accepted a team goal's team (with their own pathway on its framework).
 */
export async function actionsToRemind(db: Db, until: string) {
  const due = and(eq(planActions.done, false), isNull(planActions.remindedAt), lte(planActions.dueOn, until));
  const personal = await db
    .select({
      action: planActions,
      goalTitle: planGoals.title,
      pathwayId: pathways.id,
      email: users.email,
      name: users.name,
    })
    .from(planActions)
    .innerJoin(planGoals, eq(planGoals.id, planActions.goalId))
    .innerJoin(pathways, eq(pathways.id, planGoals.pathwayId))
    .innerJoin(users, eq(users.id, pathways.userId))
    .where(due);
  const shared = await db
    .select({
      action: planActions,
      goalTitle: planGoals.title,
      pathwayId: pathways.id,
      email: users.email,
      name: users.name,
    })
    .from(planActions)
    .innerJoin(planGoals, eq(planGoals.id, planActions.goalId))
    .innerJoin(pathwayGroups, eq(pathwayGroups.id, planGoals.groupId))
    .innerJoin(
      groupMembers,
      and(eq(groupMembers.groupId, pathwayGroups.id), sql`${groupMembers.acceptedAt} is not null`),
    )
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .innerJoin(
      pathways,
      and(eq(pathways.userId, users.id), eq(pathways.frameworkVersionId, pathwayGroups.frameworkVersionId)),
    )
    .where(due);
  return [...personal, ...shared];
}

export async function markReminded(db: Db, ids: string[]) {
  if (ids.length) await db.update(planActions).set({ remindedAt: new Date() }).where(inArray(planActions.id, ids));
}
