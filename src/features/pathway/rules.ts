/**
 * Evidence rules a pathway can set, checked live as the practitioner works:
 * how many pieces of evidence each capability should have (at least / at
 * most), how many pieces in all, and how many attachments each may carry.
 * Pure: the service passes in the counts.
 */
export interface EvidenceRules {
  minPerCapability: number | null;
  maxPerCapability: number | null;
  maxItems: number | null;
  maxAttachments: number | null;
}

export const RULE_KEYS = ['minPerCapability', 'maxPerCapability', 'maxItems', 'maxAttachments'] as const;

/** Used until the practitioner sets their own: something for every capability, five files per item. */
export const DEFAULT_RULES: EvidenceRules = {
  minPerCapability: 1,
  maxPerCapability: null,
  maxItems: null,
  maxAttachments: 5,
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Stored rules (a JSON object that may be empty or old) as a complete set, falling back to the defaults. */
export function readRules(raw: unknown): EvidenceRules {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const out = { ...DEFAULT_RULES };
  for (const k of RULE_KEYS) {
    if (!(k in r)) continue;
    const v = r[k];
    out[k] = typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
  }
  return out;
}

/** Problems with a set of rules, keyed by field, or an empty object when they make sense together. */
export function rulesProblems(r: EvidenceRules): Partial<Record<keyof EvidenceRules, string>> {
  const problems: Partial<Record<keyof EvidenceRules, string>> = {};
  for (const k of RULE_KEYS) {
    const v = r[k];
    if (v !== null && (!Number.isInteger(v) || v < 0 || v > 1000))
      problems[k] = 'Enter a whole number from 0 to 1,000, or leave it empty for no limit';
  }
  if (!problems.maxPerCapability && r.maxPerCapability === 0)
    problems.maxPerCapability = 'At most 0 would allow no evidence at all: leave it empty for no limit';
  if (!problems.maxItems && r.maxItems === 0)
    problems.maxItems = 'At most 0 would allow no evidence at all: leave it empty for no limit';
  if (
    !problems.maxPerCapability &&
    r.minPerCapability !== null &&
    r.maxPerCapability !== null &&
    r.minPerCapability > r.maxPerCapability
  )
    problems.maxPerCapability = `The most per capability (${r.maxPerCapability}) must be at least the fewest (${r.minPerCapability})`;
  return problems;
}

/** Adding one more piece of evidence: a message if it would break the rule on the total. */
export function checkNewItem(r: EvidenceRules, itemsNow: number): string | null {
  if (r.maxItems !== null && itemsNow + 1 > r.maxItems)
    return `Your pathway allows at most ${plural(r.maxItems, 'piece', 'pieces')} of evidence and you have ${itemsNow}. Remove or combine one before adding another`;
  return null;
}

/**
 * Linking a piece of evidence to a statement of a capability: a message if
 * the capability would then have more pieces than the rule allows. A piece
 * already counted for the capability (linked to another of its statements)
 * adds nothing.
 */
export function checkLink(
  r: EvidenceRules,
  capability: { code: string; text: string },
  evidenceOnCapability: ReadonlySet<string>,
  evidenceId: string,
): string | null {
  if (r.maxPerCapability === null || evidenceOnCapability.has(evidenceId)) return null;
  if (evidenceOnCapability.size + 1 > r.maxPerCapability)
    return `Capability ${capability.code} ${capability.text} already has ${plural(evidenceOnCapability.size, 'piece', 'pieces')} of evidence, the most your pathway allows (${r.maxPerCapability}). Unlink one first or choose a statement of another capability`;
  return null;
}

/** Attaching files: a message if the item would carry more than the rule allows. */
export function checkAttachments(r: EvidenceRules, attachedNow: number, adding: number): string | null {
  if (r.maxAttachments !== null && attachedNow + adding > r.maxAttachments)
    return `Each piece of evidence can have at most ${plural(r.maxAttachments, 'attachment', 'attachments')}; this one has ${attachedNow}${adding > 1 ? ` and you are adding ${adding}` : ''}. Remove one first`;
  return null;
}

export interface RuleFinding {
  level: 'gap' | 'over';
  message: string;
  capabilityCode?: string;
}

/**
 * Where the portfolio stands against the rules now (rules can be tightened
 * after evidence exists, so "over" can happen): capabilities below the fewest
 * or above the most, and the total over the limit.
 *
 * `whose` is the possessive the messages speak with: "your" to the
 * practitioner, "their" (or "Nia’s") on a supervisor's pages about them.
 */
export function ruleFindings(
  r: EvidenceRules,
  capabilities: { code: string; text: string; evidenceIds: ReadonlySet<string> }[],
  itemsNow: number,
  whose = 'your',
): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const c of capabilities) {
    const n = c.evidenceIds.size;
    if (r.minPerCapability !== null && n < r.minPerCapability)
      out.push({
        level: 'gap',
        capabilityCode: c.code,
        message: `${c.code} ${c.text}: ${n === 0 ? 'no evidence yet' : `only ${plural(n, 'piece', 'pieces')}`}; ${whose} pathway asks for at least ${r.minPerCapability}`,
      });
    if (r.maxPerCapability !== null && n > r.maxPerCapability)
      out.push({
        level: 'over',
        capabilityCode: c.code,
        message: `${c.code} ${c.text}: ${plural(n, 'piece', 'pieces')} of evidence, more than the ${r.maxPerCapability} ${whose} pathway allows`,
      });
  }
  if (r.maxItems !== null && itemsNow > r.maxItems)
    out.push({
      level: 'over',
      message: `${plural(itemsNow, 'piece', 'pieces')} of evidence in all, more than the ${r.maxItems} ${whose} pathway allows`,
    });
  return out;
}
