import { describe, expect, it } from 'vitest';
import { suggestGroups, tokenise, type SuggestNote } from './suggest';

const notes = (texts: string[], prefix = 'n'): SuggestNote[] =>
  texts.map((text, i) => ({ id: `${prefix}${String(i + 1).padStart(2, '0')}`, text }));

const THREE_THEMES = notes([
  'Protected time for clinical supervision every month',
  'Supervision sessions get cancelled; protected supervision time matters',
  'Regular clinical supervision with protected time',
  'Funding for backfill posts so staff can study',
  'No funding or budget for backfill while studying',
  'Budget for backfill funding is the barrier',
  'A clear career pathway towards consultant posts',
  'Career progression to consultant level needs a pathway',
  'Consultant career pathway and progression',
]);

describe('tokenise', () => {
  it('lower-cases, keeps accented and Welsh letters, drops stop words and short words', () => {
    expect(tokenise('The Nurses’ CAFÉ in Llŷn: we would LIKE ŵyn, a b c!')).toEqual(['nurses', 'café', 'llŷn', 'ŵyn']);
  });

  it('treats composed and decomposed accents alike', () => {
    expect(tokenise('cafe\u0301')).toEqual(tokenise('caf\u00e9'));
  });

  it('cuts possessives and keeps inner apostrophes', () => {
    expect(tokenise("the patient's o'clock rock'n'roll")).toEqual(['patient', "o'clock", "rock'n'roll"]);
  });

  it('ignores digits, punctuation, emoji', () => {
    expect(tokenise('2026 👍 -- ??? 42')).toEqual([]);
  });

  it('gives nothing for stop words only', () => {
    expect(tokenise('We would really like to think about it, but there is so much of this and that')).toEqual([]);
  });
});

