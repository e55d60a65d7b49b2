import { readCsv } from '../../exports/csv';
import { itemProblem } from './bounds';
import { STAGE_OPTIONS, stageFromInput } from './labels';

export interface ItemRowInput {
  code?: string;
  text: string;
  domain: string;
  stage: string | null;
  area: string | null;
}

/** Items typed in a spreadsheet: columns text (required), code, domain, stage (its name or key), area. Every problem is reported with its line. */
export function parseItemsCsv(
  text: string,
): { ok: true; items: ItemRowInput[] } | { ok: false; problems: { where: string; message: string }[] } {
  const csv = readCsv(text);
  if (!csv.ok) return { ok: false, problems: [{ where: 'file', message: csv.message }] };
  const records = csv.records;
  if (records.length === 0)
    return {
      ok: false,
      problems: [{ where: 'file', message: 'there are no rows under the header (text,code,domain,stage,area)' }],
    };
  if (!('text' in records[0]!.record))
    return { ok: false, problems: [{ where: 'line 1', message: 'missing column: text' }] };
  const problems: { where: string; message: string }[] = [];
  const codes = new Map<string, number>();
  const items: ItemRowInput[] = [];
  for (const { record: r, line } of records) {
    const where = `line ${line}`;
    if (!r.text) {
      problems.push({ where, message: 'has no text' });
      continue;
    }
    const problem = itemProblem({ text: r.text, domain: r.domain ?? '', area: r.area ?? '' }, 'the text');
    if (problem) problems.push({ where, message: `${problem[0]!.toLowerCase()}${problem.slice(1)}` });
    const stage = r.stage ? stageFromInput(r.stage) : null;
    if (stage === undefined)
      problems.push({
        where,
        message: `stage "${r.stage}" is not one of: ${STAGE_OPTIONS.map((s) => s.text).join('; ')}`,
      });
    if (r.code) {
      if (codes.has(r.code))
        problems.push({ where, message: `duplicate code "${r.code}" (also line ${codes.get(r.code)})` });
      codes.set(r.code, line);
    }
    items.push({
      code: r.code || undefined,
      text: r.text,
      domain: r.domain ?? '',
      stage: stage ?? null,
      area: r.area || null,
    });
  }
  return problems.length ? { ok: false, problems } : { ok: true, items };
}
