import * as repo from './repository';
import { readRules, ruleFindings } from './rules';
import type { PathwayContext } from './service-context';
import { coverage, type PathwayStage } from './stage';

/** The statements × evidence matrix, coverage by domain and against the rules, and what a sign-off would still miss. */
export function createMatrix({ db, pathwayStatements, evidenceByCapability }: PathwayContext) {
  /**
   * Statements × evidence for one stage (or all), with coverage by domain,
   * the gaps and where the portfolio stands against its rules. Evidence a
   * team-mate shared with the person's teams is credited too. `whose` is how
   * rule findings name the pathway: "your" to its owner, "their" to a supervisor.
   */
  async function matrix(
    pathway: repo.Pathway,
    stage: PathwayStage | 'all',
    shared: { id: string; title: string }[] = [],
    whose = 'your',
  ) {
    const statements = (await pathwayStatements(pathway)).filter((s) => stage === 'all' || s.stage === stage);
    const list = [...(await repo.evidenceOf(db, pathway.id)), ...shared];
    const links = await repo.linksOf(
      db,
      list.map((e) => e.id),
    );
    const c = coverage(
      statements.map((s) => ({ ...s, domainCode: s.domain?.code ?? '' })),
      links,
    );
    const titles = new Map(list.map((e) => [e.id, e.title]));
    const domains = [
      ...new Map(statements.filter((s) => s.domain).map((s) => [s.domain!.code, s.domain!])).values(),
    ].map((d) => ({ ...d, ...c.domains.get(d.code)! }));
    // Rules are about capabilities: only those with statements at the stage shown count here.
    const { caps, count } = await evidenceByCapability(pathway, statements);
    const findings = ruleFindings(readRules(pathway.rules), [...caps.values()], count, whose);
    const sharedIds = new Set(shared.map((e) => e.id));
    return {
      rows: c.rows.map((r) => ({
        ...r,
        evidence: r.evidenceIds.map((id) => ({ id, title: titles.get(id) ?? '', shared: sharedIds.has(id) })),
      })),
      domains,
      gaps: c.gaps.length,
      total: statements.length,
      findings,
      rules: readRules(pathway.rules),
    };
  }

  return {
    /**
     * What is still missing for a stage, shown to a supervisor before they sign
     * it off: statements with no evidence, statements whose evidence is not yet
     * confirmed, and the evidence rules not met ("their pathway asks for…").
     */
    async signoffGaps(pathway: repo.Pathway, stage: PathwayStage) {
      const m = await matrix(pathway, stage, [], 'their');
      const confirmed = new Set(
        (await repo.evidenceOf(db, pathway.id)).filter((e) => e.status === 'confirmed').map((e) => e.id),
      );
      return {
        total: m.total,
        noEvidence: m.rows.filter((r) => r.evidenceIds.length === 0).map((r) => ({ code: r.code, text: r.text })),
        unconfirmed: m.rows
          .filter((r) => r.evidenceIds.length > 0 && !r.evidenceIds.some((id) => confirmed.has(id)))
          .map((r) => ({ code: r.code, text: r.text })),
        rules: m.findings.filter((f) => f.level === 'gap').map((f) => f.message),
      };
    },

    matrix,
  };
}
