import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import * as repo from './repository';
import type { PathwayContext } from './service-context';
import type { Profiles } from './service-profile';
import { learningNeeds, LEVELS, type Level } from './stage';

/** Self-assessment against the statements at the practitioner's stage, its history and the learning needs it shows. */
export function createSelfAssessment(
  { db, pathwayStatements }: PathwayContext,
  { profile }: Pick<Profiles, 'profile'>,
) {
  return {
    /**
     * The pathway at the practitioner's stage: statements grouped by domain with
     * the current self-assessment, the learning needs, and progress over time
     * (statements at confident or evidenced, per domain, after each assessment).
     */
    async view(pathway: repo.Pathway) {
      const { stage } = await profile(pathway.userId);
      const all = await pathwayStatements(pathway);
      const mine = all.filter((s) => s.stage === stage);
      const history = await repo.assessmentsOf(db, pathway.id);
      const latest = new Map<string, Level>();
      for (const h of history) latest.set(h.statementIdentifier, h.level as Level);
      const domains = [...new Map(mine.filter((s) => s.domain).map((s) => [s.domain!.code, s.domain!])).values()];
      const grouped = domains.map((d) => ({
        domain: d,
        statements: mine
          .filter((s) => s.domain?.code === d.code)
          .map((s) => ({ ...s, level: latest.get(s.identifier) ?? null })),
      }));
      // Progress: after each assessment (grouped by the moment it was saved), how many statements per domain were confident or better.
      const moments = [...new Set(history.map((h) => h.assessedAt.toISOString()))];
      const running = new Map<string, Level>();
      const progress = moments.map((m) => {
        for (const h of history.filter((x) => x.assessedAt.toISOString() === m))
          running.set(h.statementIdentifier, h.level as Level);
        return {
          at: new Date(m),
          domains: domains.map((d) => ({
            domain: d.text,
            strong: mine.filter(
              (s) => s.domain?.code === d.code && ['confident', 'evidenced'].includes(running.get(s.identifier) ?? ''),
            ).length,
            total: mine.filter((s) => s.domain?.code === d.code).length,
          })),
        };
      });
      return {
        stage,
        grouped,
        needs: learningNeeds(mine, latest),
        progress,
        total: mine.length,
        assessed: mine.filter((s) => latest.has(s.identifier)).length,
      };
    },

    /** Records a self-assessment: every statement answered is saved with the same time, as one point in the history. */
    async assess(pathway: repo.Pathway, levels: Record<string, string>, ctx: AuditContext) {
      const statements = new Set((await pathwayStatements(pathway)).map((s) => s.identifier));
      const rows = Object.entries(levels).filter(([, level]) => level);
      for (const [identifier, level] of rows) {
        if (!statements.has(identifier))
          throw new FieldError(
            'levels',
            'One of the statements is not in this pathway’s framework. Reload the page and try again',
          );
        if (!(LEVELS as readonly string[]).includes(level))
          throw new FieldError(`level-${identifier}`, 'Choose one of the levels');
      }
      if (rows.length === 0) throw new FieldError('levels', 'Choose a level for at least one statement');
      // Only changes are new points in the history; an unchanged answer is not recorded again.
      const latest = new Map<string, string>();
      for (const h of await repo.assessmentsOf(db, pathway.id)) latest.set(h.statementIdentifier, h.level);
      const changed = rows.filter(([identifier, level]) => latest.get(identifier) !== level);
      if (changed.length === 0) return 0;
      const at = new Date();
      await db.transaction(async (tx) => {
        await repo.insertAssessments(
          tx,
          changed.map(([statementIdentifier, level]) => ({
            pathwayId: pathway.id,
            statementIdentifier,
            level,
            assessedAt: at,
          })),
        );
        await recordAudit(tx, ctx, {
          action: 'pathway.self-assessed',
          entityType: 'pathway',
          entityId: pathway.id,
          details: { statements: changed.length },
        });
      });
      return changed.length;
    },
  };
}
