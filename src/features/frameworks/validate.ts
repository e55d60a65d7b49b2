import type { FrameworkDoc, ImportProblem, ItemType } from './model';

/**
 * Which parent types each item type may have (null: top level). Capabilities
 * nest to any depth, so a published framework with a deep hierarchy (a CASE
 * package's clusters, standards and components) keeps its shape.
 */
const ALLOWED_PARENTS: Record<ItemType, (ItemType | null)[]> = {
  domain: [null],
  capability: ['domain', 'capability'],
  statement: ['capability', 'domain'],
  impact: ['domain', 'capability'],
};

/**
 * Every structural problem in a framework, each placed by `where(index)`:
 * duplicate codes and identifiers, unknown parents, cycles, wrong nesting,
 * unknown stages, mappings from unknown items. A statement without a stage
 * is not a problem: it sits in the unstaged bucket until an editor gives it one.
 * `terms` names things as the file does: a CSV's parent_code, a CASE package's isChildOf.
 */
export function validateDoc(
  doc: FrameworkDoc,
  where: (index: number) => string = (i) => `item ${i + 1}`,
  terms: 'waymark' | 'case' = 'waymark',
): ImportProblem[] {
  const parentWord = terms === 'case' ? 'isChildOf association' : 'parent code';
  const problems: ImportProblem[] = [];
  const byCode = new Map<string, number>();
  const identifiers = new Set<string>();
  const stageKeys = new Set<string>();
  for (const s of doc.stages) {
    if (stageKeys.has(s.key))
      problems.push({ where: 'stages', message: `stage "${s.key}" is listed twice; give each stage its own key` });
    stageKeys.add(s.key);
  }
  doc.items.forEach((item, i) => {
    if (byCode.has(item.code))
      problems.push({
        where: where(i),
        message: `duplicate code "${item.code}" (also ${where(byCode.get(item.code)!)}); give each item its own code`,
      });
    else byCode.set(item.code, i);
    if (identifiers.has(item.identifier))
      problems.push({
        where: where(i),
        message: `duplicate identifier ${item.identifier}; every item needs its own identifier`,
      });
    identifiers.add(item.identifier);
  });
  doc.items.forEach((item, i) => {
    const at = where(i);
    if (item.parentCode !== null) {
      const parentIndex = byCode.get(item.parentCode);
      if (parentIndex === undefined)
        problems.push({
          where: at,
          message: `unknown parent "${item.parentCode}" for ${item.code}; use the code of an item in this file`,
        });
      else {
        const parentType = doc.items[parentIndex]!.type;
        if (!ALLOWED_PARENTS[item.type].includes(parentType))
          problems.push({
            where: at,
            message: `a ${item.type} cannot sit under a ${parentType} (${item.code} under ${item.parentCode}); put it under a ${ALLOWED_PARENTS[item.type].filter((t) => t).join(' or ')}`,
          });
      }
    } else if (!ALLOWED_PARENTS[item.type].includes(null)) {
      problems.push({
        where: at,
        message: `${item.type} ${item.code} needs a ${parentWord}: only domains sit at the top`,
      });
    }
    if (item.stage && !stageKeys.has(item.stage))
      problems.push({
        where: at,
        message: `unknown stage "${item.stage}" on ${item.code}; use one of ${[...stageKeys].join(', ')}, or leave it empty to assign it later`,
      });
  });
  // Cycles: follow parents from each item; a walk longer than the item count has looped.
  const reported = new Set<string>();
  for (const [i, item] of doc.items.entries()) {
    const seen = new Set<string>([item.code]);
    let parent = item.parentCode;
    while (parent !== null) {
      if (seen.has(parent)) {
        const cycle = [...seen].sort().join(' → ');
        if (!reported.has(cycle))
          problems.push({
            where: where(i),
            message: `the hierarchy loops: ${[...seen, parent].join(' → ')}; remove one ${parentWord} so each item has a way up to the top`,
          });
        reported.add(cycle);
        break;
      }
      seen.add(parent);
      const next = byCode.get(parent);
      parent = next === undefined ? null : doc.items[next]!.parentCode;
    }
  }
  doc.mappings.forEach((m, i) => {
    if (!byCode.has(m.fromCode))
      problems.push({
        where: `mapping ${i + 1}`,
        message: `maps from unknown item "${m.fromCode}"; use the code of an item in this file`,
      });
  });
  if (doc.framework.kind === 'area' && !doc.framework.area)
    problems.push({
      where: 'framework',
      message: 'an area framework must name its area; give the area, or make it a core framework',
    });
  return problems;
}
