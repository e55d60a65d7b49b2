import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, tstz } from '../db/columns';

/** Append-only: no repository function updates or deletes a row. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: id(),
    at: tstz('at').notNull().defaultNow(),
    /** No foreign key: the record outlives the account. */
    actorId: uuid('actor_id'),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    requestId: text('request_id'),
    ip: text('ip'),
    details: jsonb('details').notNull().default({}),
  },
  (t) => [
    index('audit_at_idx').on(t.at),
    index('audit_action_idx').on(t.action),
    index('audit_entity_idx').on(t.entityType, t.entityId),
    index('audit_actor_idx').on(t.actorId),
  ],
);
