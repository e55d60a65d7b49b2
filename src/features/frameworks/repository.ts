import { and, asc, desc, eq, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import type { FrameworkDoc, FrameworkItem } from './model';
import {
  frameworkImports,
  frameworkItems,
  frameworkMappings,
  frameworks,
  frameworkVersions,
  provenanceLinks,
} from './tables';

export type Framework = typeof frameworks.$inferSelect;
export type Version = typeof frameworkVersions.$inferSelect;
export type ItemRow = typeof frameworkItems.$inferSelect;
export type ProvenanceLink = typeof provenanceLinks.$inferSelect;
export type PendingImport = typeof frameworkImports.$inferSelect;

export async function findFrameworkByShortName(db: Db, shortName: string): Promise<Framework | undefined> {
  const [row] = await db
    .select()
    .from(frameworks)
    .where(sql`lower(${frameworks.shortName}) = lower(${shortName})`);
  return row;
}

export async function findFrameworkById(db: Db, id: string): Promise<Framework | undefined> {
  const [row] = await db.select().from(frameworks).where(eq(frameworks.id, id));
  return row;
}

export async function upsertFramework(db: Db, f: FrameworkDoc['framework']): Promise<void> {
  const values = {
    shortName: f.shortName,
    title: f.title,
    publisher: f.publisher,
    kind: f.kind,
    area: f.area,
    description: f.description,
  };
  await db
    .insert(frameworks)
    .values({ id: f.identifier, ...values })
    .onConflictDoUpdate({ target: frameworks.id, set: { ...values, updatedAt: new Date() } });
}

export async function listFrameworks(db: Db): Promise<Framework[]> {
  return db.select().from(frameworks).orderBy(asc(frameworks.kind), asc(frameworks.title));
}

export async function versionsOf(db: Db, frameworkId: string): Promise<Version[]> {
  return db
    .select()
    .from(frameworkVersions)
    .where(eq(frameworkVersions.frameworkId, frameworkId))
    .orderBy(desc(frameworkVersions.createdAt), desc(frameworkVersions.label));
}

export async function allVersions(db: Db): Promise<(Version & { shortName: string })[]> {
  const rows = await db
    .select({ v: frameworkVersions, shortName: frameworks.shortName })
    .from(frameworkVersions)
    .innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId))
    .orderBy(asc(frameworks.shortName), asc(frameworkVersions.createdAt));
  return rows.map((r) => ({ ...r.v, shortName: r.shortName }));
}

export async function findVersion(db: Db, frameworkId: string, label: string): Promise<Version | undefined> {
  const [row] = await db
    .select()
    .from(frameworkVersions)
    .where(and(eq(frameworkVersions.frameworkId, frameworkId), eq(frameworkVersions.label, label)));
  return row;
}

export async function findVersionById(db: Db, id: string): Promise<Version | undefined> {
  const [row] = await db.select().from(frameworkVersions).where(eq(frameworkVersions.id, id));
  return row;
}

export async function insertVersion(db: Db, values: typeof frameworkVersions.$inferInsert): Promise<Version> {
  const [row] = await db.insert(frameworkVersions).values(values).returning();
  return row!;
}

export async function setVersionStatus(
  db: Db,
  id: string,
  status: string,
  publishedAt: string | null,
  changedAt: Date,
) {
  await db.update(frameworkVersions).set({ status, publishedAt, changedAt }).where(eq(frameworkVersions.id, id));
}

/** Marks every other published version of the framework superseded. */
export async function supersedeOthers(db: Db, frameworkId: string, keepId: string) {
  await db
    .update(frameworkVersions)
    .set({ status: 'superseded' })
    .where(
      and(
        eq(frameworkVersions.frameworkId, frameworkId),
        eq(frameworkVersions.status, 'published'),
        ne(frameworkVersions.id, keepId),
      ),
    );
}

