import type { Db } from '../../platform/db/database';
import { analyseRound, noRatings, type Analysis, type ItemResult, type Rating } from '../../stats/delphi';
import { kendallW, type KendallResult } from '../../stats/kendall';
import { comparablePrevious } from './lineage';
import * as repo from './repository';
import { settingsOf } from './study-settings';

/** A round's figures: the analysis, its items in order, each item's result by code, and Kendall's W. */
export interface RoundFigures {
  analysis: Analysis;
  items: repo.Item[];
  byCode: Map<string, ItemResult>;
  concordance: KendallResult | null;
}

export type Analyse = (study: repo.Study, round: repo.Round) => Promise<RoundFigures>;

/** Ratings of a round as the statistics module takes them, keyed by item code and grouped by stakeholder type. */
async function ratingsFor(
  db: Db,
  round: repo.Round,
  panel: Map<string, repo.Panellist>,
  codeOf: Map<string, string>,
): Promise<Rating[]> {
  const rows = await repo.ratingsOfRound(db, round.id);
  return rows
    .filter((r) => codeOf.has(r.itemId) && panel.has(r.panellistId))
    .map((r) => ({
      panellist: r.panellistId,
      group: panel.get(r.panellistId)!.stakeholderType,
      item: codeOf.get(r.itemId)!,
      rating: r.rating,
    }));
}

/**
 * Kendall's W: how far panellists agree on the order of importance of the
 * items, their ratings read as rankings (ties averaged). Only panellists who
 * rated every item count, since W needs complete rankings.
 */
function concordance(ratings: Rating[], codes: string[]): KendallResult | null {
  if (codes.length < 2) return null;
  const byPanellist = new Map<string, Map<string, number>>();
  for (const r of ratings) {
    if (r.rating === null) continue;
    let m = byPanellist.get(r.panellist);
    if (!m) byPanellist.set(r.panellist, (m = new Map()));
    m.set(r.item, r.rating);
  }
  const rows = [...byPanellist.values()]
    .filter((m) => codes.every((c) => m.has(c)))
    .map((m) => codes.map((c) => m.get(c)!));
  if (rows.length < 2) return null;
  const w = kendallW(rows);
  return Number.isFinite(w.w) ? w : null;
}

/** The analysis of one round, with stability against the comparable items of the round before. */
export function createAnalyse(db: Db): Analyse {
  return async function analyse(study, round) {
    const [items, panelRows, rounds] = await Promise.all([
      repo.itemsOf(db, round.id),
      repo.panelOf(db, study.id),
      repo.roundsOf(db, study.id),
    ]);
    const panel = new Map(panelRows.map((p) => [p.id, p]));
    const codeOf = new Map(items.map((i) => [i.id, i.code]));
    const current = await ratingsFor(db, round, panel, codeOf);
    const prevRound = rounds.find((r) => r.number === round.number - 1 && r.number > 0);
    let previous: Rating[] | undefined;
    if (prevRound) {
      // Previous ratings under the current item's code, for carried and reworded items only.
      const parentToCode = new Map<string, string>();
      for (const [itemId, parentId] of comparablePrevious(await repo.lineageInto(db, round.id)))
        parentToCode.set(parentId, codeOf.get(itemId)!);
      previous = await ratingsFor(db, prevRound, panel, parentToCode);
    }
    const s = settingsOf(study);
    const analysis = analyseRound(
      current,
      { rule: s.rule, scale: s.scale, quartiles: s.quartileMethod, byGroup: true, everyGroup: s.everyGroup },
      previous,
    );
    // Items nobody rated still appear.
    const byCode = new Map(analysis.items.map((i) => [i.item, i]));
    for (const item of items) {
      if (!byCode.has(item.code)) {
        const empty: ItemResult = { item: item.code, ...noRatings(), groups: {} };
        byCode.set(item.code, empty);
      }
    }
    analysis.items = items.map((i) => byCode.get(i.code)!);
    return {
      analysis,
      items,
      byCode,
      concordance: concordance(
        current,
        items.map((i) => i.code),
      ),
    };
  };
}
