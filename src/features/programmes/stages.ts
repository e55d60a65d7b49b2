/** The co-creation process, in order. Later features fill each stage's section. */
export const PROGRAMME_STAGES = [
  {
    key: 'delphi',
    title: 'Delphi study',
    summary:
      'Agree the capabilities and impacts to be evidenced at each stage of the move from advanced to consultant practice.',
  },
  {
    key: 'workshops',
    title: 'Area workshops',
    summary:
      'Facilitated values-clarification workshops in each clinical area with practitioners, educators, managers and patients or citizens.',
  },
  { key: 'analysis', title: 'Analysis', summary: 'Code what the workshops produced and develop themes, area by area.' },
  {
    key: 'synthesis',
    title: 'Cross-area synthesis',
    summary: 'Bring representatives of every area together to check the analysis and find what is common.',
  },
  {
    key: 'findings',
    title: 'Findings presented back',
    summary: 'Show the findings to the people and areas who took part.',
  },
  {
    key: 'consultation',
    title: 'Consultation',
    summary: 'Test the draft development framework with professional bodies and key stakeholders.',
  },
  {
    key: 'agreement',
    title: 'Engagement group agreement',
    summary: 'The engagement group agrees the draft framework.',
  },
  {
    key: 'submission',
    title: 'Submission',
    summary: 'Submit the agreed pack to the Centre for Advancing Practice and share the leadership findings.',
  },
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
 * What the other features' records say about a programme's work, gathered
 * through their services (app.ts composes it): the programmes feature never
 * reads another feature's tables.
 */
export interface StageActivity {
  delphiRounds: { study: string; number: number; status: string }[];
  workshops: { kind: string; status: string }[];
}
export type StageActivitySource = (programmeId: string) => Promise<StageActivity>;

interface Evidence {
  state: StageState;
  detail: string;
}

const RANK: Record<StageState, number> = { 'not-started': 0, 'in-progress': 1, done: 2 };
const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Which workshop kinds do the work of which stage. */
const WORKSHOP_STAGE: Partial<Record<StageKey, string[]>> = {
  workshops: ['area', 'expert-practice'],
  synthesis: ['cross-area'],
  findings: ['findings'],
};

/** A stage's state and a line saying why, from the records alone. */
export function evidenceOf(activity: StageActivity): Partial<Record<StageKey, Evidence>> {
  const out: Partial<Record<StageKey, Evidence>> = {};
  const rounds = activity.delphiRounds;
  if (rounds.length) {
    const open = rounds.filter((r) => r.status === 'open');
    const closed = rounds.filter((r) => r.status === 'closed');
    const waiting = rounds.filter((r) => r.status !== 'open' && r.status !== 'closed');
    const parts = [
      ...open.map((r) => `round ${r.number} of ${r.study} is open`),
      closed.length ? `${count(closed.length, 'round', 'rounds')} closed` : '',
      waiting.length && !open.length ? `${count(waiting.length, 'round', 'rounds')} being prepared` : '',
    ].filter(Boolean);
    const detail = parts.join('; ');
    out.delphi = {
      state: closed.length && !open.length && !waiting.length ? 'done' : 'in-progress',
      detail: detail[0]!.toUpperCase() + detail.slice(1),
    };
  }
  for (const [stage, kinds] of Object.entries(WORKSHOP_STAGE) as [StageKey, string[]][]) {
    const list = activity.workshops.filter((w) => kinds.includes(w.kind));
    if (!list.length) continue;
    const held = list.filter((w) => w.status === 'ended').length;
    const live = list.filter((w) => w.status === 'live').length;
    const planned = list.length - held - live;
    const detail = [
      live ? `${count(live, 'workshop', 'workshops')} running now` : '',
      held ? `${count(held, 'workshop', 'workshops')} held` : '',
      planned ? `${planned} planned` : '',
    ]
      .filter(Boolean)
      .join(', ');
    out[stage] = {
      state: held && !live && !planned ? 'done' : 'in-progress',
      detail: detail[0]!.toUpperCase() + detail.slice(1),
    };
  }
  return out;
}

/**
 * The stages in order with their states; a stage with no recorded state is
 * not started. What the records show (a Delphi round open, workshops held)
 * moves a stage on from what the lead recorded, never back, and is given
 * as `progress`. `current` is the first stage that is not done.
 */
export function stageOverview(
  recorded: { stage: string; state: string; note?: string; updatedAt?: Date }[],
  evidence: Partial<Record<StageKey, Evidence>> = {},
) {
  const byKey = new Map(recorded.map((r) => [r.stage, r]));
  const stages = PROGRAMME_STAGES.map((s, i) => {
    const r = byKey.get(s.key);
    const marked: StageState = (STAGE_STATES as readonly string[]).includes(r?.state ?? '')
      ? (r!.state as StageState)
      : 'not-started';
    const seen = evidence[s.key];
    const state = seen && RANK[seen.state] > RANK[marked] ? seen.state : marked;
    return {
      ...s,
      number: i + 1,
      state,
      stateLabel: STAGE_STATE_LABELS[state],
      progress: seen?.detail ?? '',
      note: r?.note ?? '',
      updatedAt: r?.updatedAt,
    };
  });
  const current = stages.find((s) => s.state !== 'done');
  return { stages, current: current?.key ?? null, done: stages.filter((s) => s.state === 'done').length };
}

export const DEFAULT_AREAS = ['Learning Disabilities & Autism', 'Cancer Care', 'Musculoskeletal'];
export const DEFAULT_STAKEHOLDER_TYPES = [
  'Clinician',
  'Educator',
  'Manager',
  'Patient or citizen',
  'Professional body',
  'Other',
];
