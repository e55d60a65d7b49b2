import type { Db } from '../../platform/db/database';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import * as repo from './repository';
import type { DelphiContext } from './service-context';

/**
 * Rounds: opening one (which fixes the settings at round 1 and emails the
 * panel), closing it by hand or by the `delphi.close-round` job at its
 * closing time, and preparing the next round from the last closed one.
 */
export function createRounds({ db, jobs, links }: DelphiContext) {
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

  return {
    rounds: (studyId: string) => repo.roundsOf(db, studyId),
    getRound: (id: string) => repo.getRound(db, id),

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
        for (const p of panel) await links.sendPanelLink(tx, study, p, opened, 'invitation');
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
  };
}
