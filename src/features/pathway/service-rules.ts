import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import * as repo from './repository';
import { readRules, rulesProblems, type EvidenceRules } from './rules';
import type { PathwayContext } from './service-context';
import { levelNamesOf, LEVELS, type Level } from './stage';

/** The evidence rules a pathway sets itself, and the words it uses for the self-assessment scale. */
export function createRuleSettings({ db }: PathwayContext) {
  return {
    rules: (pathway: repo.Pathway) => readRules(pathway.rules),

    levelNames: (pathway: repo.Pathway) => levelNamesOf(pathway.levelNames),

    /** Saves the evidence rules and the words for the self-assessment scale (distinct, so answers stay clear). */
    async setRules(pathway: repo.Pathway, rules: EvidenceRules, ctx: AuditContext, levelNames?: Record<Level, string>) {
      const problems = rulesProblems(rules);
      const first = Object.entries(problems)[0];
      if (first) throw new FieldError(first[0], first[1]);
      if (levelNames) {
        const seen = new Map<string, string>();
        for (const l of LEVELS) {
          const name = levelNames[l].trim();
          if (!name) throw new FieldError(`level-${l}`, 'Give each level a name');
          if (name.length > 40) throw new FieldError(`level-${l}`, 'Keep each name to 40 characters or fewer');
          if (seen.has(name.toLowerCase()))
            throw new FieldError(
              `level-${l}`,
              `“${name}” is already the name of another level: give each level its own name`,
            );
          seen.set(name.toLowerCase(), l);
        }
      }
      await db.transaction(async (tx) => {
        await repo.setRules(tx, pathway.id, { ...rules }, levelNames);
        await recordAudit(tx, ctx, {
          action: 'pathway.rules-set',
          entityType: 'pathway',
          entityId: pathway.id,
          details: { ...rules },
        });
      });
    },
  };
}
