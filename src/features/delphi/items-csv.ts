import { readCsv } from '../../exports/csv';

export interface ItemRowInput {
  code?: string;
  text: string;
  domain: string;
  stage: string | null;
  area: string | null;
}

/** Items typed in a spreadsheet: columns text (required), code, domain, stage, area. */
export function parseItemsCsv(text: string): { ok: true; items: ItemRowInput[] } | { ok: false; problems: { where: string; message: string }[] } {
  const csv = readCsv(text);
  if (!csv.ok) return { ok: false, problems: [{ where: 'file', message: csv.message }] };
  const records = csv.records;
  if (records.length === 0) return { ok: false, problems: [{ where: 'file', message: 'there are no rows under the header (text,code,domain,stage,area)' }] };
  if (!('text' in records[0]!.record)) return { ok: false, problems: [{ where: 'line 1', message: 'missing column: text' }] };
  const problems: { where: string; message: string }[] = [];
  const codes = new Map<string, number>();
  const items: ItemRowInput[] = [];
  for (const { record: r, line } of records) {
    const where = `line ${line}`;
    if (!r.text) {
      problems.push({ where, message: 'has no text' });
      continue;
    }
    if (r.text.length > 2000) problems.push({ where, message: 'text must be 2,000 characters or fewer' });
    if (r.code) {
      if (codes.has(r.code)) problems.push({ where, message: `duplicate code "${r.code}" (also line ${codes.get(r.code)})` });
      codes.set(r.code, line);
    }
    items.push({ code: r.code || undefined, text: r.text, domain: r.domain ?? '', stage: r.stage || null, area: r.area || null });
  }
  return problems.length ? { ok: false, problems } : { ok: true, items };
}
