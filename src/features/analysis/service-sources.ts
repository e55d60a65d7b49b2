import { EXCERPT, excerpt, MARKS, piecesOf, WHOLE, type Piece } from './highlight';
import { SOURCE_KIND_LABELS, SOURCE_KINDS, type SourceKind } from './model';
import * as repo from './repository-sources';
import type { SourceQuery } from './schema';
import type { AnalysisContext } from './service-context';
import { applyMaterial, type SyncResult } from './source-sync';

/** Sources on one page of the list. */
export const SOURCES_PAGE_SIZE = 20;

const kindLabel = (kind: string) => SOURCE_KIND_LABELS[kind as SourceKind] ?? kind;

/** The filters other than the kind, the query field each is read from, and its attribute in a source. */
const ATTRIBUTE_FILTERS = [
  {
    field: 'workshop',
    key: 'workshopId',
    message: 'There are no sources from that workshop. Choose one from the list',
  },
  { field: 'area', key: 'area', message: 'There are no sources from that area. Choose one from the list' },
  { field: 'pillar', key: 'pillar', message: 'There are no sources for that pillar. Choose one from the list' },
  { field: 'activity', key: 'activity', message: 'There are no sources from that activity. Choose one from the list' },
  {
    field: 'stakeholderType',
    key: 'stakeholderType',
    message: 'There are no sources from that stakeholder type. Choose one from the list',
  },
  { field: 'cluster', key: 'cluster', message: 'There are no sources in that cluster. Choose one from the list' },
] as const;

/** Sources: what the analyst codes, brought in from the workshops and Delphi, listed, filtered and searched. */
export function createSources({ db, deps }: AnalysisContext) {
  /** The material's fingerprint when each programme was last synced by this instance. */
  const lastSynced = new Map<string, string>();

  /**
   * Brings new and changed material in from the workshops and Delphi (see source-sync.ts for the rule on
   * edited text). Cheap when nothing changed: each feature's fingerprint (counts and latest times) is
   * compared with the one of the last sync, and only a difference reads the material. Run whenever an
   * analyst opens the analysis home or the sources, so a note written today is codable today.
   */
  async function sync(programmeId: string): Promise<SyncResult & { changed: boolean }> {
    const unchanged = { changed: false, added: 0, updated: 0, removed: 0, kept: 0 };
    // With no provider (a service built on its own) there is nothing to compare with: never empty the sources.
    if (!deps.providers.length) return unchanged;
    const prints = await Promise.all(deps.providers.map((p) => p.analysisFingerprint(programmeId)));
    // The codings count too: a source whose text was kept for its codings takes the new text once they are gone.
    const print = [...prints, `codings ${await repo.codingsCount(db, programmeId)}`].join('\n');
    if (lastSynced.get(programmeId) === print) return unchanged;
    const material = (await Promise.all(deps.providers.map((p) => p.analysisMaterial(programmeId)))).flat();
    const result = await db.transaction((tx) => applyMaterial(tx, programmeId, material));
    lastSynced.set(programmeId, print);
    return { changed: true, ...result };
  }

  /** What the analysis home shows: how many sources, by kind and by area. */
  async function sourceSummary(programmeId: string) {
    const rows = await repo.countsByKindAndArea(db, programmeId);
    const byKind = SOURCE_KINDS.map((kind) => ({
      kind,
      label: kindLabel(kind),
      count: rows.filter((r) => r.kind === kind).reduce((n, r) => n + r.n, 0),
    }));
    const areas = new Map<string, number>();
    for (const r of rows) areas.set(r.area ?? '', (areas.get(r.area ?? '') ?? 0) + r.n);
    const byArea = [...areas.entries()]
      .map(([area, count]) => ({ area, label: area || 'No area (all areas)', count }))
      .sort((a, b) => (a.area === '' ? 1 : b.area === '' ? -1 : a.area.localeCompare(b.area)));
    return { total: rows.reduce((n, r) => n + r.n, 0), byKind, byArea };
  }

  /** The values each filter can take, from the programme's sources. */
  async function sourceFilterOptions(programmeId: string) {
    const values = await Promise.all(ATTRIBUTE_FILTERS.map((f) => repo.attributeValues(db, programmeId, f.key)));
    return {
      kind: SOURCE_KINDS.map((k) => ({ value: k, label: kindLabel(k) })),
      ...Object.fromEntries(ATTRIBUTE_FILTERS.map((f, i) => [f.field, values[i]!])),
    } as Record<'kind' | (typeof ATTRIBUTE_FILTERS)[number]['field'], { value: string; label: string }[]>;
  }

  /** A source as a list or its page shows it: its text as pieces, matches to the search marked. */
  function shown(source: repo.Source, headline: string | undefined, whole: boolean) {
    const cut = headline === undefined && !whole ? excerpt(source.text, EXCERPT) : { text: source.text, cut: false };
    const pieces: Piece[] =
      headline === undefined ? [{ text: cut.text, mark: false }] : piecesOf(headline, source.text, whole);
    const fragments = headline !== undefined && !whole && Array.from(source.text).length > WHOLE;
    return {
      ...source,
      kindLabel: kindLabel(source.kind),
      pieces,
      cut: cut.cut || fragments,
      characters: Array.from(source.text).length,
    };
  }

  /**
   * One page of a programme's sources, filtered and searched (PostgreSQL full-text search,
   * `websearch_to_tsquery('english', q)`, the same on both drivers). A filter value no source has is
   * refused with a message naming the filter, as is a page past the last.
   */
  async function listSources(programmeId: string, query: SourceQuery) {
    const options = await sourceFilterOptions(programmeId);
    const problems: Record<string, string> = {};
    for (const f of ATTRIBUTE_FILTERS) {
      const value = query[f.field];
      if (value !== undefined && !options[f.field].some((o) => o.value === value)) problems[f.field] = f.message;
    }
    if (Object.keys(problems).length) return { ok: false as const, problems, options };
    const filter: repo.SourceFilter = {
      kind: query.kind,
      q: query.q,
      attributes: Object.fromEntries(
        ATTRIBUTE_FILTERS.filter((f) => query[f.field] !== undefined).map((f) => [f.key, query[f.field]]),
      ),
    };
    const offset = (query.page - 1) * SOURCES_PAGE_SIZE;
    const { rows, total } = await repo.listSources(db, programmeId, filter, SOURCES_PAGE_SIZE, offset);
    if (query.page > 1 && offset >= total)
      return { ok: false as const, problems: { page: 'There are not that many pages of sources' }, options };
    const lines = query.q
      ? await repo.headlines(
          db,
          rows.map((r) => r.id),
          query.q,
          MARKS,
          WHOLE,
        )
      : undefined;
    const sources = rows.map((s) => {
      const whole = Array.from(s.text).length <= WHOLE;
      return shown(s, lines?.get(s.id), lines ? whole : false);
    });
    return { ok: true as const, sources, options, total, pageSize: SOURCES_PAGE_SIZE };
  }

  /** One source of the programme, its whole text with any search marked, and how many codings refer to it. */
  async function source(programmeId: string, sourceId: string, q?: string) {
    const s = await repo.getSource(db, sourceId);
    if (!s || s.programmeId !== programmeId) return undefined;
    const headline = q ? (await repo.headlines(db, [s.id], q, MARKS, 1_000_000_000)).get(s.id) : undefined;
    return { ...shown(s, headline, true), codings: await repo.codingsOfSource(db, s.id) };
  }

  return { sync, sourceSummary, sourceFilterOptions, listSources, source };
}