describe('suggestGroups', () => {
  it('finds the obvious groups, with key terms and typical examples', () => {
    const result = suggestGroups(THREE_THEMES);
    expect(result.groups.map((g) => g.noteIds)).toEqual([
      ['n01', 'n02', 'n03'],
      ['n04', 'n05', 'n06'],
      ['n07', 'n08', 'n09'],
    ]);
    expect(result.unassigned).toEqual([]);
    expect(result.clustered).toBe(9);
    const [supervision, funding, career] = result.groups;
    expect(supervision!.keyTerms.slice(0, 3).sort()).toEqual(['protected', 'supervision', 'time']);
    expect(funding!.keyTerms.slice(0, 3).sort()).toEqual(['backfill', 'budget', 'funding']);
    expect(career!.keyTerms.slice(0, 3).sort()).toEqual(['career', 'consultant', 'pathway']);
    for (const group of result.groups) {
      expect(group.exampleIds).toHaveLength(3);
      expect([...group.exampleIds].sort()).toEqual(group.noteIds);
      expect(group.cohesion).toBeGreaterThan(0.3);
      expect(group.cohesion).toBeLessThanOrEqual(1);
    }
  });

  it('does not depend on the order notes come in', () => {
    const shuffled = [...THREE_THEMES].reverse();
    const swapped = [THREE_THEMES[4]!, ...THREE_THEMES.slice(5), ...THREE_THEMES.slice(0, 4)];
    expect(suggestGroups(shuffled)).toEqual(suggestGroups(THREE_THEMES));
    expect(suggestGroups(swapped)).toEqual(suggestGroups(THREE_THEMES));
  });

  it('leaves a note unlike the others unassigned', () => {
    const withStray = [...THREE_THEMES, { id: 'n99', text: 'Parking at the hospital is dreadful' }];
    const result = suggestGroups(withStray);
    expect(result.groups).toHaveLength(3);
    expect(result.unassigned).toEqual(['n99']);
  });

  it('keeps only the largest groups up to maxGroups', () => {
    const result = suggestGroups(THREE_THEMES.slice(0, 8), { maxGroups: 2 });
    expect(result.groups.map((g) => g.noteIds)).toEqual([
      ['n01', 'n02', 'n03'],
      ['n04', 'n05', 'n06'],
    ]);
    expect(result.unassigned).toEqual(['n07', 'n08']);
  });

  it('puts everything in one group at threshold 0 and nothing together at threshold 1', () => {
    expect(suggestGroups(THREE_THEMES, { threshold: 0 }).groups).toHaveLength(1);
    const strict = suggestGroups(THREE_THEMES, { threshold: 1 });
    expect(strict.groups).toEqual([]);
    expect(strict.unassigned).toHaveLength(9);
  });

  it('honours minGroupSize, keyTerms and examples', () => {
    const result = suggestGroups(THREE_THEMES, { minGroupSize: 4, keyTerms: 2, examples: 1 });
    expect(result.groups).toEqual([]);
    const loose = suggestGroups(THREE_THEMES, { keyTerms: 2, examples: 1 });
    expect(loose.groups.every((g) => g.keyTerms.length === 2 && g.exampleIds.length === 1)).toBe(true);
  });

  it('handles empty input and a single note', () => {
    expect(suggestGroups([])).toEqual({ groups: [], unassigned: [], clustered: 0 });
    expect(suggestGroups(notes(['Protected supervision time']))).toEqual({
      groups: [],
      unassigned: ['n01'],
      clustered: 1,
    });
  });

  it('groups identical notes together, examples in id order', () => {
    const same = notes(['Backfill funding', 'Backfill funding', 'Backfill funding', 'Backfill funding']);
    const result = suggestGroups(same);
    expect(result.groups).toHaveLength(1);
    expect(result.groups[0]).toMatchObject({
      noteIds: ['n01', 'n02', 'n03', 'n04'],
      exampleIds: ['n01', 'n02', 'n03'],
      keyTerms: ['backfill', 'funding'],
      cohesion: 1,
    });
  });

  it('leaves notes of only stop words (or no words) unassigned', () => {
    const empty = notes(['We would really like that', 'It is what it is', '', '👍 42', 'and the']);
    expect(suggestGroups(empty)).toEqual({
      groups: [],
      unassigned: ['n01', 'n02', 'n03', 'n04', 'n05'],
      clustered: 0,
    });
    const mixed = suggestGroups([...THREE_THEMES, ...notes(['it is what it is', 'so so'], 'z')]);
    expect(mixed.groups).toHaveLength(3);
    expect(mixed.unassigned).toEqual(['z01', 'z02']);
  });

  it('links by average similarity, not by the nearest member (no chaining)', () => {
    // cos(A, B) = cos(B, C) ≈ 0.43 and cos(A, C) = 0: {A, B} to C averages ≈ 0.21.
    const chain = notes(['alpha beta', 'beta gamma', 'gamma delta']);
    expect(suggestGroups(chain, { threshold: 0.3 })).toMatchObject({ unassigned: ['n03'] });
    expect(suggestGroups(chain, { threshold: 0.3 }).groups.map((g) => g.noteIds)).toEqual([['n01', 'n02']]);
    expect(suggestGroups(chain, { threshold: 0.2 }).groups.map((g) => g.noteIds)).toEqual([['n01', 'n02', 'n03']]);
  });

  it('refuses a note id given twice', () => {
    expect(() => suggestGroups([...THREE_THEMES, { id: 'n01', text: 'again' }])).toThrow('Note id n01 is given twice.');
  });

  it('labels a key term with its most common spelling while folding plurals', () => {
    const plural = notes(['Patients wait', 'patients waiting lists', 'Patient waits', 'patients wait longer']);
    const result = suggestGroups(plural);
    expect(result.groups).toHaveLength(1);
    expect(result.groups[0]!.keyTerms).toContain('patients');
    expect(result.groups[0]!.keyTerms).not.toContain('patient');
  });

  it('samples past sampleSize and joins the rest to the nearest group by the same rule', () => {
    const many: SuggestNote[] = [];
    for (let i = 0; i < 60; i++) {
      const theme = THREE_THEMES[(i % 3) * 3 + (i % 2)]!;
      many.push({ id: `m${String(i).padStart(3, '0')}`, text: theme.text });
    }
    many.push({ id: 'm999', text: 'Parking at the hospital is dreadful' });
    const sampled = suggestGroups(many, { sampleSize: 12 });
    expect(sampled.clustered).toBe(12);
    expect(sampled.groups).toHaveLength(3);
    expect(sampled.groups.reduce((n, g) => n + g.noteIds.length, 0)).toBe(60);
    expect(sampled.unassigned).toEqual(['m999']);
    for (const group of sampled.groups) {
      const themes = new Set(group.noteIds.map((id) => Number(id.slice(1)) % 3));
      expect(themes.size).toBe(1);
    }
    expect(suggestGroups([...many].reverse(), { sampleSize: 12 })).toEqual(sampled);
  });
});
