import { date, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
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
