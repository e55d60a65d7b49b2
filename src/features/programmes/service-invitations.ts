import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { ROLE_LABELS, type ProgrammeRole } from '../../platform/auth/policy';
import type { Db } from '../../platform/db/database';
import { once } from '../../platform/db/idempotency';
import { FieldError } from '../../platform/forms/forms';
import { secretLink } from '../../platform/mail/mailer';
import { issueLinkToken, retireLinkTokens } from '../../platform/tokens/link-tokens';
import * as repo from './repository';
import type { InviteInput } from './schema';
import type { ProgrammesContext } from './service-context';

export const INVITATION_PURPOSE = 'programme-invitation';
export const INVITATION_TTL_MS = 14 * 86_400_000;

/**
 * An invitation is already waiting for this person in this programme.
 * `sameTerms` says whether it is the very invitation asked for again (a retry),
 * which the API answers with the waiting invitation instead of an error.
 */
export class InvitationWaiting extends FieldError {
  constructor(
    readonly invitationId: string,
    readonly sameTerms: boolean,
    message: string,
  ) {
    super('email', message);
    this.name = 'InvitationWaiting';
  }
}

/** Inviting people by email: sending, resending and withdrawing invitations (accepting is in service-joining.ts). */
export function createInvitations({ db, mailer, config, accounts }: ProgrammesContext) {
  async function sendInvitationEmail(
    tx: Db,
    invitation: repo.Invitation,
    programme: repo.Programme,
    inviterName: string,
  ) {
    const token = await issueLinkToken(tx, {
      purpose: INVITATION_PURPOSE,
      subject: invitation.id,
      ttlMs: invitation.expiresAt.getTime() - Date.now(),
    });
    await mailer.send(tx, {
      to: invitation.email,
      subject: `You are invited to ${programme.name} on Waymark`,
      text: [
        'Hello,',
        '',
        `${inviterName} has invited you to join "${programme.name}" on Waymark as ${ROLE_LABELS[invitation.role as ProgrammeRole].toLowerCase()}.`,
        '',
        'Open this link to accept. If you do not have a Waymark account yet, you can create one on the way:',
        '',
        secretLink(`${config.baseUrl}/invitations/${token}`),
        '',
        `The link works once and expires on ${invitation.expiresAt.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' })}.`,
        'If you were not expecting this, you can ignore this email.',
      ].join('\n'),
    });
    return token;
  }

  return {
    /** Invites someone by email with a role; the email carries a single-use link. */
    async invite(
      programmeId: string,
      input: Omit<InviteInput, '_submission'>,
      inviter: { id: string; name: string },
      ctx: AuditContext,
      submissionKey?: string,
    ): Promise<string> {
      return once(db, submissionKey, inviter.id, async (tx) => {
        const programme = await repo.getProgramme(tx, programmeId);
        if (!programme) throw new FieldError('email', 'This programme no longer exists');
        const [types, areas] = await Promise.all([
          repo.stakeholderTypesOf(tx, programmeId),
          repo.areasOf(tx, programmeId),
        ]);
        if (input.stakeholderTypeId && !types.some((t) => t.id === input.stakeholderTypeId))
          throw new FieldError('stakeholderTypeId', 'Choose a stakeholder type from the list');
        if (input.areaId && !areas.some((a) => a.id === input.areaId))
          throw new FieldError('areaId', 'Choose a clinical area from the list');
        const existing = await accounts.findUserByEmail(input.email, tx);
        if (existing && (await repo.hasMember(tx, programmeId, existing.id, input.role))) {
          throw new FieldError(
            'email',
            `${input.email} is already a ${ROLE_LABELS[input.role].toLowerCase()} in this programme`,
          );
        }
        const refuseIfWaiting = async () => {
          const waiting = await repo.waitingInvitation(tx, programmeId, input.email);
          if (!waiting) return;
          if (waiting.expiresAt <= new Date()) {
            // An expired invitation gives way to the new one (its link already no longer works).
            await repo.revokeInvitation(tx, programmeId, waiting.id);
            await retireLinkTokens(tx, INVITATION_PURPOSE, waiting.id);
            return;
          }
          const same =
            waiting.role === input.role &&
            waiting.stakeholderTypeId === input.stakeholderTypeId &&
            waiting.areaId === input.areaId;
          throw new InvitationWaiting(
            waiting.id,
            same,
            waiting.role === input.role
              ? `${input.email} already has an invitation waiting for this role. Resend it from the list of invitations instead`
              : `${input.email} already has an invitation waiting, as ${ROLE_LABELS[waiting.role as ProgrammeRole]?.toLowerCase() ?? 'another role'}. Withdraw it from the list of invitations before inviting them with another role`,
          );
        };
        await refuseIfWaiting();
        const values = {
          programmeId,
          email: input.email,
          role: input.role,
          stakeholderTypeId: input.stakeholderTypeId,
          areaId: input.areaId,
          invitedBy: inviter.id,
          expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
        };
        const invitation = await repo.insertInvitation(tx, values);
        if (!invitation) {
          // The same invitation sent at the same moment (a retry racing the first): the index let one in.
          await refuseIfWaiting();
          throw new Error('invitation neither inserted nor waiting');
        }
        await sendInvitationEmail(tx, invitation, programme, inviter.name);
        await recordAudit(tx, ctx, {
          action: 'programme.invitation-sent',
          entityType: 'invitation',
          entityId: invitation.id,
          details: { programmeId, email: input.email, role: input.role },
        });
        return invitation.id;
      });
    },

    /** Sends a fresh link (the old one stops working) and restarts the 14 days. */
    async resendInvitation(
      programmeId: string,
      invitationId: string,
      inviter: { id: string; name: string },
      ctx: AuditContext,
      submissionKey?: string,
    ): Promise<boolean> {
      // A double click sends once: a second send would retire the link the first email carried.
      return once(db, submissionKey, inviter.id, async (tx) => {
        const invitation = await repo.getInvitation(tx, invitationId);
        if (!invitation || invitation.programmeId !== programmeId || invitation.acceptedAt || invitation.revokedAt)
          return false;
        const programme = (await repo.getProgramme(tx, programmeId))!;
        const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
        await repo.extendInvitation(tx, invitation.id, expiresAt);
        await retireLinkTokens(tx, INVITATION_PURPOSE, invitation.id);
        await sendInvitationEmail(tx, { ...invitation, expiresAt }, programme, inviter.name);
        await recordAudit(tx, ctx, {
          action: 'programme.invitation-resent',
          entityType: 'invitation',
          entityId: invitation.id,
          details: { programmeId },
        });
        return true;
      });
    },

    async revokeInvitation(programmeId: string, invitationId: string, ctx: AuditContext): Promise<boolean> {
      return db.transaction(async (tx) => {
        const done = await repo.revokeInvitation(tx, programmeId, invitationId);
        if (done) {
          await retireLinkTokens(tx, INVITATION_PURPOSE, invitationId);
          await recordAudit(tx, ctx, {
            action: 'programme.invitation-revoked',
            entityType: 'invitation',
            entityId: invitationId,
            details: { programmeId },
          });
        }
        return done;
      });
    },
  };
}
