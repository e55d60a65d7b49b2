import { describe, expect, it } from 'vitest';
import { coarsen, exportLabels, MIN_GROUP_SIZE, OTHER_GROUP, plural, shownItem, WITHHELD } from './disclosure';
import { analyseRound } from '../../stats/delphi';
import { GRADE_9 } from '../../stats/consensus';

const people = (entries: [string, string][]) => new Map(entries);

describe('what is shown of a stakeholder group', () => {
  it('withholds a group with fewer than three ratings and keeps the panel figures and the verdict', () => {
    expect(MIN_GROUP_SIZE).toBe(3);
    expect(WITHHELD).toBe('Withheld: fewer than 3 people');
    const ratings = [
      ...['a', 'b', 'c'].map((p) => ({ panellist: p, group: 'Clinician', item: 'X', rating: 8 })),
      { panellist: 'd', group: 'Professional body', item: 'X', rating: 2 },
    ];
    const [item] = analyseRound(ratings, {
      rule: { kind: 'comet', inPercent: 70, otherPercent: 15 },
      scale: GRADE_9,
      quartiles: 7,
      everyGroup: true,
    }).items;
    // The lone panellist's rating still decides consensus "in every group".
    expect(item!.verdict).toBe('none');
    const shown = shownItem(item!);
    expect(shown.groups['Professional body']).toEqual({ withheld: true });
    expect(shown.groups.Clinician).toMatchObject({ withheld: false, n: 3, median: 8 });
    expect(shown.median).toBe(item!.median);
    expect(shown.verdict).toBe('none');
  });
});

describe('labels in the anonymised export', () => {
  it('writes a value held by fewer than three people as Other', () => {
    const labels = coarsen(
      people([
        ['a', 'C'],
        ['b', 'C'],
        ['c', 'C'],
        ['d', 'P'],
        ['e', 'P'],
        ['f', 'P'],
        ['g', 'Q'],
        ['h', 'R'],
        ['i', 'S'],
      ]),
    );
    expect([...labels.values()]).toEqual(['C', 'C', 'C', 'P', 'P', 'P', OTHER_GROUP, OTHER_GROUP, OTHER_GROUP]);
  });

  it('folds the next smallest value into Other when Other alone would name one or two people', () => {
    const labels = coarsen(
      people([
        ['a', 'C'],
        ['b', 'C'],
        ['c', 'C'],
        ['d', 'C'],
        ['e', 'P'],
        ['f', 'P'],
        ['g', 'P'],
        ['h', 'Body'],
      ]),
    );
    expect(labels.get('h')).toBe(OTHER_GROUP);
    expect(labels.get('e')).toBe(OTHER_GROUP);
    expect(labels.get('a')).toBe('C');
  });

  it('coarsens areas within each group, so no group-and-area pair names fewer than three', () => {
    const p = new Map(
      [
        ['a', 'North'],
        ['b', 'North'],
        ['c', 'North'],
        ['d', 'South'],
      ].map(([id, area]) => [id!, { group: 'Clinician', area: area! }]),
    );
    const labels = exportLabels(p);
    // South alone would name d; North joins Other so that Other is not d either.
    expect([...labels.values()].map((l) => l.area)).toEqual([OTHER_GROUP, OTHER_GROUP, OTHER_GROUP, OTHER_GROUP]);
    expect([...labels.values()].every((l) => l.group === 'Clinician')).toBe(true);
  });

  it('says one or many', () => {
    expect(plural(1, 'item')).toBe('1 item');
    expect(plural(2, 'item')).toBe('2 items');
    expect(plural(0, 'panellist')).toBe('0 panellists');
  });
});
