import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { evidence, evidenceLinks, pathways, practitionerProfiles, selfAssessments } from './tables';

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

export async function insertPathway(db: Db, values: typeof pathways.$inferInsert): Promise<Pathway> {
  const [row] = await db.insert(pathways).values(values).returning();
  return row!;
}

export async function assessmentsOf(db: Db, pathwayId: string) {
  return db.select().from(selfAssessments).where(eq(selfAssessments.pathwayId, pathwayId)).orderBy(asc(selfAssessments.assessedAt));
}

export async function insertAssessments(db: Db, rows: { pathwayId: string; statementIdentifier: string; level: string; assessedAt: Date }[]) {
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
  return db.select().from(evidenceLinks).where(inArray(evidenceLinks.evidenceId, evidenceIds)).orderBy(asc(evidenceLinks.createdAt));
}

export async function upsertLink(db: Db, values: { evidenceId: string; statementIdentifier: string; reason: string }) {
  await db
    .insert(evidenceLinks)
    .values(values)
    .onConflictDoUpdate({ target: [evidenceLinks.evidenceId, evidenceLinks.statementIdentifier], set: { reason: values.reason } });
}

export async function deleteLink(db: Db, evidenceId: string, statementIdentifier: string): Promise<boolean> {
  const rows = await db
    .delete(evidenceLinks)
    .where(and(eq(evidenceLinks.evidenceId, evidenceId), eq(evidenceLinks.statementIdentifier, statementIdentifier)))
    .returning({ id: evidenceLinks.evidenceId });
  return rows.length > 0;
}
