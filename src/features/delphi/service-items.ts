import type { Db } from '../../platform/db/database';
import { once } from '../../platform/db/idempotency';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import * as repo from './repository';
import { itemProblem } from './bounds';
import type { DelphiContext } from './service-context';

/**
 * Items of a round being prepared, and their lineage: add (typed, from a CSV,
 * from a framework or from a round 0 suggestion), edit, drop, merge and split.
 * Every change is refused once the round has opened.
 */
export function createItems({ db, frameworks }: DelphiContext) {
  /** Adds items to a draft round, numbered after the last. */
  async function addItems(
    round: repo.Round,
    items: {
      text: string;
      domain: string;
      stage: string | null;
      area: string | null;
      sourceIdentifier?: string | null;
      code?: string;
    }[],
    ctx: AuditContext,
    on: Db = db,
    submissionKey?: string,
    field = 'text',
  ) {
    if (round.status !== 'draft')
      throw new FieldError(
        field,
        `Round ${round.number} is ${round.status}; items can only change before a round opens`,
      );
    // Every way in (typed, CSV, framework, merged, split, a suggestion) passes here: length and NHS numbers checked once.
    for (const [n, i] of items.entries()) {
      const problem = itemProblem(
        i,
        items.length === 1 ? 'the item' : i.code ? `item ${i.code}` : `item ${n + 1} of ${items.length}`,
      );
      if (problem) throw new FieldError(field, problem);
    }
    return once(on, submissionKey, ctx.actorId ?? null, async (tx) => {
      const existing = await repo.itemsOf(tx, round.id);
      const codes = new Set(existing.map((i) => i.code));
      let position = await repo.nextPosition(tx, round.id);
      let n = existing.length;
      const values = items.map((i) => {
        let code = i.code ?? '';
        if (!code) {
          do code = String(++n);
          while (codes.has(code));
        }
        if (codes.has(code)) throw new FieldError('text', `There is already an item ${code} in this round`);
        codes.add(code);
        return {
          roundId: round.id,
          code,
          text: i.text,
          domain: i.domain,
          stage: i.stage,
          area: i.area,
          sourceIdentifier: i.sourceIdentifier ?? null,
          position: position++,
        };
      });
      const rows = await repo.insertItems(tx, values);
      await recordAudit(tx, ctx, {
        action: 'delphi.items-added',
        entityType: 'delphi_round',
        entityId: round.id,
        details: { codes: rows.map((r) => r.code) },
      });
      return rows;
    });
  }

  return {
    items: (roundId: string) => repo.itemsOf(db, roundId),
    getItem: (id: string) => repo.getItem(db, id),
    suggestions: (roundId: string) => repo.suggestionsOf(db, roundId),

    addItems,

    /** Items from a framework version's statements (optionally one stage), each keeping its statement's identity. */
    async addFromFramework(round: repo.Round, versionId: string, stage: string | null, ctx: AuditContext) {
      const items = await frameworks.itemsOf(versionId);
      const byCode = new Map(items.map((i) => [i.code, i]));
      const domainOf = (code: string | null): string => {
        let item = code ? byCode.get(code) : undefined;
        for (let guard = 0; item && item.type !== 'domain' && guard < 20; guard++)
          item = item.parentCode ? byCode.get(item.parentCode) : undefined;
        return item?.type === 'domain' ? item.text : '';
      };
      const existing = new Set((await repo.itemsOf(db, round.id)).map((i) => i.sourceIdentifier).filter(Boolean));
      const statements = items.filter(
        (i) => i.type === 'statement' && (!stage || i.stage === stage) && !existing.has(i.identifier),
      );
      if (statements.length === 0)
        throw new FieldError(
          'versionId',
          stage
            ? 'That framework has no statements at this stage that are not already items'
            : 'That framework has no statements that are not already items',
        );
      return addItems(
        round,
        statements.map((s) => ({
          text: s.text,
          domain: domainOf(s.parentCode),
          stage: s.stage,
          area: s.area,
          sourceIdentifier: s.identifier,
          code: s.code,
        })),
        ctx,
      );
    },

    async editItem(
      item: repo.Item,
      values: { text: string; domain: string; stage: string | null; area: string | null },
      ctx: AuditContext,
    ) {
      const round = (await repo.getRound(db, item.roundId))!;
      if (round.status !== 'draft')
        throw new FieldError(
          'text',
          `Round ${round.number} is ${round.status}; items can only change before a round opens`,
        );
      const problem = itemProblem(values);
      if (problem) throw new FieldError('text', problem);
      await db.transaction(async (tx) => {
        await repo.updateItem(tx, item.id, values);
        if (values.text !== item.text) await repo.setLineageKind(tx, item.id, 'carried', 'reworded');
        await recordAudit(tx, ctx, {
          action: 'delphi.item-edited',
          entityType: 'delphi_item',
          entityId: item.id,
          details: { before: item.text, after: values.text },
        });
      });
    },

    async dropItems(round: repo.Round, itemIds: string[], ctx: AuditContext) {
      if (round.status !== 'draft') throw new FieldError('items', 'Items can only be dropped before a round opens');
      const items = (await repo.itemsOf(db, round.id)).filter((i) => itemIds.includes(i.id));
      if (items.length === 0) throw new FieldError('items', 'Select the items to drop');
      await db.transaction(async (tx) => {
        await repo.deleteItems(
          tx,
          items.map((i) => i.id),
        );
        await recordAudit(tx, ctx, {
          action: 'delphi.items-dropped',
          entityType: 'delphi_round',
          entityId: round.id,
          details: { codes: items.map((i) => i.code) },
        });
      });
    },

    /** Replaces two or more items with one; the new item's lineage names every item it came from. */
    async mergeItems(round: repo.Round, itemIds: string[], text: string, ctx: AuditContext) {
      if (round.status !== 'draft') throw new FieldError('items', 'Items can only be merged before a round opens');
      const items = (await repo.itemsOf(db, round.id)).filter((i) => itemIds.includes(i.id));
      if (items.length < 2) throw new FieldError('items', 'Select two or more items to merge');
      if (!text.trim()) throw new FieldError('mergeText', 'Enter the wording of the merged item');
      return db.transaction(async (tx) => {
        const parents = await repo.lineageOfItems(
          tx,
          items.map((i) => i.id),
        );
        const [merged] = await addItems(
          round,
          [
            {
              text: text.trim(),
              domain: items[0]!.domain,
              stage: items[0]!.stage,
              area: items.every((i) => i.area === items[0]!.area) ? items[0]!.area : null,
            },
          ],
          ctx,
          tx,
          undefined,
          'mergeText',
        );
        await repo.insertLineage(
          tx,
          [...new Set(parents.map((p) => p.parentId))].map((parentId) => ({
            itemId: merged!.id,
            parentId,
            kind: 'merged',
          })),
        );
        await repo.deleteItems(
          tx,
          items.map((i) => i.id),
        );
        await recordAudit(tx, ctx, {
          action: 'delphi.items-merged',
          entityType: 'delphi_item',
          entityId: merged!.id,
          details: { from: items.map((i) => i.code) },
        });
        return merged!;
      });
    },

    /** Replaces one item with two or more; each keeps the original's lineage as a split. */
    async splitItem(item: repo.Item, texts: string[], ctx: AuditContext) {
      const round = (await repo.getRound(db, item.roundId))!;
      if (round.status !== 'draft') throw new FieldError('splitText', 'Items can only be split before a round opens');
      const parts = texts.map((t) => t.trim()).filter(Boolean);
      if (parts.length < 2) throw new FieldError('splitText', 'Enter at least two items, one per line');
      return db.transaction(async (tx) => {
        const parents = await repo.lineageOfItems(tx, [item.id]);
        const made = await addItems(
          round,
          parts.map((text) => ({
            text,
            domain: item.domain,
            stage: item.stage,
            area: item.area,
            sourceIdentifier: null,
          })),
          ctx,
          tx,
          undefined,
          'splitText',
        );
        await repo.insertLineage(
          tx,
          made.flatMap((m) => parents.map((p) => ({ itemId: m.id, parentId: p.parentId, kind: 'split' }))),
        );
        await repo.deleteItems(tx, [item.id]);
        await recordAudit(tx, ctx, {
          action: 'delphi.item-split',
          entityType: 'delphi_item',
          entityId: item.id,
          details: { into: made.map((m) => m.code) },
        });
        return made;
      });
    },

    /** A round 0 suggestion turned into an item of the round being prepared, once. */
    async useSuggestion(round: repo.Round, suggestionId: string, text: string, ctx: AuditContext) {
      const rounds = await repo.roundsOf(db, round.studyId);
      const round0 = rounds.find((r) => r.number === 0);
      const suggestion = round0
        ? (await repo.suggestionsOf(db, round0.id)).find((x) => x.id === suggestionId)
        : undefined;
      if (!suggestion) throw new FieldError('text', 'That suggestion is not part of this study');
      if (suggestion.usedForItemId) throw new FieldError('text', 'That suggestion is already an item');
      return db.transaction(async (tx) => {
        const [item] = await addItems(round, [{ text, domain: '', stage: null, area: null }], ctx, tx);
        if (!(await repo.markSuggestionUsed(tx, suggestionId, item!.id)))
          throw new FieldError('text', 'That suggestion is already an item');
        return item!;
      });
    },
  };
}
