import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { pathways, practitionerProfiles, selfAssessments } from './tables';

/** Practitioner profiles, pathways (with their evidence rules and area framework) and self-assessments. */

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
