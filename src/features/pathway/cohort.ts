/**
 * Cohort figures (pure): each member's progress by domain at their stage and
 * whether they have stalled, and anonymised aggregates with small numbers
 * suppressed so no one can be picked out.
 */
import { quantile } from '../../stats/descriptive';

const median = (values: number[]) => quantile(values, 0.5);
import { PATHWAY_STAGES, type PathwayStage } from './stage';

export const STALLED_AFTER_DAYS = 90;
/** Aggregates over fewer people than this are not shown. */
export const SUPPRESS_BELOW = 5;

export interface StatementRef {
  identifier: string;
  stage: string | null;
  domainCode: string;
}

export interface MemberInput {
  stage: PathwayStage;
  covered: ReadonlySet<string>;
  levels: ReadonlyMap<string, string>;
  evidence: number;
  confirmed: number;
  lastActivity: Date | null;
}

export function summariseMember(m: MemberInput, statements: StatementRef[], domainCodes: string[], now: Date) {
  const mine = statements.filter((s) => s.stage === m.stage);
  const domains = domainCodes.map((code) => {
    const inDomain = mine.filter((s) => s.domainCode === code);
    return {
      code,
      total: inDomain.length,
      covered: inDomain.filter((s) => m.covered.has(s.identifier)).length,
      confident: inDomain.filter((s) => ['confident', 'evidenced'].includes(m.levels.get(s.identifier) ?? '')).length,
    };
  });
  const covered = mine.filter((s) => m.covered.has(s.identifier)).length;
  const daysIdle = m.lastActivity ? Math.floor((now.getTime() - m.lastActivity.getTime()) / 86_400_000) : null;
  return {
    domains,
    covered,
    total: mine.length,
    coveragePct: mine.length ? Math.round((covered / mine.length) * 100) : 0,
    evidence: m.evidence,
    confirmed: m.confirmed,
    lastActivity: m.lastActivity,
    stalled: daysIdle === null || daysIdle >= STALLED_AFTER_DAYS,
  };
}

export type MemberSummary = ReturnType<typeof summariseMember>;

/** A count, or null when it is too small to show without pointing at someone. */
export const suppress = (n: number): number | null => (n >= SUPPRESS_BELOW ? n : null);

/**
 * Anonymised figures over many members: how many at each stage, the median
 * coverage and the share with confirmed evidence, stalled and signed off. Any
 * figure resting on fewer than SUPPRESS_BELOW people is withheld (null).
 */
export function aggregate(members: (MemberSummary & { stage: PathwayStage; signedOff: ReadonlySet<string> })[]) {
  const n = members.length;
  const byStage = PATHWAY_STAGES.map((stage) => {
    const at = members.filter((m) => m.stage === stage);
    const enough = at.length >= SUPPRESS_BELOW;
    return {
      stage,
      people: suppress(at.length),
      medianCoveragePct: enough ? median(at.map((m) => m.coveragePct)) : null,
      signedOff: enough ? suppress(members.filter((m) => m.signedOff.has(stage)).length) : null,
    };
  });
  const enough = n >= SUPPRESS_BELOW;
  return {
    people: suppress(n),
    byStage,
    medianCoveragePct: enough ? median(members.map((m) => m.coveragePct)) : null,
    withConfirmedEvidencePct: enough ? Math.round((members.filter((m) => m.confirmed > 0).length / n) * 100) : null,
    stalledPct: enough ? Math.round((members.filter((m) => m.stalled).length / n) * 100) : null,
  };
}
