import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/*
 * Every CSV Waymark writes goes through this module, so spreadsheet formula
 * injection is handled in one place (OWASP "CSV Injection"): a text cell that
 * a spreadsheet would run as a formula — one starting with = + - @ TAB or CR —
 * is written with a single quote in front and in double quotes, so it shows
 * as text. A cell whose text itself starts with a single quote gets one more
 * in front, so the rule can be undone without guessing: a reader removes the
 * first character of any cell that starts with ' followed by = + - @ TAB CR or '.
 * Numbers are written as numbers (a negative number is not a formula).
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const ESCAPED = /^'[=+\-@\t\r']/;

/** The cell as written: prefixed with ' when a spreadsheet would read it as a formula, or when it already starts with '. */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) || value.startsWith("'") ? `'${value}` : value;
}

/** Undoes neutraliseCell: the text that was exported. */
export function restoreCell(value: string): string {
  return ESCAPED.test(value) ? value.slice(1) : value;
}

export interface CsvWriteOptions {
  /** Start with a byte-order mark so spreadsheet programs read UTF-8 correctly (default true). */
  bom?: boolean;
  /** Line ending (default CRLF, as RFC 4180 and spreadsheets expect). */
  recordDelimiter?: '\r\n' | '\n';
}

/**
 * Rows as CSV, every text cell neutralised. Escaped cells are always quoted, and so is any cell with a line
 * break: csv-stringify leaves a bare LF unquoted under a CRLF record delimiter, and a spreadsheet would then
 * start a new row there — where a formula after the break would run.
 */
export function writeCsv(rows: (string | number | null | undefined)[][], options: CsvWriteOptions = {}): string {
  const cells = rows.map((row) => row.map((c) => (typeof c === 'number' ? c : neutraliseCell(c ?? ''))));
  const text = stringify(cells, {
    record_delimiter: options.recordDelimiter ?? '\r\n',
    quoted_match: [/^'/, /[\r\n]/],
  });
  return options.bom === false ? text : `\uFEFF${text}`;
}

/** CSV with a header row, quoted where needed, and a byte-order mark so spreadsheet programs read UTF-8 correctly. */
export function toCsvText(head: string[], rows: (string | number | null | undefined)[][]): string {
  return writeCsv([head, ...rows]);
}

export interface CsvRecord {
  record: Record<string, string>;
  /** The line the record ends on, for messages. */
  line: number;
}

/**
 * Reads CSV with a header row into records keyed by lower-cased header
 * (spaces become underscores), skipping empty lines, tolerating a BOM, and
 * undoing the formula escaping the writer applies (restoreCell), so what
 * Waymark exports reads back as the text it was.
 * Returns a problem message instead of throwing when the text is not CSV.
 */
export function readCsv(
  text: string,
): { ok: true; records: CsvRecord[]; header: string[] } | { ok: false; message: string } {
  try {
    const rows: { record: Record<string, string>; info: { lines: number } }[] = parse(text.replace(/^\uFEFF/, ''), {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase().replace(/\s+/g, '_')),
      skip_empty_lines: true,
      trim: true,
      info: true,
      cast: (value: string) => restoreCell(value),
    });
    return {
      ok: true,
      records: rows.map((r) => ({ record: r.record, line: r.info.lines })),
      header: rows[0] ? Object.keys(rows[0].record) : [],
    };
  } catch (err) {
    return { ok: false, message: `not readable as CSV: ${(err as Error).message}` };
  }
}
