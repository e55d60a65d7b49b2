import { describeRule } from '../../stats/consensus';
import { ancestry, roundChanges, type LineageEdge } from './lineage';
import * as repo from './repository';
import { exportLabels, shownGroup, shownItem } from './disclosure';
import type { DelphiContext } from './service-context';
import type { createAgreedParts } from './agreed';
import type { createPanel } from './service-panel';
import { settingsOf } from './study-settings';

/** What the reports need from the other parts. */
interface ReportSources {
  agreed: ReturnType<typeof createAgreedParts>['agreed'];
  attrition: ReturnType<typeof createPanel>['attrition'];
}

/**
 * The study's figures for reading and export: the dashboard and study report,
 * a panellist's personal report, and every response (pseudonymised unless the
 * study allows names). The documents themselves are written by report.ts.
 */
export function createReports({ db, analyse }: DelphiContext, { agreed, attrition }: ReportSources) {
  return {
    /** Everything the dashboard and the study report show. */
    async report(study: repo.Study) {
      const rounds = await repo.roundsOf(db, study.id);
      const rated = rounds.filter((r) => r.number > 0 && r.status !== 'draft');
      const analyses = [];
      for (const r of rated) analyses.push({ round: r, ...(await analyse(study, r)) });
      const changes = [];
      const retired = new Set(await repo.retiredOf(db, study.id));
      for (let i = 1; i < analyses.length; i++) {
        const prev = analyses[i - 1]!;
        const cur = analyses[i]!;
        const edges = await repo.lineageInto(db, cur.round.id);
        const c = roundChanges(
          prev.items.map((x) => x.id),
          cur.items.map((x) => x.id),
          edges,
        );
        const codeOf = new Map([...prev.items, ...cur.items].map((x) => [x.id, `${x.code}`]));
        changes.push({
          round: cur.round,
          added: c.added.map((id) => codeOf.get(id)!),
          dropped: c.dropped.filter((id) => !retired.has(id)).map((id) => codeOf.get(id)!),
          retired: c.dropped.filter((id) => retired.has(id)).map((id) => codeOf.get(id)!),
          merged: c.merged.map((m) => ({ code: codeOf.get(m.itemId)!, from: m.parentIds.map((p) => codeOf.get(p)!) })),
          split: c.split.map((s) => ({ code: codeOf.get(s.parentId)!, into: s.itemIds.map((x) => codeOf.get(x)!) })),
          reworded: c.reworded.map((id) => codeOf.get(id)!),
        });
      }
      // Where each final item came from, when that is more than itself carried forward (merged, split, renumbered).
      const edges: LineageEdge[] = [];
      for (const a of analyses) edges.push(...(await repo.lineageInto(db, a.round.id)));
      const label = new Map(
        analyses.flatMap((a) => a.items.map((i) => [i.id, { code: i.code, round: a.round.number }] as const)),
      );
      const origins = new Map<string, string>();
      const final = (await agreed(study, analyses)).list;
      for (const { item } of final) {
        const generations = ancestry(item.id, edges);
        const first = generations[generations.length - 1];
        if (!first) continue;
        const codes = first.map((id) => label.get(id)).filter((x): x is { code: string; round: number } => !!x);
        if (codes.length > 1 || codes.some((c) => c.code !== item.code))
          origins.set(
            item.id,
            `from round ${codes[0]!.round} item${codes.length > 1 ? 's' : ''} ${codes.map((c) => c.code).join(' + ')}`,
          );
      }
      const last = analyses[analyses.length - 1];
      const allSettled =
        !!last &&
        last.round.status === 'closed' &&
        last.analysis.items.length > 0 &&
        last.analysis.items.every((i) => i.verdict !== 'none' || i.stability?.stable === true);
      const s = settingsOf(study);
      return {
        study,
        settings: s,
        ruleText: describeRule(s.rule, s.scale, s.quartileMethod),
        rounds,
        analyses,
        changes,
        origins,
        final,
        allSettled,
        settingChanges: await repo.settingChanges(db, study.id),
        attrition: await attrition(study),
      };
    },

    /** The panellist's own ratings in every closed round beside the panel's figures. */
    async personalReport(study: repo.Study, panellist: repo.Panellist) {
      const rounds = (await repo.roundsOf(db, study.id)).filter((r) => r.number > 0 && r.status === 'closed');
      const out = [];
      for (const round of rounds) {
        const { analysis, items } = await analyse(study, round);
        const mine = new Map(
          (
            await repo.ratingsOfPanellist(
              db,
              panellist.id,
              items.map((i) => i.id),
            )
          ).map((r) => [r.itemId, r]),
        );
        out.push({
          round,
          items: items.map((item, n) => ({
            item,
            stats: shownItem(analysis.items[n]!),
            own: mine.has(item.id) ? (mine.get(item.id)!.rating ?? 'unable') : null,
            group: shownGroup(analysis.items[n]!.groups?.[panellist.stakeholderType]),
          })),
        });
      }
      return out;
    },

    /**
     * Every rating, with pseudonyms (P001…) unless the study allows names in
     * exports. Without names, a group or area of fewer than MIN_GROUP_SIZE
     * people who answered is written as "Other (fewer than 3)", so no row can
     * be tied to one person by its labels.
     */
    async responses(study: repo.Study) {
      const rounds = (await repo.roundsOf(db, study.id)).filter((r) => r.number > 0 && r.status !== 'draft');
      const panel = await repo.panelOf(db, study.id);
      const byId = new Map(panel.map((p) => [p.id, p]));
      // Numbered in the order of the random ids: invitation order or email would tell the study team who P001 is.
      const pseudonym = new Map(
        [...panel].sort((a, b) => a.id.localeCompare(b.id)).map((p, i) => [p.id, `P${String(i + 1).padStart(3, '0')}`]),
      );
      const rows: {
        round: number;
        panellistId: string;
        panellist: string;
        name: string;
        group: string;
        area: string;
        item: string;
        rating: number | 'NA';
        comment: string;
        reason: string;
      }[] = [];
      for (const round of rounds) {
        const items = new Map((await repo.itemsOf(db, round.id)).map((i) => [i.id, i]));
        for (const r of await repo.ratingsOfRound(db, round.id)) {
          const p = byId.get(r.panellistId);
          if (!p) continue;
          rows.push({
            round: round.number,
            panellistId: p.id,
            panellist: pseudonym.get(p.id)!,
            name: study.namesInExports ? p.name || p.email : '',
            group: p.stakeholderType,
            area: p.area ?? '',
            item: items.get(r.itemId)!.code,
            rating: r.rating ?? 'NA',
            comment: r.comment,
            reason: r.reason,
          });
        }
      }
      rows.sort(
        (a, b) =>
          a.round - b.round ||
          a.item.localeCompare(b.item, 'en', { numeric: true }) ||
          a.panellist.localeCompare(b.panellist),
      );
      if (study.namesInExports) return rows.map(({ panellistId: _, ...row }) => row);
      const labels = exportLabels(new Map(rows.map((r) => [r.panellistId, { group: r.group, area: r.area }])));
      return rows.map(({ panellistId, ...row }) => ({ ...row, ...labels.get(panellistId)! }));
    },
  };
}
