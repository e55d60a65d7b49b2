import { index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from '../db/columns';

export const users = pgTable('users', {
  id: id(),
  /** Always stored lower-cased and trimmed. */
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash'),
  profession: text('profession'),
  organisation: text('organisation'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  lastSignInAt: tstz('last_sign_in_at'),
});

/** Platform-wide roles: admin, practitioner, supervisor. Programme roles live with programmes. */
export const userRoles = pgTable(
  'user_roles',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.role] })],
);

export const sessions = pgTable(
  'sessions',
  {
    /** sha256 of the session id, so a copy of this table cannot be used to hijack sessions. */
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    data: jsonb('data').notNull(),
    expiresAt: tstz('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    /** Last four characters, so people can tell their tokens apart. */
    hint: text('hint').notNull(),
    createdAt: createdAt(),
    lastUsedAt: tstz('last_used_at'),
    /** Every token expires (at most a year after it was made). */
    expiresAt: tstz('expires_at').notNull(),
    /** What the token may do: read or write, everywhere or in one area (see tokenAllows in policy.ts). */
    scopes: jsonb('scopes').$type<string[]>().notNull().default(['write']),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

/**
 * Failed sign-ins, counted twice: per account (key `account:EMAIL`, known or not,
 * so nothing reveals who has an account) and per network address (`address:IP`).
 * `notBefore` is when the next attempt is checked: a short, growing delay for an
 * account; a block for an address that keeps failing.
 */
export const signInFailures = pgTable('sign_in_failures', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  firstFailureAt: tstz('first_failure_at').notNull(),
  notBefore: tstz('not_before'),
});
