import { integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { updatedAt } from '../../platform/db/columns';
import { users } from '../../platform/auth/tables';

/** Role and route guides, written in Markdown by admins. */
export const guides = pgTable('guides', {
  slug: text('slug').primaryKey(),
  title: text('title').notNull(),
  summary: text('summary').notNull().default(''),
  body: text('body').notNull(),
  frameworkShortName: text('framework_short_name'),
  position: integer('position').notNull().default(0),
  updatedAt: updatedAt(),
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
});
