import { describe, expect, it } from 'vitest';
import {
  checkAttachments,
  checkLink,
  checkNewItem,
  DEFAULT_RULES,
  readRules,
  ruleFindings,
  rulesProblems,
  type EvidenceRules,
} from './rules';

const rules = (over: Partial<EvidenceRules>): EvidenceRules => ({
  minPerCapability: null,
  maxPerCapability: null,
  maxItems: null,
  maxAttachments: null,
  ...over,
});
const cap = { code: '1.2', text: 'Leads complex care' };

describe('evidence rules', () => {
  it('reads stored rules, falling back to the defaults and dropping nonsense', () => {
    expect(readRules(undefined)).toEqual(DEFAULT_RULES);
    expect(readRules({})).toEqual(DEFAULT_RULES);
    expect(readRules({ maxItems: 40, maxAttachments: null })).toEqual({
      ...DEFAULT_RULES,
      maxItems: 40,
      maxAttachments: null,
    });
    expect(readRules({ maxItems: -1, minPerCapability: 1.5, maxPerCapability: '2' })).toEqual({
      ...DEFAULT_RULES,
      maxItems: null,
      minPerCapability: null,
      maxPerCapability: null,
    });
  });

  it('accepts sensible rules and names the field of each problem', () => {
    expect(rulesProblems(rules({ minPerCapability: 1, maxPerCapability: 2, maxItems: 30, maxAttachments: 5 }))).toEqual(
      {},
    );
    expect(rulesProblems(rules({ minPerCapability: 2, maxPerCapability: 2 }))).toEqual({});
    expect(rulesProblems(rules({ minPerCapability: 3, maxPerCapability: 2 })).maxPerCapability).toMatch(
      /at least the fewest \(3\)/,
    );
    expect(rulesProblems(rules({ maxItems: 0 })).maxItems).toMatch(/no evidence at all/);
    expect(rulesProblems(rules({ maxPerCapability: 0 })).maxPerCapability).toMatch(/no evidence at all/);
    expect(rulesProblems(rules({ maxAttachments: 0 }))).toEqual({}); // no attachments at all is a fair rule
    expect(rulesProblems(rules({ maxItems: 1001 })).maxItems).toMatch(/0 to 1,000/);
    expect(rulesProblems(rules({ minPerCapability: -1 })).minPerCapability).toMatch(/whole number/);
  });

  it('at most N items overall: the Nth is allowed, the one after is refused', () => {
    expect(checkNewItem(rules({ maxItems: 3 }), 2)).toBeNull();
    expect(checkNewItem(rules({ maxItems: 3 }), 3)).toMatch(/at most 3 pieces of evidence and you have 3/);
    expect(checkNewItem(rules({ maxItems: 1 }), 1)).toMatch(/at most 1 piece of/);
    expect(checkNewItem(rules({}), 10_000)).toBeNull();
  });

  it('at most two per capability: counts distinct pieces, so a second statement of the same capability is free', () => {
    const r = rules({ maxPerCapability: 2 });
    expect(checkLink(r, cap, new Set(), 'e1')).toBeNull();
    expect(checkLink(r, cap, new Set(['e1']), 'e2')).toBeNull();
    expect(checkLink(r, cap, new Set(['e1', 'e2']), 'e3')).toMatch(
      /Capability 1.2 Leads complex care already has 2 pieces.*\(2\)/,
    );
    expect(checkLink(r, cap, new Set(['e1', 'e2']), 'e2')).toBeNull();
    expect(checkLink(rules({}), cap, new Set(['e1', 'e2', 'e3']), 'e4')).toBeNull();
  });

  it('at most five attachments per item, counting a batch being added', () => {
    const r = rules({ maxAttachments: 5 });
    expect(checkAttachments(r, 4, 1)).toBeNull();
    expect(checkAttachments(r, 5, 1)).toMatch(/at most 5 attachments; this one has 5\. Remove/);
    expect(checkAttachments(r, 3, 3)).toMatch(/has 3 and you are adding 3/);
    expect(checkAttachments(rules({ maxAttachments: 0 }), 0, 1)).toMatch(/at most 0 attachments/);
    expect(checkAttachments(rules({}), 100, 1)).toBeNull();
  });

  it('reports capabilities below the fewest and above the most, and the total over the limit', () => {
    const caps = [
      { code: '1.1', text: 'A', evidenceIds: new Set<string>() },
      { code: '1.2', text: 'B', evidenceIds: new Set(['e1']) },
      { code: '1.3', text: 'C', evidenceIds: new Set(['e1', 'e2', 'e3']) },
    ];
    const found = ruleFindings(rules({ minPerCapability: 2, maxPerCapability: 2, maxItems: 2 }), caps, 3);
    expect(found).toEqual([
      { level: 'gap', capabilityCode: '1.1', message: '1.1 A: no evidence yet; your pathway asks for at least 2' },
      { level: 'gap', capabilityCode: '1.2', message: '1.2 B: only 1 piece; your pathway asks for at least 2' },
      {
        level: 'over',
        capabilityCode: '1.3',
        message: '1.3 C: 3 pieces of evidence, more than the 2 your pathway allows',
      },
      { level: 'over', message: '3 pieces of evidence in all, more than the 2 your pathway allows' },
    ]);
    expect(ruleFindings(rules({}), caps, 3)).toEqual([]);
    // On a supervisor's pages the same findings speak about the practitioner.
    expect(ruleFindings(rules({ minPerCapability: 2, maxItems: 2 }), caps, 3, 'their').map((f) => f.message)).toEqual([
      '1.1 A: no evidence yet; their pathway asks for at least 2',
      '1.2 B: only 1 piece; their pathway asks for at least 2',
      '3 pieces of evidence in all, more than the 2 their pathway allows',
    ]);
  });
});
