import { barsSvg, chartTable, heatmapSvg, type BarsData, type HeatmapData } from '../../exports/charts';
import { toCsvText } from '../../exports/csv';
import { toXlsx } from '../../exports/xlsx';
import * as sources from './repository-sources';
import * as repo from './repository-themes';
import type { AnalysisContext } from './service-context';
import { createThemes, themeSegments } from './service-themes';
import {
  cellSegments,
  columnLabel,
  contributorLabel,
  crossAreaOf,
  matrixOf,
  MATRIX_BY,
  segmentText,
  type Matrix,
  type MatrixBy,
} from './themes';

/** The charts of a matrix: Vega-Lite rendered to SVG here, each with its table alternative. */
async function chartsOf(m: Matrix) {
  const label = MATRIX_BY[m.by].label;
  // Chart labels must be distinct: two themes may only differ in case, so a number keeps them apart if needed.
  const names = m.rows.map((r) => r.theme.name);
  const rowLabels = names.map((n, i) => (names.indexOf(n) === i ? n : `${n} (${i + 1})`));
  const heatmap: HeatmapData = {
    kind: 'heatmap',
    title: `Coded segments by theme and ${label.toLowerCase()}`,
    rowTitle: 'Theme',
    columnTitle: label,
    rows: rowLabels,
    columns: m.columns.map((c) => c.label),
    cells: m.rows.flatMap((r, i) =>
      r.cells.map((c) => ({ row: rowLabels[i]!, column: columnLabel(c.column, m.by), count: c.segments })),
    ),
  };
  const bars: BarsData = {
    kind: 'bars',
    title: 'Coded segments by theme',
    labelTitle: 'Theme',
    valueTitle: 'Coded segments',
    bars: m.rows.map((r, i) => ({ label: rowLabels[i]!, count: r.segments })).sort((a, b) => b.count - a.count),
  };
  return {
    heatmapSvg: await heatmapSvg('theme-matrix', heatmap),
    heatmapTable: chartTable(heatmap),
    barsSvg: await barsSvg('theme-bars', bars),
    barsTable: chartTable(bars),
  };
}

/** The framework matrix (themes × area, pillar or stakeholder type), one cell's segments, and the cross-area view. */
export function createMatrix(ctx: AnalysisContext) {
  const { db } = ctx;
  async function matrix(programmeId: string, by: MatrixBy) {
    const [themes, segments] = await Promise.all([repo.themesOf(db, programmeId), themeSegments(ctx, programmeId)]);
    return matrixOf(themes, segments, by);
  }

  return {
    /** The matrix with its heatmap and bars (SVG strings for the page) and their tables. */
    async themeMatrix(programmeId: string, by: MatrixBy) {
      const m = await matrix(programmeId, by);
      return { matrix: m, byLabel: MATRIX_BY[by].label, ...(await chartsOf(m)) };
    },

    /** Every segment behind one cell, quotable or not (the analyst's view), or undefined for a theme not here. */
    async matrixCell(programmeId: string, themeId: string, by: MatrixBy, value: string) {
      const theme = await repo.getTheme(db, themeId);
      if (!theme || theme.programmeId !== programmeId) return undefined;
      const segments = cellSegments(await themeSegments(ctx, programmeId), themeId, by, value);
      return {
        theme,
        byLabel: MATRIX_BY[by].label,
        valueLabel: columnLabel(value, by),
        segments: segments.map((s) => ({
          sourceId: s.sourceId,
          text: segmentText(s),
          whole: s.startCp === null,
          contributor: contributorLabel(s.attributes),
          quotable: s.quotable,
        })),
      };
    },

    /** The cross-area view over the areas the programme's sources come from. */
    async commonThemes(programmeId: string) {
      const [themes, segments, areas] = await Promise.all([
        repo.themesOf(db, programmeId),
        themeSegments(ctx, programmeId),
        sources.attributeValues(db, programmeId, 'area'),
      ]);
      return crossAreaOf(
        themes,
        segments,
        areas.map((a) => a.value),
      );
    },

    /** The matrix as a CSV or XLSX download: one line per theme and value, with counts and the example quote. */
    async matrixDownload(programmeId: string, by: MatrixBy, format: 'csv' | 'xlsx') {
      const m = await matrix(programmeId, by);
      const head = ['Theme', MATRIX_BY[by].label, 'Coded segments', 'Contributors', 'Example quote', 'Quoted from'];
      const rows = m.rows.flatMap((r) =>
        r.cells.map((c) => [
          r.theme.name,
          columnLabel(c.column, by),
          c.segments,
          c.contributors,
          c.quote?.text ?? '',
          c.quote?.contributor ?? '',
        ]),
      );
      return format === 'csv' ? toCsvText(head, rows) : toXlsx([{ name: 'Framework matrix', head, rows }]);
    },
  };
}

/** Themes, the framework matrix and the cross-area view: the parts service.ts spreads in. */
export function createThemeParts(ctx: AnalysisContext) {
  return { ...createThemes(ctx), ...createMatrix(ctx) };
}
