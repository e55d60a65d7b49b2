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

  it('pauses an address once it reaches its own limit: a minute first, doubling, at most the configured minutes', () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const minutes = (failures: number) => {
      const until = addressBlockedUntil(failures, 50, 15, now);
      return until && (until.getTime() - now.getTime()) / 60_000;
    };
    expect([0, 5, 49].map(minutes)).toEqual([null, null, null]);
    expect([50, 51, 52, 53, 54, 55].map(minutes)).toEqual([1, 2, 4, 8, 15, 15]);
    expect(minutes(100_000)).toBe(15);
  });
});
