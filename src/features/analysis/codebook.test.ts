import { describe, expect, it } from 'vitest';
import {
  buildCodeTree,
  checkMove,
  codePath,
  colourName,
  CODE_COLOURS,
  descendantIds,
  flattenTree,
  nameKey,
  nameTaken,
  nextPosition,
  planMerge,
  planSplit,
  subtreeHeight,
  type CodeRow,
  type CodingRow,
} from './codebook';

const code = (id: string, parentId: string | null, position = 0, name = id, mergedIntoId: string | null = null) => ({
  id,
  parentId,
  name,
  position,
  mergedIntoId,
});

// Barriers
//   Time (0)
//     Rota (0)
//       Nights (0)
//   Money (1)
// Enablers
//   Mentors
// Gone (merged into Enablers)
const rows: CodeRow[] = [
  code('barriers', null, 0, 'Barriers'),
  code('enablers', null, 1, 'Enablers'),
  code('time', 'barriers', 0, 'Time'),
  code('money', 'barriers', 1, 'Money'),
  code('rota', 'time', 0, 'Rota'),
  code('nights', 'rota', 0, 'Nights'),
  code('mentors', 'enablers', 0, 'Mentors'),
  code('gone', null, 2, 'Gone', 'enablers'),
];

const coding = (
  id: string,
  codeId: string,
  sourceId = 's1',
  coderId = 'u1',
  startCp: number | null = null,
  endCp = startCp,
) => ({ id, codeId, sourceId, coderId, startCp, endCp }) satisfies CodingRow;

