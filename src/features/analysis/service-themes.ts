import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { once } from '../../platform/db/idempotency';
import type { Db } from '../../platform/db/database';
import { FieldError } from '../../platform/forms/forms';
import * as codes from './repository-codes';
import * as repo from './repository-themes';
import { reviewCount } from './repository-review';
import { THEME_STATUS_LABELS, type EditThemeInput, type NewThemeInput, type ThemeStatus } from './schema-themes';
import { createCompare, type AgreedCoding } from './service-compare';
import type { AnalysisContext } from './service-context';
import { byTheme, distinctSegments, quoteOf, type ThemeSegment } from './themes';

/** Why a theme cannot be "defined" yet: no representative has reviewed it (service-review.ts records reviews). */
export const DEFINED_REFUSED =
  'A theme can only be marked defined after representatives from the areas have reviewed it, and no review of this ' +
  'theme has been recorded yet. Ask representatives to check the themes, or keep it as a candidate or mark it reviewed';

/**
 * Every coded segment under each of the programme's themes, with its source's text and attributes: from the agreed
 * set (service-compare.ts: what every done coder applied, and adjudicated disagreements as decided). A theme built
 * from a code that was later merged follows the merge, as the codings did.
 */
export async function themeSegments(ctx: AnalysisContext, programmeId: string): Promise<ThemeSegment[]> {
  const { db } = ctx;
  const [codings, links, all, sources] = await Promise.all([
    createCompare(ctx).agreedCodings(programmeId),
    repo.themeCodeLinks(db, programmeId),
    codes.codesOf(db, programmeId),
    repo.sourcesForThemes(db, programmeId),
  ]);
  const mergedInto = new Map(all.map((c) => [c.id, c.mergedIntoId]));
  const live = (id: string) => {
    for (let i = 0, at = id; i < 50; i++) {
      const next = mergedInto.get(at);
      if (!next) return at;
      at = next;
    }
    return id;
  };
  const themesOfCode = new Map<string, string[]>();
  for (const l of links) {
    const code = live(l.codeId);
    themesOfCode.set(code, [...(themesOfCode.get(code) ?? []), l.themeId]);
  }
  const bySource = new Map<string, AgreedCoding[]>();
  for (const c of codings) {
    if (!themesOfCode.has(c.codeId)) continue;
    const list = bySource.get(c.sourceId);
    if (list) list.push(c);
    else bySource.set(c.sourceId, [c]);
  }
  const out: ThemeSegment[] = [];
  // In the sources' order (when written), then by span: the first quotable one is a cell's example.
  for (const s of sources) {
    const spans = (bySource.get(s.id) ?? []).sort(
      (a, b) => (a.startCp ?? -1) - (b.startCp ?? -1) || (a.endCp ?? -1) - (b.endCp ?? -1),
    );
    for (const c of spans)
      for (const themeId of themesOfCode.get(c.codeId)!)
        out.push({
          themeId,
          codeId: c.codeId,
          sourceId: s.id,
          startCp: c.startCp,
          endCp: c.endCp,
          text: s.text,
          attributes: s.attributes,
          contributorKey: s.contributorKey,
          quotable: s.quotable,
        });
  }
  return out;
}

