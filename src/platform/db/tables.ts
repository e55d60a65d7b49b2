import { jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** One row per submitted form key: a repeated submit returns the first result instead of acting twice. */
export const submissions = pgTable('submissions', {
  key: text('key').primaryKey(),
  userId: uuid('user_id'),
  result: jsonb('result').notNull(),
  createdAt: createdAt(),
});
