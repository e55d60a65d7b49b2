import { stringify } from 'csv-stringify/sync';

/** CSV with a header row, quoted where needed, and a byte-order mark so spreadsheet programs read UTF-8 correctly. */
export function toCsvText(head: string[], rows: (string | number)[][]): string {
  return `\uFEFF${stringify([head, ...rows], { record_delimiter: '\r\n' })}`;
}