export async function touchVersion(db: Db, id: string, changedAt: Date) {
  await db.update(frameworkVersions).set({ changedAt }).where(eq(frameworkVersions.id, id));
}

export async function insertItems(db: Db, versionId: string, items: FrameworkItem[]) {
  for (let i = 0; i < items.length; i += 500) {
    await db.insert(frameworkItems).values(
      items.slice(i, i + 500).map((item, n) => ({
        versionId,
        identifier: item.identifier,
        code: item.code,
        type: item.type,
        parentCode: item.parentCode,
        position: i + n,
        text: item.text,
        description: item.description,
        stage: item.stage,
        area: item.area,
        notes: item.notes,
        caseData: item.case ?? null,
      })),
    );
  }
}

export async function insertMappings(db: Db, versionId: string, mappings: FrameworkDoc['mappings']) {
  if (mappings.length) await db.insert(frameworkMappings).values(mappings.map((m) => ({ versionId, ...m })));
}

export async function itemsOf(db: Db, versionId: string): Promise<ItemRow[]> {
  return db
    .select()
    .from(frameworkItems)
    .where(eq(frameworkItems.versionId, versionId))
    .orderBy(asc(frameworkItems.position));
}

export async function findItem(db: Db, versionId: string, code: string): Promise<ItemRow | undefined> {
  const [row] = await db
    .select()
    .from(frameworkItems)
    .where(and(eq(frameworkItems.versionId, versionId), eq(frameworkItems.code, code)));
  return row;
}

export async function updateItem(
  db: Db,
  id: string,
  values: { text: string; stage: string | null; caseData?: unknown },
) {
  await db.update(frameworkItems).set(values).where(eq(frameworkItems.id, id));
}

export async function mappingsOf(db: Db, versionId: string) {
  return db
    .select()
    .from(frameworkMappings)
    .where(eq(frameworkMappings.versionId, versionId))
    .orderBy(asc(frameworkMappings.fromCode));
}

/** Items of other frameworks' current versions that map onto `shortName`'s items. */
export async function mappingsInto(db: Db, shortName: string, versionIds: string[]) {
  if (versionIds.length === 0) return [];
  return db
    .select({
      toCode: frameworkMappings.toCode,
      kind: frameworkMappings.kind,
      fromCode: frameworkMappings.fromCode,
      fromText: frameworkItems.text,
      fromStage: frameworkItems.stage,
      shortName: frameworks.shortName,
      title: frameworks.title,
      area: frameworks.area,
      label: frameworkVersions.label,
    })
    .from(frameworkMappings)
    .innerJoin(frameworkVersions, eq(frameworkVersions.id, frameworkMappings.versionId))
    .innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId))
    .innerJoin(
      frameworkItems,
      and(
        eq(frameworkItems.versionId, frameworkMappings.versionId),
        eq(frameworkItems.code, frameworkMappings.fromCode),
      ),
    )
    .where(
      and(
        sql`lower(${frameworkMappings.toFramework}) = lower(${shortName})`,
        inArray(frameworkMappings.versionId, versionIds),
      ),
    )
    .orderBy(asc(frameworks.shortName), asc(frameworkMappings.fromCode));
}

/** Codes of the version's items that match a search, using PostgreSQL text search (the same on both drivers). */
export async function searchCodes(db: Db, versionId: string, q: string): Promise<Set<string>> {
  const rows = await db
    .select({ code: frameworkItems.code })
    .from(frameworkItems)
    .where(
      and(
        eq(frameworkItems.versionId, versionId),
        sql`to_tsvector('english', ${frameworkItems.code} || ' ' || ${frameworkItems.text} || ' ' || ${frameworkItems.notes}) @@ websearch_to_tsquery('english', ${q})`,
      ),
    );
  return new Set(rows.map((r) => r.code));
}

