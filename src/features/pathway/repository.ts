import { and, asc, count, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { users } from '../../platform/auth/tables';
import {
  confirmations,
  evidence,
  evidenceAttachments,
  evidenceLinks,
  groupMembers,
  pathwayGroups,
  pathways,
  planActions,
  planGoals,
  practitionerProfiles,
  selfAssessments,
  stageSignoffs,
  supervisionMeetings,
  supervisions,
} from './tables';

export type Profile = typeof practitionerProfiles.$inferSelect;
export type Pathway = typeof pathways.$inferSelect;

export async function getProfile(db: Db, userId: string): Promise<Profile | undefined> {
  const [row] = await db.select().from(practitionerProfiles).where(eq(practitionerProfiles.userId, userId));
  return row;
}

export async function saveProfile(db: Db, values: typeof practitionerProfiles.$inferInsert) {
  await db
    .insert(practitionerProfiles)
    .values(values)
    .onConflictDoUpdate({ target: practitionerProfiles.userId, set: { ...values, updatedAt: new Date() } });
}

export async function pathwaysOf(db: Db, userId: string): Promise<Pathway[]> {
  return db.select().from(pathways).where(eq(pathways.userId, userId)).orderBy(asc(pathways.createdAt));
}

export async function getPathway(db: Db, id: string): Promise<Pathway | undefined> {
  const [row] = await db.select().from(pathways).where(eq(pathways.id, id));
  return row;
}

export async function findPathway(db: Db, userId: string, frameworkVersionId: string): Promise<Pathway | undefined> {
  const [row] = await db
    .select()
    .from(pathways)
    .where(and(eq(pathways.userId, userId), eq(pathways.frameworkVersionId, frameworkVersionId)));
  return row;
}

/** Creates the person's pathway on a framework version, or returns the one they already have. */
export async function insertPathway(db: Db, values: typeof pathways.$inferInsert): Promise<Pathway> {
  const [row] = await db.insert(pathways).values(values).onConflictDoNothing().returning();
  return row ?? (await findPathway(db, values.userId, values.frameworkVersionId))!;
}

export async function assessmentsOf(db: Db, pathwayId: string) {
  return db
    .select()
    .from(selfAssessments)
    .where(eq(selfAssessments.pathwayId, pathwayId))
    .orderBy(asc(selfAssessments.assessedAt));
}

export async function insertAssessments(
  db: Db,
  rows: { pathwayId: string; statementIdentifier: string; level: string; assessedAt: Date }[],
) {
  if (rows.length) await db.insert(selfAssessments).values(rows);
}

export type Evidence = typeof evidence.$inferSelect;

export async function insertEvidence(db: Db, values: typeof evidence.$inferInsert): Promise<Evidence> {
  const [row] = await db.insert(evidence).values(values).returning();
  return row!;
}

export async function evidenceOf(db: Db, pathwayId: string): Promise<Evidence[]> {
  return db.select().from(evidence).where(eq(evidence.pathwayId, pathwayId)).orderBy(desc(evidence.createdAt));
}

export async function getEvidence(db: Db, id: string): Promise<Evidence | undefined> {
  const [row] = await db.select().from(evidence).where(eq(evidence.id, id));
  return row;
}

export async function linksOf(db: Db, evidenceIds: string[]) {
  if (evidenceIds.length === 0) return [];
  return db
    .select()
    .from(evidenceLinks)
    .where(inArray(evidenceLinks.evidenceId, evidenceIds))
    .orderBy(asc(evidenceLinks.createdAt));
}

export async function upsertLink(
  db: Db,
  values: { evidenceId: string; statementIdentifier: string; pathwayId: string; reason: string },
) {
  await db
    .insert(evidenceLinks)
    .values(values)
    .onConflictDoUpdate({
      target: [evidenceLinks.evidenceId, evidenceLinks.statementIdentifier],
      set: { reason: values.reason },
    });
}

export async function deleteLink(db: Db, evidenceId: string, statementIdentifier: string): Promise<boolean> {
  const rows = await db
    .delete(evidenceLinks)
    .where(and(eq(evidenceLinks.evidenceId, evidenceId), eq(evidenceLinks.statementIdentifier, statementIdentifier)))
    .returning({ id: evidenceLinks.evidenceId });
  return rows.length > 0;
}

export async function setRules(
  db: Db,
  pathwayId: string,
  rules: Record<string, number | null>,
  levelNames?: Record<string, string>,
) {
  await db
    .update(pathways)
    .set(levelNames ? { rules, levelNames } : { rules })
    .where(eq(pathways.id, pathwayId));
}

export async function setArea(db: Db, pathwayId: string, areaVersionId: string | null) {
  await db.update(pathways).set({ areaVersionId }).where(eq(pathways.id, pathwayId));
}

export async function countEvidence(db: Db, pathwayId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(evidence).where(eq(evidence.pathwayId, pathwayId));
  return row?.n ?? 0;
}

/** Changes evidence while its status is one of `onlyIf`; false if it was not. */
export async function updateEvidence(
  db: Db,
  id: string,
  values: Partial<typeof evidence.$inferInsert>,
  onlyIf: string[],
): Promise<boolean> {
  const rows = await db
    .update(evidence)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(evidence.id, id), inArray(evidence.status, onlyIf)))
    .returning({ id: evidence.id });
  return rows.length > 0;
}

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

