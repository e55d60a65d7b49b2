import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles from the base delay', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, 1000))).toEqual([1000, 2000, 4000, 8000, 16000]);
  });
  it('never exceeds the cap, even for huge attempt numbers', () => {
    expect(backoffDelay(20, 1000, 60_000)).toBe(60_000);
    expect(backoffDelay(10_000, 1000, 60_000)).toBe(60_000);
  });
  it('treats nonsense attempt numbers as the first retry', () => {
    for (const n of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(backoffDelay(n, 500)).toBe(500);
  });
});
