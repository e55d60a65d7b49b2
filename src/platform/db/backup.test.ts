import { describe, expect, it } from 'vitest';
import { dependencyOrder } from './backup';

describe('dependencyOrder', () => {
  it('puts every table after the tables it references', () => {
    const order = dependencyOrder(
      ['members', 'programmes', 'users', 'areas'],
      [
        { child: 'members', parent: 'programmes' },
        { child: 'members', parent: 'users' },
        { child: 'members', parent: 'areas' },
        { child: 'areas', parent: 'programmes' },
        { child: 'programmes', parent: 'users' },
      ],
    );
    expect(order).toEqual(['users', 'programmes', 'areas', 'members']);
  });
  it('ignores self-references and edges to unknown tables', () => {
    expect(
      dependencyOrder(
        ['a', 'b'],
        [
          { child: 'a', parent: 'a' },
          { child: 'b', parent: 'zzz' },
        ],
      ),
    ).toEqual(['a', 'b']);
  });
  it('refuses a cycle', () => {
    expect(() =>
      dependencyOrder(
        ['a', 'b'],
        [
          { child: 'a', parent: 'b' },
          { child: 'b', parent: 'a' },
        ],
      ),
    ).toThrow(/cycle/);
  });
  it('handles no tables', () => {
    expect(dependencyOrder([], [])).toEqual([]);
  });
});
