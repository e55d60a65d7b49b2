import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { once } from '../../platform/db/idempotency';
import type { Analysis, ItemResult } from '../../stats/delphi';
import type { Scale } from '../../stats/consensus';
import { comparablePrevious, finalList, sameStatementBefore, type LineageEdge } from './lineage';
import * as repo from './repository';
import type { DelphiContext } from './service-context';

export interface RoundAnalysis {
  round: repo.Round;
  analysis: Analysis;
  items: repo.Item[];
  byCode: Map<string, ItemResult>;
}

/** One item of the study's final list, with the round, wording and figures that agreed it. */
export interface AgreedItem {
  item: repo.Item;
  round: repo.Round;
  stats: ItemResult;
  retired: boolean;
  reratedWithoutConsensus: number[];
}

/** "n = 4; 100% rated 7–9, 0% rated 1–3; median 8 (IQR 8–8)": the figures that agreed an item. */
export function agreedFigures(s: ItemResult, scale: Scale): string {
  return `n = ${s.n}; ${s.percentHigh}% rated ${scale.high[0]}–${scale.high[1]}, ${s.percentLow}% rated ${scale.low[0]}–${scale.low[1]}; median ${s.median} (IQR ${s.q1}–${s.q3})`;
}

/**
 * The study's agreed items across rounds: the final list, what is retired as
 * agreed, and sending the list to a draft framework.
 */
