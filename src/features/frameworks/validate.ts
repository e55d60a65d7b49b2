import type { FrameworkDoc, ImportProblem, ItemType } from './model';

/** Which parent types each item type may have (null: top level). */
const ALLOWED_PARENTS: Record<ItemType, (ItemType | null)[]> = {
  domain: [null],
  capability: ['domain'],
  statement: ['capability', 'domain'],
  impact: ['domain', 'capability'],
};

/**
 * Every structural problem in a framework, each placed by `where(index)`:
 * duplicate codes and identifiers, unknown parents, cycles, wrong nesting,
 * statements without a stage, unknown stages, mappings from unknown items.
 */
export function validateDoc(doc: FrameworkDoc, where: (index: number) => string = (i) => `item ${i + 1}`): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const byCode = new Map<string, number>();
  const identifiers = new Set<string>();
  const stageKeys = new Set<string>();
  for (const s of doc.stages) {
    if (stageKeys.has(s.key)) problems.push({ where: 'stages', message: `stage "${s.key}" is listed twice` });
    stageKeys.add(s.key);
  }
  doc.items.forEach((item, i) => {
    if (byCode.has(item.code)) problems.push({ where: where(i), message: `duplicate code "${item.code}" (also ${where(byCode.get(item.code)!)})` });
    else byCode.set(item.code, i);
    if (identifiers.has(item.identifier)) problems.push({ where: where(i), message: `duplicate identifier ${item.identifier}` });
    identifiers.add(item.identifier);
  });
  doc.items.forEach((item, i) => {
    const at = where(i);
    if (item.parentCode !== null) {
      const parentIndex = byCode.get(item.parentCode);
      if (parentIndex === undefined) problems.push({ where: at, message: `unknown parent "${item.parentCode}" for ${item.code}` });
      else {
        const parentType = doc.items[parentIndex]!.type;
        if (!ALLOWED_PARENTS[item.type].includes(parentType)) problems.push({ where: at, message: `a ${item.type} cannot sit under a ${parentType} (${item.code} under ${item.parentCode})` });
      }
    } else if (!ALLOWED_PARENTS[item.type].includes(null)) {
      problems.push({ where: at, message: `${item.type} ${item.code} needs a parent code` });
    }
    if (item.type === 'statement' && !item.stage) problems.push({ where: at, message: `statement ${item.code} has no stage` });
    if (item.stage && !stageKeys.has(item.stage)) problems.push({ where: at, message: `unknown stage "${item.stage}" on ${item.code}; known stages: ${[...stageKeys].join(', ')}` });
  });
  // Cycles: follow parents from each item; a walk longer than the item count has looped.
  const reported = new Set<string>();
  for (const [i, item] of doc.items.entries()) {
    const seen = new Set<string>([item.code]);
    let parent = item.parentCode;
    while (parent !== null) {
      if (seen.has(parent)) {
        const cycle = [...seen].sort().join(' → ');
        if (!reported.has(cycle)) problems.push({ where: where(i), message: `the hierarchy loops: ${[...seen, parent].join(' → ')}` });
        reported.add(cycle);
        break;
      }
      seen.add(parent);
      const next = byCode.get(parent);
      parent = next === undefined ? null : doc.items[next]!.parentCode;
    }
  }
  doc.mappings.forEach((m, i) => {
    if (!byCode.has(m.fromCode)) problems.push({ where: `mapping ${i + 1}`, message: `maps from unknown item "${m.fromCode}"` });
  });
  if (doc.framework.kind === 'area' && !doc.framework.area) problems.push({ where: 'framework', message: 'an area framework must name its area' });
  return problems;
}
