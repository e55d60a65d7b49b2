import { bigint, index, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, tstz } from '../db/columns';

/** The last sequence number given out on each channel. Updating the row locks it until commit, so events commit in sequence order. */
export const eventChannels = pgTable('event_channels', {
  channel: text('channel').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
});

/** Every event, kept so a screen that reconnects catches up from the last one it saw. */
export const events = pgTable(
  'events',
  {
    channel: text('channel').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    type: text('type').notNull(),
    data: jsonb('data').notNull(),
    at: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.seq] }), index('events_at_idx').on(t.at)],
);

/** Live connections per channel and instance, refreshed while connections last; stale rows are ignored. */
export const presence = pgTable(
  'presence',
  {
    channel: text('channel').notNull(),
    instance: text('instance').notNull(),
    connections: bigint('connections', { mode: 'number' }).notNull(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.instance] })],
);
