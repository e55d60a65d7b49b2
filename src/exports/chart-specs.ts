import type { TopLevelSpec } from 'vega-lite';

/*
 * The two ready-made charts (a heatmap of counts and horizontal bars) as plain data → Vega-Lite specs, their
 * text summaries and their table alternatives. Nothing here renders: charts.ts turns a spec into SVG.
 *
 * Colours are worked out here rather than by a Vega colour scale, so the text on each heatmap cell can take
 * whichever of the page's text colour or white has the higher contrast on that exact fill (WCAG 2 formula),
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

/** A cell's fill (0 is white; otherwise light to NHS dark blue in proportion to the largest count) and its text colour. */
export function cellColours(count: number, max: number): { fill: string; ink: string } {
  const fill =
    count <= 0 || max <= 0
      ? ZERO_FILL
      : hex(rgb(LIGHTEST).map((from, i) => from + (rgb(DARKEST)[i]! - from) * (count / max)));
  const ink = contrast(fill, TEXT_COLOUR) >= contrast(fill, '#ffffff') ? TEXT_COLOUR : '#ffffff';
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
  const few = columns.length <= 6;
  const x = {
    field: 'column',
    type: 'nominal',
    sort: columns,
    title: drawn(data.columnTitle),
    axis: {
      orient: 'top',
      labelAngle: few ? 0 : -45,
      labelLimit: few ? 110 : 180,
      labelOverlap: false,
      ...axisStyle(),
    },
  } as const;
  const y = {
    field: 'row',
    type: 'nominal',
    sort: rows,
    title: drawn(data.rowTitle),
    axis: { labelLimit: 260, labelOverlap: false, ...axisStyle() },
  } as const;
  return {
    data: { values },
    width: { step: few ? 116 : 48 },
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
    axis: { labelLimit: 260, labelOverlap: false, ...axisStyle() },
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
