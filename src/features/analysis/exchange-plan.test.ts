import { describe, expect, it } from 'vitest';
import { codeIdentities, overlappingCodings, planCodes, type FileCode } from './exchange-plan';
import { derivedGuid, describeCode, readDescription } from './exchange-mapping';
import type { Code } from './repository-codes';

const code = (id: string, name: string, parentId: string | null = null, mergedIntoId: string | null = null) =>
  ({ id, name, parentId, mergedIntoId, position: 0 }) as Code;
const file = (guid: string, name: string, children: FileCode[] = [], description = ''): FileCode => ({
  guid,
  name,
  colour: null,
  description,
  children,
});

describe('planCodes', () => {
  it('keeps codes already there by name under the same parent, whatever the case, and creates the rest', () => {
    const existing = [code('b', 'Barriers'), code('t', 'Time', 'b'), code('m', 'Money', null, 'b')];
    const plan = planCodes(existing, [
      file('1', ' barriers ', [file('2', 'TIME'), file('3', 'Rota')]),
      file('4', 'Money'),
      file('5', 'Time'),
    ]);
    expect(plan).toMatchObject({ created: 3, kept: 2, problems: [] });
    expect(plan.codes.map((c) => [c.guid, c.sameAs, c.parentGuid])).toEqual([
      ['1', { existingId: 'b' }, null],
      ['2', { existingId: 't' }, '1'],
      ['3', null, '1'],
      ['4', null, null], // the live code of that name was merged away
      ['5', null, null], // Time is there only under Barriers
    ]);
  });

  it('lands a name repeated in the file on its first code, with the sub-codes of both', () => {
    const plan = planCodes([], [file('1', 'A', [file('2', 'X')]), file('3', 'a', [file('4', 'Y')])]);
    expect(plan).toMatchObject({ created: 3, kept: 1 });
    expect([...codeIdentities(plan)]).toEqual([
      ['1', '1'],
      ['2', '2'],
      ['3', '1'],
      ['4', '4'],
    ]);
  });

  it('names codes nested deeper than the codebook allows, and names too long', () => {
    let deep = file('7', 'L7');
    for (let i = 6; i >= 1; i--) deep = file(String(i), `L${i}`, [deep]);
    expect(planCodes([], [deep]).problems).toEqual(['The code “L7” is nested 7 levels deep; codes go at most 6.']);
    expect(planCodes([], [file('x', 'n'.repeat(101))]).problems[0]).toContain('has a name over 100 characters');
  });

  it("reads a code's four texts back from the description it writes", () => {
    const texts = { definition: 'Def\n\nmore', whenToUse: 'Use', whenNotToUse: '', example: 'Eg 😊' };
    expect(describeCode(texts)).toBe('Def\n\nmore\n\nWhen to use: Use\n\nExample: Eg 😊');
    expect(readDescription(describeCode(texts))).toEqual(texts);
    const only = { definition: '', whenToUse: 'Use', whenNotToUse: 'Not', example: '' };
    expect(readDescription(describeCode(only))).toEqual(only);
    expect(readDescription('Plain text from NVivo')).toMatchObject({ definition: 'Plain text from NVivo' });
  });

  it('derives the same GUID from the same parts', () => {
    expect(derivedGuid('a', 'b')).toBe(derivedGuid('a', 'b'));
    expect(derivedGuid('a', 'b')).not.toBe(derivedGuid('ab'));
    expect(derivedGuid('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('overlappingCodings', () => {
  const coding = (guid: string, codeGuid: string, coderGuid: string | null = null) => ({ guid, codeGuid, coderGuid });
  it('leaves out a coding overlapping an earlier one of the same code by the same coder, and no other', () => {
    const source = {
      coderGuid: 'u1',
      codings: [coding('w1', 'A', 'u2')],
      selections: [
        { start: 0, end: 5, coderGuid: 'u1', codings: [coding('s1', 'A'), coding('s2', 'B')] },
        { start: 4, end: 8, coderGuid: 'u1', codings: [coding('s3', 'A'), coding('s4', 'A', 'u3')] },
        { start: 5, end: 9, coderGuid: 'u1', codings: [coding('s5', 'A')] },
        { start: 1, end: 2, coderGuid: 'u2', codings: [coding('s6', 'A')] },
      ],
    };
    const same = (g: string) => g;
    expect([...overlappingCodings([source], same, (g) => g ?? '?')].sort()).toEqual(['s3', 's6']);
    // u3 becomes u1 (no member of that name): its coding now overlaps too.
    expect([...overlappingCodings([source], same, (g) => (g === 'u3' ? 'u1' : (g ?? '?')))].sort()).toEqual([
      's3',
      's4',
      's6',
    ]);
  });
});
