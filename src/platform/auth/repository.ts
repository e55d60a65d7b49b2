import { and, asc, count, desc, eq, gt, ilike, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database';
import { apiTokens, sessions, signInFailures, userRoles, users } from './tables';
import type { PlatformRole } from './policy';

export type User = typeof users.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;

// ---- users ---------------------------------------------------------------

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email));
  return row;
}

export async function insertUser(
  db: Db,
  values: {
    email: string;
    name: string;
    passwordHash: string | null;
    profession?: string | null;
    organisation?: string | null;
  },
): Promise<User | undefined> {
  const [row] = await db.insert(users).values(values).onConflictDoNothing({ target: users.email }).returning();
  return row;
}

export async function updateUser(
  db: Db,
  id: string,
  values: Partial<Pick<User, 'name' | 'profession' | 'organisation' | 'passwordHash' | 'lastSignInAt'>>,
): Promise<void> {
  await db
    .update(users)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(users.id, id));
}

export async function listUsers(db: Db, opts: { q?: string; limit: number; offset: number }) {
  const where = opts.q ? or(ilike(users.email, `%${opts.q}%`), ilike(users.name, `%${opts.q}%`)) : undefined;
  const rows = await db
    .select()
    .from(users)
    .where(where)
    .orderBy(asc(users.email))
    .limit(opts.limit)
    .offset(opts.offset);
  const [total] = await db.select({ n: count() }).from(users).where(where);
  return { rows, total: total?.n ?? 0 };
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

// ---- platform roles -------------------------------------------------------

export async function rolesOf(db: Db, userId: string): Promise<PlatformRole[]> {
  const rows = await db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId));
  return rows.map((r) => r.role as PlatformRole);
}

export async function rolesOfMany(db: Db, userIds: string[]): Promise<Map<string, PlatformRole[]>> {
  const map = new Map<string, PlatformRole[]>();
  if (userIds.length === 0) return map;
  const rows = await db.select().from(userRoles).where(inArray(userRoles.userId, userIds));
  for (const r of rows) map.set(r.userId, [...(map.get(r.userId) ?? []), r.role as PlatformRole]);
  return map;
}

export async function grantRole(db: Db, userId: string, role: PlatformRole): Promise<boolean> {
  const rows = await db.insert(userRoles).values({ userId, role }).onConflictDoNothing().returning();
  return rows.length > 0;
}

export async function revokeRole(db: Db, userId: string, role: PlatformRole): Promise<boolean> {
  const rows = await db
    .delete(userRoles)
    .where(and(eq(userRoles.userId, userId), eq(userRoles.role, role)))
    .returning();
  return rows.length > 0;
}

export async function countRole(db: Db, role: PlatformRole): Promise<number> {
  const [row] = await db.select({ n: count() }).from(userRoles).where(eq(userRoles.role, role));
  return row?.n ?? 0;
}

// ---- sessions --------------------------------------------------------------

export async function getSession(db: Db, idHash: string) {
  const [row] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, new Date())));
  return row;
}

export async function upsertSession(db: Db, idHash: string, data: unknown, userId: string | null, expiresAt: Date) {
  await db
    .insert(sessions)
    .values({ idHash, data, userId, expiresAt })
    .onConflictDoUpdate({ target: sessions.idHash, set: { data, userId, expiresAt } });
}

export async function deleteSession(db: Db, idHash: string) {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}

/** Signs a user out everywhere (after a password change or reset), optionally keeping one session. */
export async function deleteSessionsOfUser(db: Db, userId: string, exceptIdHash?: string) {
  await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), exceptIdHash ? sql`${sessions.idHash} <> ${exceptIdHash}` : undefined));
}

export async function deleteExpiredSessions(db: Db): Promise<number> {
  const rows = await db.delete(sessions).where(lt(sessions.expiresAt, new Date())).returning({ id: sessions.idHash });
  return rows.length;
}

// ---- API tokens --------------------------------------------------------------

export async function insertApiToken(
  db: Db,
  values: { userId: string; name: string; tokenHash: string; hint: string; expiresAt: Date; scopes: string[] },
) {
  const [row] = await db.insert(apiTokens).values(values).returning();
  return row!;
}

export async function listApiTokens(db: Db, userId: string) {
  return db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt));
}

export async function findActiveApiToken(db: Db, tokenHash: string): Promise<ApiToken | undefined> {
  const now = new Date();
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt), gt(apiTokens.expiresAt, now)));
  return row;
}

export async function touchApiToken(db: Db, id: string) {
  await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, id));
}

export async function revokeApiToken(db: Db, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

// ---- failed sign-ins ------------------------------------------------------------

export type FailureRow = typeof signInFailures.$inferSelect;

export async function getFailures(db: Db, keys: string[]): Promise<FailureRow[]> {
  if (keys.length === 0) return [];
  return db.select().from(signInFailures).where(inArray(signInFailures.key, keys));
}

/**
 * Counts one failed sign-in for `key` inside a rolling window (a failure after
 * the window starts the count again). One statement, so concurrent failures all count.
 */
export async function countFailure(db: Db, key: string, now: Date, windowMinutes: number): Promise<FailureRow> {
  const windowStart = new Date(now.getTime() - windowMinutes * 60_000);
  const stale = sql`${signInFailures.firstFailureAt} < ${windowStart}`;
  const [row] = await db
    .insert(signInFailures)
    .values({ key, failures: 1, firstFailureAt: now })
    .onConflictDoUpdate({
      target: signInFailures.key,
      set: {
        failures: sql`case when ${stale} then 1 else ${signInFailures.failures} + 1 end`,
        firstFailureAt: sql`case when ${stale} then ${now} else ${signInFailures.firstFailureAt} end`,
      },
    })
    .returning();
  return row!;
}

export async function setNotBefore(db: Db, key: string, notBefore: Date): Promise<void> {
  await db.update(signInFailures).set({ notBefore }).where(eq(signInFailures.key, key));
}

export async function clearFailures(db: Db, key: string) {
  await db.delete(signInFailures).where(eq(signInFailures.key, key));
}

/** Deletes an account; foreign keys remove its sessions, tokens and roles and unlink what it made. */
export async function deleteUser(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
  return rows.length > 0;
}
