import { describe, expect, it } from 'vitest';
import { formTextProblems, itemProblem, textProblem } from './bounds';

describe('Delphi text bounds', () => {
  it('names the field in length and NHS-number messages', () => {
    expect(textProblem('x'.repeat(900_000), 'your reason for item 3', 2000)).toBe(
      'Your reason for item 3 must be 2,000 characters or fewer (it has 900,000)',
    );
    expect(textProblem('Patient 943 476 5919 said', 'your comment on item 3', 2000)).toMatch(
      /^Your comment on item 3 contains what looks like an NHS number \(943 476 5919\)/,
    );
    expect(textProblem('Fine', 'your comment', 2000)).toBeNull();
  });

  it('checks an item and its labels', () => {
    expect(itemProblem({ text: 'Sees 943 476 5919' }, 'item 4')).toMatch(
      /^Item 4 contains what looks like an NHS number/,
    );
    expect(itemProblem({ text: 'Fine', domain: 'd'.repeat(201) }, 'item 4')).toBe(
      'The domain of item 4 must be 200 characters or fewer (it has 201)',
    );
    expect(itemProblem({ text: 'Fine', domain: 'Research', area: null })).toBeNull();
  });

  it('checks every field of a whole form, naming those it knows, each problem under its own field', () => {
    const problems = formTextProblems(
      { mergeText: 'Sees 943 476 5919', action: 'drop', other: 'x'.repeat(21) },
      (f) => (f === 'mergeText' ? 'the merged item' : undefined),
      { maxLength: 20 },
    );
    expect(problems.mergeText).toMatch(/^The merged item contains what looks like an NHS number \(943 476 5919\)/);
    expect(problems.other).toBe('This must be 20 characters or fewer (it has 21)');
    expect(problems.action).toBeUndefined();
  });
});
