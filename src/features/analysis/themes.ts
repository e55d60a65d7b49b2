import { sliceCp } from './spans';
import type { SourceAttributes } from './tables';

/*
 * The framework matrix and the cross-area view, computed from rows: pure, so they are tested on hand-made rows.
 *
 * A segment is a piece of coded text under a theme: one (source, span) coded with any of the theme's codes. The same
 * span coded with two codes of one theme is one segment of that theme. Contributors are counted distinctly by their
 * pseudonymous key; a source with no key counts as a contributor of its own. Quotes come only from quotable sources
 * and name nobody: the contributor is described from the source's attributes ("a clinician in Cancer Care").
 */

/** One coding under a theme, with what the matrix needs of its source. */
export interface ThemeSegment {
  themeId: string;
  codeId: string;
  sourceId: string;
  startCp: number | null;
  endCp: number | null;
  /** The source's whole text. */
  text: string;
  attributes: SourceAttributes;
  contributorKey: string | null;
  quotable: boolean;
}

export interface ThemeRef {
  id: string;
  name: string;
}

/** What the matrix can be grouped by: the query value, the source attribute, and its name in words. */
export const MATRIX_BY = {
  area: { key: 'area', label: 'Area' },
  pillar: { key: 'pillar', label: 'Pillar' },
  stakeholder: { key: 'stakeholderType', label: 'Stakeholder type' },
} as const;
export type MatrixBy = keyof typeof MATRIX_BY;

/** A quote: coded text from a quotable source, with its contributor described without a name. */
export interface Quote {
  text: string;
  contributor: string;
  sourceId: string;
}

export interface MatrixCell {
  /** The attribute value ('' when the sources did not record one). */
  column: string;
  segments: number;
  contributors: number;
  quote: Quote | undefined;
}

export interface Matrix {
  by: MatrixBy;
  /** Attribute values in order ('' last, when some segments have none). */
  columns: { value: string; label: string }[];
  rows: { theme: ThemeRef; cells: MatrixCell[]; segments: number; contributors: number }[];
}

/** The coded text of a segment: its span in code points, or the whole source. */
export function segmentText(s: Pick<ThemeSegment, 'text' | 'startCp' | 'endCp'>): string {
  return s.startCp === null || s.endCp === null ? s.text : sliceCp(s.text, s.startCp, s.endCp);
}

/** Who said it, never by name: "a clinician in Cancer Care", "an educator", "a contributor". */
export function contributorLabel(attributes: SourceAttributes): string {
  const who = attributes.stakeholderType?.trim().toLowerCase() || 'contributor';
  const article = /^[aeiou]/.test(who) ? 'an' : 'a';
  const area = attributes.area?.trim();
  return `${article} ${who}${area ? ` in ${area}` : ''}`;
}

/** The segment as a quote, or undefined when its contributor opted out of quotes. */
export function quoteOf(s: ThemeSegment): Quote | undefined {
  if (!s.quotable) return undefined;
  return { text: segmentText(s).trim(), contributor: contributorLabel(s.attributes), sourceId: s.sourceId };
}

/** The value of the grouping attribute for a segment ('' when not recorded). */
export function columnOf(s: ThemeSegment, by: MatrixBy): string {
  const value = s.attributes[MATRIX_BY[by].key];
  return typeof value === 'string' ? value.trim() : '';
}

/** The label of a column value. */
export function columnLabel(value: string, by: MatrixBy): string {
  return value || `No ${MATRIX_BY[by].label.toLowerCase()} recorded`;
}

/** The theme's segments, each distinct (source, span) once, in the order given. */
export function distinctSegments(segments: ThemeSegment[]): ThemeSegment[] {
  const seen = new Set<string>();
  return segments.filter((s) => {
    const key = `${s.themeId}|${s.sourceId}|${s.startCp ?? ''}|${s.endCp ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Segments grouped by theme, each list in the order given. */
export function byTheme(segments: ThemeSegment[]): Map<string, ThemeSegment[]> {
  const out = new Map<string, ThemeSegment[]>();
  for (const s of segments) {
    const list = out.get(s.themeId);
    if (list) list.push(s);
    else out.set(s.themeId, [s]);
  }
  return out;
}

/** How many distinct contributors gave these segments. */
export function contributorCount(segments: ThemeSegment[]): number {
  return new Set(segments.map((s) => (s.contributorKey ? `key:${s.contributorKey}` : `source:${s.sourceId}`))).size;
}

function summarise(segments: ThemeSegment[]) {
  let quote: Quote | undefined;
  for (const s of segments) if (!quote) quote = quoteOf(s);
  return { segments: segments.length, contributors: contributorCount(segments), quote };
}

/** Themes × the chosen attribute: counts of segments, distinct contributors and an example quote per cell. */
export function matrixOf(themes: ThemeRef[], segments: ThemeSegment[], by: MatrixBy): Matrix {
  const all = distinctSegments(segments);
  const values = [...new Set(all.map((s) => columnOf(s, by)))].sort((a, b) =>
    a === '' ? 1 : b === '' ? -1 : a.localeCompare(b),
  );
  const grouped = byTheme(all);
  const rows = themes.map((theme) => {
    const mine = grouped.get(theme.id) ?? [];
    const byColumn = new Map<string, ThemeSegment[]>(values.map((v) => [v, []]));
    for (const s of mine) byColumn.get(columnOf(s, by))!.push(s);
    const cells = values.map((column) => ({ column, ...summarise(byColumn.get(column)!) }));
    return { theme, cells, segments: mine.length, contributors: contributorCount(mine) };
  });
  return { by, columns: values.map((value) => ({ value, label: columnLabel(value, by) })), rows };
}

/** Every segment behind one cell of the matrix, in the order given. */
export function cellSegments(segments: ThemeSegment[], themeId: string, by: MatrixBy, column: string) {
  return distinctSegments(segments).filter((s) => s.themeId === themeId && columnOf(s, by) === column);
}

export interface CrossArea {
  areas: string[];
  /** Themes with segments in every area, with the count in each (in the order of `areas`). */
  common: { theme: ThemeRef; counts: number[] }[];
  /** Themes with segments in exactly one area. */
  particular: { theme: ThemeRef; area: string; count: number }[];
  /** Themes in more than one area but not all. */
  some: { theme: ThemeRef; counts: number[] }[];
}

/**
 * The cross-area view: the themes present in every one of `areas` and those particular to one. With a single area
 * every theme present there is common and none is particular; with no areas there is nothing to compare.
 * Segments with no area (or an area not in the list) are not counted here.
 */
export function crossAreaOf(themes: ThemeRef[], segments: ThemeSegment[], areas: string[]): CrossArea {
  const all = distinctSegments(segments);
  const out: CrossArea = { areas, common: [], particular: [], some: [] };
  if (!areas.length) return out;
  const grouped = byTheme(all);
  for (const theme of themes) {
    const counts = areas.map(() => 0);
    const index = new Map(areas.map((a, i) => [a, i]));
    for (const s of grouped.get(theme.id) ?? []) {
      const i = index.get(columnOf(s, 'area'));
      if (i !== undefined) counts[i]!++;
    }
    const present = counts.filter((n) => n > 0).length;
    if (present === areas.length) out.common.push({ theme, counts });
    else if (present === 1) {
      const i = counts.findIndex((n) => n > 0);
      out.particular.push({ theme, area: areas[i]!, count: counts[i]! });
    } else if (present > 1) out.some.push({ theme, counts });
  }
  return out;
}
