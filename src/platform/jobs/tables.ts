import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz } from '../db/columns';

export const jobs = pgTable(
  'jobs',
  {
    id: id(),
    name: text('name').notNull(),
    payload: jsonb('payload').notNull().default({}),
    /** queued → active → done | failed (after the last attempt) */
    state: text('state').notNull().default('queued'),
    runAt: tstz('run_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    lastError: text('last_error'),
    lockedAt: tstz('locked_at'),
    lockedBy: text('locked_by'),
    /** At most one queued or active job per key. */
    singletonKey: text('singleton_key'),
    createdAt: createdAt(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [
    index('jobs_due_idx').on(t.state, t.runAt),
    uniqueIndex('jobs_singleton_uq')
      .on(t.singletonKey)
      .where(sql`state in ('queued', 'active')`),
  ],
);
