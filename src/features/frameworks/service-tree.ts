import { UNSTAGED_KEY, UNSTAGED_LABEL, type Stage } from './model';
import type { TreeFilter } from './schema';
import type { FrameworksContext } from './service-context';
import * as repo from './repository';

/** A version's contents as its pages show them: the tree (filtered), one statement, the stage matrix. */
export function createTree({ db, currentVersion }: FrameworksContext) {
  /** Items of other frameworks' current versions that map onto this framework's items. */
  async function mappedInto(framework: repo.Framework) {
    const current = await Promise.all((await repo.listFrameworks(db)).map((f) => currentVersion(f.id, false)));
    return repo.mappingsInto(
      db,
      framework.shortName,
      current.filter((v): v is repo.Version => !!v).map((v) => v.id),
    );
  }

  return {
    /**
     * The version as domains → capabilities → statements (and impacts), filtered
     * by stage, area and search words; with the area frameworks' items mapped
     * onto each statement, so an area's view shows what it adds. A stage the
     * version does not have is ignored; `filter` is the filter as applied.
     */
    async tree(framework: repo.Framework, version: repo.Version, asked: TreeFilter) {
      const known = (stage: string) =>
        stage === UNSTAGED_KEY || (version.stages as Stage[]).some((s) => s.key === stage);
      const filter: TreeFilter = { ...asked, stage: asked.stage && known(asked.stage) ? asked.stage : undefined };
      const items = await repo.itemsOf(db, version.id);
      const matches = filter.q ? await repo.searchCodes(db, version.id, filter.q) : undefined;
      const into = await mappedInto(framework);
      const areaItems = new Map<string, typeof into>();
      for (const m of into)
        if (!filter.area || m.area === filter.area) areaItems.set(m.toCode, [...(areaItems.get(m.toCode) ?? []), m]);

      const stageMatches = (i: repo.ItemRow) =>
        !filter.stage ||
        (filter.stage === UNSTAGED_KEY ? i.type === 'statement' && !i.stage : i.stage === filter.stage);
      const keep = (i: repo.ItemRow) =>
        stageMatches(i) &&
        (!filter.area || i.area === null || i.area === filter.area) &&
        (!matches || matches.has(i.code));
      const filtered = !!(filter.stage || filter.q || filter.area);
      const childrenOf = new Map<string, repo.ItemRow[]>();
      for (const i of items)
        if (i.parentCode) childrenOf.set(i.parentCode, [...(childrenOf.get(i.parentCode) ?? []), i]);
      const children = (code: string, type: string) => (childrenOf.get(code) ?? []).filter((i) => i.type === type);
      const statementsOf = (code: string) =>
        children(code, 'statement')
          .filter(keep)
          .map((s) => ({ ...s, areaItems: areaItems.get(s.code) ?? [] }));
      type Capability = repo.ItemRow & {
        statements: ReturnType<typeof statementsOf>;
        impacts: repo.ItemRow[];
        capabilities: Capability[];
        shown: number;
      };
      // Capabilities nest to any depth (an imported CASE package's clusters and standards).
      const capability = (c: repo.ItemRow, depth: number): Capability => {
        const capabilities =
          depth > 50
            ? []
            : children(c.code, 'capability')
                .map((sub) => capability(sub, depth + 1))
                .filter((sub) => sub.shown > 0 || !filtered);
        const statements = statementsOf(c.code);
        return {
          ...c,
          statements,
          impacts: children(c.code, 'impact'),
          capabilities,
          shown: statements.length + capabilities.reduce((n, sub) => n + sub.shown, 0),
        };
      };
      const domains = items
        .filter((i) => i.type === 'domain')
        .map((d) => {
          const capabilities = children(d.code, 'capability')
            .map((c) => capability(c, 0))
            .filter((c) => c.shown > 0 || !filtered);
          const direct = statementsOf(d.code);
          return {
            ...d,
            capabilities,
            statements: direct,
            impacts: children(d.code, 'impact'),
            areaItems: areaItems.get(d.code) ?? [],
            shown: direct.length + capabilities.reduce((n, c) => n + c.shown, 0),
          };
        })
        .filter((d) => d.shown > 0 || !filtered);
      const shown = domains.reduce((n, d) => n + d.shown, 0);
      const areas = [
        ...new Set([
          ...items.map((i) => i.area).filter((a): a is string => !!a),
          ...into.map((m) => m.area).filter((a): a is string => !!a),
        ]),
      ].sort();
      const unstaged = items.filter((i) => i.type === 'statement' && !i.stage).length;
      return { domains, shown, total: items.filter((i) => i.type === 'statement').length, areas, unstaged, filter };
    },

    /** One statement (or any item) with its place in the tree, its mappings and its provenance. */
    async statement(framework: repo.Framework, version: repo.Version, code: string) {
      const item = await repo.findItem(db, version.id, code);
      if (!item) return undefined;
      const items = await repo.itemsOf(db, version.id);
      const byCode = new Map(items.map((i) => [i.code, i]));
      const ancestors: repo.ItemRow[] = [];
      for (let p = item.parentCode; p; p = byCode.get(p)?.parentCode ?? null) {
        const parent = byCode.get(p);
        if (!parent || ancestors.includes(parent)) break;
        ancestors.unshift(parent);
      }
      const into = (await mappedInto(framework)).filter((m) => m.toCode === code);
      const outOf = await Promise.all(
        (await repo.mappingsOf(db, version.id))
          .filter((m) => m.fromCode === code)
          // The target's words and a link to it in its current version, when that framework is here.
          .map(async (m) => {
            const target = await repo.findFrameworkByShortName(db, m.toFramework);
            const targetVersion = target ? await currentVersion(target.id, false) : undefined;
            const targetItem = targetVersion ? await repo.findItem(db, targetVersion.id, m.toCode) : undefined;
            return { ...m, toLabel: targetItem ? targetVersion!.label : null, toText: targetItem?.text ?? null };
          }),
      );
      const stages = version.stages as Stage[];
      return {
        item,
        ancestors,
        stageLabel: stages.find((s) => s.key === item.stage)?.label ?? null,
        mappedFrom: into,
        mapsTo: outOf,
        provenance: await repo.provenanceOf(db, item.id),
        children: items.filter((i) => i.parentCode === code),
      };
    },

    /** Domains × stages: what is expected of a practitioner in each domain at each stage. */
    async matrix(version: repo.Version) {
      const items = await repo.itemsOf(db, version.id);
      const stages = version.stages as Stage[];
      const domainOf = new Map<string, string>();
      const byCode = new Map(items.map((i) => [i.code, i]));
      for (const i of items) {
        let top = i;
        for (let guard = 0; top.parentCode && byCode.get(top.parentCode) && guard < 50; guard++)
          top = byCode.get(top.parentCode)!;
        domainOf.set(i.code, top.code);
      }
      // Statements with no stage yet get a column of their own, so none goes missing from the matrix.
      const unstaged = items.some((i) => i.type === 'statement' && !i.stage);
      const columns = [
        ...stages.map((s) => ({ key: s.key as string | null, label: s.label })),
        ...(unstaged ? [{ key: null, label: UNSTAGED_LABEL }] : []),
      ];
      const rows = items
        .filter((i) => i.type === 'domain')
        .map((d) => ({
          domain: d,
          cells: columns.map((s) =>
            items.filter(
              (i) => i.type === 'statement' && (i.stage ?? null) === s.key && domainOf.get(i.code) === d.code,
            ),
          ),
        }));
      return { stages: columns, rows };
    },
  };
}
