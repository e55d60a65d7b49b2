import { once } from '../../platform/db/idempotency';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { normaliseCode } from './board';
import { channelOf } from './model';
import type { WorkshopsContext } from './service-context';
import * as repo from './repository';

/**
 * People and the workshop: the join code, joining (as a guest or signed in), who is connected now,
 * emailing the join link, and a person's own notes for "download your data".
 */
export function createJoining({ platform, db, publish }: WorkshopsContext) {
  return {
    /** Finds the workshop a typed code opens. */
    async byCode(input: string): Promise<{ ok: true; workshop: repo.Workshop } | { ok: false; message: string }> {
      const code = normaliseCode(input);
      if (code.length !== 6)
        return { ok: false, message: 'Enter the 6-character code shown by the facilitator, like K7P2QX' };
      const workshop = await repo.byJoinCode(db, code);
      if (!workshop)
        return { ok: false, message: 'There is no workshop with that code. Check it with the facilitator' };
      if (workshop.joinCodeExpiresAt <= new Date())
        return { ok: false, message: 'That code has expired. Ask the facilitator for the link' };
      if (workshop.status === 'ended') return { ok: false, message: 'That workshop has ended' };
      return { ok: true, workshop };
    },

    /**
     * Joins a person to a workshop (a signed-in user joins once; guests each
     * time, but a repeated submit of one join form joins once). Gives the
     * participant's id.
     */
    async join(
      workshop: repo.Workshop,
      input: { name: string; stakeholderType: string; area: string | null; userId: string | null },
      submissionKey?: string,
    ): Promise<repo.Participant> {
      if (input.userId) {
        const existing = await repo.participantOfUser(db, workshop.id, input.userId);
        if (existing) return existing;
      }
      const { id } = await once(
        db,
        submissionKey && `join:${workshop.id}:${submissionKey}`,
        input.userId,
        async (tx) => {
          const p = await repo.insertParticipant(tx, {
            workshopId: workshop.id,
            userId: input.userId,
            name: workshop.anonymous && !workshop.facilitatorsSeeIdentity ? '' : input.name,
            stakeholderType: input.stakeholderType,
            area: input.area,
          });
          await publish(tx, workshop.id, 'participant.joined', {});
          return { id: p.id };
        },
      );
      return (await repo.getParticipant(db, id))!;
    },

    getParticipant: (id: string) => repo.getParticipant(db, id),
    /** How many screens are connected to the workshop's channel now (its presence). */
    connected: (workshopId: string) => platform.events.connected(channelOf(workshopId)),

    /**
     * Emails people the join link, each address once per workshop however
     * often it is typed or the form is sent. Says who was emailed now and who
     * already had the link.
     */
    async invite(
      workshop: repo.Workshop,
      emails: string[],
      ctx: AuditContext,
      submissionKey?: string,
    ): Promise<{ sent: string[]; already: string[] }> {
      if (emails.length === 0) throw new FieldError('emails', 'Enter at least one email address');
      const link = `${platform.config.baseUrl}/join/${workshop.joinCode}`;
      const when = workshop.startsAt
        ? ` on ${workshop.startsAt.toLocaleString('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/London' })}`
        : '';
      return once(db, submissionKey, ctx.actorId ?? null, async (tx) => {
        const sent = await repo.insertInvitations(tx, workshop.id, emails);
        for (const to of sent) {
          await platform.mailer.send(tx, {
            to,
            subject: `Join the workshop "${workshop.title}"`,
            text: [
              'Hello,',
              '',
              `You are invited to take part in the workshop "${workshop.title}"${when}.${workshop.place ? ` Place: ${workshop.place}.` : ''}${workshop.onlineUrl ? ` Online: ${workshop.onlineUrl}` : ''}`,
              '',
              `On the day, open ${link} on your phone or computer, or go to ${platform.config.baseUrl}/join and type the code ${workshop.joinCode}.`,
              workshop.anonymous ? 'The workshop is anonymous: nobody else will see who wrote what.' : '',
            ].join('\n'),
          });
        }
        if (sent.length)
          await recordAudit(tx, ctx, {
            action: 'workshop.invited',
            entityType: 'workshop',
            entityId: workshop.id,
            details: { count: sent.length },
          });
        return { sent, already: emails.filter((e) => !sent.includes(e)) };
      });
    },

    /** Notes a signed-in person wrote in workshops, for "download your data". */
    async notesOfUser(userId: string) {
      const rows = await repo.notesOfUser(db, userId);
      return rows.map((r) => ({
        workshop: r.workshop,
        prompt: r.prompt,
        note: r.text,
        createdAt: r.createdAt,
        withdrawn: !!r.withdrawnAt,
      }));
    },
  };
}
