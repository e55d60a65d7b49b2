import { describe, expect, it } from 'vitest';
import { isStageKey, PROGRAMME_STAGES, stageOverview } from './stages';

describe('stageOverview', () => {
  it('lists the eight stages in the order of the co-creation process, all not started by default', () => {
    const o = stageOverview([]);
    expect(o.stages.map((s) => s.title)).toEqual([
      'Delphi study',
      'Area workshops',
      'Analysis',
      'Cross-area synthesis',
      'Findings presented back',
      'Consultation',
      'Engagement group agreement',
      'Submission',
    ]);
    expect(o.stages.every((s) => s.state === 'not-started')).toBe(true);
    expect(o.current).toBe('delphi');
    expect(o.done).toBe(0);
  });
  it('finds the first stage not done, and counts the done ones', () => {
    const o = stageOverview([
      { stage: 'delphi', state: 'done' },
      { stage: 'workshops', state: 'in-progress' },
      { stage: 'consultation', state: 'done' },
    ]);
    expect(o.current).toBe('workshops');
    expect(o.done).toBe(2);
    expect(o.stages[1]!.stateLabel).toBe('In progress');
  });
  it('treats an unknown recorded state as not started and ignores unknown stages', () => {
    const o = stageOverview([{ stage: 'delphi', state: 'weird' }, { stage: 'nope', state: 'done' }]);
    expect(o.stages[0]!.state).toBe('not-started');
    expect(o.done).toBe(0);
  });
  it('has no current stage when all are done', () => {
    expect(stageOverview(PROGRAMME_STAGES.map((s) => ({ stage: s.key, state: 'done' }))).current).toBeNull();
  });
  it('recognises stage keys', () => {
    expect(isStageKey('analysis')).toBe(true);
    expect(isStageKey('Analysis')).toBe(false);
  });
});
