/**
 * The sign-in throttle rule, pure so it can be tested exhaustively.
 *
 * Failures are counted twice over a rolling window: per network address and
 * per account (email address, known or not). Guessing from one address gets
 * that address blocked; an account under attack only makes each further attempt
 * wait a little longer, so nobody can lock the real owner out by guessing.
 */

/** Failures are counted over this window; a failure after it starts the count again. */
export const FAILURE_WINDOW_MINUTES = 15;
/** The longest an account ever makes anyone wait between attempts. */
export const MAX_ACCOUNT_DELAY_MS = 60_000;

export const accountKey = (email: string) => `account:${email}`;
export const addressKey = (ip: string) => `address:${ip}`;

/**
 * How long an account makes the next attempt wait after `failures` failures:
 * nothing below `maxFailures`, then 1 s, doubling with each failure, at most a minute.
 */
export function accountDelayMs(failures: number, maxFailures: number): number {
  if (failures < maxFailures) return 0;
  return Math.min(1000 * 2 ** (failures - maxFailures), MAX_ACCOUNT_DELAY_MS);
}

/** When an address that has failed `failures` times is blocked until, if at all. */
export function addressBlockedUntil(failures: number, maxFailures: number, blockMinutes: number, now: Date): Date | null {
  return failures >= maxFailures ? new Date(now.getTime() + blockMinutes * 60_000) : null;
}
