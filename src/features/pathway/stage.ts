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

/** Whole years between two calendar dates (a birthday-style count: the anniversary day counts). */
export function fullYearsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  let years = ty - fy;
  if (tm < fm || (tm === fm && td < fd)) years--;
  return years;
}

export function deriveStage(consultantPostStart: string | null, today: string, override: PathwayStage | null = null): { stage: PathwayStage; derived: PathwayStage; overridden: boolean; yearsInPost: number | null } {
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
export const LEVEL_NAMES: Record<Level, string> = { 'not-yet': 'Not yet', developing: 'Developing', confident: 'Confident', evidenced: 'Evidenced' };

/**
 * The learning needs analysis: statements at the practitioner's stage rated
 * below "confident" (or not rated at all), the least developed first.
 */
export function learningNeeds<T extends { identifier: string }>(statements: T[], latest: Map<string, Level>): (T & { level: Level | null })[] {
  const rank = (l: Level | null) => (l === null ? -1 : LEVELS.indexOf(l));
  return statements
    .map((s) => ({ ...s, level: latest.get(s.identifier) ?? null }))
    .filter((s) => rank(s.level) < LEVELS.indexOf('confident'))
    .sort((a, b) => rank(a.level) - rank(b.level));
}
