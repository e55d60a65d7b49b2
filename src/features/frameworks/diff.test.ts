import { describe, expect, it } from 'vitest';
import { diffVersions } from './diff';
import type { FrameworkItem } from './model';

const item = (identifier: string, code: string, over: Partial<FrameworkItem> = {}): FrameworkItem => ({
  identifier: `00000000-0000-4000-8000-${identifier.padStart(12, '0')}`,
  code,
  type: 'statement',
  parentCode: '1.1',
  text: `Statement ${identifier}`,
  description: '',
  stage: 'transition',
  area: null,
  notes: '',
  ...over,
});
const domain = item('d1', '1', { type: 'domain', parentCode: null, stage: null, text: 'Expert practice' });
const cap1 = item('c1', '1.1', { type: 'capability', parentCode: '1', stage: null });
const cap2 = item('c2', '1.2', { type: 'capability', parentCode: '1', stage: null });

describe('diffVersions', () => {
  it('finds nothing between a version and itself', () => {
    const v = [domain, cap1, item('1', '1.1.1')];
    expect(diffVersions(v, v)).toEqual({
      added: [],
      removed: [],
      reworded: [],
      moved: [],
      stageChanged: [],
      unchanged: 3,
    });
  });

  it('finds added, removed, reworded, moved and stage-changed items', () => {
    const a = [domain, cap1, cap2, item('1', '1.1.1'), item('2', '1.1.2'), item('3', '1.1.3'), item('4', '1.1.4')];
    const b = [
      domain,
      cap1,
      cap2,
      item('1', '1.1.1', { text: 'Leads complex clinical decisions across the whole pathway' }),
      item('2', '1.2.1', { parentCode: '1.2' }),
      item('3', '1.1.3', { stage: 'years-1-3' }),
      item('5', '1.1.5'),
    ];
    const d = diffVersions(a, b);
    expect(d.added.map((c) => c.code)).toEqual(['1.1.5']);
    expect(d.removed.map((c) => c.code)).toEqual(['1.1.4']);
    expect(d.reworded.map((c) => c.code)).toEqual(['1.1.1']);
    expect(d.moved.map((c) => [c.before!.code, c.code])).toEqual([['1.1.2', '1.2.1']]);
    expect(d.stageChanged.map((c) => [c.before!.stage, c.after!.stage])).toEqual([['transition', 'years-1-3']]);
    expect(d.unchanged).toBe(3);
  });

  it('counts an item that changed in several ways under each heading', () => {
    const d = diffVersions(
      [domain, cap1, cap2, item('1', '1.1.1')],
      [domain, cap1, cap2, item('1', '1.2.1', { parentCode: '1.2', text: 'New words', stage: 'years-3-5' })],
    );
    expect(d.reworded).toHaveLength(1);
    expect(d.moved).toHaveLength(1);
    expect(d.stageChanged).toHaveLength(1);
    expect(d.moved[0]!.changes).toEqual(['reworded', 'moved', 'stage']);
  });

  it('treats a new number under the same parent as moved (renumbered), not reworded', () => {
    const d = diffVersions([domain, cap1, item('1', '1.1.1')], [domain, cap1, item('1', '1.1.9')]);
    expect(d.moved[0]!.changes).toEqual(['renumbered']);
    expect(d.reworded).toEqual([]);
  });

  it('sees a parent renumbered with its children as no move for the children', () => {
    const capRenumbered = { ...cap1, code: '1.5' };
    const d = diffVersions(
      [domain, cap1, item('1', '1.1.1')],
      [domain, capRenumbered, item('1', '1.5.1', { parentCode: '1.5' })],
    );
    expect(d.moved.map((c) => [c.code, c.changes])).toEqual([
      ['1.5', ['renumbered']],
      ['1.5.1', ['renumbered']],
    ]);
  });

  it('handles empty versions', () => {
    expect(diffVersions([], [domain]).added).toHaveLength(1);
    expect(diffVersions([domain], []).removed).toHaveLength(1);
  });
});

describe('identical text is not a rewording', () => {
  const item = (text: string, description = '') => ({
    identifier: '00000000-0000-4000-8000-000000000001',
    code: '1',
    type: 'domain' as const,
    parentCode: null,
    text,
    description,
    stage: null,
    area: null,
    notes: '',
  });
  it.each([
    ['line endings and repeated spaces', 'Expert  practice\r\nin context', 'Expert practice\nin context'],
    ['composed and decomposed accents', 'Caf\u00e9 culture', 'Cafe\u0301 culture'],
    ['a trailing space', 'Expert practice ', 'Expert practice'],
  ])('%s', (_name, before, after) => {
    expect(diffVersions([item(before)], [item(after)]).reworded).toHaveLength(0);
  });
  it('still sees a changed word', () => {
    expect(diffVersions([item('Expert practice')], [item('Expert practise')]).reworded).toHaveLength(1);
  });
});
