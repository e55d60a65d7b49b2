import { describe, expect, it } from 'vitest';
import { parseResponsesCsv } from './responses-csv';
import { GRADE_9 } from '../../stats/consensus';

describe('parseResponsesCsv', () => {
  it('reads ratings, treating empty and NA as unable to rate', () => {
    const r = parseResponsesCsv(
      'panellist,group,item,rating\np1,clinician,A,7\np2,patient,A,\np3,patient,A,NA\n',
      GRADE_9,
    );
    expect(r).toEqual({
      ok: true,
      ratings: [
        { panellist: 'p1', group: 'clinician', item: 'A', rating: 7 },
        { panellist: 'p2', group: 'patient', item: 'A', rating: null },
        { panellist: 'p3', group: 'patient', item: 'A', rating: null },
      ],
    });
  });
  it('lists every problem with its line', () => {
    const r = parseResponsesCsv(
      'panellist,group,item,rating\np1,g,A,10\np1,g,B,3.5\np2,g,A,7\np2,g,A,8\n,g,A,5\np3,g,Z,5\n',
      GRADE_9,
      new Set(['A', 'B']),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      { where: 'line 2', message: expect.stringContaining('rating "10" is not a whole number from 1 to 9') },
      { where: 'line 3', message: expect.stringContaining('rating "3.5"') },
      { where: 'line 5', message: 'p2 rated A already on line 4' },
      { where: 'line 6', message: 'has no panellist' },
      { where: 'line 7', message: 'unknown item "Z"' },
    ]);
  });
  it('names missing columns', () => {
    expect(parseResponsesCsv('panellist,item\np,A\n', GRADE_9)).toEqual({
      ok: false,
      problems: [{ where: 'line 1', message: expect.stringContaining('missing columns: group, rating') }],
    });
  });
});
