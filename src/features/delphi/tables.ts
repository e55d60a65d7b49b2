import { boolean, index, integer, jsonb, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from '../../platform/db/columns';
import { users } from '../../platform/auth/tables';
import { programmes } from '../programmes/tables';

export const delphiStudies = pgTable(
  'delphi_studies',
  {
    id: id(),
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    purpose: text('purpose').notNull().default(''),
    /** { min, max, low: [a, b], high: [a, b], labels: { low, mid, high } } */
    scale: jsonb('scale').notNull(),
    allowUnable: boolean('allow_unable').notNull().default(true),
    /** A consensus rule as src/stats/consensus.ts defines it. */
    rule: jsonb('rule').notNull(),
    quartileMethod: integer('quartile_method').notNull().default(7),
    everyGroup: boolean('every_group').notNull().default(false),
    /** Ask for a reason when a rating is this far or more from the previous round's group median (null: never ask). */
    reasonDistance: integer('reason_distance'),
    /** Off by default: exports never link ratings to names. */
    namesInExports: boolean('names_in_exports').notNull().default(false),
    /** Set when round 1 opens; from then on a rule change needs a reason. */
    lockedAt: tstz('locked_at'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('delphi_studies_programme_idx').on(t.programmeId)],
);

export const delphiSettingChanges = pgTable('delphi_setting_changes', {
  id: id(),
  studyId: uuid('study_id')
    .notNull()
    .references(() => delphiStudies.id, { onDelete: 'cascade' }),
  changedBy: uuid('changed_by').references(() => users.id, { onDelete: 'set null' }),
  reason: text('reason').notNull(),
  before: jsonb('before').notNull(),
  after: jsonb('after').notNull(),
  at: createdAt(),
});

export const delphiRounds = pgTable(
  'delphi_rounds',
  {
    id: id(),
    studyId: uuid('study_id')
      .notNull()
      .references(() => delphiStudies.id, { onDelete: 'cascade' }),
    /** 0 is the optional open-suggestions round. */
    number: integer('number').notNull(),
    /** draft → open → closed */
    status: text('status').notNull().default('draft'),
    closesAt: tstz('closes_at'),
    openedAt: tstz('opened_at'),
    closedAt: tstz('closed_at'),
  },
  (t) => [unique('delphi_rounds_number_uq').on(t.studyId, t.number)],
);

export const delphiItems = pgTable(
  'delphi_items',
  {
    id: id(),
    roundId: uuid('round_id')
      .notNull()
      .references(() => delphiRounds.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    text: text('text').notNull(),
    domain: text('domain').notNull().default(''),
    stage: text('stage'),
    /** null: all areas */
    area: text('area'),
    /** The framework statement it came from, when it did. */
    sourceIdentifier: uuid('source_identifier'),
    position: integer('position').notNull(),
  },
  (t) => [
    unique('delphi_items_code_uq').on(t.roundId, t.code),
    index('delphi_items_round_idx').on(t.roundId, t.position),
  ],
);

/** Where an item came from: carried forward, reworded, merged from several, split from one. */
export const delphiLineage = pgTable(
  'delphi_lineage',
  {
    itemId: uuid('item_id')
      .notNull()
      .references(() => delphiItems.id, { onDelete: 'cascade' }),
    parentId: uuid('parent_id')
      .notNull()
      .references(() => delphiItems.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
  },
  (t) => [unique('delphi_lineage_uq').on(t.itemId, t.parentId), index('delphi_lineage_parent_idx').on(t.parentId)],
);

export const delphiPanellists = pgTable(
  'delphi_panellists',
  {
    id: id(),
    studyId: uuid('study_id')
      .notNull()
      .references(() => delphiStudies.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    name: text('name').notNull().default(''),
    /** The stakeholder group panellists are analysed by. */
    stakeholderType: text('stakeholder_type').notNull(),
    area: text('area'),
    invitedAt: createdAt(),
    withdrawnAt: tstz('withdrawn_at'),
  },
  (t) => [unique('delphi_panellists_email_uq').on(t.studyId, t.email)],
);

export const delphiParticipation = pgTable(
  'delphi_participation',
  {
    panellistId: uuid('panellist_id')
      .notNull()
      .references(() => delphiPanellists.id, { onDelete: 'cascade' }),
    roundId: uuid('round_id')
      .notNull()
      .references(() => delphiRounds.id, { onDelete: 'cascade' }),
    startedAt: tstz('started_at'),
    completedAt: tstz('completed_at'),
    remindedAt: tstz('reminded_at'),
  },
  (t) => [
    unique('delphi_participation_uq').on(t.panellistId, t.roundId),
    index('delphi_participation_round_idx').on(t.roundId),
  ],
);

export const delphiRatings = pgTable(
  'delphi_ratings',
  {
    id: id(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => delphiItems.id, { onDelete: 'cascade' }),
    panellistId: uuid('panellist_id')
      .notNull()
      .references(() => delphiPanellists.id, { onDelete: 'cascade' }),
    /** null: unable to rate */
    rating: integer('rating'),
    comment: text('comment').notNull().default(''),
    reason: text('reason').notNull().default(''),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('delphi_ratings_uq').on(t.itemId, t.panellistId),
    index('delphi_ratings_panellist_idx').on(t.panellistId),
  ],
);

/** Round 0: open suggestions that facilitators turn into items. */
export const delphiSuggestions = pgTable('delphi_suggestions', {
  id: id(),
  roundId: uuid('round_id')
    .notNull()
    .references(() => delphiRounds.id, { onDelete: 'cascade' }),
  panellistId: uuid('panellist_id')
    .notNull()
    .references(() => delphiPanellists.id, { onDelete: 'cascade' }),
  text: text('text').notNull(),
  createdAt: createdAt(),
  usedForItemId: uuid('used_for_item_id'),
});

/**
 * An item agreed in a closed round and taken out of the rounds after it
 * ("retired as agreed", unlike a drop): it stays on the study's final list
 * with the round and figures that agreed it.
 */
export const delphiRetirements = pgTable('delphi_retirements', {
  /** The agreed item, in the round that agreed it. */
  itemId: uuid('item_id')
    .primaryKey()
    .references(() => delphiItems.id, { onDelete: 'cascade' }),
  /** The round being prepared when it was retired. */
  roundId: uuid('round_id')
    .notNull()
    .references(() => delphiRounds.id, { onDelete: 'cascade' }),
  retiredBy: uuid('retired_by').references(() => users.id, { onDelete: 'set null' }),
  at: createdAt(),
});
