import { describe, expect, it } from 'vitest';
import { visibility, visibleCodings } from './blind';

const A = 'coder-a';
const B = 'coder-b';
const C = 'coder-c';

describe('blind coding', () => {
  // Every case: the viewer's own coding or another's, with the viewer done or not.
  it.each([
    [A, false, A, 'own'],
    [A, true, A, 'own'],
    [A, false, B, 'hidden'],
    [A, true, B, 'shown'],
    [B, false, A, 'hidden'],
    [B, true, A, 'shown'],
  ] as const)('viewer %s (done: %s) sees a coding by %s as %s', (viewer, done, coder, expected) => {
    expect(visibility(viewer, done, coder)).toBe(expected);
  });

  const codings = [
    { id: 1, coderId: A },
    { id: 2, coderId: B },
    { id: 3, coderId: A },
    { id: 4, coderId: C },
  ];

  it('shows a coder only their own codings until they mark the source done', () => {
    expect(visibleCodings(codings, A, false)).toEqual({ own: [codings[0], codings[2]], others: [] });
    expect(visibleCodings(codings, B, false)).toEqual({ own: [codings[1]], others: [] });
  });

  it('shows every other coder’s codings, in order, once the viewer is done', () => {
    expect(visibleCodings(codings, A, true)).toEqual({
      own: [codings[0], codings[2]],
      others: [codings[1], codings[3]],
    });
    expect(visibleCodings(codings, C, true)).toEqual({ own: [codings[3]], others: codings.slice(0, 3) });
  });

  it('depends only on the viewer being done, not on the other coders', () => {
    // B has not finished, but A has: A sees B's codings; B still sees nothing of A's.
    expect(visibleCodings(codings, A, true).others.map((c) => c.id)).toEqual([2, 4]);
    expect(visibleCodings(codings, B, false).others).toEqual([]);
  });

  it('shows nothing to someone who has not coded and is not done, and everything once done', () => {
    expect(visibleCodings(codings, 'someone', false)).toEqual({ own: [], others: [] });
    expect(visibleCodings(codings, 'someone', true)).toEqual({ own: [], others: codings });
    expect(visibleCodings([], A, true)).toEqual({ own: [], others: [] });
  });
});
