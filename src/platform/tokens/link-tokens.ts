import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/database';
import { randomToken, sha256 } from '../auth/secrets';
import { linkTokens } from './tables';

export type LinkToken = typeof linkTokens.$inferSelect;
export type LinkProblem = 'invalid' | 'expired' | 'used';

/**
 * Issues a single-purpose, expiring link token. The raw token goes in the
 * link; only its hash is stored, so a copy of the database opens nothing.
 */
export async function issueLinkToken(
  db: Db,
  opts: { purpose: string; subject: string; ttlMs: number; data?: Record<string, unknown>; now?: Date },
): Promise<string> {
  return (await issueLinkTokenWithId(db, opts)).token;
}

/** As issueLinkToken, also giving the new token's row id (to record or revoke it later). */
export async function issueLinkTokenWithId(
  db: Db,
  opts: { purpose: string; subject: string; ttlMs: number; data?: Record<string, unknown>; now?: Date },
): Promise<{ id: string; token: string }> {
  const token = randomToken();
  const now = opts.now ?? new Date();
  const [row] = await db
    .insert(linkTokens)
    .values({
      purpose: opts.purpose,
      subject: opts.subject,
      tokenHash: sha256(token),
      data: opts.data ?? {},
      expiresAt: new Date(now.getTime() + opts.ttlMs),
    })
    .returning({ id: linkTokens.id });
  return { id: row!.id, token };
}

/** Looks a token up without using it: for showing the page a link opens. */
export async function checkLinkToken(
  db: Db,
  purpose: string,
  token: string,
  now = new Date(),
): Promise<{ ok: true; token: LinkToken } | { ok: false; problem: LinkProblem }> {
  if (!token || token.length > 200) return { ok: false, problem: 'invalid' };
  const [row] = await db
    .select()
    .from(linkTokens)
    .where(and(eq(linkTokens.tokenHash, sha256(token)), eq(linkTokens.purpose, purpose)));
  if (!row) return { ok: false, problem: 'invalid' };
  if (row.usedAt) return { ok: false, problem: 'used' };
  if (row.expiresAt <= now) return { ok: false, problem: 'expired' };
  return { ok: true, token: row };
}

/**
 * Uses a token once. Call it inside the transaction that does what the link
 * grants: the conditional update means two racing requests cannot both succeed.
 */
export async function consumeLinkToken(
  db: Db,
  purpose: string,
  token: string,
  now = new Date(),
): Promise<{ ok: true; token: LinkToken } | { ok: false; problem: LinkProblem }> {
  const checked = await checkLinkToken(db, purpose, token, now);
  if (!checked.ok) return checked;
  const [row] = await db
    .update(linkTokens)
    .set({ usedAt: now })
    .where(and(eq(linkTokens.id, checked.token.id), isNull(linkTokens.usedAt)))
    .returning();
  if (!row) return { ok: false, problem: 'used' };
  return { ok: true, token: row };
}

/** Invalidates every unused token for a subject (e.g. older reset links once one is used). */
export async function retireLinkTokens(db: Db, purpose: string, subject: string, now = new Date()): Promise<void> {
  await db
    .update(linkTokens)
    .set({ usedAt: now })
    .where(and(eq(linkTokens.purpose, purpose), eq(linkTokens.subject, subject), isNull(linkTokens.usedAt)));
}

/** The unused, unexpired tokens of a purpose for a subject (e.g. a portfolio's share links), newest first. */
export async function activeLinkTokens(
  db: Db,
  purpose: string,
  subject: string,
  now = new Date(),
): Promise<LinkToken[]> {
  const rows = await db
    .select()
    .from(linkTokens)
    .where(and(eq(linkTokens.purpose, purpose), eq(linkTokens.subject, subject), isNull(linkTokens.usedAt)))
    .orderBy(desc(linkTokens.createdAt));
  return rows.filter((r) => r.expiresAt > now);
}

/** Ends one token early (a share link taken back). Only for the subject it was issued for. */
export async function revokeLinkToken(
  db: Db,
  purpose: string,
  subject: string,
  id: string,
  now = new Date(),
): Promise<boolean> {
  const rows = await db
    .update(linkTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(linkTokens.id, id),
        eq(linkTokens.purpose, purpose),
        eq(linkTokens.subject, subject),
        isNull(linkTokens.usedAt),
      ),
    )
    .returning({ id: linkTokens.id });
  return rows.length > 0;
}

/** Forgets what a token carried (e.g. a registration's password hash) once it has served its purpose. */
export async function clearLinkTokenData(db: Db, id: string): Promise<void> {
  await db.update(linkTokens).set({ data: {} }).where(eq(linkTokens.id, id));
}

const DAY_MS = 86_400_000;

/**
 * Deletes tokens used or expired more than `keepMs` ago (a day by default), for
 * the hourly housekeeping: they open nothing, and some carried personal details.
 * The day kept lets a link opened late still say "used" or "expired" rather
 * than "not recognised". Returns how many went.
 */
export async function pruneLinkTokens(db: Db, now = new Date(), keepMs = DAY_MS): Promise<number> {
  const before = new Date(now.getTime() - keepMs);
  const rows = await db
    .delete(linkTokens)
    .where(or(lt(linkTokens.usedAt, before), lt(linkTokens.expiresAt, before)))
    .returning({ id: linkTokens.id });
  return rows.length;
}
