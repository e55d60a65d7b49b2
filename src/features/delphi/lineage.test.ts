import { describe, expect, it } from 'vitest';
import { ancestry, comparablePrevious, roundChanges } from './lineage';

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
