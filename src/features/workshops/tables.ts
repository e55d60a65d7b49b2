import { boolean, index, integer, jsonb, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from '../../platform/db/columns';
import { users } from '../../platform/auth/tables';
import { programmes } from '../programmes/tables';

export const workshops = pgTable(
  'workshops',
  {
    id: id(),
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    /** area | expert-practice | cross-area | findings */
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    area: text('area'),
    pillar: text('pillar'),
    startsAt: tstz('starts_at'),
    place: text('place').notNull().default(''),
    onlineUrl: text('online_url').notNull().default(''),
    /** Others never see who wrote what. */
    anonymous: boolean('anonymous').notNull().default(false),
    /** Whether facilitators see who wrote what in an anonymous workshop. */
    facilitatorsSeeIdentity: boolean('facilitators_see_identity').notNull().default(false),
    joinCode: text('join_code').notNull().unique(),
    joinCodeExpiresAt: tstz('join_code_expires_at').notNull(),
    /** planned → live → ended */
    status: text('status').notNull().default('planned'),
    currentActivityId: uuid('current_activity_id'),
    paused: boolean('paused').notNull().default(false),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('workshops_programme_idx').on(t.programmeId)],
);

export const activities = pgTable(
  'workshop_activities',
  {
    id: id(),
    workshopId: uuid('workshop_id')
      .notNull()
      .references(() => workshops.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    prompt: text('prompt').notNull(),
    timerSeconds: integer('timer_seconds'),
    startedAt: tstz('started_at'),
    /** Notes hidden from other participants until revealed. */
    privateMode: boolean('private_mode').notNull().default(false),
    revealed: boolean('revealed').notNull().default(false),
    votingOpen: boolean('voting_open').notNull().default(false),
    votesPerPerson: integer('votes_per_person').notNull().default(3),
    votesRevealed: boolean('votes_revealed').notNull().default(false),
    closed: boolean('closed').notNull().default(false),
  },
  (t) => [index('workshop_activities_workshop_idx').on(t.workshopId, t.position)],
);

export const participants = pgTable(
  'workshop_participants',
  {
    id: id(),
    workshopId: uuid('workshop_id')
      .notNull()
      .references(() => workshops.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    name: text('name').notNull().default(''),
    stakeholderType: text('stakeholder_type').notNull(),
    area: text('area'),
    joinedAt: createdAt(),
  },
  (t) => [index('workshop_participants_workshop_idx').on(t.workshopId)],
);

export const clusters = pgTable('workshop_clusters', {
  id: id(),
  activityId: uuid('activity_id')
    .notNull()
    .references(() => activities.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  position: integer('position').notNull(),
  createdAt: createdAt(),
});

export const notes = pgTable(
  'workshop_notes',
  {
    id: id(),
    activityId: uuid('activity_id')
      .notNull()
      .references(() => activities.id, { onDelete: 'cascade' }),
    /** null when a facilitator typed it for the room (from a flipchart, say). */
    participantId: uuid('participant_id').references(() => participants.id, { onDelete: 'set null' }),
    enteredBy: uuid('entered_by').references(() => users.id, { onDelete: 'set null' }),
    text: text('text').notNull(),
    clusterId: uuid('cluster_id').references(() => clusters.id, { onDelete: 'set null' }),
    hidden: boolean('hidden').notNull().default(false),
    duplicateOf: uuid('duplicate_of'),
    withdrawnAt: tstz('withdrawn_at'),
    /** The client's key for this submission: a retry with the same key adds nothing. */
    clientKey: text('client_key').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('workshop_notes_client_key_uq').on(t.activityId, t.clientKey),
    index('workshop_notes_activity_idx').on(t.activityId),
  ],
);

export const votes = pgTable(
  'workshop_votes',
  {
    id: id(),
    activityId: uuid('activity_id')
      .notNull()
      .references(() => activities.id, { onDelete: 'cascade' }),
    participantId: uuid('participant_id')
      .notNull()
      .references(() => participants.id, { onDelete: 'cascade' }),
    noteId: uuid('note_id').references(() => notes.id, { onDelete: 'cascade' }),
    clusterId: uuid('cluster_id').references(() => clusters.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [index('workshop_votes_activity_idx').on(t.activityId, t.participantId)],
);

/** Transcripts and meeting notes uploaded as material for analysis. */
export const sources = pgTable('workshop_sources', {
  id: id(),
  workshopId: uuid('workshop_id')
    .notNull()
    .references(() => workshops.id, { onDelete: 'cascade' }),
  filename: text('filename').notNull(),
  kind: text('kind').notNull(),
  text: text('text').notNull(),
  uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
});

/** Scripts saved for reuse across a programme's workshops. */
export const scriptTemplates = pgTable('workshop_script_templates', {
  id: id(),
  programmeId: uuid('programme_id')
    .notNull()
    .references(() => programmes.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  activities: jsonb('activities').notNull(),
  createdAt: createdAt(),
});

/** Who has been emailed a workshop's join link: each address once per workshop, however often the form is sent. */
export const invitations = pgTable(
  'workshop_invitations',
  {
    id: id(),
    workshopId: uuid('workshop_id')
      .notNull()
      .references(() => workshops.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    invitedAt: createdAt(),
  },
  (t) => [unique('workshop_invitations_email_uq').on(t.workshopId, t.email)],
);
