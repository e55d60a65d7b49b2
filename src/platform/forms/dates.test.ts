import { describe, expect, it } from 'vitest';
import { ukDate, ukDateTime } from './dates';

describe('UK long dates', () => {
  it('reads dates the way every page does, in UK time', () => {
    expect(ukDate('2026-12-02T10:00:00Z')).toBe('2 December 2026');
    // 23:30 UTC in summer is already the next day in London.
    expect(ukDate('2026-07-01T23:30:00Z')).toBe('2 July 2026');
    expect(ukDate('2026-11-20')).toBe('20 November 2026');
    expect(ukDateTime(new Date('2026-12-02T17:00:00Z'))).toBe('2 December 2026 at 5:00 pm');
    expect(ukDate(null)).toBe('');
  });
});
