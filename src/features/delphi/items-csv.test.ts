import { describe, expect, it } from 'vitest';
import { parseItemsCsv } from './items-csv';

describe('parseItemsCsv', () => {
  it('reads stages by name or key', () => {
    const r = parseItemsCsv(
      'text,domain,stage\nShares learning,Education,Years 1 to 3 in post\nLeads change,Leadership,transition\nNo stage,,\n',
    );
    expect(r.ok && r.items.map((i) => i.stage)).toEqual(['years-1-3', 'transition', null]);
  });

  it('reports every line whose text is too long, holds an NHS number or names an unknown stage', () => {
    const r = parseItemsCsv(`text,stage\nSees patient 943 476 5919,\n${'x'.repeat(2001)},\nFine,year one\n`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.where}: ${p.message}`)).toEqual([
      expect.stringMatching(/^line 2: the text contains what looks like an NHS number \(943 476 5919\)/),
      'line 3: the text must be 2,000 characters or fewer (it has 2,001)',
      expect.stringMatching(/^line 4: stage "year one" is not one of: Advanced practice level; Transition/),
    ]);
  });
});
