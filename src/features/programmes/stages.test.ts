import { describe, expect, it } from 'vitest';
import { evidenceOf, isStageKey, PROGRAMME_STAGES, stageOverview } from './stages';

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
    const o = stageOverview([
      { stage: 'delphi', state: 'weird' },
      { stage: 'nope', state: 'done' },
    ]);
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

describe('stage state from the records', () => {
  const round = (number: number, status: string) => ({ study: 'Consultant capabilities', number, status });
  it('an open Delphi round puts the stage in progress and says which round', () => {
    const o = stageOverview([], evidenceOf({ delphiRounds: [round(1, 'closed'), round(2, 'open')], workshops: [] }));
    expect(o.stages[0]).toMatchObject({
      state: 'in-progress',
      stateLabel: 'In progress',
      progress: 'Round 2 of Consultant capabilities is open; 1 round closed',
    });
  });
  it('every round closed is done; a closed round with the next being prepared is in progress', () => {
    expect(evidenceOf({ delphiRounds: [round(1, 'closed'), round(2, 'closed')], workshops: [] }).delphi).toEqual({
      state: 'done',
      detail: '2 rounds closed',
    });
    expect(evidenceOf({ delphiRounds: [round(1, 'closed'), round(2, 'draft')], workshops: [] }).delphi).toEqual({
      state: 'in-progress',
      detail: '1 round closed; 1 round being prepared',
    });
  });
  it('workshops held count towards the stage their kind belongs to', () => {
    const e = evidenceOf({
      delphiRounds: [],
      workshops: [
        { kind: 'area', status: 'ended' },
        { kind: 'expert-practice', status: 'ended' },
        { kind: 'cross-area', status: 'live' },
        { kind: 'findings', status: 'planned' },
      ],
    });
    expect(e.workshops).toEqual({ state: 'done', detail: '2 workshops held' });
    expect(e.synthesis).toEqual({ state: 'in-progress', detail: '1 workshop running now' });
    expect(e.findings).toEqual({ state: 'in-progress', detail: '1 planned' });
    expect(e.delphi).toBeUndefined();
  });
  it('the records move a stage on but never back from what the lead recorded', () => {
    const e = evidenceOf({ delphiRounds: [round(1, 'open')], workshops: [{ kind: 'area', status: 'ended' }] });
    const o = stageOverview([{ stage: 'delphi', state: 'done' }], e);
    expect(o.stages[0]!.state).toBe('done');
    expect(o.stages[1]!.state).toBe('done');
    expect(o.done).toBe(2);
    expect(o.current).toBe('analysis');
  });
});
