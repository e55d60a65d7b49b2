import * as vega from 'vega';
import { View, parse, type Loader } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import {
  CHART_FONT,
  arialWidth,
  TEXT_COLOUR,
  ChartDataError,
  barsSpec,
  heatmapSpec,
  summarise,
  xmlSafe,
  type BarsData,
  type HeatmapData,
} from './chart-specs.js';

export { chartTable, ChartDataError } from './chart-specs.js';
export type { BarsData, ChartData, ChartTable, HeatmapCell, HeatmapData } from './chart-specs.js';

/*
 * Charts are Vega-Lite specs rendered to SVG here on the server: no canvas, no browser, no script in the page.
 *
 * - Never a fetch. Data is always inline (`data.values`). Vega is given a loader that refuses every URL, file
 *   and sanitised link; a spec that asks for one fails with ChartFetchRefused. Image marks and hyperlinks are
 *   refused before rendering, so the SVG can never make the browser fetch anything either.
 * - Accessible: the <svg> is role="img", named by a <title> and described by a <desc> (aria-labelledby /
 *   aria-describedby); Vega's own per-mark ARIA is switched off, since the figures are written on the chart
 *   and a table alternative (chartTable) goes beside it.
 * - Fonts: Arial, then the generic sans-serif. Text is escaped by Vega; characters XML cannot hold become U+FFFD.
 * - Deterministic: Vega numbers gradients and clip paths from process-wide counters, so those ids are renamed
 *   `<id>-1`, `<id>-2`… in document order. The same input gives the same SVG, and two charts on a page never
 *   share an id as long as their `id`s differ.
 * - Empty data (no bars; no rows or no columns) gives a small empty-state SVG that says "Nothing to chart yet."
 *   with the same title and description, rather than an error: the page can always show the figure.
 *
 * In a Nunjucks page (the SVG is trusted markup built here, hence `safe`; the table goes in tables.scroll):
 *   <figure class="wm-chart"><figcaption>{{ table.caption }}</figcaption>{{ svg | safe }}</figure>
 *   {% call tables.scroll(table.caption) %}<table class="nhsuk-table">
 *     <thead><tr>{% for h in table.headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
 *     <tbody>{% for r in table.rows %}<tr><th scope="row">{{ r.label }}</th>
 *       {% for v in r.values %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>{% endcall %}
 */

export interface SvgOptions {
  /** Unique on the page: a letter, then letters, digits or hyphens. Prefixes every id in the SVG. */
  id: string;
  /** The accessible name (<title>). */
  title: string;
  /** The summary (<desc>). */
  description: string;
}

/** A spec asked Vega to load something (data from a URL, a file, an image or a link): charts never fetch. */
export class ChartFetchRefused extends Error {
  override name = 'ChartFetchRefused';
}

/*
 * Vega measures text with a canvas when it has one and otherwise guesses 0.8 em a character; it calls a
 * user-defined textMetrics.width when one is set (as vl-convert does). Every chart here is drawn in Arial, so
 * measure in Arial. This is process-wide Vega state; nothing else in Waymark draws with Vega.
 */
interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
  text?: unknown;
}
(vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics.width = (
  item,
  text,
) => {
  const line = text == null ? '' : String(text).trim();
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
  const width = (t: string) => arialWidth(t, size, bold);
  const limit = Number(item.limit);
  if (!(limit > 0) || width(line) <= limit) return width(line);
  return Math.min(width(line), limit); // Vega draws the label cut to the limit with an ellipsis
};

const ID = /^[A-Za-z][A-Za-z0-9-]*$/;

/** Page-wide look: fonts, text colour, no per-mark ARIA, no actions. Merged under the spec's own config. */
const CONFIG = {
  font: CHART_FONT,
  aria: false,
  background: '#ffffff',
  padding: 8,
  view: { stroke: null },
  axis: { labelFontSize: 13, titleFontSize: 14, labelColor: TEXT_COLOUR, titleColor: TEXT_COLOUR, grid: false },
  title: { fontSize: 16, color: TEXT_COLOUR, anchor: 'start' },
  text: { color: TEXT_COLOUR },
} as const;

export function escapeXml(text: string): string {
  return xmlSafe(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A loader that refuses everything, noting what was asked for so the render can fail with a clear message. */
export function refusingLoader(refused: string[]): Loader {
  const refuse = (what: string) => (uri: string) => {
    refused.push(`${what} "${uri}"`);
    return Promise.reject(new ChartFetchRefused(`Charts never fetch: refused to load ${what} "${uri}"`));
  };
  return {
    load: refuse('data from'),
    sanitize: refuse('the link'),
    http: refuse('data from'),
    file: refuse('the file'),
  };
}

/** Image marks and hyperlinks would make the browser fetch when it shows the SVG. */
function refuseFetchingMarks(node: unknown, path = 'spec'): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => refuseFetchingMarks(child, `${path}[${i}]`));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'data' || key === 'datasets') continue; // inline values; a URL there meets the refusing loader
    if ((key === 'type' || key === 'mark') && value === 'image') {
      throw new ChartFetchRefused(`Charts never fetch: image marks are refused (${path})`);
    }
    if (key === 'href' || key === 'url') {
      throw new ChartFetchRefused(`Charts never fetch: "${key}" is refused (${path}.${key})`);
    }
    refuseFetchingMarks(value, `${path}.${key}`);
  }
}

