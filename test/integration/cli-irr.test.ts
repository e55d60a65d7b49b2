import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CommandError, main } from '../../src/main';

// `waymark irr` needs no database: it runs in-process, as in cli.test.ts.
const FIXTURES = path.join(import.meta.dirname, '../fixtures/irr');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waymark-irr-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A CSV file with these lines. */
function csv(name: string, ...lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function waymark(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await main(args);
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    if (err instanceof CommandError) return { code: 1, stdout, stderr: err.message };
    throw err;
  } finally {
    write.mockRestore();
  }
}

describe('waymark irr', () => {
  it("prints Krippendorff's α for his 4 coders × 12 units example at each level, as JSON", async () => {
    const file = path.join(FIXTURES, 'krippendorff-2011.csv');
    const expected = { nominal: 0.7434, ordinal: 0.8154, interval: 0.8491, ratio: 0.7974 };
    for (const [level, alpha] of Object.entries(expected)) {
      const r = await waymark(['irr', file, '--level', level]);
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout);
      expect(Object.keys(json)).toEqual(['units', 'coders', 'level', 'overall', 'notes']);
      expect(json).toMatchObject({ units: 12, coders: 4, level, overall: { cohenKappa: null, fleissKappa: null } });
      expect(json.overall.krippendorffAlpha).toBe(alpha);
      expect(Object.keys(json.overall)).toEqual(['percentAgreement', 'cohenKappa', 'fleissKappa', 'krippendorffAlpha']);
      expect(json.notes[0]).toMatch(/^Unit of analysis: the unit/);
      expect(json.notes).toContain("Cohen's κ is null: it needs exactly two coders; this data has 4");
    }
  });

  it("gives Cohen's κ for two coders (the textbook 2 × 2 table: κ = 0.4), nominal by default", async () => {
    const r = await waymark(['irr', path.join(FIXTURES, 'cohen-2x2.csv')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      units: 50,
      coders: 2,
      level: 'nominal',
      overall: { percentAgreement: 0.7, cohenKappa: 0.4 },
    });
  });

  it('with --multi gives per-code and pooled figures, each code applied / not applied per unit', async () => {
    const r = await waymark(['irr', path.join(FIXTURES, 'multi.csv'), '--multi']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['units', 'coders', 'level', 'overall', 'codes', 'notes']);
    expect(json).toMatchObject({ units: 4, coders: 2, level: 'nominal' });
    expect(json.overall).toEqual({
      percentAgreement: 0.6667,
      cohenKappa: 0.3333,
      fleissKappa: 0.3333,
      krippendorffAlpha: 0.3889,
    });
    expect(json.codes.Access).toMatchObject({ percentAgreement: 0.6667, cohenKappa: 0.4 });
    expect(json.codes.Workload).toMatchObject({ percentAgreement: 0.6667, cohenKappa: 0.4 });
    expect(json.notes[0]).toMatch(/^Unit of analysis: for each code, the unit, with the code applied \(1\) or not/);
  });

  it('reports an undefined statistic as null with a note: one category only', async () => {
    const file = csv('same.csv', 'unit,coder,value', '1,a,yes', '1,b,yes', '2,a,yes', '2,b,yes');
    const json = JSON.parse((await waymark(['irr', file])).stdout);
    expect(json.overall).toEqual({ percentAgreement: 1, cohenKappa: null, fleissKappa: null, krippendorffAlpha: null });
    expect(json.notes).toContain(
      "Krippendorff's α is null: every value is the same, so the expected disagreement is 0 and α is undefined",
    );
  });

  it('refuses a coder giving two values for one unit, naming the unit, the coder and the line', async () => {
    const file = csv('twice.csv', 'unit,coder,value', 'n1,ana,A', 'n1,ben,A', 'n1,ana,B');
    const r = await waymark(['irr', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('has 1 problem(s); nothing was computed');
    expect(r.stderr).toContain(
      'line 4: coder "ana" gave unit "n1" a second value, "B" ("A" on line 2); each coder gives at most one value per unit',
    );
  });

  it('refuses non-numeric values at the interval and ratio levels, text at the ordinal level, negatives at ratio', async () => {
    const file = csv('words.csv', 'unit,coder,value', 'n1,ana,3', 'n1,ben,high');
    const interval = await waymark(['irr', file, '--level', 'interval']);
    expect(interval.code).toBe(1);
    expect(interval.stderr).toContain('line 3: value "high" is not a number; the interval level needs numbers');
    const ordinal = await waymark(['irr', file, '--level', 'ordinal']);
    expect(ordinal.stderr).toContain(
      'line 3: value "high" is not a number; the ordinal level needs numbers, ordered by size (use --level nominal for categories)',
    );
    const negative = await waymark([
      'irr',
      csv('neg.csv', 'unit,coder,value', 'n1,a,-2', 'n1,b,2'),
      '--level',
      'ratio',
    ]);
    expect(negative.stderr).toContain('line 2: value "-2" is negative; the ratio level needs numbers of zero or more');
    const huge = await waymark([
      'irr',
      csv('huge.csv', 'unit,coder,value', 'n1,a,1e999', 'n1,b,2'),
      '--level',
      'interval',
    ]);
    expect(huge.stderr).toContain('line 2: value "1e999" is too large to compute with');
    // Nominal takes any text.
    expect((await waymark(['irr', file])).code).toBe(0);
  });

  it('refuses a missing column, an empty value, a missing unit, a repeated code, and bad options, with no stack trace', async () => {
    const codes = csv('codes.csv', 'unit,coder,code', 'n1,ana,A');
    const noValue = await waymark(['irr', codes]);
    expect(noValue.stderr).toContain(
      'line 1: missing column: value (the header must be unit,coder,value; for several codes per unit use unit,coder,code with --multi)',
    );
    const values = csv('values.csv', 'unit,coder,value', 'n1,ana,A');
    expect((await waymark(['irr', values, '--multi'])).stderr).toContain('line 1: missing column: code');
    const gaps = await waymark(['irr', csv('gaps.csv', 'unit,coder,value', 'n1,ana,', ',ben,A')]);
    expect(gaps.stderr).toContain('line 2: the value is empty (leave the row out for a missing value)');
    expect(gaps.stderr).toContain('line 3: has no unit');
    const repeated = await waymark(['irr', csv('rep.csv', 'unit,coder,code', 'n1,ana,A', 'n1,ana,A'), '--multi']);
    expect(repeated.stderr).toContain('line 3: coder "ana" applied code "A" to unit "n1" already on line 2');
    expect((await waymark(['irr', values, '--level', 'fuzzy'])).stderr).toBe(
      '--level must be nominal, ordinal, interval or ratio, not "fuzzy"',
    );
    expect((await waymark(['irr', codes, '--multi', '--level', 'interval'])).stderr).toContain(
      '--multi treats each code as applied or not applied',
    );
    expect((await waymark(['irr'])).stderr).toContain('Give the codings file');
    expect((await waymark(['irr', values, '--weights'])).stderr).toContain("Unknown option '--weights'");
    expect((await waymark(['irr', path.join(dir, 'nowhere.csv')])).stderr).toMatch(/^Could not read .*nowhere\.csv/);
    expect((await waymark(['irr', csv('empty.csv', 'unit,coder,value')])).stderr).toContain(
      'file: the file has no rows under a header row',
    );
    for (const r of [noValue, gaps, repeated]) {
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('lists the first 20 problems and counts the rest', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => `n${i},ana,`);
    const r = await waymark(['irr', csv('many.csv', 'unit,coder,value', ...lines)]);
    expect(r.stderr).toContain('has 25 problem(s)');
    expect(r.stderr).toContain('line 21: the value is empty');
    expect(r.stderr).not.toContain('line 22:');
    expect(r.stderr).toContain('  … and 5 more');
  });
});
