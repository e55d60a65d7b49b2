import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/** CSV with a header row, quoted where needed, and a byte-order mark so spreadsheet programs read UTF-8 correctly. */
export function toCsvText(head: string[], rows: (string | number)[][]): string {
  return `\uFEFF${stringify([head, ...rows], { record_delimiter: '\r\n' })}`;
}

export interface CsvRecord {
  record: Record<string, string>;
  /** The line the record ends on, for messages. */
  line: number;
}

/**
 * Reads CSV with a header row into records keyed by lower-cased header
 * (spaces become underscores), skipping empty lines, tolerating a BOM.
 * Returns a problem message instead of throwing when the text is not CSV.
 */
export function readCsv(text: string): { ok: true; records: CsvRecord[]; header: string[] } | { ok: false; message: string } {
  try {
    const rows: { record: Record<string, string>; info: { lines: number } }[] = parse(text.replace(/^\uFEFF/, ''), {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase().replace(/\s+/g, '_')),
      skip_empty_lines: true,
      trim: true,
      info: true,
    });
    return { ok: true, records: rows.map((r) => ({ record: r.record, line: r.info.lines })), header: rows[0] ? Object.keys(rows[0].record) : [] };
  } catch (err) {
    return { ok: false, message: `not readable as CSV: ${(err as Error).message}` };
  }
}
