import type { Platform } from '../../platform/http/types';
import { once } from '../../platform/db/idempotency';
import type { Db } from '../../platform/db/database';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { analyseRound, noRatings, type Analysis, type ItemResult, type Rating } from '../../stats/delphi';
import { kendallW, type KendallResult } from '../../stats/kendall';
import { describeRule, type ConsensusRule, type Scale } from '../../stats/consensus';
import type { QuantileMethod } from '../../stats/descriptive';
import type { FrameworksService } from '../frameworks/service';
import { ancestry, comparablePrevious, roundChanges, type LineageEdge } from './lineage';
import * as repo from './repository';
import { createAgreedParts } from './agreed';
import { createPanelLinks } from './panel-links';
import { itemProblem, RESPONSE_TEXT_MAX, textProblem } from './bounds';
import { exportLabels, shownGroup, shownItem } from './disclosure';

export interface StudySettings {
  title: string;
  purpose: string;
  scale: Scale;
  allowUnable: boolean;
  rule: ConsensusRule;
  quartileMethod: QuantileMethod;
  everyGroup: boolean;
  reasonDistance: number | null;
  namesInExports: boolean;
}

export interface RatingInput {
  itemId: string;
  /** A number on the scale, 'unable', or undefined for not answered yet. */
  value: number | 'unable' | undefined;
  comment: string;
  reason: string;
}

/** A rating counts as "far" from the group's previous median when it is at least `distance` points away. */
export function isFar(rating: number, previousMedian: number | null | undefined, distance: number | null): boolean {
  return (
    distance !== null &&
    previousMedian !== null &&
    previousMedian !== undefined &&
    Math.abs(rating - previousMedian) >= distance
  );
}

const settingsOf = (s: repo.Study): StudySettings => ({
  title: s.title,
  purpose: s.purpose,
  scale: s.scale as Scale,
  allowUnable: s.allowUnable,
  rule: s.rule as ConsensusRule,
  quartileMethod: s.quartileMethod as QuantileMethod,
  everyGroup: s.everyGroup,
  reasonDistance: s.reasonDistance,
  namesInExports: s.namesInExports,
});

