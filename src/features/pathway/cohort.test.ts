import { describe, expect, it } from 'vitest';
import { aggregate, summariseMember, suppress, STALLED_AFTER_DAYS, type StatementRef } from './cohort';

const statements: StatementRef[] = [
  { identifier: 'a1', stage: 'transition', domainCode: '1' },
  { identifier: 'a2', stage: 'transition', domainCode: '1' },
  { identifier: 'b1', stage: 'transition', domainCode: '2' },
  { identifier: 'c1', stage: 'years-1-3', domainCode: '1' },
];
const now = new Date('2026-11-21T12:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

describe('cohort figures', () => {
  it('counts coverage and confidence by domain at the member’s own stage only', () => {
    const s = summariseMember(
      {
        stage: 'transition',
        covered: new Set(['a1', 'c1']),
        levels: new Map([
          ['a1', 'confident'],
          ['a2', 'developing'],
          ['b1', 'evidenced'],
          ['c1', 'evidenced'],
        ]),
        evidence: 3,
        confirmed: 1,
        lastActivity: daysAgo(2),
      },
      statements,
      ['1', '2'],
      now,
    );
    expect(s.domains).toEqual([
      { code: '1', total: 2, covered: 1, confident: 1 },
      { code: '2', total: 1, covered: 0, confident: 1 },
    ]);
    expect(s.covered).toBe(1);
    expect(s.total).toBe(3);
    expect(s.coveragePct).toBe(33);
    expect(s.stalled).toBe(false);
  });

  it('calls someone stalled after 90 idle days, or with no activity at all', () => {
    const base = {
      stage: 'transition' as const,
      covered: new Set<string>(),
      levels: new Map(),
      evidence: 0,
      confirmed: 0,
    };
    expect(
      summariseMember({ ...base, lastActivity: daysAgo(STALLED_AFTER_DAYS - 1) }, statements, ['1'], now).stalled,
    ).toBe(false);
    expect(
      summariseMember({ ...base, lastActivity: daysAgo(STALLED_AFTER_DAYS) }, statements, ['1'], now).stalled,
    ).toBe(true);
    expect(summariseMember({ ...base, lastActivity: null }, statements, ['1'], now).stalled).toBe(true);
    expect(summariseMember({ ...base, stage: 'years-3-5', lastActivity: null }, statements, ['1'], now)).toMatchObject({
      total: 0,
      coveragePct: 0,
    });
  });

  it('suppresses counts under five', () => {
    expect(suppress(4)).toBeNull();
    expect(suppress(5)).toBe(5);
    expect(suppress(0)).toBeNull();
  });

  it('aggregates medians and shares, withholding any figure that rests on fewer than five people', () => {
    const member = (
      stage: 'transition' | 'years-1-3',
      coveragePct: number,
      confirmed: number,
      stalled: boolean,
      signedOff: string[] = [],
    ) => ({
      ...summariseMember(
        { stage, covered: new Set(), levels: new Map(), evidence: 1, confirmed, lastActivity: now },
        statements,
        ['1'],
        now,
      ),
      coveragePct,
      stalled,
      stage,
      signedOff: new Set(signedOff),
    });
    const members = [
      member('transition', 10, 0, true),
      member('transition', 20, 1, false, ['transition']),
      member('transition', 30, 1, false),
      member('transition', 40, 0, false),
      member('transition', 90, 2, false, ['transition']),
      member('years-1-3', 50, 1, false),
    ];
    const a = aggregate(members);
    expect(a.people).toBe(6);
    expect(a.medianCoveragePct).toBe(35); // (30 + 40) / 2
    expect(a.withConfirmedEvidencePct).toBe(67); // 4 of 6
    expect(a.stalledPct).toBe(17); // 1 of 6
    expect(a.byStage).toEqual([
      { stage: 'transition', people: 5, medianCoveragePct: 30, signedOff: null }, // 2 signed off: too few to show
      { stage: 'years-1-3', people: null, medianCoveragePct: null, signedOff: null },
      { stage: 'years-3-5', people: null, medianCoveragePct: null, signedOff: null },
    ]);
    const allSigned = aggregate(members.map((m) => ({ ...m, signedOff: new Set(['transition']) })));
    expect(allSigned.byStage[0]!.signedOff).toBe(6);
    const few = aggregate(members.slice(0, 4));
    expect(few).toMatchObject({
      people: null,
      medianCoveragePct: null,
      withConfirmedEvidencePct: null,
      stalledPct: null,
    });
  });
});
