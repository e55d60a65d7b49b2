import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { users } from '../../platform/auth/tables';
import {
  evidence,
  evidenceLinks,
  groupMembers,
  pathways,
  practitionerProfiles,
  selfAssessments,
  stageSignoffs,
} from './tables';

/** Cohort figures: set-based, so a 500-person cohort is a handful of queries. */

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