/** Themes: built from codes, with a definition, a memo and a status. */
export function createThemes(ctx: AnalysisContext) {
  const { db } = ctx;
  /** The live codes of the programme named, or a message against the codes field. */
  async function liveCodes(tx: Db, programmeId: string, ids: string[]) {
    const live = new Set((await codes.codesOf(tx, programmeId)).filter((c) => !c.mergedIntoId).map((c) => c.id));
    if (ids.some((id) => !live.has(id))) throw new FieldError('codeIds', 'Choose codes from the list');
    return [...new Set(ids)];
  }

  async function checkDescription(tx: Db, programmeId: string, input: EditThemeInput, except?: string) {
    const reviewed = input.status === 'defined' && except ? await reviewCount(tx, except) : 0;
    if (input.status === 'defined' && !reviewed) throw new FieldError('status', DEFINED_REFUSED);
    if (await repo.themeNamed(tx, programmeId, input.name, except))
      throw new FieldError('name', `There is already a theme called “${input.name}”. Choose another name`);
  }

  return {
    /** The programme's themes, each with its codes and how many segments and quotes it holds. */
    async themes(programmeId: string) {
      const [themes, links, all, segments] = await Promise.all([
        repo.themesOf(db, programmeId),
        repo.themeCodeLinks(db, programmeId),
        codes.codesOf(db, programmeId),
        themeSegments(ctx, programmeId),
      ]);
      const names = new Map(all.map((c) => [c.id, c.name]));
      const counts = byTheme(distinctSegments(segments));
      return themes.map((t) => ({
        ...t,
        statusLabel: THEME_STATUS_LABELS[t.status as ThemeStatus] ?? t.status,
        codes: links
          .filter((l) => l.themeId === t.id)
          .map((l) => names.get(l.codeId) ?? '')
          .sort((a, b) => a.localeCompare(b)),
        segments: counts.get(t.id)?.length ?? 0,
      }));
    },

    /** One theme of the programme, or undefined. */
    async theme(programmeId: string, themeId: string) {
      const t = await repo.getTheme(db, themeId);
      return t && t.programmeId === programmeId ? t : undefined;
    },

    /**
     * A theme's page: theme → codes → coded text as quotes. Quotes only from quotable sources, contributors
     * described, never named; how many segments are not quoted is said.
     */
    async themeDetails(programmeId: string, themeId: string) {
      const theme = await repo.getTheme(db, themeId);
      if (!theme || theme.programmeId !== programmeId) return undefined;
      const [themeCodes, all, segments] = await Promise.all([
        repo.codesOfTheme(db, themeId),
        codes.codesOf(db, programmeId),
        themeSegments(ctx, programmeId),
      ]);
      const mine = distinctSegments(segments.filter((s) => s.themeId === themeId));
      const linked = new Set(themeCodes.map((c) => c.id));
      const byCode = themeCodes.map((c) => {
        const of = segments.filter((s) => s.themeId === themeId && s.codeId === c.id);
        const quotes = of.map(quoteOf).filter((q) => q !== undefined);
        return { ...c, segments: of.length, quotes, unquoted: of.length - quotes.length };
      });
      return {
        theme: { ...theme, statusLabel: THEME_STATUS_LABELS[theme.status as ThemeStatus] ?? theme.status },
        codes: byCode,
        segments: mine.length,
        addable: all.filter((c) => !c.mergedIntoId && !linked.has(c.id)).map((c) => ({ value: c.id, label: c.name })),
      };
    },

    /** The live codes a new theme can be built from. */
    async themeCodeOptions(programmeId: string) {
      return (await codes.codesOf(db, programmeId))
        .filter((c) => !c.mergedIntoId)
        .map((c) => ({ value: c.id, label: c.name }))
        .sort((a, b) => a.label.localeCompare(b.label));
    },

    /** Creates a theme from codes; "defined" is refused: a new theme has no representatives' review yet. */
    async createTheme(programmeId: string, input: NewThemeInput, userId: string, ctx: AuditContext) {
      return once(db, input._submission, userId, async (tx) => {
        const { codeIds, _submission, ...description } = input;
        void _submission;
        await checkDescription(tx, programmeId, description);
        const ids = await liveCodes(tx, programmeId, codeIds);
        const theme = await repo.insertTheme(tx, { programmeId, ...description, createdBy: userId });
        await repo.addThemeCodes(tx, theme.id, ids);
        await recordAudit(tx, ctx, {
          action: 'analysis.theme-created',
          entityType: 'analysis_theme',
          entityId: theme.id,
          details: { name: theme.name, codes: ids.length },
        });
        return theme.id;
      });
    },

    /** Changes a theme's name, definition, memo or status ("defined" only once representatives have reviewed it). */
    async updateTheme(programmeId: string, themeId: string, input: EditThemeInput, userId: string, ctx: AuditContext) {
      await once(db, input._submission, userId, async (tx) => {
        const description = { name: input.name, definition: input.definition, memo: input.memo, status: input.status };
        await checkDescription(tx, programmeId, input, themeId);
        await repo.updateTheme(tx, themeId, description);
        await recordAudit(tx, ctx, {
          action: 'analysis.theme-edited',
          entityType: 'analysis_theme',
          entityId: themeId,
          details: { name: input.name, status: input.status },
        });
        return themeId;
      });
    },

    /** Adds live codes of the programme to a theme (codes already in it are left as they are). */
    async addThemeCodes(programmeId: string, themeId: string, codeIds: string[], userId: string, key?: string) {
      await once(db, key, userId, async (tx) => {
        await repo.addThemeCodes(tx, themeId, await liveCodes(tx, programmeId, codeIds));
        return themeId;
      });
    },

    /** Takes a code out of a theme; false when it was not in it. */
    async removeThemeCode(themeId: string, codeId: string) {
      return (await repo.removeThemeCode(db, themeId, codeId)) > 0;
    },
  };
}
