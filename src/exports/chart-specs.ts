import type { TopLevelSpec } from 'vega-lite';

/*
 * The two ready-made charts (a heatmap of counts and horizontal bars) as plain data → Vega-Lite specs, their
 * text summaries and their table alternatives. Nothing here renders: charts.ts turns a spec into SVG.
 *
 * Colours are worked out here rather than by a Vega colour scale, so the text on each heatmap cell can take
 * the page's text colour, white or black, whichever first reaches 4.5:1 on that exact fill (WCAG 2 formula),
 * and a legend is not needed: every cell and every bar carries its number, so colour is never the only cue.
 */

/** Arial and the generic sans-serif, as the NHS.UK pages fall back to; never a web font. */
export const CHART_FONT = 'Arial, sans-serif';
export const TEXT_COLOUR = '#212b32';
export const BAR_COLOUR = '#005eb8';
const LIGHTEST = '#e8f1fa';
const DARKEST = '#003087';
const ZERO_FILL = '#ffffff';
const CELL_BORDER = '#aeb7bd';

export interface HeatmapCell {
  row: string;
  column: string;
  count: number;
}

export interface HeatmapData {
  kind: 'heatmap';
  /** What the chart shows, e.g. "Coded segments by theme and area": the SVG's accessible name and the table caption. */
  title: string;
  /** Names the rows and the columns, e.g. "Theme" and "Area". */
  rowTitle: string;
  columnTitle: string;
  /** Row and column labels in the order shown; each must be unique. */
  rows: string[];
  columns: string[];
  /** A missing cell counts 0; a cell naming a row or column not listed is an error. */
  cells: HeatmapCell[];
  /** Replaces the generated summary in the SVG's <desc>. */
  description?: string;
}

export interface BarsData {
  kind: 'bars';
  title: string;
  /** Names the labels and the counts, e.g. "Code" and "Coded segments". */
  labelTitle: string;
  valueTitle: string;
  /** In the order shown (top first); labels must be unique. */
  bars: { label: string; count: number }[];
  description?: string;
}

export type ChartData = HeatmapData | BarsData;

/** A chart's figures as a table: `headers` for the <thead>, each row's `label` as its row header (th scope="row"). */
export interface ChartTable {
  caption: string;
  headers: string[];
  rows: { label: string; values: number[] }[];
}

export class ChartDataError extends Error {
  override name = 'ChartDataError';
}

/** Text that can go into XML: characters XML 1.0 forbids (controls, lone surrogates) become U+FFFD. */
export function xmlSafe(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
}

/** A label as drawn: XML-safe, on one line. */
function drawn(label: string): string {
  return xmlSafe(label).replace(/\s+/g, ' ').trim();
}

function checkCount(count: number, where: string): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new ChartDataError(`${where}: a count must be a whole number of 0 or more, not ${String(count)}`);
  }
}

function checkUnique(labels: string[], what: string): void {
  const seen = new Set<string>();
  for (const label of labels) {
    const key = drawn(label);
    if (seen.has(key)) throw new ChartDataError(`Two ${what} are both labelled "${label}": each must be unique`);
    seen.add(key);
  }
}

/** The heatmap's counts as a full grid, rows × columns, in the order given; checks the data on the way. */
export function heatmapGrid(data: HeatmapData): number[][] {
  checkUnique(data.rows, 'rows');
  checkUnique(data.columns, 'columns');
  const rowIndex = new Map(data.rows.map((r, i) => [r, i]));
  const columnIndex = new Map(data.columns.map((c, i) => [c, i]));
  const grid = data.rows.map(() => data.columns.map(() => 0));
  const filled = new Set<string>();
  for (const cell of data.cells) {
    const r = rowIndex.get(cell.row);
    const c = columnIndex.get(cell.column);
    if (r === undefined) throw new ChartDataError(`A cell names the row "${cell.row}", which is not in the rows`);
    if (c === undefined)
      throw new ChartDataError(`A cell names the column "${cell.column}", which is not in the columns`);
    checkCount(cell.count, `"${cell.row}" × "${cell.column}"`);
    if (filled.has(`${r},${c}`)) throw new ChartDataError(`The cell "${cell.row}" × "${cell.column}" is given twice`);
    filled.add(`${r},${c}`);
    grid[r]![c] = cell.count;
  }
  return grid;
}

