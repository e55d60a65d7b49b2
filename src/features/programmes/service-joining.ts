import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { maskEmail, normaliseEmail } from '../../platform/auth/email';
import type { Db } from '../../platform/db/database';
import { checkLinkToken, consumeLinkToken } from '../../platform/tokens/link-tokens';
import * as repo from './repository';
import type { ProgrammesContext } from './service-context';
import { INVITATION_PURPOSE } from './service-invitations';

type LinkProblem = 'invalid' | 'expired' | 'used';

/** Accepting an invitation from its link, into the account it was sent to or a new one. */
export function createJoining({ db, accounts }: ProgrammesContext) {
  async function joinFromInvitation(tx: Db, invitation: repo.Invitation, userId: string, ctx: AuditContext) {
    await repo.addMember(tx, {
      programmeId: invitation.programmeId,
      userId,
      role: invitation.role,
      stakeholderTypeId: invitation.stakeholderTypeId,
      areaId: invitation.areaId,
    });
    await repo.markInvitationAccepted(tx, invitation.id, userId);
    await recordAudit(tx, ctx, {
      action: 'programme.member-joined',
      entityType: 'programme',
      entityId: invitation.programmeId,
      details: { userId, role: invitation.role, invitationId: invitation.id },
    });
  }

  /** An invitation link's state, without using it. */
  async function openInvitation(
    token: string,
  ): Promise<
    | { ok: true; invitation: repo.Invitation; programme: repo.Programme }
    | { ok: false; problem: LinkProblem | 'revoked' }
  > {
    const checked = await checkLinkToken(db, INVITATION_PURPOSE, token);
    if (!checked.ok) return checked;
    const invitation = await repo.getInvitation(db, checked.token.subject);
    if (!invitation) return { ok: false, problem: 'invalid' };
    if (invitation.revokedAt) return { ok: false, problem: 'revoked' };
    if (invitation.acceptedAt) return { ok: false, problem: 'used' };
    const programme = await repo.getProgramme(db, invitation.programmeId);
    if (!programme) return { ok: false, problem: 'invalid' };
    return { ok: true, invitation, programme };
  }

  return {
    openInvitation,

    /**
     * Accepts an invitation into the signed-in account, which must be the one
     * the invitation was sent to: anyone else holding the link changes nothing
     * and is told (with the address partly hidden) whom it was for.
     */
    async acceptInvitation(
      token: string,
      user: { id: string; email: string },
      ctx: AuditContext,
    ): Promise<
      | { ok: true; programmeId: string }
      | { ok: false; problem: LinkProblem | 'revoked' }
      | { ok: false; problem: 'other-account'; sentTo: string }
    > {
      const opened = await openInvitation(token);
      if (!opened.ok) return opened;
      if (normaliseEmail(user.email) !== normaliseEmail(opened.invitation.email))
        return { ok: false, problem: 'other-account', sentTo: maskEmail(opened.invitation.email) };
      return db.transaction(async (tx) => {
        const used = await consumeLinkToken(tx, INVITATION_PURPOSE, token);
        if (!used.ok) return used;
        await joinFromInvitation(tx, opened.invitation, user.id, ctx);
        return { ok: true as const, programmeId: opened.invitation.programmeId };
      });
    },

    /** Creates an account for the invited email address and joins the programme, in one transaction. */
    async acceptWithNewAccount(token: string, input: { name: string; password: string }, ctx: AuditContext) {
      const opened = await openInvitation(token);
      if (!opened.ok) return opened;
      return db.transaction(async (tx) => {
        const used = await consumeLinkToken(tx, INVITATION_PURPOSE, token);
        if (!used.ok) return used;
        const user = await accounts.createUser(
          tx,
          { email: opened.invitation.email, name: input.name, password: input.password },
          ctx,
        );
        await joinFromInvitation(tx, opened.invitation, user.id, { ...ctx, actorId: user.id, actorLabel: user.email });
        return { ok: true as const, programmeId: opened.invitation.programmeId, userId: user.id };
      });
    },
  };
}