export async function provenanceOf(db: Db, itemId: string): Promise<ProvenanceLink[]> {
  return db
    .select()
    .from(provenanceLinks)
    .where(eq(provenanceLinks.itemId, itemId))
    .orderBy(asc(provenanceLinks.createdAt));
}

export async function insertProvenance(db: Db, values: typeof provenanceLinks.$inferInsert) {
  const [row] = await db.insert(provenanceLinks).values(values).returning();
  return row!;
}

export async function insertPendingImport(
  db: Db,
  values: { userId: string; format: string; filename: string; content: string },
) {
  const [row] = await db.insert(frameworkImports).values(values).returning();
  return row!;
}

export async function findPendingImport(db: Db, id: string, userId: string): Promise<PendingImport | undefined> {
  const [row] = await db
    .select()
    .from(frameworkImports)
    .where(and(eq(frameworkImports.id, id), eq(frameworkImports.userId, userId)));
  return row;
}

/** Locks a pending import for the rest of the transaction, so two confirms of one preview run one after the other. */
export async function lockPendingImport(db: Db, id: string): Promise<PendingImport | undefined> {
  const [row] = await db.select().from(frameworkImports).where(eq(frameworkImports.id, id)).for('update');
  return row;
}

/** Uploads waiting for confirmation (or already confirmed) older than `before`: they hold whole files and are not needed again. */
export async function deletePendingImportsBefore(db: Db, before: Date): Promise<void> {
  await db.delete(frameworkImports).where(lt(frameworkImports.createdAt, before));
}

export async function markPendingImported(db: Db, id: string, versionId: string): Promise<void> {
  await db
    .update(frameworkImports)
    .set({ importedVersionId: versionId })
    .where(and(eq(frameworkImports.id, id), isNull(frameworkImports.importedVersionId)));
}

export async function findItemByIdentifier(
  db: Db,
  versionId: string,
  identifier: string,
): Promise<ItemRow | undefined> {
  const [row] = await db
    .select()
    .from(frameworkItems)
    .where(and(eq(frameworkItems.versionId, versionId), eq(frameworkItems.identifier, identifier)));
  return row;
}

export async function maxPosition(db: Db, versionId: string): Promise<number> {
  const [row] = await db
    .select({ p: sql<number>`coalesce(max(${frameworkItems.position}), -1)` })
    .from(frameworkItems)
    .where(eq(frameworkItems.versionId, versionId));
  return Number(row?.p ?? -1);
}

export async function insertItem(db: Db, values: typeof frameworkItems.$inferInsert): Promise<ItemRow> {
  const [row] = await db.insert(frameworkItems).values(values).returning();
  return row!;
}

/** Whether a version already has a provenance link from this source (so sending twice links once). */
export async function hasProvenance(db: Db, versionId: string, sourceType: string, sourceId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: provenanceLinks.id })
    .from(provenanceLinks)
    .innerJoin(frameworkItems, eq(frameworkItems.id, provenanceLinks.itemId))
    .where(
      and(
        eq(frameworkItems.versionId, versionId),
        eq(provenanceLinks.sourceType, sourceType),
        eq(provenanceLinks.sourceId, sourceId),
      ),
    )
    .limit(1);
  return !!row;
}

/** Items of any framework with these identifiers (newest version first), so a CASE package's mapping to them becomes a Waymark mapping. */
export async function itemsByIdentifier(db: Db, identifiers: string[]) {
  if (identifiers.length === 0) return [];
  return db
    .select({
      identifier: frameworkItems.identifier,
      code: frameworkItems.code,
      frameworkId: frameworks.id,
      shortName: frameworks.shortName,
    })
    .from(frameworkItems)
    .innerJoin(frameworkVersions, eq(frameworkVersions.id, frameworkItems.versionId))
    .innerJoin(frameworks, eq(frameworks.id, frameworkVersions.frameworkId))
    .where(inArray(frameworkItems.identifier, identifiers))
    .orderBy(desc(frameworkVersions.createdAt));
}
