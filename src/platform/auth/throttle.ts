/**
 * The sign-in throttle rule, pure so it can be tested exhaustively.
 *
 * Failures are counted twice over a rolling window: per account (email
 * address, known or not) and per network address. An account under attack
 * only makes each further attempt wait a little longer, so nobody can lock
 * the real owner out by guessing. An address has a much higher limit of its
 * own: a whole NHS trust (or, behind a proxy Waymark is not told about, the
 * whole site) can share one address, so one person's typos must not stop
 * everyone else there. Past that limit the address is paused, for a minute at
 * first and longer with each further failure, which still stops a guesser
 * spraying many accounts from one place.
 */

/** Failures are counted over this window; a failure after it starts the count again. */
export const FAILURE_WINDOW_MINUTES = 15;
/** The longest an account ever makes anyone wait between attempts. */
export const MAX_ACCOUNT_DELAY_MS = 60_000;
/** An address's first pause once it reaches its limit; each further failure doubles it. */
export const FIRST_ADDRESS_PAUSE_MS = 60_000;

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

/**
 * Until when an address that has failed `failures` times is paused, if at all:
 * not below `maxFailures`, then a minute, doubling with each further failure,
 * at most `longestMinutes`.
 */
export function addressBlockedUntil(
  failures: number,
  maxFailures: number,
  longestMinutes: number,
  now: Date,
): Date | null {
  if (failures < maxFailures) return null;
  const pause = Math.min(FIRST_ADDRESS_PAUSE_MS * 2 ** Math.min(failures - maxFailures, 30), longestMinutes * 60_000);
  return new Date(now.getTime() + pause);
}
