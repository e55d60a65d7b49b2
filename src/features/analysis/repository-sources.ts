import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { analysisCodings, analysisSources, type SourceAttributes } from './tables';

export type Source = typeof analysisSources.$inferSelect;
export type NewSource = typeof analysisSources.$inferInsert;

/** The attributes a list can be filtered by, as they sit in a source's attributes. */
export type AttributeKey = 'workshopId' | 'area' | 'pillar' | 'activity' | 'stakeholderType' | 'cluster';

/** What the sources list is asked for: a kind, attribute values and words to search for. */
export interface SourceFilter {
  kind?: string;
  attributes: Partial<Record<AttributeKey, string>>;
  q?: string;
}

/** One attribute of a source as text. The key is one of ours (never a request's), written into the SQL so that
 * the same expression in a select list and a GROUP BY or ORDER BY is recognised as the same. */
const attribute = (key: string) => {
  if (!/^[A-Za-z]+$/.test(key)) throw new Error(`Not an attribute: ${key}`);
  return sql<string | null>`${analysisSources.attributes} ->> '${sql.raw(key)}'`;
};

/** The same expression the GIN index is built on, so the search uses it. */
const document = sql`to_tsvector('english', ${analysisSources.text})`;
const query = (q: string) => sql`websearch_to_tsquery('english', ${q})`;

/** A programme's sources as sync compares them, each with whether any coding refers to it. */
export async function sourcesForSync(db: Db, programmeId: string) {
  return db
    .select({
      id: analysisSources.id,
      kind: analysisSources.kind,
      originId: analysisSources.originId,
      title: analysisSources.title,
      text: analysisSources.text,
      attributes: analysisSources.attributes,
      contributorKey: analysisSources.contributorKey,
      quotable: analysisSources.quotable,
      // Written out in full: Drizzle leaves a single-table query's columns unqualified, which would bind both to codings.
      coded: sql<boolean>`exists (select 1 from "analysis_codings" c where c."source_id" = "analysis_sources"."id")`,
    })
    .from(analysisSources)
    .where(
      and(eq(analysisSources.programmeId, programmeId), sql`not (${analysisSources.attributes} ? 'importedFrom')`),
    );
}

/** New sources; one that another sync has just added is left as it is. */
export async function insertSources(db: Db, rows: NewSource[]) {
  if (rows.length) await db.insert(analysisSources).values(rows).onConflictDoNothing();
}

export async function updateSource(
  db: Db,
  id: string,
  values: {
    title: string;
    text: string;
    attributes: SourceAttributes;
    contributorKey: string | null;
    quotable: boolean;
  },
) {
  await db
    .update(analysisSources)
    .set({ ...values, syncedAt: new Date() })
    .where(eq(analysisSources.id, id));
}

export async function deleteSources(db: Db, ids: string[]) {
  if (ids.length) await db.delete(analysisSources).where(inArray(analysisSources.id, ids));
}

/** How many sources a programme has, by kind and area. */
export async function countsByKindAndArea(db: Db, programmeId: string) {
  return db
    .select({ kind: analysisSources.kind, area: attribute('area'), n: count() })
    .from(analysisSources)
    .where(eq(analysisSources.programmeId, programmeId))
    .groupBy(analysisSources.kind, attribute('area'));
}

/** The values one attribute takes among a programme's sources, with the workshop's title for workshops. */
export async function attributeValues(db: Db, programmeId: string, key: AttributeKey) {
  const rows = await db
    .selectDistinct({
      value: attribute(key),
      label: key === 'workshopId' ? attribute('workshop') : attribute(key),
    })
    .from(analysisSources)
    .where(and(eq(analysisSources.programmeId, programmeId), sql`${attribute(key)} is not null`))
    .orderBy(asc(key === 'workshopId' ? attribute('workshop') : attribute(key)));
  return rows.map((r) => ({ value: r.value!, label: r.label ?? r.value! }));
}

function conditions(programmeId: string, f: SourceFilter): SQL[] {
  return [
    eq(analysisSources.programmeId, programmeId),
    ...(f.kind ? [eq(analysisSources.kind, f.kind)] : []),
    ...Object.entries(f.attributes).map(([key, value]) => sql`${attribute(key)} = ${value}`),
    ...(f.q ? [sql`${document} @@ ${query(f.q)}`] : []),
  ];
}

/** One page of a programme's sources matching the filter: best matches first when searching, else oldest first. */
export async function listSources(db: Db, programmeId: string, f: SourceFilter, limit: number, offset: number) {
  const where = and(...conditions(programmeId, f));
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(analysisSources)
      .where(where)
      .orderBy(
        ...(f.q ? [desc(sql`ts_rank(${document}, ${query(f.q)})`)] : []),
        asc(analysisSources.createdAt),
        asc(analysisSources.id),
      )
      .limit(limit)
      .offset(offset),
    db.select({ n: count() }).from(analysisSources).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/**
 * The texts of these sources with the words matching the search marked between `start` and `stop`:
 * the whole text when it is at most `whole` characters, otherwise a few fragments around the matches.
 */
export async function headlines(
  db: Db,
  ids: string[],
  q: string,
  marks: { start: string; stop: string },
  whole: number,
) {
  if (!ids.length) return new Map<string, string>();
  const all = `StartSel=${marks.start}, StopSel=${marks.stop}, HighlightAll=true`;
  const fragments = `StartSel=${marks.start}, StopSel=${marks.stop}, MaxFragments=3, MaxWords=30, MinWords=12, FragmentDelimiter=" … "`;
  const rows = await db
    .select({
      id: analysisSources.id,
      headline: sql<string>`ts_headline('english', ${analysisSources.text}, ${query(q)},
        case when char_length(${analysisSources.text}) <= ${whole} then ${all} else ${fragments} end)`,
    })
    .from(analysisSources)
    .where(inArray(analysisSources.id, ids));
  return new Map(rows.map((r) => [r.id, r.headline]));
}

export async function getSource(db: Db, id: string): Promise<Source | undefined> {
  const [row] = await db.select().from(analysisSources).where(eq(analysisSources.id, id));
  return row;
}

/** How many codings refer to a source (a note edited since keeps the text its codings point into). */
export async function codingsOfSource(db: Db, sourceId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(analysisCodings).where(eq(analysisCodings.sourceId, sourceId));
  return row?.n ?? 0;
}

/** How many codings a programme has (part of the sync's fingerprint). */
export async function codingsCount(db: Db, programmeId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(analysisCodings)
    .where(eq(analysisCodings.programmeId, programmeId));
  return row?.n ?? 0;
}
