import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from '../../platform/db/columns';
import { users } from '../../platform/auth/tables';
import { programmes } from '../programmes/tables';

/** What a source says about where it came from; only what applies to its kind is set. */
export interface SourceAttributes {
  workshopId?: string;
  workshop?: string;
  area?: string | null;
  pillar?: string | null;
  activity?: string;
  stakeholderType?: string | null;
  cluster?: string | null;
  votes?: number;
  studyId?: string;
  study?: string;
  round?: number;
  item?: string | null;
  stakeholderGroup?: string | null;
  filename?: string;
  /** The REFI-QDA project file a source was imported from (such sources are not the sync's: it leaves them). */
  importedFrom?: string;
  /** Set when the original was edited after a coding referred to this source: the text here was kept. */
  originalChanged?: boolean;
}

/**
 * Everything an analyst codes, one row per original record (a workshop note, an uploaded transcript,
 * a Delphi comment, reason or round-0 suggestion). `text` is exactly as entered: never trimmed or
 * normalised, because codings are offsets into it in Unicode code points.
 */
export const analysisSources = pgTable(
  'analysis_sources',
  {
    id: id(),
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    /** workshop-note | workshop-transcript | delphi-comment | delphi-reason | delphi-suggestion */
    kind: text('kind').notNull(),
    /** The record it came from. */
    originId: uuid('origin_id').notNull(),
    title: text('title').notNull(),
    text: text('text').notNull(),
    attributes: jsonb('attributes').$type<SourceAttributes>().notNull().default({}),
    /** A stable pseudonymous key of who wrote it, never a name. */
    contributorKey: text('contributor_key'),
    /** False when the contributor opted out of quotes or wrote anonymously. */
    quotable: boolean('quotable').notNull().default(true),
    /** When the original was written. */
    createdAt: createdAt(),
    syncedAt: tstz('synced_at').notNull().defaultNow(),
  },
  (t) => [
    unique('analysis_sources_origin_uq').on(t.kind, t.originId),
    index('analysis_sources_programme_idx').on(t.programmeId, t.kind),
    index('analysis_sources_text_idx').using('gin', sql`to_tsvector('english', ${t.text})`),
  ],
);

