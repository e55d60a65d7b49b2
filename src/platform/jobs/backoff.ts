/**
 * Delay before retry number `attempt` (1 = the first retry): doubles each
 * time from `baseMs`, never more than `maxMs`.
 */
export function backoffDelay(attempt: number, baseMs = 5_000, maxMs = 60 * 60_000): number {
  if (!Number.isFinite(attempt) || attempt < 1) return baseMs;
  const exp = Math.min(attempt - 1, 30);
  return Math.min(baseMs * 2 ** exp, maxMs);
}
