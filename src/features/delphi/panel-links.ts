import type { Platform } from '../../platform/http/types';
import type { Db } from '../../platform/db/database';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { secretLink } from '../../platform/mail/mailer';
import { activeLinkTokens, checkLinkToken, issueLinkToken, type LinkProblem } from '../../platform/tokens/link-tokens';
import * as repo from './repository';

export const PANEL_LINK_PURPOSE = 'delphi-panel';
/** For a round with no closing time: how long its links work. */
const LINK_TTL_MS = 21 * 86_400_000;

/** Panellists' links: emailed, entered, and asked for again. */
export function createPanelLinks(platform: Platform) {
  const { db, mailer, config } = platform;

  /**
   * Emails a panellist their link to a round. The link is theirs until the
   * round closes: it signs them in to the study for a session each time it
   * is opened, so they can save and come back later from the same email.
   */
  async function sendPanelLink(
    tx: Db,
    study: repo.Study,
    panellist: repo.Panellist,
    round: repo.Round,
    kind: 'invitation' | 'reminder' | 'new-link',
  ) {
    const untilClose = round.closesAt ? round.closesAt.getTime() - Date.now() : LINK_TTL_MS;
    const token = await issueLinkToken(tx, {
      purpose: PANEL_LINK_PURPOSE,
      subject: panellist.id,
      ttlMs: Math.max(60_000, untilClose),
      data: { studyId: study.id, roundId: round.id, kind },
    });
    await repo.ensureParticipation(tx, panellist.id, round.id);
    const closes = round.closesAt
      ? ` It closes on ${round.closesAt.toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' })}.`
      : '';
    const subjects = {
      invitation: `Round ${round.number} of "${study.title}" is open`,
      reminder: `Reminder: round ${round.number} of "${study.title}" is waiting for you`,
      'new-link': `Your new link to round ${round.number} of "${study.title}"`,
    };
    const opening = {
      invitation: `Round ${round.number} of the Delphi study "${study.title}" is open for your ratings.${closes}`,
      reminder: `You have not finished round ${round.number} of the Delphi study "${study.title}" yet.${closes}`,
      'new-link': `You asked for a new link to round ${round.number} of the Delphi study "${study.title}".${closes}`,
    };
    await mailer.send(tx, {
      to: panellist.email,
      subject: subjects[kind],
      text: [
        `Hello${panellist.name ? ` ${panellist.name}` : ''},`,
        '',
        opening[kind],
        '',
        'Open this link to take part (you do not need a password). It is yours alone: please do not forward it.',
        '',
        secretLink(`${config.baseUrl}/delphi/${study.id}/enter/${token}`),
        '',
        'The link keeps working until the round closes, so you can save your answers and come back later from this email. Other panellists never see who said what.',
      ].join('\n'),
    });
  }

  /**
   * Checks a panel link; the caller keeps the panellist in the session. The
   * link is not used up: it works until its round closes. Whatever the
   * problem, the study it belongs to (when known) is returned so the page
   * can offer a new link.
   */
  async function enter(
    token: string,
    studyId?: string,
  ): Promise<
    | { ok: true; panellist: repo.Panellist }
    | { ok: false; problem: LinkProblem | 'closed'; studyId?: string; round?: repo.Round }
  > {
    const checked = await checkLinkToken(db, PANEL_LINK_PURPOSE, token);
    if (!checked.ok) return { ok: false, problem: checked.problem, studyId };
    const data = checked.token.data as { studyId?: string; roundId?: string };
    if (studyId && data.studyId !== studyId) return { ok: false, problem: 'invalid', studyId };
    const panellist = await repo.getPanellist(db, checked.token.subject);
    if (!panellist || panellist.withdrawnAt) return { ok: false, problem: 'invalid', studyId: data.studyId };
    const round = data.roundId ? await repo.getRound(db, data.roundId) : undefined;
    if (!round || round.status !== 'open') return { ok: false, problem: 'closed', studyId: panellist.studyId, round };
    return { ok: true, panellist };
  }

  /**
   * "Email me a new link": sends a fresh link to the open round when the
   * address belongs to a panellist invited to it. The caller shows the same
   * page whatever happens, so nobody learns who is on the panel. At most
   * one new link a minute per panellist, so the form cannot flood an inbox.
   */
  async function requestNewLink(studyId: string, email: string, ctx: AuditContext): Promise<void> {
    const study = await repo.getStudy(db, studyId);
    if (!study) return;
    const panellist = (await repo.panelOf(db, study.id)).find(
      (p) => p.email === email.trim().toLowerCase() && !p.withdrawnAt,
    );
    const round = (await repo.roundsOf(db, study.id)).find((r) => r.status === 'open');
    if (!panellist || !round) return;
    if (!(await repo.participationOf(db, [round.id])).some((p) => p.panellistId === panellist.id)) return;
    await db.transaction(async (tx) => {
      // The once-a-minute check and the new link are one step, with the panellist held: two requests at
      // once would otherwise both find no recent link and both send one.
      await repo.lockPanellist(tx, panellist.id);
      const asked = (await activeLinkTokens(tx, PANEL_LINK_PURPOSE, panellist.id)).find(
        (t) => (t.data as { kind?: string }).kind === 'new-link',
      );
      if (asked && Date.now() - asked.createdAt.getTime() < 60_000) return;
      await sendPanelLink(tx, study, panellist, round, 'new-link');
      await recordAudit(tx, ctx, {
        action: 'delphi.new-link-sent',
        entityType: 'delphi_panellist',
        entityId: panellist.id,
        details: { round: round.number },
      });
    });
  }

  return { sendPanelLink, enter, requestNewLink };
}
