import { describe, expect, it } from 'vitest';
import { accountDelayMs, addressBlockedUntil, MAX_ACCOUNT_DELAY_MS } from './throttle';

describe('sign-in throttle rule', () => {
  it('lets an account fail freely up to the limit, then doubles the wait from one second', () => {
    expect([0, 1, 4].map((n) => accountDelayMs(n, 5))).toEqual([0, 0, 0]);
    expect([5, 6, 7, 8].map((n) => accountDelayMs(n, 5))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never makes an account wait more than a minute, however many failures', () => {
    expect(accountDelayMs(11, 5)).toBe(MAX_ACCOUNT_DELAY_MS);
    expect(accountDelayMs(10_000, 5)).toBe(MAX_ACCOUNT_DELAY_MS);
  });

  it('blocks an address once it reaches the limit, for the configured minutes', () => {
    const now = new Date('2026-03-01T10:00:00Z');
    expect(addressBlockedUntil(4, 5, 15, now)).toBeNull();
    expect(addressBlockedUntil(5, 5, 15, now)).toEqual(new Date('2026-03-01T10:15:00Z'));
  });
});
