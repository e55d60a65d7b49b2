import { date, index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from '../../platform/db/columns';
import { users } from '../../platform/auth/tables';

export const practitionerProfiles = pgTable('practitioner_profiles', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  profession: text('profession').notNull().default(''),
  registration: text('registration').notNull().default(''),
  clinicalArea: text('clinical_area'),
  currentPost: text('current_post').notNull().default(''),
  employer: text('employer').notNull().default(''),
  /** The day they started in a consultant-level post; the stage is derived from it. */
  consultantPostStart: date('consultant_post_start', { mode: 'string' }),
  stageOverride: text('stage_override'),
  overrideReason: text('override_reason').notNull().default(''),
  updatedAt: updatedAt(),
});

/** A practitioner following a published framework version (optionally with an area framework). */
export const pathways = pgTable(
  'pathways',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    frameworkVersionId: uuid('framework_version_id').notNull(),
    areaVersionId: uuid('area_version_id'),
    createdAt: createdAt(),
  },
  (t) => [index('pathways_user_idx').on(t.userId)],
);

/** Every self-assessment is kept, so progress shows over time; the latest per statement is the current one. */
export const selfAssessments = pgTable(
  'self_assessments',
  {
    id: id(),
    pathwayId: uuid('pathway_id')
      .notNull()
      .references(() => pathways.id, { onDelete: 'cascade' }),
    /** The framework statement's identifier, stable across versions. */
    statementIdentifier: uuid('statement_identifier').notNull(),
    level: text('level').notNull(),
    assessedAt: createdAt(),
  },
  (t) => [index('self_assessments_pathway_idx').on(t.pathwayId, t.statementIdentifier, t.assessedAt)],
);

/** A piece of workplace evidence in a practitioner's portfolio. */
export const evidence = pgTable(
  'evidence',
  {
    id: id(),
    pathwayId: uuid('pathway_id')
      .notNull()
      .references(() => pathways.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    occurredOn: date('occurred_on', { mode: 'string' }),
    /** The reflective account, written freely or to a template's prompts. */
    reflection: text('reflection').notNull().default(''),
    template: text('template').notNull().default('none'),
    /** draft → submitted → confirmed | returned */
    status: text('status').notNull().default('draft'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('evidence_pathway_idx').on(t.pathwayId)],
);

/** Which statements a piece of evidence shows, each with a short reason. */
export const evidenceLinks = pgTable(
  'evidence_links',
  {
    evidenceId: uuid('evidence_id')
      .notNull()
      .references(() => evidence.id, { onDelete: 'cascade' }),
    statementIdentifier: uuid('statement_identifier').notNull(),
    reason: text('reason').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.evidenceId, t.statementIdentifier] }), index('evidence_links_statement_idx').on(t.statementIdentifier)],
);
