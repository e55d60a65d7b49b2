import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz } from '../db/columns';

/** Single-purpose, expiring links (password reset, invitations, magic links). Only the hash is stored. */
export const linkTokens = pgTable(
  'link_tokens',
  {
    id: id(),
    purpose: text('purpose').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    subject: text('subject').notNull(),
    data: jsonb('data').notNull().default({}),
    expiresAt: tstz('expires_at').notNull(),
    usedAt: tstz('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('link_tokens_subject_idx').on(t.purpose, t.subject)],
);
