import { sql } from 'drizzle-orm';
import { index, integer, pgTable, primaryKey, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from '../../platform/db/columns';
import { users } from '../../platform/auth/tables';

export const programmes = pgTable('programmes', {
  id: id(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A programme's own ordered list of names: its clinical areas, its stakeholder types. */
const programmeList = (table: string) =>
  pgTable(
    table,
    {
      id: id(),
      programmeId: uuid('programme_id')
        .notNull()
        .references(() => programmes.id, { onDelete: 'cascade' }),
      name: text('name').notNull(),
      position: integer('position').notNull(),
    },
    (t) => [unique(`${table}_name_uq`).on(t.programmeId, t.name)],
  );

export const programmeAreas = programmeList('programme_areas');
export const stakeholderTypes = programmeList('programme_stakeholder_types');

export const programmeMembers = pgTable(
  'programme_members',
  {
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    stakeholderTypeId: uuid('stakeholder_type_id').references(() => stakeholderTypes.id, { onDelete: 'set null' }),
    areaId: uuid('area_id').references(() => programmeAreas.id, { onDelete: 'set null' }),
    joinedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.programmeId, t.userId, t.role] }), index('programme_members_user_idx').on(t.userId)],
);

export const programmeStages = pgTable(
  'programme_stages',
  {
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    stage: text('stage').notNull(),
    state: text('state').notNull().default('not-started'),
    note: text('note').notNull().default(''),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.programmeId, t.stage] })],
);

export const invitations = pgTable(
  'invitations',
  {
    id: id(),
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role').notNull(),
    stakeholderTypeId: uuid('stakeholder_type_id').references(() => stakeholderTypes.id, { onDelete: 'set null' }),
    areaId: uuid('area_id').references(() => programmeAreas.id, { onDelete: 'set null' }),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: tstz('expires_at').notNull(),
    acceptedAt: tstz('accepted_at'),
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [
    index('invitations_programme_idx').on(t.programmeId),
    index('invitations_email_idx').on(t.email),
    // One waiting invitation per person per programme: the natural key, so a retried create (form or API) cannot send two.
    uniqueIndex('invitations_waiting_uq')
      .on(t.programmeId, t.email)
      .where(sql`accepted_at is null and revoked_at is null`),
  ],
);
