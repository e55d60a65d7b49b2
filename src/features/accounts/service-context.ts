import type { Platform } from '../../platform/http/types';
import { sql, type Db } from '../../platform/db/database';
import { issueLinkToken, retireLinkTokens } from '../../platform/tokens/link-tokens';

/** What every part of the accounts service is given: the database, the config and the mailer. */
export type AccountsContext = Pick<Platform, 'db' | 'config' | 'mailer'>;

/** Emailed links: a password reset works for an hour, a registration for a day. */
export const RESET_PURPOSE = 'password-reset';
export const RESET_TTL_MS = 60 * 60_000;
export const REGISTER_PURPOSE = 'registration';
export const REGISTER_TTL_MS = 24 * 3600_000;

/**
 * Retires a subject's earlier links and issues a new one, holding a lock on the subject for the rest of the
 * transaction: without it, requests sent at the same moment (a double click, a script) each retire nothing
 * and every one of their links stays live.
 */
export async function replaceLinkToken(tx: Db, input: Parameters<typeof issueLinkToken>[1]): Promise<string> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${input.purpose}:${input.subject}`}))`);
  await retireLinkTokens(tx, input.purpose, input.subject);
  return issueLinkToken(tx, input);
}
