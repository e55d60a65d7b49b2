import { XMLParser } from 'fast-xml-parser';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { arialWidth, cellColours, contrast } from './chart-specs.js';
import {
  ChartDataError,
  ChartFetchRefused,
  barsSvg,
  chartTable,
  heatmapSvg,
  refusingLoader,
  renderSvg,
  type BarsData,
  type HeatmapData,
} from './charts.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  preserveOrder: true,
  parseTagValue: false,
  trimValues: false,
});

interface XmlNode {
  [tag: string]: XmlNode[] | string | Record<string, string> | undefined;
}

/** The SVG parsed strictly as XML: its root's attributes, <title>, <desc> and every <text>'s content. */
function read(svg: string) {
  const doc = parser.parse(svg) as XmlNode[];
  expect(doc).toHaveLength(1);
  const root = doc[0]!;
  const children = root.svg as XmlNode[];
  const attrs = root[':@'] as Record<string, string>;
  const texts: string[] = [];
  const titles: string[] = [];
  const descs: string[] = [];
  const walk = (nodes: XmlNode[], into?: string[]) => {
    for (const node of nodes) {
      if (typeof node['#text'] === 'string') into?.push(node['#text']);
      for (const [tag, value] of Object.entries(node)) {
        if (!Array.isArray(value)) continue;
        const target = tag === 'text' ? texts : tag === 'title' ? titles : tag === 'desc' ? descs : into;
        walk(value, target);
      }
    }
  };
  walk(children);
  return { attrs, texts, titles, descs };
}

const hostile = '<script>alert("x")</script> & \'quotes\'';
const welsh = 'Ŵyn, ŷ ffordd ymlaen 🎉';

function heatmap(overrides: Partial<HeatmapData> = {}): HeatmapData {
  const rows = ['Leadership', welsh, hostile];
  const columns = ['North', 'South', 'Wales'];
  return {
    kind: 'heatmap',
    title: 'Coded segments by theme & area',
    rowTitle: 'Theme',
    columnTitle: 'Area',
    rows,
    columns,
    cells: rows.flatMap((row, r) => columns.map((column, c) => ({ row, column, count: r * 10 + c * 3 + 1 }))),
    ...overrides,
  };
}

const bars: BarsData = {
  kind: 'bars',
  title: 'Segments per code',
  labelTitle: 'Code',
  valueTitle: 'Coded segments',
  bars: [
    { label: 'Enablers', count: 17 },
    { label: welsh, count: 4 },
    { label: hostile, count: 0 },
  ],
};

