import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import * as repo from './repository';
import type { DelphiContext } from './service-context';

/**
 * The panel: invitations, who took part in which round (attrition, status),
 * reminders and re-inviting those who missed a round, and the panellists'
 * own links (sent, entered, asked for again: panel-links.ts).
 */
export function createPanel({ db, links }: DelphiContext) {
  return {
    panel: (studyId: string) => repo.panelOf(db, studyId),
    getPanellist: (id: string) => repo.getPanellist(db, id),
    enter: links.enter,
    requestNewLink: links.requestNewLink,

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
          if (open) await links.sendPanelLink(tx, study, p, open, 'invitation');
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
        for (const p of waiting) await links.sendPanelLink(tx, study, p, round, 'reminder');
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
        for (const p of missed) await links.sendPanelLink(tx, study, p, round, 'invitation');
        await recordAudit(tx, ctx, {
          action: 'delphi.missed-reinvited',
          entityType: 'delphi_round',
          entityId: round.id,
          details: { count: missed.length },
        });
      });
      return missed.length;
    },
  };
}