/** The codebook: hierarchical codes; a merged code points at the code its codings moved to. */
export const analysisCodes = pgTable(
  'analysis_codes',
  {
    id: id(),
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    parentId: uuid('parent_id').references((): AnyPgColumn => analysisCodes.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    definition: text('definition').notNull().default(''),
    whenToUse: text('when_to_use').notNull().default(''),
    whenNotToUse: text('when_not_to_use').notNull().default(''),
    example: text('example').notNull().default(''),
    /** #rrggbb */
    colour: text('colour').notNull().default('#005eb8'),
    position: integer('position').notNull().default(0),
    mergedIntoId: uuid('merged_into_id').references((): AnyPgColumn => analysisCodes.id, { onDelete: 'set null' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('analysis_codes_programme_idx').on(t.programmeId, t.parentId),
    // One live code of a name under one parent (top-level codes share the all-zero parent).
    uniqueIndex('analysis_codes_name_uq')
      .on(
        t.programmeId,
        sql`coalesce(${t.parentId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
        sql`lower(${t.name})`,
      )
      .where(sql`${t.mergedIntoId} is null`),
  ],
);

/** The history of the codebook: create, rename, move, merge, split, edit. */
export const analysisCodeEvents = pgTable(
  'analysis_code_events',
  {
    id: id(),
    codeId: uuid('code_id')
      .notNull()
      .references(() => analysisCodes.id, { onDelete: 'cascade' }),
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    /** create | rename | move | merge | split | edit */
    action: text('action').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    at: tstz('at').notNull().defaultNow(),
  },
  (t) => [index('analysis_code_events_code_idx').on(t.codeId, t.at)],
);

/**
 * A code applied by a coder to a whole source (start and end null) or to a span of it: offsets in
 * Unicode code points into analysis_sources.text, half-open [start, end).
 */
export const analysisCodings = pgTable(
  'analysis_codings',
  {
    id: id(),
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    sourceId: uuid('source_id')
      .notNull()
      .references(() => analysisSources.id, { onDelete: 'cascade' }),
    codeId: uuid('code_id')
      .notNull()
      .references(() => analysisCodes.id, { onDelete: 'cascade' }),
    coderId: uuid('coder_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    startCp: integer('start_cp'),
    endCp: integer('end_cp'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('analysis_codings_uq').on(
      t.sourceId,
      t.codeId,
      t.coderId,
      sql`coalesce(${t.startCp}, -1)`,
      sql`coalesce(${t.endCp}, -1)`,
    ),
    index('analysis_codings_programme_idx').on(t.programmeId, t.codeId),
    index('analysis_codings_source_idx').on(t.sourceId, t.coderId),
  ],
);

/** A coder marked a source done: only then do they see others' codings of it (blind coding). */
export const analysisCoderProgress = pgTable(
  'analysis_coder_progress',
  {
    sourceId: uuid('source_id')
      .notNull()
      .references(() => analysisSources.id, { onDelete: 'cascade' }),
    coderId: uuid('coder_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    doneAt: tstz('done_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.coderId] }), index('analysis_coder_progress_coder_idx').on(t.coderId)],
);

/** Memos on a code, a source, a coding, a theme or the whole project (target_id null). */
export const analysisMemos = pgTable(
  'analysis_memos',
  {
    id: id(),
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    /** code | source | coding | theme | project */
    targetType: text('target_type').notNull(),
    targetId: uuid('target_id'),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    text: text('text').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('analysis_memos_target_idx').on(t.programmeId, t.targetType, t.targetId)],
);

/**
 * An adjudication of a disagreement between coders: on one source, one code applied by some done coders and not
 * others. decision: keep (kept_coder_id's codings of the code) | both (every coder's) | neither | recode (the
 * codings under recode_id instead). The latest for a source and code counts; earlier ones stay as history.
 */
export const analysisAdjudications = pgTable(
  'analysis_adjudications',
  {
    id: id(),
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    sourceId: uuid('source_id')
      .notNull()
      .references(() => analysisSources.id, { onDelete: 'cascade' }),
    codeId: uuid('code_id')
      .notNull()
      .references(() => analysisCodes.id, { onDelete: 'cascade' }),
    decision: text('decision').notNull(),
    keptCoderId: uuid('kept_coder_id').references(() => users.id, { onDelete: 'set null' }),
    recodeId: uuid('recode_id').references(() => analysisCodes.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    decidedAt: tstz('decided_at').notNull().defaultNow(),
  },
  (t) => [index('analysis_adjudications_unit_idx').on(t.programmeId, t.sourceId, t.codeId, t.decidedAt)],
);

/** Themes, built from codes: status candidate | reviewed | defined ("defined" waits for the representatives' review). */
export const analysisThemes = pgTable(
  'analysis_themes',
  {
    id: id(),
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    definition: text('definition').notNull().default(''),
    memo: text('memo').notNull().default(''),
    /** candidate | reviewed | defined */
    status: text('status').notNull().default('candidate'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('analysis_themes_name_uq').on(t.programmeId, sql`lower(${t.name})`)],
);

/** The codes a theme is built from. */
export const analysisThemeCodes = pgTable(
  'analysis_theme_codes',
  {
    themeId: uuid('theme_id')
      .notNull()
      .references(() => analysisThemes.id, { onDelete: 'cascade' }),
    codeId: uuid('code_id')
      .notNull()
      .references(() => analysisCodes.id, { onDelete: 'cascade' }),
    addedAt: tstz('added_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.themeId, t.codeId] }), index('analysis_theme_codes_code_idx').on(t.codeId)],
);

/**
 * Representatives' reviews of themes (issue 12 item 8): one answer per theme and reviewer, the latest kept. The
 * reviewer is a random key made when they opened a review link (no account), or a signed-in user; their label is
 * in general terms ("A clinician in Cancer Care"), never required to be a name. verdict: agree | refine | disagree.
 */
export const analysisThemeReviews = pgTable(
  'analysis_theme_reviews',
  {
    id: id(),
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    themeId: uuid('theme_id')
      .notNull()
      .references(() => analysisThemes.id, { onDelete: 'cascade' }),
    reviewerKey: text('reviewer_key').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    reviewerLabel: text('reviewer_label').notNull().default(''),
    area: text('area').notNull().default(''),
    stakeholderType: text('stakeholder_type').notNull().default(''),
    verdict: text('verdict').notNull(),
    comment: text('comment').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('analysis_theme_reviews_reviewer_uq').on(t.themeId, t.reviewerKey),
    index('analysis_theme_reviews_programme_idx').on(t.programmeId),
  ],
);
