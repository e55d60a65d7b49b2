import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { readCsv, type CsvRecord } from '../exports/csv';
import type { Codings, MultiCodings, Value } from '../stats/reliability-data';
import { LEVELS, type Level } from '../stats/reliability-alpha';
import {
  multiCodeReport,
  reliabilityReport,
  type ReliabilityFigures,
  type ReliabilityReport,
} from '../stats/reliability-report';
import { refuse } from './command-error';

const USAGE = 'Usage: waymark irr CODINGS.csv [--level nominal|ordinal|interval|ratio] [--multi]';
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** Problems listed before "… and N more". */
const MAX_LISTED = 20;

interface Problem {
  line: number;
  message: string;
}

type Parsed<T> = { ok: true; data: T } | { ok: false; problems: Problem[] };

/** The records under a header that has the given columns, or the problem with the file or its header. */
function recordsWith(text: string, columns: readonly string[], hint: string): Parsed<CsvRecord[]> {
  const csv = readCsv(text);
  if (!csv.ok) return { ok: false, problems: [{ line: 0, message: csv.message }] };
  if (csv.records.length === 0)
    return { ok: false, problems: [{ line: 0, message: 'the file has no rows under a header row' }] };
  const missing = columns.filter((c) => !csv.header.includes(c));
  if (missing.length)
    return {
      ok: false,
      problems: [
        {
          line: 1,
          message: `missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (the header must be ${columns.join(',')}${hint})`,
        },
      ],
    };
  return { ok: true, data: csv.records };
}

/** One value per coder per unit; a value given twice, an empty one, or a non-number at a numeric level is a problem. */
export function parseValues(text: string, level: Level): Parsed<Codings> {
  const read = recordsWith(
    text,
    ['unit', 'coder', 'value'],
    '; for several codes per unit use unit,coder,code with --multi',
  );
  if (!read.ok) return read;
  const problems: Problem[] = [];
  const units = new Map<string, Map<string, Value>>();
  const seen = new Map<string, { line: number; value: string }>();
  for (const { record, line } of read.data) {
    const { unit, coder, value } = record as { unit: string; coder: string; value: string };
    if (!unit || !coder) {
      problems.push({ line, message: `has no ${unit ? 'coder' : 'unit'}` });
      continue;
    }
    if (value === '') {
      problems.push({ line, message: 'the value is empty (leave the row out for a missing value)' });
      continue;
    }
    const key = JSON.stringify([unit, coder]);
    const before = seen.get(key);
    if (before) {
      problems.push({
        line,
        message: `coder "${coder}" gave unit "${unit}" a second value, "${value}" ("${before.value}" on line ${before.line}); each coder gives at most one value per unit (use unit,coder,code with --multi for several codes)`,
      });
      continue;
    }
    seen.set(key, { line, value });
    let parsed: Value = value;
    if (level !== 'nominal') {
      if (!NUMBER.test(value)) {
        problems.push({
          line,
          message:
            level === 'ordinal'
              ? `value "${value}" is not a number; the ordinal level needs numbers, ordered by size (use --level nominal for categories)`
              : `value "${value}" is not a number; the ${level} level needs numbers`,
        });
        continue;
      }
      parsed = Number(value);
      if (!Number.isFinite(parsed)) {
        problems.push({ line, message: `value "${value}" is too large to compute with` });
        continue;
      }
      if (level === 'ratio' && parsed < 0) {
        problems.push({ line, message: `value "${value}" is negative; the ratio level needs numbers of zero or more` });
        continue;
      }
    }
    if (!units.has(unit)) units.set(unit, new Map());
    units.get(unit)!.set(coder, parsed);
  }
  return problems.length ? { ok: false, problems } : { ok: true, data: units };
}

/**
 * Any number of codes per coder per unit. A coder codes a unit by having a row for it; a row with an empty code
 * says the coder coded the unit and applied no code. The same code twice by one coder on one unit is a problem.
 */
export function parseMultiCodes(text: string): Parsed<MultiCodings> {
  const read = recordsWith(text, ['unit', 'coder', 'code'], '; for one value per coder per unit leave out --multi');
  if (!read.ok) return read;
  const problems: Problem[] = [];
  const units = new Map<string, Map<string, Set<string>>>();
  const seen = new Map<string, number>();
  for (const { record, line } of read.data) {
    const { unit, coder, code } = record as { unit: string; coder: string; code: string };
    if (!unit || !coder) {
      problems.push({ line, message: `has no ${unit ? 'coder' : 'unit'}` });
      continue;
    }
    if (!units.has(unit)) units.set(unit, new Map());
    const coders = units.get(unit)!;
    if (!coders.has(coder)) coders.set(coder, new Set());
    if (code === '') continue;
    const key = JSON.stringify([unit, coder, code]);
    const before = seen.get(key);
    if (before !== undefined) {
      problems.push({
        line,
        message: `coder "${coder}" applied code "${code}" to unit "${unit}" already on line ${before}`,
      });
      continue;
    }
    seen.set(key, line);
    coders.get(coder)!.add(code);
  }
  return problems.length ? { ok: false, problems } : { ok: true, data: units };
}

/** Figures rounded to 4 decimal places for printing. */
function rounded(figures: ReliabilityFigures): ReliabilityFigures {
  const r = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000 || 0);
  return {
    percentAgreement: r(figures.percentAgreement),
    cohenKappa: r(figures.cohenKappa),
    fleissKappa: r(figures.fleissKappa),
    krippendorffAlpha: r(figures.krippendorffAlpha),
  };
}

/** The report as printed: figures rounded, `codes` only for multi-code data. */
export function printable(report: ReliabilityReport): ReliabilityReport {
  const { units, coders, level, overall, codes, notes } = report;
  return {
    units,
    coders,
    level,
    overall: rounded(overall),
    ...(codes ? { codes: Object.fromEntries(Object.entries(codes).map(([c, f]) => [c, rounded(f)])) } : {}),
    notes,
  };
}

/** `waymark irr`: inter-rater reliability of a codings CSV, as JSON; no database. */
export function irrCommand(args: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { level: { type: 'string' }, multi: { type: 'boolean' } },
    });
  } catch (err) {
    refuse(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const file = positionals[0];
  if (!file) refuse(`Give the codings file. ${USAGE}`);
  if (positionals.length > 1) refuse(`Give one codings file, not ${positionals.length}. ${USAGE}`);
  const level = values.level ?? 'nominal';
  if (!(LEVELS as readonly string[]).includes(level))
    refuse(`--level must be nominal, ordinal, interval or ratio, not "${level}"`);
  if (values.multi && level !== 'nominal')
    refuse('--multi treats each code as applied or not applied (nominal); --level does not apply to it');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    refuse(`Could not read ${file}: ${(err as Error).message}`);
  }
  const read = values.multi ? parseMultiCodes(text) : parseValues(text, level as Level);
  if (!read.ok) {
    const listed = read.problems
      .slice(0, MAX_LISTED)
      .map((p) => `  ${p.line ? `line ${p.line}` : 'file'}: ${p.message}`);
    if (read.problems.length > MAX_LISTED) listed.push(`  … and ${read.problems.length - MAX_LISTED} more`);
    refuse(`${file} has ${read.problems.length} problem(s); nothing was computed:\n${listed.join('\n')}`);
  }
  const report = values.multi
    ? multiCodeReport(read.data as MultiCodings)
    : reliabilityReport(read.data as Codings, level as Level);
  process.stdout.write(`${JSON.stringify(printable(report), null, 2)}\n`);
}