describe('heatmapSvg', () => {
  it('is well-formed XML, role="img", named by its <title> and described by its <desc>', async () => {
    const svg = await heatmapSvg('theme-area', heatmap());
    const { attrs, titles, descs } = read(svg);
    expect(attrs['@role']).toBe('img');
    expect(attrs['@aria-labelledby']).toBe('theme-area-title');
    expect(attrs['@aria-describedby']).toBe('theme-area-desc');
    expect(titles).toEqual(['Coded segments by theme & area']);
    expect(descs[0]).toContain('3 themes by 3 areas');
    expect(descs[0]).toContain('Counts range from 1 to 27');
    expect(svg).toContain('<title id="theme-area-title">Coded segments by theme &amp; area</title>');
  });

  it('is one image: no role or role description inside it (axe svg-img-alt), in the heatmap or the bars', async () => {
    for (const svg of [await heatmapSvg('hm-roles', heatmap()), await barsSvg('bars-roles', bars)]) {
      expect(svg.match(/ role="/g)).toHaveLength(1);
      expect(svg).not.toContain('aria-roledescription');
    }
  });

  it('writes every cell’s number as text, so colour is never the only cue', async () => {
    const data = heatmap();
    const { texts } = read(await heatmapSvg('hm', data));
    const counts = data.cells.map((c) => String(c.count));
    for (const n of counts) expect(texts).toContain(n);
    // each count appears at least as often as it occurs among the cells
    for (const n of new Set(counts)) {
      expect(texts.filter((t) => t === n).length).toBeGreaterThanOrEqual(counts.filter((c) => c === n).length);
    }
  });

  it('fills missing cells with 0, labelled', async () => {
    const data = heatmap({ rows: ['A', 'B'], columns: ['X', 'Y'], cells: [{ row: 'A', column: 'Y', count: 5 }] });
    const { texts } = read(await heatmapSvg('hm', data));
    expect(texts.filter((t) => t === '0')).toHaveLength(3);
    expect(texts).toContain('5');
    expect(chartTable(data).rows).toEqual([
      { label: 'A', values: [0, 5] },
      { label: 'B', values: [0, 0] },
    ]);
  });

  it('escapes hostile labels and keeps Welsh letters and emoji as they are', async () => {
    const svg = await heatmapSvg('hm', heatmap());
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;');
    const { texts, descs } = read(svg);
    expect(texts).toContain(welsh);
    expect(texts.some((t) => t.startsWith('<script>alert('))).toBe(true); // decoded by the parser: text, not markup
    expect(descs[0]).toContain(hostile); // the highest cell is the hostile row's
  });

  it('uses Arial and the generic sans-serif, and no web font or link', async () => {
    const svg = await heatmapSvg('hm', heatmap());
    const families = new Set([...svg.matchAll(/font-family="([^"]*)"/g)].map((m) => m[1]));
    expect([...families]).toEqual(['Arial, sans-serif']);
    expect(svg).not.toMatch(/@font-face|@import|href=|<image|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('is deterministic: the same data gives the same SVG, and ids carry the chart id', async () => {
    const a = await heatmapSvg('same', heatmap());
    await barsSvg('other', bars);
    const b = await heatmapSvg('same', heatmap());
    expect(b).toBe(a);
    const ids = [...a.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    for (const id of ids) expect(id.startsWith('same-')).toBe(true);
  });

  it('picks the cell text colour with the better contrast on each fill', () => {
    for (let count = 0; count <= 50; count++) {
      const { fill, ink } = cellColours(count, 50);
      expect(contrast(fill, ink)).toBeGreaterThanOrEqual(4.5);
    }
    expect(cellColours(0, 50).fill).toBe('#ffffff');
    expect(cellColours(50, 50).ink).toBe('#ffffff');
  });

  it('gives an empty-state SVG when there are no rows or no columns', async () => {
    for (const data of [heatmap({ rows: [], cells: [] }), heatmap({ columns: [], cells: [] })]) {
      const svg = await heatmapSvg('empty', data);
      const { attrs, titles, descs, texts } = read(svg);
      expect(attrs['@role']).toBe('img');
      expect(titles).toEqual([data.title]);
      expect(descs).toEqual(['There is nothing to chart yet.']);
      expect(texts).toEqual(['Nothing to chart yet.']);
    }
  });

  it('refuses bad data with a message naming what is wrong', async () => {
    await expect(heatmapSvg('hm', heatmap({ rows: ['A', 'A'], cells: [] }))).rejects.toThrow(
      'Two rows are both labelled "A"',
    );
    await expect(heatmapSvg('hm', heatmap({ cells: [{ row: 'Nope', column: 'North', count: 1 }] }))).rejects.toThrow(
      'names the row "Nope"',
    );
    await expect(
      heatmapSvg('hm', heatmap({ cells: [{ row: 'Leadership', column: 'North', count: -1 }] })),
    ).rejects.toThrow(ChartDataError);
    await expect(
      heatmapSvg('hm', heatmap({ cells: [{ row: 'Leadership', column: 'North', count: 1.5 }] })),
    ).rejects.toThrow('whole number');
    await expect(heatmapSvg('not an id', heatmap())).rejects.toThrow('A chart id must start with a letter');
  });
});

describe('barsSvg', () => {
  it('is accessible XML with every bar’s number written as text', async () => {
    const svg = await barsSvg('codes', bars);
    const { attrs, titles, descs, texts } = read(svg);
    expect(attrs['@role']).toBe('img');
    expect(titles).toEqual(['Segments per code']);
    expect(descs[0]).toContain('Highest: Enablers (17)');
    for (const b of bars.bars) expect(texts).toContain(String(b.count));
    expect(texts).toContain(welsh);
    expect(svg).not.toContain('<script');
  });

  it('gives an empty-state SVG when there are no bars', async () => {
    const { texts, descs } = read(await barsSvg('none', { ...bars, bars: [] }));
    expect(texts).toEqual(['Nothing to chart yet.']);
    expect(descs).toEqual(['There is nothing to chart yet.']);
  });
});

describe('renderSvg never fetches', () => {
  const options = { id: 'spec', title: 'A chart', description: 'What it shows' };

  it('refuses data from a URL through its loader', async () => {
    const spec = { data: { url: 'https://example.org/data.json' }, mark: 'bar' } as const;
    await expect(renderSvg(spec, options)).rejects.toThrow(ChartFetchRefused);
    await expect(renderSvg(spec, options)).rejects.toThrow('https://example.org/data.json');
  });

  it('refuses a URL in a layer’s data too', async () => {
    const spec: TopLevelSpec = { layer: [{ data: { url: 'file:///etc/passwd' }, mark: 'point' }] };
    await expect(renderSvg(spec, options)).rejects.toThrow('refused to load data from "file:///etc/passwd"');
  });

  it('refuses image marks and links, which the browser would fetch', async () => {
    const image = { data: { values: [{ u: 'https://example.org/a.png' }] }, mark: 'image' } as const;
    await expect(renderSvg(image, options)).rejects.toThrow('image marks are refused');
    const link = {
      data: { values: [{ a: 1, u: 'https://example.org' }] },
      mark: 'point',
      encoding: { x: { field: 'a', type: 'quantitative' }, href: { field: 'u' } },
    } as const;
    await expect(renderSvg(link, options)).rejects.toThrow('"href" is refused');
  });

  it('its loader refuses every kind of load', async () => {
    const refused: string[] = [];
    const loader = refusingLoader(refused);
    await expect(loader.load('https://example.org/x')).rejects.toThrow(ChartFetchRefused);
    await expect(loader.http('https://example.org/x', {})).rejects.toThrow(ChartFetchRefused);
    await expect(loader.file('/etc/passwd')).rejects.toThrow(ChartFetchRefused);
    await expect(loader.sanitize('https://example.org/x', { context: 'href' })).rejects.toThrow(ChartFetchRefused);
    expect(refused).toHaveLength(4);
  });

  it('renumbers Vega’s gradient and clip ids from the chart id, so renders match and pages never clash', async () => {
    const spec: TopLevelSpec = {
      data: {
        values: [
          { k: 'a', n: 2 },
          { k: 'b', n: 7 },
        ],
      },
      mark: { type: 'rect', clip: true },
      encoding: { x: { field: 'k', type: 'nominal' }, color: { field: 'n', type: 'quantitative' } },
    };
    const first = await renderSvg(spec, { ...options, id: 'g' });
    await heatmapSvg('between', heatmap());
    expect(await renderSvg(spec, { ...options, id: 'g' })).toBe(first);
    const ids = [...first.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(expect.arrayContaining(['g-title', 'g-desc', 'g-1']));
    for (const ref of first.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref[1]);
  });

  it('renders an inline spec with the accessible name and description', async () => {
    const spec = {
      data: { values: [{ k: 'a', n: 2 }] },
      mark: 'bar',
      encoding: { x: { field: 'n', type: 'quantitative' }, y: { field: 'k', type: 'nominal' } },
    } as const;
    const { attrs, titles, descs } = read(await renderSvg(spec, options));
    expect(attrs['@role']).toBe('img');
    expect(titles).toEqual(['A chart']);
    expect(descs).toEqual(['What it shows']);
  });
});

describe('arialWidth', () => {
  it('measures in Arial’s advance widths; accented letters as their base letter, emoji as 1 em', () => {
    expect(arialWidth('Hello', 10)).toBeCloseTo(22.78, 5);
    expect(arialWidth('Ŵŷ', 10)).toBe(arialWidth('Wy', 10));
    expect(arialWidth('🎉', 10)).toBe(10);
    expect(arialWidth('Hello', 10, true)).toBeGreaterThan(arialWidth('Hello', 10));
  });
});

describe('chartTable', () => {
  it('gives a heatmap as a header row of columns and one row per row label', () => {
    const table = chartTable(heatmap());
    expect(table.caption).toBe('Coded segments by theme & area');
    expect(table.headers).toEqual(['Theme', 'North', 'South', 'Wales']);
    expect(table.rows[0]).toEqual({ label: 'Leadership', values: [1, 4, 7] });
    expect(table.rows[2]).toEqual({ label: hostile, values: [21, 24, 27] });
  });

  it('gives bars as label → count, in order', () => {
    expect(chartTable(bars)).toEqual({
      caption: 'Segments per code',
      headers: ['Code', 'Coded segments'],
      rows: [
        { label: 'Enablers', values: [17] },
        { label: welsh, values: [4] },
        { label: hostile, values: [0] },
      ],
    });
  });
});