/** Renames Vega's counter-numbered ids (gradients, clip paths) to `<id>-1`, `<id>-2`… in document order. */
function renumberIds(svg: string, prefix: string): string {
  const names = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    if (!names.has(m[1]!)) names.set(m[1]!, `${prefix}-${names.size + 1}`);
  }
  return svg
    .replace(/(\sid=")([^"]+)"/g, (_, head: string, name: string) => `${head}${names.get(name)}"`)
    .replace(/url\(#([^)]+)\)/g, (all, name: string) => (names.has(name) ? `url(#${names.get(name)})` : all));
}

function accessibleRoot(svg: string, options: SvgOptions): string {
  const open = svg.indexOf('<svg');
  const end = svg.indexOf('>', open);
  if (open !== 0 || end < 0) throw new Error('Vega did not produce an <svg> element');
  const tag = svg
    .slice(0, end)
    .replace(' class="marks"', ' class="wm-chart__svg"')
    .replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', '');
  const attrs = ` role="img" aria-labelledby="${options.id}-title" aria-describedby="${options.id}-desc" focusable="false"`;
  const head = `<title id="${options.id}-title">${escapeXml(options.title)}</title><desc id="${options.id}-desc">${escapeXml(options.description)}</desc>`;
  // The whole figure is one image: Vega leaves roles on the mark groups of layered charts even with ARIA
  // switched off, and a role inside role="img" is a WCAG failure (axe's svg-img-alt), so none is kept.
  const inner = svg.slice(end + 1).replace(/ role="graphics-[a-z]+"| aria-roledescription="[^"]*"/g, '');
  return `${tag}${attrs}>${head}${inner}`;
}

function checkOptions(options: SvgOptions): void {
  if (!ID.test(options.id)) {
    throw new ChartDataError(
      `A chart id must start with a letter and hold only letters, digits and hyphens: "${options.id}"`,
    );
  }
}

/** Renders any Vega-Lite spec (inline data only) to an accessible, deterministic SVG string. */
export async function renderSvg(spec: TopLevelSpec, options: SvgOptions): Promise<string> {
  checkOptions(options);
  refuseFetchingMarks(spec);
  const refused: string[] = [];
  const problems: string[] = [];
  const quiet = {
    level: (level?: number) => (level === undefined ? 1 : quiet), // 1: errors only
    error: (...args: readonly unknown[]) => (problems.push(args.map(String).join(' ')), quiet),
    warn: () => quiet,
    info: () => quiet,
    debug: () => quiet,
  };
  const withConfig = { ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const vg = compile(withConfig, { logger: quiet as never }).spec;
  const view = new View(parse(vg), { renderer: 'none', loader: refusingLoader(refused), logger: quiet as never });
  try {
    await view.runAsync();
    if (refused.length > 0) throw new ChartFetchRefused(`Charts never fetch: refused to load ${refused.join(', ')}`);
    if (problems.length > 0) throw new Error(`The chart could not be drawn: ${problems.join('; ')}`);
    const svg = xmlSafe(await view.toSVG());
    if (/\shref=|xlink:href|<image/.test(svg)) throw new ChartFetchRefused('Charts never fetch: the SVG held a link');
    return accessibleRoot(renumberIds(svg, options.id), options);
  } finally {
    view.finalize();
  }
}

/** The figure shown when there is no data: the same name and description, and a visible line saying so. */
export function emptySvg(options: SvgOptions, message = 'Nothing to chart yet.'): string {
  checkOptions(options);
  const { id } = options;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" class="wm-chart__svg" width="320" height="40" viewBox="0 0 320 40"` +
    ` role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc" focusable="false">` +
    `<title id="${id}-title">${escapeXml(options.title)}</title><desc id="${id}-desc">${escapeXml(options.description)}</desc>` +
    `<text x="0" y="26" font-family="${CHART_FONT}" font-size="16px" fill="${TEXT_COLOUR}">${escapeXml(message)}</text></svg>`
  );
}

/** A heatmap of counts (e.g. themes × areas), every cell labelled with its number; empty-state SVG when no cells. */
export async function heatmapSvg(id: string, data: HeatmapData): Promise<string> {
  const options = { id, title: data.title, description: summarise(data) };
  if (data.rows.length === 0 || data.columns.length === 0) return emptySvg(options);
  return renderSvg(heatmapSpec(data), options);
}

/** Horizontal bars (label → count, top first), each bar labelled with its number; empty-state SVG when no bars. */
export async function barsSvg(id: string, data: BarsData): Promise<string> {
  const options = { id, title: data.title, description: summarise(data) };
  if (data.bars.length === 0) return emptySvg(options);
  return renderSvg(barsSpec(data), options);
}