describe('buildCodeTree', () => {
  it('nests live codes in position order with their depth', () => {
    const tree = buildCodeTree(rows);
    expect(tree.map((n) => n.code.id)).toEqual(['barriers', 'enablers']);
    expect(tree[0]!.children.map((n) => [n.code.id, n.depth])).toEqual([
      ['time', 2],
      ['money', 2],
    ]);
    expect(tree[0]!.children[0]!.children[0]!.children[0]).toMatchObject({ code: { id: 'nights' }, depth: 4 });
  });
  it('leaves merged codes out', () => {
    expect(flattenTree(buildCodeTree(rows)).map((n) => n.code.id)).not.toContain('gone');
  });
  it('orders equal positions by name, ignoring case', () => {
    const tree = buildCodeTree([code('b', null, 0, 'beta'), code('a', null, 0, 'Alpha'), code('c', null, 0, 'Gamma')]);
    expect(tree.map((n) => n.code.name)).toEqual(['Alpha', 'beta', 'Gamma']);
  });
  it('shows a code whose parent is missing or merged at the top level', () => {
    const tree = buildCodeTree([code('a', 'nowhere'), code('m', null, 0, 'm', 'a'), code('b', 'm')]);
    expect(tree.map((n) => [n.code.id, n.depth])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });
  it('breaks a loop in bad data instead of following it', () => {
    const tree = buildCodeTree([code('x', 'y'), code('y', 'x'), code('z', null)]);
    const flat = flattenTree(tree).map((n) => n.code.id);
    expect(flat.sort()).toEqual(['x', 'y', 'z']);
  });
  it('is empty for no codes', () => {
    expect(buildCodeTree([])).toEqual([]);
  });
});

describe('flattenTree', () => {
  it('lists codes in reading order with depth', () => {
    expect(flattenTree(buildCodeTree(rows)).map((n) => `${n.depth}:${n.code.id}`)).toEqual([
      '1:barriers',
      '2:time',
      '3:rota',
      '4:nights',
      '2:money',
      '1:enablers',
      '2:mentors',
    ]);
  });
});

describe('codePath', () => {
  it('runs from the top-level code down to the code', () => {
    expect(codePath(rows, 'nights').map((c) => c.name)).toEqual(['Barriers', 'Time', 'Rota', 'Nights']);
  });
  it('is the code alone at the top level, and empty for an unknown code', () => {
    expect(codePath(rows, 'enablers').map((c) => c.id)).toEqual(['enablers']);
    expect(codePath(rows, 'nope')).toEqual([]);
  });
  it('stops at a loop', () => {
    expect(codePath([code('x', 'y'), code('y', 'x')], 'x').map((c) => c.id)).toEqual(['y', 'x']);
  });
});

describe('descendantIds and subtreeHeight', () => {
  it('finds every sub-code at any depth', () => {
    expect([...descendantIds(rows, 'barriers')].sort()).toEqual(['money', 'nights', 'rota', 'time']);
    expect(descendantIds(rows, 'nights').size).toBe(0);
  });
  it('ignores merged codes', () => {
    expect([...descendantIds([...rows, code('old', 'money', 0, 'Old', 'time')], 'barriers')]).not.toContain('old');
  });
  it('counts levels including the code', () => {
    expect(subtreeHeight(rows, 'barriers')).toBe(4);
    expect(subtreeHeight(rows, 'rota')).toBe(2);
    expect(subtreeHeight(rows, 'money')).toBe(1);
  });
  it('terminates on a loop', () => {
    const loop = [code('x', 'y'), code('y', 'x')];
    expect([...descendantIds(loop, 'x')]).toEqual(['y']);
    expect(subtreeHeight(loop, 'x')).toBe(2);
  });
});

describe('names', () => {
  it('compares trimmed, spacing collapsed, case ignored', () => {
    expect(nameKey('  Peer   Support ')).toBe('peer support');
    expect(nameKey('Cymraeg ŵ')).toBe(nameKey('CYMRAEG Ŵ'));
  });
  it('finds a taken name under the same parent only', () => {
    expect(nameTaken(rows, 'barriers', ' money')).toBe(true);
    expect(nameTaken(rows, 'enablers', 'Money')).toBe(false);
    expect(nameTaken(rows, null, 'barriers')).toBe(true);
  });
  it('ignores the code being renamed and merged codes', () => {
    expect(nameTaken(rows, 'barriers', 'MONEY', ['money'])).toBe(false);
    expect(nameTaken(rows, null, 'Gone')).toBe(false);
  });
  it('names palette colours and keeps others as written', () => {
    expect(colourName('#005EB8')).toBe('Blue');
    expect(colourName('#123456')).toBe('#123456');
    expect(new Set(CODE_COLOURS.map((c) => c.name)).size).toBe(CODE_COLOURS.length);
    for (const c of CODE_COLOURS) expect(c.value).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe('nextPosition', () => {
  it('is one after the last sibling, 0 for none', () => {
    expect(nextPosition(rows, 'barriers')).toBe(2);
    expect(nextPosition(rows, 'nights')).toBe(0);
    expect(nextPosition(rows, 'barriers', 'money')).toBe(1);
  });
});

describe('checkMove', () => {
  it('allows a move to another branch or to the top level', () => {
    expect(checkMove(rows, 'money', 'enablers')).toEqual({ ok: true });
    expect(checkMove(rows, 'rota', null)).toEqual({ ok: true });
  });
  it('allows staying where it is', () => {
    expect(checkMove(rows, 'money', 'barriers')).toEqual({ ok: true });
  });
  it('refuses a move under itself', () => {
    expect(checkMove(rows, 'time', 'time')).toEqual({ ok: false, problem: 'self' });
  });
  it('refuses a move under one of its own sub-codes at any depth', () => {
    expect(checkMove(rows, 'barriers', 'time')).toEqual({ ok: false, problem: 'cycle' });
    expect(checkMove(rows, 'barriers', 'nights')).toEqual({ ok: false, problem: 'cycle' });
    expect(checkMove(rows, 'time', 'nights')).toEqual({ ok: false, problem: 'cycle' });
  });
  it('refuses an unknown or merged code or parent', () => {
    expect(checkMove(rows, 'nope', null)).toEqual({ ok: false, problem: 'unknown' });
    expect(checkMove(rows, 'money', 'nope')).toEqual({ ok: false, problem: 'unknown' });
    expect(checkMove(rows, 'money', 'gone')).toEqual({ ok: false, problem: 'unknown' });
    expect(checkMove(rows, 'gone', null)).toEqual({ ok: false, problem: 'unknown' });
  });
  it('refuses a move that takes the code or its sub-codes past the depth limit', () => {
    // time has 3 levels (time, rota, nights); under mentors (level 2) it would reach level 5.
    expect(checkMove(rows, 'time', 'mentors', 5)).toEqual({ ok: true });
    expect(checkMove(rows, 'time', 'mentors', 4)).toEqual({ ok: false, problem: 'depth' });
    expect(checkMove(rows, 'money', 'nights', 4)).toEqual({ ok: false, problem: 'depth' });
    expect(checkMove(rows, 'money', 'nights', 5)).toEqual({ ok: true });
  });
  it('refuses a move beside a code of the same name', () => {
    const withDup = [...rows, code('money2', 'enablers', 1, 'money')];
    expect(checkMove(withDup, 'money', 'enablers')).toEqual({ ok: false, problem: 'duplicate' });
  });
});

describe('planMerge', () => {
  const codings = [
    coding('c1', 'money', 's1', 'u1', 0, 5),
    coding('c2', 'money', 's2', 'u1'),
    coding('c3', 'time', 's1', 'u1', 0, 5),
    coding('c4', 'enablers', 's1', 'u1', 0, 5),
    coding('c5', 'enablers', 's1', 'u2', 0, 5),
  ];
  it('moves the merged codes’ codings to the target and keeps the target', () => {
    const r = planMerge(rows, codings, 'time', ['money']);
    expect(r).toEqual({
      ok: true,
      plan: {
        targetId: 'time',
        mergedIds: ['money'],
        moved: [{ codingId: 'c2', fromCodeId: 'money' }],
        duplicates: [{ codingId: 'c1', fromCodeId: 'money', keptCodingId: 'c3' }],
        children: [],
      },
    });
  });
  it('folds the same coder’s same span only: another coder or span moves', () => {
    const r = planMerge(rows, codings, 'time', ['enablers']);
    expect(r.ok && r.plan.moved.map((m) => m.codingId)).toEqual(['c5']);
    expect(r.ok && r.plan.duplicates.map((m) => m.codingId)).toEqual(['c4']);
  });
  it('folds duplicates between two merged codes into the first', () => {
    const r = planMerge(rows, codings, 'mentors', ['time', 'money']);
    expect(r.ok && r.plan.moved.map((m) => m.codingId)).toEqual(['c1', 'c2']);
    expect(r.ok && r.plan.duplicates).toEqual([{ codingId: 'c3', fromCodeId: 'time', keptCodingId: 'c1' }]);
  });
  it('moves the merged codes’ sub-codes under the target, after its own, keeping theirs', () => {
    const r = planMerge(rows, [], 'enablers', ['time']);
    expect(r.ok && r.plan.children).toEqual([{ codeId: 'rota', fromParentId: 'time', position: 1 }]);
  });
  it('merges a code with its own sub-code: only the sub-code’s children that are not merged move', () => {
    const r = planMerge(rows, [], 'money', ['time', 'rota']);
    expect(r.ok && r.plan.children).toEqual([{ codeId: 'nights', fromParentId: 'rota', position: 0 }]);
  });
  it('merges a sub-code into its ancestor: its children move up', () => {
    const r = planMerge(rows, [], 'barriers', ['rota']);
    expect(r.ok && r.plan.children).toEqual([{ codeId: 'nights', fromParentId: 'rota', position: 2 }]);
  });
  it('ignores a code named twice', () => {
    const r = planMerge(rows, codings, 'time', ['money', 'money']);
    expect(r.ok && r.plan.mergedIds).toEqual(['money']);
  });
  it('refuses nothing to merge, the target itself, unknown or merged codes', () => {
    expect(planMerge(rows, codings, 'time', [])).toEqual({ ok: false, problem: 'none' });
    expect(planMerge(rows, codings, 'time', ['time', 'money'])).toEqual({ ok: false, problem: 'target' });
    expect(planMerge(rows, codings, 'time', ['nope'])).toEqual({ ok: false, problem: 'unknown' });
    expect(planMerge(rows, codings, 'nope', ['time'])).toEqual({ ok: false, problem: 'unknown' });
    expect(planMerge(rows, codings, 'time', ['gone'])).toEqual({ ok: false, problem: 'unknown' });
    expect(planMerge(rows, codings, 'gone', ['time'])).toEqual({ ok: false, problem: 'unknown' });
  });
  it('refuses merging a code into one of its own sub-codes', () => {
    expect(planMerge(rows, codings, 'nights', ['barriers'])).toEqual({ ok: false, problem: 'ancestor' });
    expect(planMerge(rows, codings, 'rota', ['time'])).toEqual({ ok: false, problem: 'ancestor' });
  });
  it('refuses when moved sub-codes would pass the depth limit', () => {
    expect(planMerge(rows, [], 'nights', ['time'], 6)).toMatchObject({ ok: false, problem: 'ancestor' });
    const wide = [...rows, code('deep', 'nights', 0, 'Deep')];
    // deep is at level 5; mentors would move under it to level 6.
    expect(planMerge(wide, [], 'deep', ['enablers'], 6)).toMatchObject({
      ok: true,
      plan: { children: [{ codeId: 'mentors' }] },
    });
    expect(planMerge(wide, [], 'deep', ['enablers'], 5)).toEqual({ ok: false, problem: 'depth' });
  });
  it('refuses a moved sub-code beside one of the same name, naming it', () => {
    const clash = [...rows, code('rota2', 'enablers', 1, 'ROTA')];
    expect(planMerge(clash, [], 'enablers', ['time'])).toEqual({ ok: false, problem: 'duplicate', clash: 'Rota' });
  });
  it('refuses two moved sub-codes of the same name', () => {
    const twins = [...rows, code('rota2', 'money', 0, 'rota')];
    expect(planMerge(twins, [], 'enablers', ['time', 'money'])).toEqual({
      ok: false,
      problem: 'duplicate',
      clash: 'rota',
    });
  });
  it('does not count a merged sibling of the target’s children as a clash', () => {
    const sib = [...rows, code('rota2', 'enablers', 1, 'Rota')];
    expect(planMerge(sib, [], 'enablers', ['time', 'rota2']).ok).toBe(true);
  });
});

describe('planSplit', () => {
  const codings = [coding('c1', 'money'), coding('c2', 'money', 's2'), coding('c3', 'time')];
  it('keeps the code as the first name and adds the rest beside it', () => {
    expect(planSplit(rows, codings, 'money', ['Money', 'Pay', 'Travel costs'])).toEqual({
      ok: true,
      plan: {
        codeId: 'money',
        rename: null,
        created: [
          { name: 'Pay', position: 2 },
          { name: 'Travel costs', position: 3 },
        ],
        reassigned: [],
      },
    });
  });
  it('renames the code when the first name differs, even only in case', () => {
    const r = planSplit(rows, codings, 'money', ['Funding', 'Pay']);
    expect(r.ok && r.plan.rename).toBe('Funding');
    expect(planSplit(rows, codings, 'money', ['money', 'Pay'])).toMatchObject({ plan: { rename: 'money' } });
  });
  it('tidies spaces and drops blank names', () => {
    const r = planSplit(rows, codings, 'money', ['  Money ', '', '  Pay   rises ', '   ']);
    expect(r.ok && r.plan.created).toEqual([{ name: 'Pay rises', position: 2 }]);
  });
  it('reassigns codings to the new codes only when asked', () => {
    const r = planSplit(
      rows,
      codings,
      'money',
      ['Money', 'Pay', 'Travel'],
      new Map([
        ['c2', 2],
        ['c1', 0],
      ]),
    );
    expect(r.ok && r.plan.reassigned).toEqual([{ codingId: 'c2', to: 1 }]);
  });
  it('refuses fewer than two names, a repeated name, or an unknown or merged code', () => {
    expect(planSplit(rows, codings, 'money', ['Money'])).toEqual({ ok: false, problem: 'few' });
    expect(planSplit(rows, codings, 'money', ['Money', '  '])).toEqual({ ok: false, problem: 'few' });
    expect(planSplit(rows, codings, 'money', ['Pay', 'pay '])).toEqual({ ok: false, problem: 'repeated' });
    expect(planSplit(rows, codings, 'nope', ['A', 'B'])).toEqual({ ok: false, problem: 'unknown' });
    expect(planSplit(rows, codings, 'gone', ['A', 'B'])).toEqual({ ok: false, problem: 'unknown' });
  });
  it('refuses a name a sibling already has, naming it', () => {
    expect(planSplit(rows, codings, 'money', ['Money', 'time'])).toEqual({
      ok: false,
      problem: 'duplicate',
      clash: 'time',
    });
    expect(planSplit(rows, codings, 'money', ['Rota', 'Pay']).ok).toBe(true);
  });
  it('refuses reassigning a coding the code does not hold, or to a name not given', () => {
    const names = ['Money', 'Pay'];
    expect(planSplit(rows, codings, 'money', names, new Map([['c3', 1]]))).toEqual({ ok: false, problem: 'reassign' });
    expect(planSplit(rows, codings, 'money', names, new Map([['c1', 2]]))).toEqual({ ok: false, problem: 'reassign' });
    expect(planSplit(rows, codings, 'money', names, new Map([['c1', -1]]))).toEqual({ ok: false, problem: 'reassign' });
    expect(planSplit(rows, codings, 'money', names, new Map([['c1', 0.5]]))).toEqual({
      ok: false,
      problem: 'reassign',
    });
  });
});
