import { readCsv } from '../../exports/csv';
import type { Rating } from '../../stats/delphi';
import type { Scale } from '../../stats/consensus';

export const RESPONSE_COLUMNS = ['panellist', 'group', 'item', 'rating'] as const;

export type ResponsesResult =
  { ok: true; ratings: Rating[] } | { ok: false; problems: { where: string; message: string }[] };

/**
 * Reads `panellist,group,item,rating` rows. An empty rating or NA means
 * "unable to rate". Every problem is reported with its line; none are fixed silently.
 */
export function parseResponsesCsv(text: string, scale: Scale, knownItems?: ReadonlySet<string>): ResponsesResult {
  const csv = readCsv(text);
  if (!csv.ok) return { ok: false, problems: [{ where: 'file', message: csv.message }] };
  const records = csv.records;
  if (records.length === 0)
    return { ok: false, problems: [{ where: 'file', message: 'the file has no rows under the header' }] };
  const missing = RESPONSE_COLUMNS.filter((c) => !(c in records[0]!.record));
  if (missing.length)
    return {
      ok: false,
      problems: [
        {
          where: 'line 1',
          message: `missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (the header must be ${RESPONSE_COLUMNS.join(',')})`,
        },
      ],
    };
  const problems: { where: string; message: string }[] = [];
  const seen = new Map<string, number>();
  const ratings: Rating[] = [];
  for (const { record: r, line } of records) {
    const where = `line ${line}`;
    if (!r.panellist) problems.push({ where, message: 'has no panellist' });
    if (!r.item) problems.push({ where, message: 'has no item' });
    if (!r.panellist || !r.item) continue;
    if (knownItems && !knownItems.has(r.item)) problems.push({ where, message: `unknown item "${r.item}"` });
    const key = `${r.panellist}\u0000${r.item}`;
    if (seen.has(key))
      problems.push({ where, message: `${r.panellist} rated ${r.item} already on line ${seen.get(key)}` });
    seen.set(key, line);
    const raw = r.rating ?? '';
    let rating: number | null = null;
    if (raw !== '' && raw.toUpperCase() !== 'NA') {
      rating = Number(raw);
      if (!Number.isInteger(rating) || rating < scale.min || rating > scale.max) {
        problems.push({
          where,
          message: `rating "${raw}" is not a whole number from ${scale.min} to ${scale.max} (leave it empty or write NA for "unable to rate")`,
        });
        continue;
      }
    }
    ratings.push({ panellist: r.panellist, group: r.group || 'all', item: r.item, rating });
  }
  return problems.length ? { ok: false, problems } : { ok: true, ratings };
}