/** Moves evidence to a new status only from one of the expected ones; false when someone else got there first. */
export async function moveEvidence(db: Db, id: string, from: string[], to: string): Promise<boolean> {
  const rows = await db
    .update(evidence)
    .set({ status: to, updatedAt: new Date() })
    .where(and(eq(evidence.id, id), inArray(evidence.status, from)))
    .returning({ id: evidence.id });
  return rows.length > 0;
}

export async function deleteEvidence(db: Db, id: string) {
  await db.delete(evidence).where(eq(evidence.id, id));
}

// ---- attachments -----------------------------------------------------------------------

export type Attachment = typeof evidenceAttachments.$inferSelect;

export async function insertAttachment(db: Db, values: typeof evidenceAttachments.$inferInsert): Promise<Attachment> {
  const [row] = await db.insert(evidenceAttachments).values(values).returning();
  return row!;
}

export async function attachmentsOf(db: Db, evidenceIds: string[]): Promise<Attachment[]> {
  if (evidenceIds.length === 0) return [];
  return db
    .select()
    .from(evidenceAttachments)
    .where(inArray(evidenceAttachments.evidenceId, evidenceIds))
    .orderBy(asc(evidenceAttachments.createdAt));
}

export async function getAttachment(db: Db, id: string): Promise<Attachment | undefined> {
  const [row] = await db.select().from(evidenceAttachments).where(eq(evidenceAttachments.id, id));
  return row;
}

export async function deleteAttachment(db: Db, id: string) {
  await db.delete(evidenceAttachments).where(eq(evidenceAttachments.id, id));
}

/** Every stored file key of a user's portfolio, so the files can go when the account does. */
export async function attachmentKeysOfUser(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .select({ key: evidenceAttachments.storageKey })
    .from(evidenceAttachments)
    .innerJoin(evidence, eq(evidence.id, evidenceAttachments.evidenceId))
    .innerJoin(pathways, eq(pathways.id, evidence.pathwayId))
    .where(eq(pathways.userId, userId));
  return rows.map((r) => r.key);
}

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

// ---- development plan ------------------------------------------------------------------

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

// ---- groups and cohorts ----------------------------------------------------------------

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

// ---- cohort figures: set-based, so a 500-person cohort is a handful of queries -------

/** The accepted members of a group with their profile and their pathway on the group's framework version. */
export async function cohortMembers(db: Db, groupId: string, versionId: string) {
  return db
    .select({
      id: users.id,
      name: users.name,
      profile: practitionerProfiles,
      pathwayId: pathways.id,
      joinedAt: groupMembers.acceptedAt,
    })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .leftJoin(practitionerProfiles, eq(practitionerProfiles.userId, users.id))
    .leftJoin(pathways, and(eq(pathways.userId, users.id), eq(pathways.frameworkVersionId, versionId)))
    .where(and(eq(groupMembers.groupId, groupId), sql`${groupMembers.acceptedAt} is not null`))
    .orderBy(asc(users.name));
}

/** Per pathway: evidence in all, confirmed, and the last time any evidence changed. */
export async function evidenceFigures(db: Db, pathwayIds: string[]) {
  if (pathwayIds.length === 0) return [];
  return db
    .select({
      pathwayId: evidence.pathwayId,
      total: count(),
      confirmed: sql<number>`count(*) filter (where ${evidence.status} = 'confirmed')`.mapWith(Number),
      submitted: sql<number>`count(*) filter (where ${evidence.status} = 'submitted')`.mapWith(Number),
      lastChange: sql<Date | null>`max(${evidence.updatedAt})`.mapWith((v) => (v ? new Date(v) : null)),
    })
    .from(evidence)
    .where(inArray(evidence.pathwayId, pathwayIds))
    .groupBy(evidence.pathwayId);
}

/** Per pathway: the statements that have at least one piece of evidence. */
export async function coveredStatements(db: Db, pathwayIds: string[]) {
  if (pathwayIds.length === 0) return [];
  return db
    .selectDistinct({ pathwayId: evidenceLinks.pathwayId, statementIdentifier: evidenceLinks.statementIdentifier })
    .from(evidenceLinks)
    .where(inArray(evidenceLinks.pathwayId, pathwayIds));
}

/** Per pathway: the latest self-assessment level of each statement, and when they last assessed. */
export async function latestLevels(db: Db, pathwayIds: string[]) {
  if (pathwayIds.length === 0) return [];
  return db
    .selectDistinctOn([selfAssessments.pathwayId, selfAssessments.statementIdentifier], {
      pathwayId: selfAssessments.pathwayId,
      statementIdentifier: selfAssessments.statementIdentifier,
      level: selfAssessments.level,
      assessedAt: selfAssessments.assessedAt,
    })
    .from(selfAssessments)
    .where(inArray(selfAssessments.pathwayId, pathwayIds))
    .orderBy(selfAssessments.pathwayId, selfAssessments.statementIdentifier, desc(selfAssessments.assessedAt));
}

export async function signoffsOfMany(db: Db, pathwayIds: string[]) {
  if (pathwayIds.length === 0) return [];
  return db
    .select({ pathwayId: stageSignoffs.pathwayId, stage: stageSignoffs.stage })
    .from(stageSignoffs)
    .where(inArray(stageSignoffs.pathwayId, pathwayIds));
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
