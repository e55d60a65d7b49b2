/** The co-creation process, in order. Later features fill each stage's section. */
export const PROGRAMME_STAGES = [
  { key: 'delphi', title: 'Delphi study', summary: 'Agree the capabilities and impacts to be evidenced at each stage of the move from advanced to consultant practice.' },
  { key: 'workshops', title: 'Area workshops', summary: 'Facilitated values-clarification workshops in each clinical area with practitioners, educators, managers and patients or citizens.' },
  { key: 'analysis', title: 'Analysis', summary: 'Code what the workshops produced and develop themes, area by area.' },
  { key: 'synthesis', title: 'Cross-area synthesis', summary: 'Bring representatives of every area together to check the analysis and find what is common.' },
  { key: 'findings', title: 'Findings presented back', summary: 'Show the findings to the people and areas who took part.' },
  { key: 'consultation', title: 'Consultation', summary: 'Test the draft development framework with professional bodies and key stakeholders.' },
  { key: 'agreement', title: 'Engagement group agreement', summary: 'The engagement group agrees the draft framework.' },
  { key: 'submission', title: 'Submission', summary: 'Submit the agreed pack to the Centre for Advancing Practice and share the leadership findings.' },
] as const;

export type StageKey = (typeof PROGRAMME_STAGES)[number]['key'];
export const STAGE_KEYS = PROGRAMME_STAGES.map((s) => s.key) as StageKey[];

export const STAGE_STATES = ['not-started', 'in-progress', 'done'] as const;
export type StageState = (typeof STAGE_STATES)[number];
export const STAGE_STATE_LABELS: Record<StageState, string> = {
  'not-started': 'Not started',
  'in-progress': 'In progress',
  done: 'Done',
};

export function isStageKey(v: unknown): v is StageKey {
  return typeof v === 'string' && (STAGE_KEYS as string[]).includes(v);
}

/**
 * The stages in order with their states; a stage with no recorded state is
 * not started. `current` is the first stage that is not done.
 */
export function stageOverview(recorded: { stage: string; state: string; note?: string; updatedAt?: Date }[]) {
  const byKey = new Map(recorded.map((r) => [r.stage, r]));
  const stages = PROGRAMME_STAGES.map((s, i) => {
    const r = byKey.get(s.key);
    const state: StageState = (STAGE_STATES as readonly string[]).includes(r?.state ?? '') ? (r!.state as StageState) : 'not-started';
    return { ...s, number: i + 1, state, stateLabel: STAGE_STATE_LABELS[state], note: r?.note ?? '', updatedAt: r?.updatedAt };
  });
  const current = stages.find((s) => s.state !== 'done');
  return { stages, current: current?.key ?? null, done: stages.filter((s) => s.state === 'done').length };
}

export const DEFAULT_AREAS = ['Learning Disabilities & Autism', 'Cancer Care', 'Musculoskeletal'];
export const DEFAULT_STAKEHOLDER_TYPES = ['Clinician', 'Educator', 'Manager', 'Patient or citizen', 'Professional body', 'Other'];
