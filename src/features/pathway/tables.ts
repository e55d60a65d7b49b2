import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from '../../platform/db/columns';
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
    /** Evidence rules the practitioner (or their programme) set; see rules.ts. */
    rules: jsonb('rules').$type<Record<string, number | null>>().notNull().default({}),
    /** The practitioner's own words for the four self-assessment levels (missing ones use the defaults). */
    levelNames: jsonb('level_names').$type<Record<string, string>>().notNull().default({}),
    createdAt: createdAt(),
  },
  // One pathway per person per framework version, however often "Start" or an import is submitted.
  (t) => [uniqueIndex('pathways_user_version_idx').on(t.userId, t.frameworkVersionId)],
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
    /** Evidence shared with a team: credited to every member who has accepted. */
    groupId: uuid('group_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  // Covers the per-pathway counts (status, last change) a cohort needs without reading the rows.
  (t) => [index('evidence_pathway_idx').on(t.pathwayId, t.status, t.updatedAt)],
);

/** Which statements a piece of evidence shows, each with a short reason. */
export const evidenceLinks = pgTable(
  'evidence_links',
  {
    evidenceId: uuid('evidence_id')
      .notNull()
      .references(() => evidence.id, { onDelete: 'cascade' }),
    statementIdentifier: uuid('statement_identifier').notNull(),
    /** The evidence's pathway, copied here so coverage across many pathways reads one index (evidence never moves). */
    pathwayId: uuid('pathway_id').notNull(),
    reason: text('reason').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.evidenceId, t.statementIdentifier] }),
    index('evidence_links_statement_idx').on(t.statementIdentifier),
    index('evidence_links_pathway_idx').on(t.pathwayId, t.statementIdentifier),
  ],
);

/** Files attached to a piece of evidence; the bytes live under DATA_DIR, only the key is stored here. */
export const evidenceAttachments = pgTable(
  'evidence_attachments',
  {
    id: id(),
    evidenceId: uuid('evidence_id')
      .notNull()
      .references(() => evidence.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    storageKey: text('storage_key').notNull(),
    sha256: text('sha256').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('evidence_attachments_evidence_idx').on(t.evidenceId)],
);

/**
 * A request for, and the answer to, confirmation of a piece of evidence: by a
 * colleague or an external organisation through a link (no account), or by the
 * practitioner's supervisor. One open request per evidence at a time.
 */
export const confirmations = pgTable(
  'confirmations',
  {
    id: id(),
    evidenceId: uuid('evidence_id')
      .notNull()
      .references(() => evidence.id, { onDelete: 'cascade' }),
    /** 'link' (colleague or organisation) | 'supervisor' */
    method: text('method').notNull(),
    requestedName: text('requested_name').notNull().default(''),
    requestedEmail: text('requested_email').notNull().default(''),
    /** null while waiting; then 'confirmed' | 'returned' | 'withdrawn' */
    outcome: text('outcome'),
    confirmerName: text('confirmer_name').notNull().default(''),
    confirmerRole: text('confirmer_role').notNull().default(''),
    confirmerRegistration: text('confirmer_registration').notNull().default(''),
    confirmerOrganisation: text('confirmer_organisation').notNull().default(''),
    /** The confirmer's statement, or the comments when returned. */
    statement: text('statement').notNull().default(''),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    decidedAt: tstz('decided_at'),
  },
  (t) => [index('confirmations_evidence_idx').on(t.evidenceId)],
);

/** Who supervises whom: added by the practitioner, so they choose who sees their portfolio. */
export const supervisions = pgTable(
  'supervisions',
  {
    practitionerId: uuid('practitioner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    supervisorId: uuid('supervisor_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.practitionerId, t.supervisorId] }),
    index('supervisions_supervisor_idx').on(t.supervisorId),
  ],
);

export const supervisionMeetings = pgTable(
  'supervision_meetings',
  {
    id: id(),
    practitionerId: uuid('practitioner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    supervisorId: uuid('supervisor_id').references(() => users.id, { onDelete: 'set null' }),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    notes: text('notes').notNull().default(''),
    agreedActions: text('agreed_actions').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [index('supervision_meetings_practitioner_idx').on(t.practitionerId, t.heldOn)],
);

/** A supervisor's sign-off of a stage of a pathway; a badge credential is issued with it. */
export const stageSignoffs = pgTable(
  'stage_signoffs',
  {
    id: id(),
    pathwayId: uuid('pathway_id')
      .notNull()
      .references(() => pathways.id, { onDelete: 'cascade' }),
    stage: text('stage').notNull(),
    supervisorId: uuid('supervisor_id').references(() => users.id, { onDelete: 'set null' }),
    supervisorName: text('supervisor_name').notNull(),
    comment: text('comment').notNull().default(''),
    /** The signed Open Badges 3.0 credential (a VC-JWT). */
    credential: text('credential').notNull(),
    signedAt: createdAt(),
  },
  (t) => [uniqueIndex('stage_signoffs_pathway_stage_idx').on(t.pathwayId, t.stage)],
);

/** The development plan: goals linked to statements, each with actions and due dates. */
export const planGoals = pgTable(
  'plan_goals',
  {
    id: id(),
    pathwayId: uuid('pathway_id').references(() => pathways.id, { onDelete: 'cascade' }),
    /** A team's shared goal belongs to the group instead of one pathway. */
    groupId: uuid('group_id').references(() => pathwayGroups.id, { onDelete: 'cascade' }),
    statementIdentifier: uuid('statement_identifier'),
    title: text('title').notNull(),
    /** not-started | in-progress | done */
    status: text('status').notNull().default('not-started'),
    targetOn: date('target_on', { mode: 'string' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('plan_goals_pathway_idx').on(t.pathwayId), index('plan_goals_group_idx').on(t.groupId)],
);

export const planActions = pgTable(
  'plan_actions',
  {
    id: id(),
    goalId: uuid('goal_id')
      .notNull()
      .references(() => planGoals.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    dueOn: date('due_on', { mode: 'string' }),
    done: boolean('done').notNull().default(false),
    remindedAt: tstz('reminded_at'),
    createdAt: createdAt(),
  },
  (t) => [index('plan_actions_goal_idx').on(t.goalId), index('plan_actions_due_idx').on(t.dueOn)],
);

/**
 * A team (members share goals and evidence) or a cohort (an educator or
 * programme lead follows members' progress figures, never their reflections).
 * Members join by accepting; until then they share nothing.
 */
export const pathwayGroups = pgTable('pathway_groups', {
  id: id(),
  kind: text('kind').notNull(),
  name: text('name').notNull(),
  frameworkVersionId: uuid('framework_version_id').notNull(),
  /** A cohort may belong to a programme, whose leads then see its anonymised aggregates. */
  programmeId: uuid('programme_id'),
  ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
});

export const groupMembers = pgTable(
  'group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => pathwayGroups.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    invitedAt: createdAt(),
    acceptedAt: tstz('accepted_at'),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user_idx').on(t.userId)],
);
