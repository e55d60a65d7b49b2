import type { Scale } from '../../stats/consensus';
import { comparablePrevious } from './lineage';
import * as repo from './repository';
import { shownItem } from './disclosure';
import type { DelphiContext } from './service-context';

/** What panellists (and the study team) see of the round before, item by item. */
export function createFeedback({ db, analyse }: DelphiContext) {
  /**
   * Feedback on each item of `round` from the comparable item of `prevRound`:
   * the panellist's own previous rating, the panel's distribution, median
   * and IQR, each group's median and IQR (withheld for a group of fewer than
   * MIN_GROUP_SIZE), anonymised comments and the status so far.
   */
  async function feedbackFor(
    study: repo.Study,
    prevRound: repo.Round,
    round: repo.Round,
    panellist: repo.Panellist | null,
  ) {
    const { byCode, items: prevItems } = await analyse(study, prevRound);
    const edges = await repo.lineageInto(db, round.id);
    const parentOf = comparablePrevious(edges);
    const prevById = new Map(prevItems.map((i) => [i.id, i]));
    const ratings = await repo.ratingsOfRound(db, prevRound.id);
    const panel = new Map((await repo.panelOf(db, study.id)).map((p) => [p.id, p]));
    const scale = study.scale as Scale;
    const values = Array.from({ length: scale.max - scale.min + 1 }, (_, i) => scale.min + i);
    // Grouped once by item: scanning every rating for every item grows with items × ratings.
    const ratingsByItem = new Map<string, typeof ratings>();
    for (const r of ratings) (ratingsByItem.get(r.itemId) ?? ratingsByItem.set(r.itemId, []).get(r.itemId)!).push(r);
    const out = [];
    for (const item of await repo.itemsOf(db, round.id)) {
      const parentId = parentOf.get(item.id);
      const prev = parentId ? prevById.get(parentId) : undefined;
      if (!prev) continue;
      const mineRows = ratingsByItem.get(prev.id) ?? [];
      const dist = (rows: typeof mineRows) =>
        values.map((v) => ({ value: v, count: rows.filter((r) => r.rating === v).length }));
      const groups = [
        ...new Set(mineRows.map((r) => panel.get(r.panellistId)?.stakeholderType).filter((g): g is string => !!g)),
      ].sort();
      const own = panellist ? mineRows.find((r) => r.panellistId === panellist.id) : undefined;
      const stats = shownItem(byCode.get(prev.code)!);
      const mine = panellist ? stats.groups[panellist.stakeholderType] : undefined;
      out.push({
        itemId: item.id,
        previousCode: prev.code,
        previousText: prev.text,
        reworded: prev.text !== item.text,
        own: own ? (own.rating === null ? 'unable' : own.rating) : null,
        stats,
        distribution: dist(mineRows),
        unable: mineRows.filter((r) => r.rating === null).length,
        groups: groups.map((g) => ({ name: g, stats: stats.groups[g] })),
        // A rating far from this median needs a reason. A withheld group's median would show through that question, so the panel's stands in.
        compareWith: mine && !mine.withheld ? ('group' as const) : ('panel' as const),
        compareMedian: panellist ? (mine && !mine.withheld ? mine.median : stats.median) : null,
        // Anonymised: no names, in alphabetical order so position reveals nothing.
        comments: mineRows
          .map((r) => r.comment.trim())
          .filter(Boolean)
          .sort((a, b) => a.localeCompare(b)),
      });
    }
    return out;
  }

  return { feedbackFor };
}

export type FeedbackFor = ReturnType<typeof createFeedback>['feedbackFor'];
/** The feedback on one item. */
export type ItemFeedback = Awaited<ReturnType<FeedbackFor>>[number];
