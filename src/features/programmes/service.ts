import type { Platform } from '../../platform/http/types';
import type { Db } from '../../platform/db/database';
import { once } from '../../platform/db/idempotency';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { ROLE_LABELS, type ProgrammeRole } from '../../platform/auth/policy';
import { checkLinkToken, consumeLinkToken, issueLinkToken, retireLinkTokens } from '../../platform/tokens/link-tokens';
import { secretLink } from '../../platform/mail/mailer';
import type { AccountsService } from '../accounts/service';
import { maskEmail, normaliseEmail } from '../../platform/auth/email';
import * as repo from './repository';
import type { InviteInput, ProgrammeInput } from './schema';
import {
  DEFAULT_AREAS,
  DEFAULT_STAKEHOLDER_TYPES,
  evidenceOf,
  stageOverview,
  type StageActivitySource,
  type StageKey,
  type StageState,
} from './stages';

export const INVITATION_PURPOSE = 'programme-invitation';
export const INVITATION_TTL_MS = 14 * 86_400_000;

type LinkProblem = 'invalid' | 'expired' | 'used';

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

/** What the programmes feature is given by app.ts: how far the other features' work has got. */
export interface ProgrammesDeps {
  stageActivity?: StageActivitySource;
}

export function createProgrammesService(platform: Platform, accounts: AccountsService, deps: ProgrammesDeps = {}) {
  const { db, mailer, config } = platform;

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
    rolesOfUser: (tx: Db, userId: string) => repo.rolesInProgrammes(tx, userId),

    /** A person's programme memberships, for "download your data". */
    async membershipsOf(userId: string) {
      const roles = await repo.rolesInProgrammes(db, userId);
      const out = [];
      for (const r of roles)
        out.push({ programme: (await repo.getProgramme(db, r.programmeId))?.name ?? r.programmeId, role: r.role });
      return out;
    },

    /** Creates a programme with its areas, stakeholder types and stages. A repeated submit returns the first programme. */
    async create(
      input: Omit<ProgrammeInput, '_submission'>,
      creatorId: string | null,
      ctx: AuditContext,
      submissionKey?: string,
    ): Promise<string> {
      return once(db, submissionKey, creatorId, async (tx) => {
        if (await repo.findProgrammeByName(tx, input.name))
          throw new FieldError('name', 'A programme with this name already exists. Choose another name');
        const programme = await repo.insertProgramme(tx, {
          name: input.name,
          description: input.description,
          createdBy: creatorId,
        });
        if (!programme) throw new FieldError('name', 'A programme with this name already exists. Choose another name');
        await repo.syncAreas(tx, programme.id, input.areas.length ? input.areas : DEFAULT_AREAS);
        await repo.syncStakeholderTypes(
          tx,
          programme.id,
          input.stakeholderTypes.length ? input.stakeholderTypes : DEFAULT_STAKEHOLDER_TYPES,
        );
        await recordAudit(tx, ctx, {
          action: 'programme.created',
          entityType: 'programme',
          entityId: programme.id,
          details: { name: input.name, areas: input.areas, stakeholderTypes: input.stakeholderTypes },
        });
        return programme.id;
      });
    },

    async update(id: string, input: Omit<ProgrammeInput, '_submission'>, ctx: AuditContext): Promise<void> {
      await db.transaction(async (tx) => {
        const other = await repo.findProgrammeByName(tx, input.name);
        if (other && other.id !== id)
          throw new FieldError('name', 'A programme with this name already exists. Choose another name');
        await repo.updateProgramme(tx, id, { name: input.name, description: input.description });
        await repo.syncAreas(tx, id, input.areas);
        await repo.syncStakeholderTypes(tx, id, input.stakeholderTypes);
        await recordAudit(tx, ctx, {
          action: 'programme.updated',
          entityType: 'programme',
          entityId: id,
          details: { name: input.name, areas: input.areas, stakeholderTypes: input.stakeholderTypes },
        });
      });
    },

    /** The programmes a user can open: all of them for an admin. */
    async listFor(userId: string, isAdmin: boolean) {
      if (isAdmin) return repo.listProgrammes(db);
      const roles = await repo.rolesInProgrammes(db, userId);
      return repo.listProgrammes(db, [...new Set(roles.map((r) => r.programmeId))]);
    },

    /** Everything the programme home page shows. */
    async overview(id: string) {
      const programme = await repo.getProgramme(db, id);
      if (!programme) return undefined;
      const [areas, types, stages, memberCount, activity] = await Promise.all([
        repo.areasOf(db, id),
        repo.stakeholderTypesOf(db, id),
        repo.stagesOf(db, id),
        repo.countMembers(db, id),
        deps.stageActivity?.(id),
      ]);
      return {
        programme,
        areas,
        stakeholderTypes: types,
        memberCount,
        ...stageOverview(stages, activity ? evidenceOf(activity) : {}),
      };
    },

    get: (id: string) => repo.getProgramme(db, id),
    areasOf: (id: string) => repo.areasOf(db, id),
    stakeholderTypesOf: (id: string) => repo.stakeholderTypesOf(db, id),

    async setStage(
      programmeId: string,
      stage: StageKey,
      state: StageState,
      note: string,
      userId: string,
      ctx: AuditContext,
    ) {
      await db.transaction(async (tx) => {
        await repo.setStage(tx, programmeId, stage, state, note, userId);
        await recordAudit(tx, ctx, {
          action: 'programme.stage-updated',
          entityType: 'programme',
          entityId: programmeId,
          details: { stage, state, note },
        });
      });
    },

    async members(programmeId: string) {
      const [members, invitations] = await Promise.all([
        repo.listMembers(db, programmeId),
        repo.listPendingInvitations(db, programmeId),
      ]);
      const now = new Date();
      return { members, invitations: invitations.map((i) => ({ ...i, expired: i.expiresAt <= now })) };
    },

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

    /** Removes one role from a member. A programme keeps at least one lead. */
    async removeMember(programmeId: string, userId: string, role: string, ctx: AuditContext): Promise<boolean> {
      return db.transaction(async (tx) => {
        if (
          role === 'lead' &&
          (await repo.countRoleInProgramme(tx, programmeId, 'lead')) <= 1 &&
          (await repo.hasMember(tx, programmeId, userId, 'lead'))
        ) {
          throw new FieldError(
            'member',
            'A programme must keep at least one programme lead. Invite another lead first',
          );
        }
        const done = await repo.removeMember(tx, programmeId, userId, role);
        if (done)
          await recordAudit(tx, ctx, {
            action: 'programme.member-removed',
            entityType: 'programme',
            entityId: programmeId,
            details: { userId, role },
          });
        return done;
      });
    },

    /** Adds a member directly (demo data, first lead of a new programme). */
    async addMember(
      tx: Db,
      values: {
        programmeId: string;
        userId: string;
        role: ProgrammeRole;
        stakeholderTypeId?: string | null;
        areaId?: string | null;
      },
      ctx: AuditContext,
    ) {
      const added = await repo.addMember(tx, { stakeholderTypeId: null, areaId: null, ...values });
      if (added)
        await recordAudit(tx, ctx, {
          action: 'programme.member-added',
          entityType: 'programme',
          entityId: values.programmeId,
          details: { userId: values.userId, role: values.role },
        });
      return added;
    },

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

export type ProgrammesService = ReturnType<typeof createProgrammesService>;