/*
 * Text widths in Arial, for layout and for truncating long labels. With no canvas Vega guesses 0.8 em a
 * character, nearly twice Arial's average, which cuts labels short and leaves wide gaps. These are the
 * Helvetica/Arial advance widths (1/1000 em) of the printable ASCII characters; an accented letter takes its
 * base letter's width, an emoji or other wide character 1 em, anything else 0.556 em. Bold is ~8% wider.
 */
const ASCII_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
  722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
  556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
  260, 334, 584,
];

function charWidth(ch: string): number {
  const code = ch.codePointAt(0)!;
  if (code >= 32 && code <= 126) return ASCII_WIDTHS[code - 32]!;
  const base = ch.normalize('NFD').codePointAt(0)!;
  if (base >= 32 && base <= 126) return ASCII_WIDTHS[base - 32]!;
  if (code === 0x2026 || code >= 0x1100) return 1000; // ellipsis, CJK, emoji and other wide characters
  return 556;
}

/** The width in pixels of a line of text in Arial at the given size. */
export function arialWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const ch of text) units += charWidth(ch);
  return (units / 1000) * fontSize * (bold ? 1.08 : 1);
}

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

function hex(channels: number[]): string {
  return '#' + channels.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
}

function luminance(colour: string): number {
  const [r, g, b] = rgb(colour).map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two #rrggbb colours. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** A cell's fill (0 is white, else light to NHS dark blue in proportion to the largest count) and its text colour. */
export function cellColours(count: number, max: number): { fill: string; ink: string } {
  const fill =
    count <= 0 || max <= 0
      ? ZERO_FILL
      : hex(rgb(LIGHTEST).map((from, i) => from + (rgb(DARKEST)[i]! - from) * (count / max)));
  // Any colour reaches 4.5:1 with black or with white; the page's text colour is preferred where it does too.
  const ink = [TEXT_COLOUR, '#ffffff', '#000000'].find((c) => contrast(fill, c) >= 4.5) ?? '#000000';
  return { fill, ink };
}

function axisStyle() {
  return { labelFont: CHART_FONT, titleFont: CHART_FONT, labelColor: TEXT_COLOUR, titleColor: TEXT_COLOUR };
}

export function heatmapSpec(data: HeatmapData): TopLevelSpec {
  const grid = heatmapGrid(data);
  const max = Math.max(0, ...grid.flat());
  const rows = data.rows.map(drawn);
  const columns = data.columns.map(drawn);
  const values = grid.flatMap((counts, r) =>
    counts.map((count, c) => ({ row: rows[r], column: columns[c], count, ...cellColours(count, max) })),
  );
  // Column labels read across when there are few and each fits its column; otherwise they slant.
  const few = columns.length <= 6 && columns.every((c) => arialWidth(c, 13) <= 128);
  const x = {
    field: 'column',
    type: 'nominal',
    sort: columns,
    title: drawn(data.columnTitle),
    axis: {
      orient: 'top',
      labelAngle: few ? 0 : -45,
      labelLimit: few ? 128 : 180,
      labelOverlap: false,
      ...axisStyle(),
    },
  } as const;
  const y = {
    field: 'row',
    type: 'nominal',
    sort: rows,
    title: drawn(data.rowTitle),
    axis: { labelLimit: 260, maxExtent: 280, labelOverlap: false, ...axisStyle() },
  } as const;
  return {
    data: { values },
    width: { step: few ? 136 : 48 },
    height: { step: 30 },
    layer: [
      {
        mark: { type: 'rect', stroke: CELL_BORDER, strokeWidth: 1 },
        encoding: { x, y, fill: { field: 'fill', type: 'nominal', scale: null } },
      },
      {
        mark: { type: 'text', font: CHART_FONT, fontSize: 13 },
        encoding: { x, y, text: { field: 'count', type: 'quantitative' }, fill: { field: 'ink', scale: null } },
      },
    ],
  } as TopLevelSpec;
}

export function barsSpec(data: BarsData): TopLevelSpec {
  checkUnique(
    data.bars.map((b) => b.label),
    'bars',
  );
  data.bars.forEach((b) => checkCount(b.count, `"${b.label}"`));
  const labels = data.bars.map((b) => drawn(b.label));
  const values = data.bars.map((b, i) => ({ label: labels[i], count: b.count }));
  const y = {
    field: 'label',
    type: 'nominal',
    sort: labels,
    title: drawn(data.labelTitle),
    axis: { labelLimit: 260, maxExtent: 280, labelOverlap: false, ...axisStyle() },
  } as const;
  const x = {
    field: 'count',
    type: 'quantitative',
    title: drawn(data.valueTitle),
    axis: { format: 'd', tickMinStep: 1, ...axisStyle() },
  } as const;
  return {
    data: { values },
    width: 360,
    height: { step: 26 },
    layer: [
      { mark: { type: 'bar', fill: BAR_COLOUR }, encoding: { x, y } },
      {
        mark: { type: 'text', align: 'left', dx: 4, font: CHART_FONT, fontSize: 13, fill: TEXT_COLOUR },
        encoding: { x, y, text: { field: 'count', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

/** One or two sentences saying what the chart shows and where its extremes are; ends pointing at the table. */
export function summarise(data: ChartData): string {
  if (data.description !== undefined) return data.description;
  const table = 'Every figure is written on the chart and given in the table alternative.';
  if (data.kind === 'bars') {
    if (data.bars.length === 0) return 'There is nothing to chart yet.';
    const top = data.bars.reduce((a, b) => (b.count > a.count ? b : a));
    const low = data.bars.reduce((a, b) => (b.count < a.count ? b : a));
    return `Bar chart: ${data.valueTitle} for each of ${data.bars.length} ${plural(data.bars.length, data.labelTitle)}. Highest: ${top.label} (${top.count}); lowest: ${low.label} (${low.count}). ${table}`;
  }
  if (data.rows.length === 0 || data.columns.length === 0) return 'There is nothing to chart yet.';
  const grid = heatmapGrid(data);
  let best = { r: 0, c: 0, n: -1 };
  let least = Infinity;
  grid.forEach((counts, r) =>
    counts.forEach((n, c) => {
      if (n > best.n) best = { r, c, n };
      least = Math.min(least, n);
    }),
  );
  const shape = `${data.rows.length} ${plural(data.rows.length, data.rowTitle)} by ${data.columns.length} ${plural(data.columns.length, data.columnTitle)}`;
  return `Heatmap of counts, ${shape}. Counts range from ${least} to ${best.n}; the highest is ${data.rows[best.r]} with ${data.columns[best.c]} (${best.n}). ${table}`;
}

function plural(n: number, title: string): string {
  const word = title.toLowerCase();
  return n === 1 || word.endsWith('s') ? word : `${word}s`;
}

/** The chart's figures as a table for a Nunjucks template (see charts.ts for the markup to use). */
export function chartTable(data: ChartData): ChartTable {
  if (data.kind === 'bars') {
    return {
      caption: data.title,
      headers: [data.labelTitle, data.valueTitle],
      rows: data.bars.map((b) => ({ label: b.label, values: [b.count] })),
    };
  }
  const grid = heatmapGrid(data);
  return {
    caption: data.title,
    headers: [data.rowTitle, ...data.columns],
    rows: data.rows.map((label, r) => ({ label, values: grid[r]! })),
  };
}
