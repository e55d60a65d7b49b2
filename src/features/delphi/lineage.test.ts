import { describe, expect, it } from 'vitest';
import { ancestry, comparablePrevious, finalList, roundChanges, sameStatementBefore } from './lineage';

// Round 1: a, b, c, d, e. Round 2: a2 (carried a), b2 (reworded b), m (merged c + d), s1/s2 (split e), n (new).
const edges = [
  { itemId: 'a2', parentId: 'a', kind: 'carried' },
  { itemId: 'b2', parentId: 'b', kind: 'reworded' },
  { itemId: 'm', parentId: 'c', kind: 'merged' },
  { itemId: 'm', parentId: 'd', kind: 'merged' },
  { itemId: 's1', parentId: 'e', kind: 'split' },
  { itemId: 's2', parentId: 'e', kind: 'split' },
];

describe('roundChanges', () => {
  it('finds carried, reworded, merged, split, added and dropped items', () => {
    const c = roundChanges(['a', 'b', 'c', 'd', 'e', 'f'], ['a2', 'b2', 'm', 's1', 's2', 'n'], edges);
    expect(c.carried).toEqual(['a2']);
    expect(c.reworded).toEqual(['b2']);
    expect(c.merged).toEqual([{ itemId: 'm', parentIds: ['c', 'd'] }]);
    expect(c.split).toEqual([{ parentId: 'e', itemIds: ['s1', 's2'] }]);
    expect(c.added).toEqual(['n']);
    expect(c.dropped).toEqual(['f']);
  });
  it('ignores edges from other rounds', () => {
    expect(roundChanges(['x'], ['a2'], edges).added).toEqual(['a2']);
  });
});

describe('comparablePrevious', () => {
  it('compares only carried and reworded items with their one parent', () => {
    expect([...comparablePrevious(edges)]).toEqual([
      ['a2', 'a'],
      ['b2', 'b'],
    ]);
  });
});

describe('ancestry', () => {
  it('walks back through merges across rounds', () => {
    const three = [...edges, { itemId: 'm3', parentId: 'm', kind: 'carried' }];
    expect(ancestry('m3', three)).toEqual([['m'], ['c', 'd']]);
    expect(ancestry('n', three)).toEqual([]);
  });
});

describe('finalList', () => {
  // Round 1: a (in, retired), b (none), c (in, dropped), d (in, reworded to d2), e (in, carried to e2), f (in, merged into m), g (in, carried to g2).
  // Round 2: b2 (in), d2 (none), e2 (in), m (none), g2 (out).
  const rounds = [
    {
      number: 1,
      items: [
        { id: 'a', verdict: 'in' as const },
        { id: 'b', verdict: 'none' as const },
        { id: 'c', verdict: 'in' as const },
        { id: 'd', verdict: 'in' as const },
        { id: 'e', verdict: 'in' as const },
        { id: 'f', verdict: 'in' as const },
        { id: 'g', verdict: 'in' as const },
      ],
    },
    {
      number: 2,
      items: [
        { id: 'b2', verdict: 'in' as const },
        { id: 'd2', verdict: 'none' as const },
        { id: 'e2', verdict: 'in' as const },
        { id: 'm', verdict: 'none' as const },
        { id: 'g2', verdict: 'out' as const },
      ],
    },
  ];
  const lineage = [
    { itemId: 'b2', parentId: 'b', kind: 'carried' },
    { itemId: 'd2', parentId: 'd', kind: 'reworded' },
    { itemId: 'e2', parentId: 'e', kind: 'carried' },
    { itemId: 'm', parentId: 'f', kind: 'merged' },
    { itemId: 'g2', parentId: 'g', kind: 'carried' },
  ];

  it('keeps retired items with their round, the latest agreement of a statement, and an agreement later rounds did not overturn', () => {
    const list = finalList(rounds, lineage, new Set(['a']));
    expect(list).toEqual([
      { itemId: 'a', round: 1, retired: true, reratedWithoutConsensus: [] },
      { itemId: 'd', round: 1, retired: false, reratedWithoutConsensus: [2] },
      { itemId: 'b2', round: 2, retired: false, reratedWithoutConsensus: [] },
      { itemId: 'e2', round: 2, retired: false, reratedWithoutConsensus: [] },
    ]);
  });

  it('drops an agreed item that was dropped rather than retired, and is the last round alone when there is one round', () => {
    expect(finalList(rounds, lineage, new Set()).map((e) => e.itemId)).not.toContain('a');
    expect(finalList([rounds[0]!], [], new Set()).map((e) => e.itemId)).toEqual(['a', 'c', 'd', 'e', 'f', 'g']);
  });

  it('finds the earlier versions of the same statement', () => {
    expect(sameStatementBefore('d2', lineage)).toEqual(['d2', 'd']);
    expect(sameStatementBefore('m', lineage)).toEqual(['m']);
  });
});
