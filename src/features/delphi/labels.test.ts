import { describe, expect, it } from 'vitest';
import { roundStatusLabel, stageFromInput, stageLabel } from './labels';

describe('Delphi labels', () => {
  it('names every stage in words, never as its key', () => {
    expect(stageLabel('years-1-3')).toBe('Years 1 to 3 in post');
    expect(stageLabel('advanced')).toBe('Advanced practice level');
    expect(stageLabel('senior-role')).toBe('Senior role');
    expect(stageLabel(null)).toBe('');
  });

  it('reads a stage typed as its key or its label', () => {
    expect(stageFromInput('Years 1 to 3 in post')).toBe('years-1-3');
    expect(stageFromInput(' TRANSITION ')).toBe('transition');
    expect(stageFromInput('year one')).toBeUndefined();
  });

  it('names round statuses', () => {
    expect(roundStatusLabel('draft')).toBe('Being prepared');
    expect(roundStatusLabel('closed')).toBe('Closed');
  });
});
