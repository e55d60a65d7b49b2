import { describe, expect, it } from 'vitest';
import {
  coverage,
  defaultSignoffStage,
  deriveStage,
  fullYearsBetween,
  isEarlierStage,
  learningNeeds,
  levelNamesOf,
  LEVEL_NAMES,
} from './stage';

describe('sign-off stages', () => {
  it('orders the stages along the pathway', () => {
    expect(isEarlierStage('transition', 'years-1-3')).toBe(true);
    expect(isEarlierStage('years-1-3', 'years-3-5')).toBe(true);
    expect(isEarlierStage('years-3-5', 'years-1-3')).toBe(false);
    expect(isEarlierStage('years-1-3', 'years-1-3')).toBe(false);
  });
  it('starts the form on the current stage only while it is not signed off, never on another one', () => {
    expect(defaultSignoffStage('years-1-3', [])).toBe('years-1-3');
    expect(defaultSignoffStage('years-1-3', ['years-1-3'])).toBe('');
    expect(defaultSignoffStage('years-1-3', ['transition'])).toBe('years-1-3');
  });
});

describe('deriveStage', () => {
  it('is transition with no consultant post, or one that starts in the future', () => {
    expect(deriveStage(null, '2026-11-21')).toMatchObject({ stage: 'transition', yearsInPost: null });
    expect(deriveStage('2027-01-01', '2026-11-21').stage).toBe('transition');
  });
  it('is years 1–3 from the first day in post until the day before the third anniversary', () => {
    expect(deriveStage('2026-11-21', '2026-11-21')).toMatchObject({ stage: 'years-1-3', yearsInPost: 0 });
    expect(deriveStage('2023-11-22', '2026-11-21')).toMatchObject({ stage: 'years-1-3', yearsInPost: 2 });
  });
  it('is years 3–5 from the third anniversary on, including after five years', () => {
    expect(deriveStage('2023-11-21', '2026-11-21')).toMatchObject({ stage: 'years-3-5', yearsInPost: 3 });
    expect(deriveStage('2019-01-01', '2026-11-21')).toMatchObject({ stage: 'years-3-5', yearsInPost: 7 });
  });
  it('lets an override win and says so', () => {
    expect(deriveStage('2026-01-01', '2026-11-21', 'years-3-5')).toEqual({
      stage: 'years-3-5',
      derived: 'years-1-3',
      overridden: true,
      yearsInPost: 0,
    });
    expect(deriveStage(null, '2026-11-21', 'transition').overridden).toBe(false);
  });
  it('counts whole years like birthdays, leap days included', () => {
    expect(fullYearsBetween('2024-02-29', '2027-02-28')).toBe(2);
    expect(fullYearsBetween('2024-02-29', '2027-03-01')).toBe(3);
  });
});

describe('learningNeeds', () => {
  it('lists statements below confident, unrated and least developed first', () => {
    const s = [{ identifier: 'a' }, { identifier: 'b' }, { identifier: 'c' }, { identifier: 'd' }];
    const latest = new Map([
      ['a', 'confident' as const],
      ['b', 'developing' as const],
      ['d', 'not-yet' as const],
    ]);
    expect(learningNeeds(s, latest).map((x) => [x.identifier, x.level])).toEqual([
      ['c', null],
      ['d', 'not-yet'],
      ['b', 'developing'],
    ]);
  });
});

describe('coverage', () => {
  it('counts covered statements per domain and lists the gaps', () => {
    const statements = [
      { identifier: 's1', domainCode: '1' },
      { identifier: 's2', domainCode: '1' },
      { identifier: 's3', domainCode: '2' },
    ];
    const c = coverage(statements, [
      { statementIdentifier: 's1', evidenceId: 'e1' },
      { statementIdentifier: 's1', evidenceId: 'e2' },
      { statementIdentifier: 's3', evidenceId: 'e2' },
    ]);
    expect(c.rows.map((r) => r.evidenceIds)).toEqual([['e1', 'e2'], [], ['e2']]);
    expect(Object.fromEntries(c.domains)).toEqual({ '1': { covered: 1, total: 2 }, '2': { covered: 1, total: 1 } });
    expect(c.gaps.map((g) => g.identifier)).toEqual(['s2']);
  });
});

describe('the self-assessment scale words', () => {
  it('uses a pathway’s own names where given and the defaults elsewhere', () => {
    expect(levelNamesOf(undefined)).toEqual(LEVEL_NAMES);
    expect(levelNamesOf({ developing: '  Emerging ', confident: '', evidenced: 42 })).toEqual({
      ...LEVEL_NAMES,
      developing: 'Emerging',
    });
  });
});