export function createAgreedParts({ db, frameworks, analyse }: DelphiContext) {
  async function closedAnalyses(study: repo.Study): Promise<RoundAnalysis[]> {
    const closed = (await repo.roundsOf(db, study.id)).filter((r) => r.number > 0 && r.status === 'closed');
    const out: RoundAnalysis[] = [];
    for (const round of closed) out.push({ round, ...(await analyse(study, round)) });
    return out;
  }

  /** The final list across every closed round (analyses already made may be passed in). */
  async function agreed(
    study: repo.Study,
    analyses?: RoundAnalysis[],
  ): Promise<{ list: AgreedItem[]; edges: LineageEdge[] }> {
    const closed = (analyses ?? (await closedAnalyses(study))).filter(
      (a) => a.round.status === 'closed' && a.round.number > 0,
    );
    const edges: LineageEdge[] = [];
    for (const a of closed) edges.push(...(await repo.lineageInto(db, a.round.id)));
    const retired = new Set(await repo.retiredOf(db, study.id));
    const entries = finalList(
      closed.map((a) => ({
        number: a.round.number,
        items: a.items.map((i) => ({ id: i.id, verdict: a.byCode.get(i.code)!.verdict })),
      })),
      edges,
      retired,
    );
    const where = new Map(closed.flatMap((a) => a.items.map((i) => [i.id, { a, item: i }] as const)));
    const list = entries.map((e) => {
      const { a, item } = where.get(e.itemId)!;
      return {
        item,
        round: a.round,
        stats: a.byCode.get(item.code)!,
        retired: e.retired,
        reratedWithoutConsensus: e.reratedWithoutConsensus,
      };
    });
    return { list, edges };
  }

  return {
    agreed,

    /**
     * Takes items out of the round being prepared because the round before
     * agreed them: unlike a drop, they stay on the final list with the round
     * and figures that agreed them. Only an item that reached consensus "in"
     * can be retired as agreed.
     */
    async retireItems(study: repo.Study, round: repo.Round, itemIds: string[], ctx: AuditContext) {
      if (round.status !== 'draft') throw new FieldError('items', 'Items can only be retired before a round opens');
      const items = (await repo.itemsOf(db, round.id)).filter((i) => itemIds.includes(i.id));
      if (items.length === 0) throw new FieldError('items', 'Select the items to retire as agreed');
      const prev = (await repo.roundsOf(db, study.id)).find(
        (r) => r.number === round.number - 1 && r.number > 0 && r.status === 'closed',
      );
      if (!prev) throw new FieldError('items', 'Only items agreed in the last closed round can be retired as agreed');
      const { byCode, items: prevItems } = await analyse(study, prev);
      const prevById = new Map(prevItems.map((i) => [i.id, i]));
      const parentOf = comparablePrevious(
        await repo.lineageOfItems(
          db,
          items.map((i) => i.id),
        ),
      );
      const refused: string[] = [];
      const agreedParents: string[] = [];
      for (const item of items) {
        const parent = prevById.get(parentOf.get(item.id) ?? '');
        if (parent && byCode.get(parent.code)?.verdict === 'in') agreedParents.push(parent.id);
        else refused.push(item.code);
      }
      if (refused.length) {
        throw new FieldError(
          'items',
          `${refused.length === 1 ? 'Item' : 'Items'} ${refused.join(', ')} did not reach consensus "in" in round ${prev.number} (or ${refused.length === 1 ? 'is' : 'are'} new, merged or split), so cannot be retired as agreed. Drop ${refused.length === 1 ? 'it' : 'them'} instead, or keep ${refused.length === 1 ? 'it' : 'them'} in the round`,
        );
      }
      await db.transaction(async (tx) => {
        await repo.insertRetirements(
          tx,
          agreedParents.map((itemId) => ({ itemId, roundId: round.id, retiredBy: ctx.actorId })),
        );
        await repo.deleteItems(
          tx,
          items.map((i) => i.id),
        );
        await recordAudit(tx, ctx, {
          action: 'delphi.items-retired',
          entityType: 'delphi_round',
          entityId: round.id,
          details: { codes: items.map((i) => i.code), agreedIn: prev.number },
        });
      });
      return items.map((i) => i.code);
    },

    /**
     * Sends the final list (every item agreed in any closed round and not
     * replaced since) to a draft framework version, each with the wording and
     * figures of the round that agreed it: an item that came from a statement
     * links to that statement; a new item becomes a statement under the domain
     * of the same name. Each gets a provenance link with the study, round and
     * figures. Items sent before (in this or an earlier wording) are reported
     * as already sent and add nothing. The same submission key gives the
     * first result back; two different sends at once take turns on the study.
     */
    async sendToFramework(
      study: repo.Study,
      versionId: string,
      ctx: AuditContext,
      submissionKey?: string,
    ): Promise<{ linked: string[]; added: string[]; already: string[]; skipped: string[] }> {
      const version = await frameworks.findVersionById(versionId);
      if (!version || version.status !== 'draft')
        throw new FieldError('versionId', 'Choose a draft framework version; published versions never change');
      const { list, edges } = await agreed(study);
      if (list.length === 0) {
        const anyClosed = (await repo.roundsOf(db, study.id)).some((r) => r.number > 0 && r.status === 'closed');
        throw new FieldError(
          'versionId',
          anyClosed ? 'No item has reached consensus "in" in any closed round' : 'No round has closed yet',
        );
      }
      const fwItems = await frameworks.itemsOf(version.id);
      const scale = study.scale as Scale;
      return once(db, submissionKey, ctx.actorId, async (tx) => {
        // Checking "already sent" and adding must be one step: without the lock two sends at once both
        // see nothing sent (READ COMMITTED) and both add. The second waits here, then sees the first's links.
        await repo.lockStudy(tx, study.id);
        const result = {
          linked: [] as string[],
          added: [] as string[],
          already: [] as string[],
          skipped: [] as string[],
        };
        for (const { item, round, stats } of list) {
          const label = `${item.code} (round ${round.number})`;
          let sent = false;
          for (const id of sameStatementBefore(item.id, edges))
            if (await frameworks.hasProvenance(version.id, 'delphi-item', id, tx)) sent = true;
          if (sent) {
            result.already.push(label);
            continue;
          }
          const link = {
            sourceType: 'delphi-item' as const,
            sourceId: item.id,
            label: `${study.title}, round ${round.number}, item ${item.code}`,
            detail: agreedFigures(stats, scale),
            href: `/programmes/${study.programmeId}/delphi/${study.id}/rounds/${round.number}#item-${item.code}`,
          };
          let target = item.sourceIdentifier
            ? await frameworks.findItemByIdentifier(version.id, item.sourceIdentifier, tx)
            : undefined;
          if (!target) {
            const domain = fwItems.find(
              (f) => f.type === 'domain' && f.text.toLowerCase() === item.domain.toLowerCase(),
            );
            if (!domain || !item.stage) {
              result.skipped.push(label);
              continue;
            }
            target = await frameworks.addStatement(
              version,
              { parentCode: domain.code, text: item.text, stage: item.stage, area: item.area },
              ctx,
              tx,
            );
            result.added.push(label);
          } else {
            result.linked.push(label);
            // The statement keeps its own words; the editor sees the agreed wording beside them and chooses.
            if (target.text.trim() !== item.text.trim())
              link.detail += `; the panel agreed this wording: "${item.text}"`;
          }
          await frameworks.addProvenance(target.id, link, ctx.actorId, ctx, tx);
        }
        await recordAudit(tx, ctx, {
          action: 'delphi.sent-to-framework',
          entityType: 'delphi_study',
          entityId: study.id,
          details: { versionId, ...result },
        });
        return result;
      });
    },
  };
}