export function createDelphiService(platform: Platform, frameworks: FrameworksService) {
  const { db, jobs } = platform;
  const links = createPanelLinks(platform);
  const sendPanelLink = links.sendPanelLink;

  // Rounds close by themselves at their closing time, on whichever instance picks the job up.
  jobs.register('delphi.close-round', async (payload, ctx) => {
    const round = await repo.getRound(ctx.db, String(payload.roundId));
    if (!round || round.status !== 'open' || !round.closesAt) return;
    if (round.closesAt.getTime() > Date.now()) {
      await jobs.enqueue(ctx.db, 'delphi.close-round', { roundId: round.id }, { runAt: round.closesAt });
      return;
    }
    if (await repo.setRoundStatus(ctx.db, round.id, 'open', { status: 'closed', closedAt: new Date() })) {
      await recordAudit(
        ctx.db,
        { actorId: null, actorLabel: 'system' },
        {
          action: 'delphi.round-closed',
          entityType: 'delphi_round',
          entityId: round.id,
          details: { number: round.number, automatic: true },
        },
      );
    }
  });

  function scheduleClose(tx: Db, round: repo.Round) {
    if (!round.closesAt) return Promise.resolve(null);
    return jobs.enqueue(
      tx,
      'delphi.close-round',
      { roundId: round.id },
      { runAt: round.closesAt, singletonKey: `delphi-close:${round.id}` },
    );
  }

  /** Ratings of a round as the statistics module takes them, keyed by item code and grouped by stakeholder type. */
  async function ratingsFor(
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

  /** The analysis of one round, with stability against the comparable items of the round before. */
  async function analyse(
    study: repo.Study,
    round: repo.Round,
  ): Promise<{
    analysis: Analysis;
    items: repo.Item[];
    byCode: Map<string, ItemResult>;
    concordance: KendallResult | null;
  }> {
    const [items, panelRows, rounds] = await Promise.all([
      repo.itemsOf(db, round.id),
      repo.panelOf(db, study.id),
      repo.roundsOf(db, study.id),
    ]);
    const panel = new Map(panelRows.map((p) => [p.id, p]));
    const codeOf = new Map(items.map((i) => [i.id, i.code]));
    const current = await ratingsFor(round, panel, codeOf);
    const prevRound = rounds.find((r) => r.number === round.number - 1 && r.number > 0);
    let previous: Rating[] | undefined;
    if (prevRound) {
      // Previous ratings under the current item's code, for carried and reworded items only.
      const parentToCode = new Map<string, string>();
      for (const [itemId, parentId] of comparablePrevious(await repo.lineageInto(db, round.id)))
        parentToCode.set(parentId, codeOf.get(itemId)!);
      previous = await ratingsFor(prevRound, panel, parentToCode);
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

  const agreedParts = createAgreedParts(db, frameworks, analyse);

  return {
    analyse,
    ...agreedParts,

    async createStudy(
      programmeId: string,
      s: StudySettings & { withSuggestions: boolean },
      userId: string,
      ctx: AuditContext,
      submissionKey?: string,
    ): Promise<string> {
      return once(db, submissionKey, userId, async (tx) => {
        const study = await repo.insertStudy(tx, {
          programmeId,
          title: s.title,
          purpose: s.purpose,
          scale: s.scale,
          allowUnable: s.allowUnable,
          rule: s.rule,
          quartileMethod: s.quartileMethod,
          everyGroup: s.everyGroup,
          reasonDistance: s.reasonDistance,
          namesInExports: s.namesInExports,
          createdBy: userId,
        });
        if (s.withSuggestions) await repo.insertRound(tx, study.id, 0);
        await repo.insertRound(tx, study.id, 1);
        await recordAudit(tx, ctx, {
          action: 'delphi.study-created',
          entityType: 'delphi_study',
          entityId: study.id,
          details: { programmeId, title: s.title },
        });
        return study.id;
      });
    },

    getStudy: (id: string) => repo.getStudy(db, id),
    studiesOf: (programmeId: string) => repo.studiesOf(db, programmeId),
    rounds: (studyId: string) => repo.roundsOf(db, studyId),
    getRound: (id: string) => repo.getRound(db, id),
    items: (roundId: string) => repo.itemsOf(db, roundId),
    panel: (studyId: string) => repo.panelOf(db, studyId),
    settingChanges: (studyId: string) => repo.settingChanges(db, studyId),
    suggestions: (roundId: string) => repo.suggestionsOf(db, roundId),

    /**
     * Changes settings. Once round 1 has opened, the rule, scale and quartile
     * method are fixed: changing them needs a reason, which is logged for the report.
     */
    async updateSettings(study: repo.Study, s: StudySettings, reason: string, userId: string, ctx: AuditContext) {
      const before = settingsOf(study);
      const analytic = (x: StudySettings) =>
        JSON.stringify({
          rule: x.rule,
          scale: x.scale,
          q: x.quartileMethod,
          every: x.everyGroup,
          unable: x.allowUnable,
        });
      const changed = analytic(before) !== analytic(s);
      if (study.lockedAt && changed && !reason.trim()) {
        throw new FieldError(
          'reason',
          'Round 1 has opened, so the rule, scale and quartile method are fixed. Give a reason for changing them; reports will state it',
        );
      }
      await db.transaction(async (tx) => {
        await repo.updateStudy(tx, study.id, { ...s });
        if (study.lockedAt && changed)
          await repo.insertSettingChange(tx, {
            studyId: study.id,
            changedBy: userId,
            reason: reason.trim(),
            before,
            after: s,
          });
        await recordAudit(tx, ctx, {
          action: 'delphi.settings-changed',
          entityType: 'delphi_study',
          entityId: study.id,
          details: { before, after: s, reason },
        });
      });
    },

    // ---- items --------------------------------------------------------------------

    /** Adds items to a draft round, numbered after the last. */
    async addItems(
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
    },

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
      return this.addItems(
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
        const [merged] = await this.addItems(
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
        const made = await this.addItems(
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

    getItem: (id: string) => repo.getItem(db, id),

    // ---- panel ----------------------------------------------------------------------

    /** Invites people to the panel; those already on it are reported, not invited twice. */
    async invite(
      study: repo.Study,
      emails: string[],
      stakeholderType: string,
      area: string | null,
      ctx: AuditContext,
    ): Promise<{ added: string[]; already: string[] }> {
      return db.transaction(async (tx) => {
        const open = (await repo.roundsOf(tx, study.id)).find((r) => r.status === 'open');
        const added: string[] = [];
        const already: string[] = [];
        for (const email of emails) {
          const p = await repo.insertPanellist(tx, { studyId: study.id, email, stakeholderType, area });
          if (!p) {
            already.push(email);
            continue;
          }
          added.push(email);
          if (open) await sendPanelLink(tx, study, p, open, 'invitation');
        }
        await recordAudit(tx, ctx, {
          action: 'delphi.panel-invited',
          entityType: 'delphi_study',
          entityId: study.id,
          details: { added, stakeholderType, area },
        });
        return { added, already };
      });
    },

    /** Per round and stakeholder group: invited, started, completed. */
    async attrition(study: repo.Study) {
      const [rounds, panel] = await Promise.all([repo.roundsOf(db, study.id), repo.panelOf(db, study.id)]);
      const used = rounds.filter((r) => r.status !== 'draft');
      const part = await repo.participationOf(
        db,
        used.map((r) => r.id),
      );
      const groups = [...new Set(panel.map((p) => p.stakeholderType))].sort();
      const groupOf = new Map(panel.map((p) => [p.id, p.stakeholderType]));
      const rows = used.map((r) => {
        const mine = part.filter((p) => p.roundId === r.id);
        const count = (g: string | null, f: (x: (typeof mine)[number]) => boolean) =>
          mine.filter((x) => (g === null || groupOf.get(x.panellistId) === g) && f(x)).length;
        const cell = (g: string | null) => ({
          invited: count(g, () => true),
          started: count(g, (x) => !!x.startedAt),
          completed: count(g, (x) => !!x.completedAt),
        });
        return { round: r, total: cell(null), groups: Object.fromEntries(groups.map((g) => [g, cell(g)])) };
      });
      return { groups, rows };
    },

    /** Status of each panellist in each used round. */
    async panelStatus(study: repo.Study) {
      const [rounds, panel] = await Promise.all([repo.roundsOf(db, study.id), repo.panelOf(db, study.id)]);
      const used = rounds.filter((r) => r.status !== 'draft');
      const part = await repo.participationOf(
        db,
        used.map((r) => r.id),
      );
      return {
        rounds: used,
        panel: panel.map((p) => ({
          ...p,
          rounds: used.map((r) => {
            const x = part.find((q) => q.panellistId === p.id && q.roundId === r.id);
            return !x ? 'not invited' : x.completedAt ? 'completed' : x.startedAt ? 'started' : 'invited';
          }),
        })),
      };
    },

    /** Emails a fresh link to everyone invited to the open round who has not completed it; nobody else. */
    async remind(round: repo.Round, ctx: AuditContext): Promise<number> {
      if (round.status !== 'open') throw new FieldError('round', 'Reminders go only to an open round');
      const study = (await repo.getStudy(db, round.studyId))!;
      return db.transaction(async (tx) => {
        const waiting = await repo.notCompleted(tx, round.id);
        for (const p of waiting) await sendPanelLink(tx, study, p, round, 'reminder');
        await repo.markReminded(
          tx,
          waiting.map((p) => p.id),
          round.id,
          new Date(),
        );
        await recordAudit(tx, ctx, {
          action: 'delphi.reminders-sent',
          entityType: 'delphi_round',
          entityId: round.id,
          details: { count: waiting.length },
        });
        return waiting.length;
      });
    },

    /** Invites to the open round the panellists who did not complete the previous one (and were not invited yet). */
    async reinviteMissed(round: repo.Round, ctx: AuditContext): Promise<number> {
      if (round.status !== 'open') throw new FieldError('round', 'Only an open round can take more panellists');
      const study = (await repo.getStudy(db, round.studyId))!;
      const rounds = await repo.roundsOf(db, study.id);
      const prev = rounds.find((r) => r.number === round.number - 1);
      if (!prev) return 0;
      const part = await repo.participationOf(db, [prev.id, round.id]);
      const panel = await repo.panelOf(db, study.id);
      const missed = panel.filter(
        (p) =>
          !p.withdrawnAt &&
          !part.some((x) => x.roundId === prev.id && x.panellistId === p.id && x.completedAt) &&
          !part.some((x) => x.roundId === round.id && x.panellistId === p.id),
      );
      await db.transaction(async (tx) => {
        for (const p of missed) await sendPanelLink(tx, study, p, round, 'invitation');
        await recordAudit(tx, ctx, {
          action: 'delphi.missed-reinvited',
          entityType: 'delphi_round',
          entityId: round.id,
          details: { count: missed.length },
        });
      });
      return missed.length;
    },

    // ---- rounds ---------------------------------------------------------------------

    /** Opens a draft round: fixes the settings at round 1, emails every panellist a link, schedules closing. */
    async openRound(round: repo.Round, closesAt: Date, ctx: AuditContext) {
      const study = (await repo.getStudy(db, round.studyId))!;
      const rounds = await repo.roundsOf(db, study.id);
      if (rounds.some((r) => r.status === 'open'))
        throw new FieldError('closesAt', 'Another round is open. Close it first');
      const earlier = rounds.filter((r) => r.number < round.number);
      if (earlier.some((r) => r.status !== 'closed' && !(r.number === 0 && r.status === 'draft')))
        throw new FieldError('closesAt', 'Earlier rounds must close first');
      if (closesAt.getTime() <= Date.now()) throw new FieldError('closesAt', 'The closing date must be in the future');
      const items = await repo.itemsOf(db, round.id);
      if (round.number > 0 && items.length === 0)
        throw new FieldError('closesAt', 'Add items to this round before opening it');
      const panel = (await repo.panelOf(db, study.id)).filter((p) => !p.withdrawnAt);
      if (panel.length === 0) throw new FieldError('closesAt', 'Invite a panel before opening a round');
      await db.transaction(async (tx) => {
        if (!(await repo.setRoundStatus(tx, round.id, 'draft', { status: 'open', closesAt, openedAt: new Date() })))
          throw new FieldError('closesAt', 'This round is already open');
        if (round.number >= 1 && !study.lockedAt) await repo.updateStudy(tx, study.id, { lockedAt: new Date() });
        const opened = { ...round, closesAt, status: 'open' };
        for (const p of panel) await sendPanelLink(tx, study, p, opened, 'invitation');
        await scheduleClose(tx, opened);
        await recordAudit(tx, ctx, {
          action: 'delphi.round-opened',
          entityType: 'delphi_round',
          entityId: round.id,
          details: { number: round.number, closesAt, panel: panel.length },
        });
      });
    },

    /** Closes an open round (by hand, or by the job at its closing time). Closing twice changes nothing. */
    async closeRound(round: repo.Round, ctx: AuditContext): Promise<boolean> {
      return db.transaction(async (tx) => {
        const done = await repo.setRoundStatus(tx, round.id, 'open', { status: 'closed', closedAt: new Date() });
        if (done)
          await recordAudit(tx, ctx, {
            action: 'delphi.round-closed',
            entityType: 'delphi_round',
            entityId: round.id,
            details: { number: round.number },
          });
        return done;
      });
    },

    /** Makes the next round as a draft, carrying every item of the last closed round forward. */
    async prepareNextRound(study: repo.Study, ctx: AuditContext): Promise<repo.Round> {
      const rounds = await repo.roundsOf(db, study.id);
      const last = rounds[rounds.length - 1]!;
      if (last.status !== 'closed')
        throw new FieldError('round', `Round ${last.number} has to close before the next round is prepared`);
      return db.transaction(async (tx) => {
        const next = await repo.insertRound(tx, study.id, last.number + 1);
        if (!next) throw new FieldError('round', `Round ${last.number + 1} is already being prepared`);
        if (last.number > 0) {
          const items = await repo.itemsOf(tx, last.id);
          const copies = await repo.insertItems(
            tx,
            items.map((i) => ({
              roundId: next.id,
              code: i.code,
              text: i.text,
              domain: i.domain,
              stage: i.stage,
              area: i.area,
              sourceIdentifier: i.sourceIdentifier,
              position: i.position,
            })),
          );
          await repo.insertLineage(
            tx,
            copies.map((c, n) => ({ itemId: c.id, parentId: items[n]!.id, kind: 'carried' })),
          );
        }
        await recordAudit(tx, ctx, {
          action: 'delphi.round-prepared',
          entityType: 'delphi_round',
          entityId: next.id,
          details: { number: next.number },
        });
        return next;
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
        const [item] = await this.addItems(round, [{ text, domain: '', stage: null, area: null }], ctx, tx);
        if (!(await repo.markSuggestionUsed(tx, suggestionId, item!.id)))
          throw new FieldError('text', 'That suggestion is already an item');
        return item!;
      });
    },

    // ---- panellists ---------------------------------------------------------------------

    enter: links.enter,
    requestNewLink: links.requestNewLink,

    getPanellist: (id: string) => repo.getPanellist(db, id),

    /** What a panellist sees for the open round: items, their answers so far, and feedback from the round before. */
    async takePage(study: repo.Study, panellist: repo.Panellist) {
      const rounds = await repo.roundsOf(db, study.id);
      const round = rounds.find((r) => r.status === 'open');
      if (!round) return { round: undefined, rounds };
      const items = await repo.itemsOf(db, round.id);
      const mine = new Map(
        (
          await repo.ratingsOfPanellist(
            db,
            panellist.id,
            items.map((i) => i.id),
          )
        ).map((r) => [r.itemId, r]),
      );
      const part = (await repo.participationOf(db, [round.id])).find((p) => p.panellistId === panellist.id);
      const prevRound = rounds.find((r) => r.number === round.number - 1 && r.number > 0 && r.status === 'closed');
      const feedback = new Map<string, Awaited<ReturnType<typeof this.feedbackFor>>[number]>();
      if (prevRound)
        for (const f of await this.feedbackFor(study, prevRound, round, panellist)) feedback.set(f.itemId, f);
      return { round, rounds, items, mine, completedAt: part?.completedAt ?? null, feedback, prevRound };
    },

    /**
     * Feedback on each item of `round` from the comparable item of `prevRound`:
     * the panellist's own previous rating, the panel's distribution, median
     * and IQR, each group's median and IQR (withheld for a group of fewer than
     * MIN_GROUP_SIZE), anonymised comments and the status so far.
     */
    async feedbackFor(study: repo.Study, prevRound: repo.Round, round: repo.Round, panellist: repo.Panellist | null) {
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
    },

    /**
     * Saves a panellist's answers (latest wins). With `submit`, every item
     * must be answered and the round is marked completed. Nothing is saved when
     * anything is invalid; the errors say which item and what to do.
     */
    async saveRatings(
      study: repo.Study,
      panellist: repo.Panellist,
      roundId: string,
      inputs: RatingInput[],
      submit: boolean,
    ): Promise<{ errors: Record<string, string> }> {
      const round = await repo.getRound(db, roundId);
      if (!round || round.studyId !== study.id) return { errors: { round: 'That round is not part of this study' } };
      if (round.status !== 'open')
        return {
          errors: {
            round: `Round ${round.number} is ${round.status === 'closed' ? 'closed' : 'not open yet'}; answers can no longer be saved`,
          },
        };
      const items = await repo.itemsOf(db, round.id);
      const itemById = new Map(items.map((i) => [i.id, i]));
      const scale = study.scale as Scale;
      const errors: Record<string, string> = {};
      const previousMedians = new Map<string, { median: number | null; whose: string }>();
      if (study.reasonDistance !== null) {
        const prev = (await repo.roundsOf(db, study.id)).find((r) => r.number === round.number - 1 && r.number > 0);
        if (prev)
          for (const f of await this.feedbackFor(study, prev, round, panellist))
            previousMedians.set(f.itemId, {
              median: f.compareMedian,
              whose: f.compareWith === 'group' ? "your group's" : "the panel's",
            });
      }
      for (const input of inputs) {
        const item = itemById.get(input.itemId);
        if (!item) {
          errors[`item-${input.itemId}`] = 'This item is not in the open round';
          continue;
        }
        const field = `rating-${item.id}`;
        if (input.value === 'unable' && !study.allowUnable) errors[field] = `Choose a rating for item ${item.code}`;
        if (
          typeof input.value === 'number' &&
          (!Number.isInteger(input.value) || input.value < scale.min || input.value > scale.max)
        ) {
          errors[field] = `Choose a rating from ${scale.min} to ${scale.max} for item ${item.code}`;
        }
        // The rating form has a comment and a reason per item, outside parseForm: both go through the shared guard here.
        const comment = textProblem(input.comment, `your comment on item ${item.code}`, RESPONSE_TEXT_MAX);
        if (comment) errors[`comment-${item.id}`] = comment;
        const reason = textProblem(input.reason, `your reason for item ${item.code}`, RESPONSE_TEXT_MAX);
        if (reason) errors[`reason-${item.id}`] = reason;
        else if (
          typeof input.value === 'number' &&
          isFar(input.value, previousMedians.get(item.id)?.median, study.reasonDistance) &&
          !input.reason.trim()
        ) {
          errors[`reason-${item.id}`] =
            `Your rating for item ${item.code} is ${study.reasonDistance} or more points from ${previousMedians.get(item.id)!.whose} median last round. Say briefly why`;
        }
      }
      if (submit) {
        const answered = new Set(inputs.filter((i) => i.value !== undefined).map((i) => i.itemId));
        const saved = new Set(
          (
            await repo.ratingsOfPanellist(
              db,
              panellist.id,
              items.map((i) => i.id),
            )
          ).map((r) => r.itemId),
        );
        for (const item of items)
          if (!answered.has(item.id) && !saved.has(item.id) && !errors[`rating-${item.id}`])
            errors[`rating-${item.id}`] =
              `Rate item ${item.code}${study.allowUnable ? ', or choose "unable to rate"' : ''}`;
      }
      if (Object.keys(errors).length) return { errors };
      const closedMeanwhile = await db.transaction(async (tx) => {
        // The round may have closed since the checks above: look again, holding it until commit.
        if ((await repo.lockRound(tx, round.id))?.status !== 'open') return true;
        const now = new Date();
        await repo.markStarted(tx, panellist.id, round.id, now);
        for (const input of inputs) {
          if (input.value === undefined) continue;
          await repo.upsertRating(tx, {
            itemId: input.itemId,
            panellistId: panellist.id,
            rating: input.value === 'unable' ? null : input.value,
            comment: input.comment.trim(),
            reason: input.reason.trim(),
          });
        }
        if (submit) await repo.markCompleted(tx, panellist.id, round.id, now);
        return false;
      });
      if (closedMeanwhile)
        return { errors: { round: `Round ${round.number} has just closed; answers can no longer be saved` } };
      return { errors: {} };
    },

    async suggest(study: repo.Study, panellist: repo.Panellist, text: string) {
      const round = (await repo.roundsOf(db, study.id)).find((r) => r.status === 'open' && r.number === 0);
      if (!round) throw new FieldError('suggestion', 'The suggestions round is not open');
      if (!text.trim()) throw new FieldError('suggestion', 'Enter your suggestion');
      const problem = textProblem(text, 'your suggestion', RESPONSE_TEXT_MAX);
      if (problem) throw new FieldError('suggestion', problem);
      await db.transaction(async (tx) => {
        await repo.markStarted(tx, panellist.id, round.id, new Date());
        await repo.insertSuggestion(tx, { roundId: round.id, panellistId: panellist.id, text: text.trim() });
      });
    },

    // ---- reporting ------------------------------------------------------------------------

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
      const final = (await agreedParts.agreed(study, analyses)).list;
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
        attrition: await this.attrition(study),
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

export type DelphiService = ReturnType<typeof createDelphiService>;
