import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz } from '../db/columns';

/**
 * Every message Waymark sends. `text` has every secret link hidden (admins read
 * it); `sealed` is the text as sent, encrypted with the outbox key, kept only
 * until it has been sent.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: id(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    sealed: text('sealed'),
    /** queued → sent (SMTP) | kept (no SMTP configured) | failed */
    status: text('status').notNull().default('queued'),
    error: text('error'),
    jobId: uuid('job_id'),
    createdAt: createdAt(),
    sentAt: tstz('sent_at'),
  },
  (t) => [index('outbox_created_idx').on(t.createdAt), index('outbox_to_idx').on(t.to)],
);
