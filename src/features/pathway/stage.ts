/**
 * A practitioner's current stage, derived from the date they started in a
 * consultant-level post: none yet → transition from advanced to consultant
 * practice; under three years in post → years 1 to 3; three years or more →
 * years 3 to 5 (the pathway's last stage, also after five years). An override
 * (with a reason) wins.
 */
export const PATHWAY_STAGES = ['transition', 'years-1-3', 'years-3-5'] as const;
export type PathwayStage = (typeof PATHWAY_STAGES)[number];

export const STAGE_NAMES: Record<PathwayStage, string> = {
  transition: 'Transition from advanced to consultant practice',
  'years-1-3': 'Years 1 to 3 in post',
  'years-3-5': 'Years 3 to 5 in post',
};

/** Whether stage `a` comes before stage `b` on the pathway (signing off an earlier stage needs an explicit choice). */
export function isEarlierStage(a: PathwayStage, b: PathwayStage): boolean {
  return PATHWAY_STAGES.indexOf(a) < PATHWAY_STAGES.indexOf(b);
}

/**
 * The stage a sign-off form starts on: the practitioner's current stage while
 * it is not signed off, otherwise none, so that after a sign-off the form never
 * quietly offers a different (often earlier) stage.
 */
export function defaultSignoffStage(current: PathwayStage, signed: readonly string[]): PathwayStage | '' {
  return signed.includes(current) ? '' : current;
}

/** Whole years between two calendar dates (a birthday-style count: the anniversary day counts). */
export function fullYearsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  let years = ty - fy;
  if (tm < fm || (tm === fm && td < fd)) years--;
  return years;
}

export function deriveStage(
  consultantPostStart: string | null,
  today: string,
  override: PathwayStage | null = null,
): { stage: PathwayStage; derived: PathwayStage; overridden: boolean; yearsInPost: number | null } {
  let derived: PathwayStage = 'transition';
  let yearsInPost: number | null = null;
  if (consultantPostStart && consultantPostStart <= today) {
    yearsInPost = fullYearsBetween(consultantPostStart, today);
    derived = yearsInPost < 3 ? 'years-1-3' : 'years-3-5';
  }
  return { stage: override ?? derived, derived, overridden: override !== null && override !== derived, yearsInPost };
}

export const LEVELS = ['not-yet', 'developing', 'confident', 'evidenced'] as const;
export type Level = (typeof LEVELS)[number];
export const LEVEL_NAMES: Record<Level, string> = {
  'not-yet': 'Not yet',
  developing: 'Developing',
  confident: 'Confident',
  evidenced: 'Evidenced',
};

/** The scale's words for a pathway: its own names where it has them, the defaults elsewhere. */
export function levelNamesOf(custom: unknown): Record<Level, string> {
  const c = (custom && typeof custom === 'object' ? custom : {}) as Record<string, unknown>;
  return Object.fromEntries(
    LEVELS.map((l) => [
      l,
      typeof c[l] === 'string' && (c[l] as string).trim() ? (c[l] as string).trim() : LEVEL_NAMES[l],
    ]),
  ) as Record<Level, string>;
}

/**
 * The learning needs analysis: statements at the practitioner's stage rated
 * below "confident" (or not rated at all), the least developed first.
 */
export function learningNeeds<T extends { identifier: string }>(
  statements: T[],
  latest: Map<string, Level>,
): (T & { level: Level | null })[] {
  const rank = (l: Level | null) => (l === null ? -1 : LEVELS.indexOf(l));
  return statements
    .map((s) => ({ ...s, level: latest.get(s.identifier) ?? null }))
    .filter((s) => rank(s.level) < LEVELS.indexOf('confident'))
    .sort((a, b) => rank(a.level) - rank(b.level));
}

/** Evidence statuses and confirmation outcomes in words: the keys are never shown to people. */
export const STATUS_NAMES: Record<string, string> = {
  draft: 'Draft',
  submitted: 'Waiting for confirmation',
  confirmed: 'Confirmed',
  returned: 'Returned with comments',
};
export const STATUS_TAGS: Record<string, string> = {
  draft: 'nhsuk-tag--grey',
  submitted: 'nhsuk-tag--yellow',
  confirmed: 'nhsuk-tag--green',
  returned: 'nhsuk-tag--orange',
};
export const OUTCOME_NAMES: Record<string, string> = {
  confirmed: 'Confirmed',
  returned: 'Returned',
  withdrawn: 'Withdrawn',
};

export const EVIDENCE_KINDS = {
  'practice-episode': 'Practice episode',
  improvement: 'Improvement project',
  'knowledge-translation': 'Knowledge translation',
  inquiry: 'Inquiry or research',
  innovation: 'Innovation',
  teaching: 'Teaching',
  leadership: 'Leadership activity',
  experiential: 'Experiential learning in another setting',
  reflection: 'Reflective account',
} as const;
export type EvidenceKind = keyof typeof EVIDENCE_KINDS;

/** Reflection templates: the prompts shown as the person writes (written for Waymark). */
export const TEMPLATES = {
  none: { name: 'No template', prompts: [] as string[] },
  gibbs: {
    name: 'Gibbs reflective cycle',
    prompts: [
      'What happened?',
      'What were you thinking and feeling?',
      'What was good and bad about it?',
      'What sense can you make of it?',
      'What else could you have done?',
      'What will you do next time?',
    ],
  },
  'what-so-what': {
    name: 'What? So what? Now what?',
    prompts: [
      'What happened?',
      'So what does it mean for you and for the people you care for?',
      'Now what will you do?',
    ],
  },
} as const;
export type TemplateKey = keyof typeof TEMPLATES;

/**
 * Coverage for the evidence matrix: for each statement, the evidence linked to
 * it; for each domain, how many of its statements have at least one piece.
 */
export function coverage<S extends { identifier: string; domainCode: string }>(
  statements: S[],
  links: { statementIdentifier: string; evidenceId: string }[],
) {
  const byStatement = new Map<string, string[]>();
  for (const l of links)
    byStatement.set(l.statementIdentifier, [...(byStatement.get(l.statementIdentifier) ?? []), l.evidenceId]);
  const rows = statements.map((s) => ({ ...s, evidenceIds: byStatement.get(s.identifier) ?? [] }));
  const domains = new Map<string, { covered: number; total: number }>();
  for (const r of rows) {
    const d = domains.get(r.domainCode) ?? { covered: 0, total: 0 };
    d.total++;
    if (r.evidenceIds.length) d.covered++;
    domains.set(r.domainCode, d);
  }
  return { rows, domains, gaps: rows.filter((r) => r.evidenceIds.length === 0) };
}
