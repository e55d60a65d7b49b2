import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { evidence, evidenceAttachments, evidenceLinks, pathways } from './tables';

/** Evidence, its links to statements and its attachments. */

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
