import { readCsv, writeCsv } from '../../../exports/csv';
import {
  ITEM_TYPES,
  MAPPING_KINDS,
  type FrameworkDoc,
  type FrameworkItem,
  type ImportProblem,
  type ItemType,
  type MappingKind,
  type ParseResult,
} from '../model';
import { canonical } from '../order';
import { validateDoc } from '../validate';

/**
 * CSV: one row per item, so a framework typed in a spreadsheet can be loaded.
 * Besides the item types, a `framework` row carries the short name (code),
 * title (text), area (area) and version label (notes); `stage` rows list the
 * stages in order (code = key, text = label); `mapping` rows map an item
 * (code) to another framework's item (parent_code = SHORTNAME:CODE) with a
 * kind (text = exact | related | extends).
 */
export const CSV_COLUMNS = ['code', 'parent_code', 'type', 'text', 'stage', 'area', 'notes'] as const;

export function toCsv(input: FrameworkDoc): string {
  const doc = canonical(input);
  const rows: string[][] = [[...CSV_COLUMNS]];
  rows.push([
    doc.framework.shortName,
    '',
    'framework',
    doc.framework.title,
    '',
    doc.framework.area ?? '',
    doc.version.label,
  ]);
  for (const s of doc.stages) rows.push([s.key, '', 'stage', s.label, '', '', '']);
  for (const i of doc.items)
    rows.push([i.code, i.parentCode ?? '', i.type, i.text, i.stage ?? '', i.area ?? '', i.notes]);
  for (const m of doc.mappings) rows.push([m.fromCode, `${m.toFramework}:${m.toCode}`, 'mapping', m.kind, '', '', '']);
  // Through the one CSV writer, so cells a spreadsheet would run as formulas are escaped (readCsv undoes it).
  return writeCsv(rows, { bom: false, recordDelimiter: '\n' });
}

export interface CsvContext {
  /** Metadata the CSV does not carry, from the framework's previous version or defaults. */
  base: Pick<FrameworkDoc, 'framework' | 'version'>;
  /** Keeps an item's identity across versions: the previous version's identifier for the same code. */
  identifierFor(code: string): string;
  defaultStages: { key: string; label: string }[];
  /**
   * The version this CSV updates, when there is one: what the CSV has no column
   * for (item descriptions, the CASE fields of an imported package) is kept from it, by code.
   */
  previous?: FrameworkDoc;
}

export function fromCsv(text: string, ctx: CsvContext): ParseResult {
  const csv = readCsv(text);
  if (!csv.ok) return { ok: false, problems: [{ where: 'file', message: csv.message }] };
  const records = csv.records;
  const problems: ImportProblem[] = [];
  const header = csv.header;
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (records.length === 0)
    return { ok: false, problems: [{ where: 'file', message: 'the file has no rows under the header' }] };
  if (missing.length)
    return {
      ok: false,
      problems: [
        {
          where: 'line 1',
          message: `missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (the header must be ${CSV_COLUMNS.join(',')})`,
        },
      ],
    };

  const framework = { ...ctx.base.framework };
  const version = { ...ctx.base.version };
  const stages: { key: string; label: string }[] = [];
  const items: FrameworkItem[] = [];
  const itemLines: number[] = [];
  const mappings: FrameworkDoc['mappings'] = [];
  const previous = new Map((ctx.previous?.items ?? []).map((i) => [i.code, i]));
  for (const { record: r, line: lineNo } of records) {
    const line = `line ${lineNo}`;
    const type = r.type?.toLowerCase() ?? '';
    if (type === 'framework') {
      if (r.code) framework.shortName = r.code;
      if (r.text) framework.title = r.text;
      framework.area = r.area || null;
      framework.kind = r.area ? 'area' : 'core';
      if (r.notes) version.label = r.notes;
    } else if (type === 'stage') {
      if (!r.code || !r.text)
        problems.push({ where: line, message: 'a stage row needs a key in code and a label in text' });
      else stages.push({ key: r.code, label: r.text });
    } else if (type === 'mapping') {
      const [toFramework, ...rest] = (r.parent_code ?? '').split(':');
      const toCode = rest.join(':');
      if (!r.code || !toFramework || !toCode)
        problems.push({
          where: line,
          message: 'a mapping row needs the item in code and SHORTNAME:CODE in parent_code',
        });
      else if (!(MAPPING_KINDS as readonly string[]).includes(r.text ?? ''))
        problems.push({ where: line, message: `mapping kind "${r.text}" is not one of ${MAPPING_KINDS.join(', ')}` });
      else mappings.push({ fromCode: r.code, toFramework, toCode, kind: r.text as MappingKind });
    } else if ((ITEM_TYPES as readonly string[]).includes(type)) {
      if (!r.code) problems.push({ where: line, message: 'has no code' });
      if (!r.text) problems.push({ where: line, message: `${r.code || 'item'} has no text` });
      if (!r.code || !r.text) continue;
      const before = previous.get(r.code);
      items.push({
        identifier: ctx.identifierFor(r.code),
        code: r.code,
        type: type as ItemType,
        parentCode: r.parent_code || null,
        text: r.text,
        description: before?.description ?? '',
        stage: r.stage || null,
        area: r.area || null,
        notes: r.notes ?? '',
        ...(before?.case ? { case: before.case } : {}),
      });
      itemLines.push(lineNo);
    } else {
      problems.push({
        where: line,
        message: `unknown type "${r.type}"; use framework, stage, ${ITEM_TYPES.join(', ')} or mapping`,
      });
    }
  }
  const doc: FrameworkDoc = {
    format: 'waymark-framework',
    formatVersion: 1,
    framework,
    version,
    stages: stages.length ? stages : ctx.defaultStages,
    items,
    mappings,
    ...(ctx.previous?.case ? { case: ctx.previous.case } : {}),
  };
  problems.push(...validateDoc(doc, (i) => `line ${itemLines[i]}`));
  return problems.length ? { ok: false, problems } : { ok: true, doc: canonical(doc) };
}
