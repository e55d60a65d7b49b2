import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { findUserById, findUserByEmail, rolesOf } from '../../platform/auth/repository';
import { retireLinkTokens } from '../../platform/tokens/link-tokens';
import { once } from '../../platform/db/idempotency';
import * as repo from './repository';
import { ReviewProblem, type ReviewContext } from './review-context';
import { CONFIRM_PURPOSE } from './review-confirmation';

/** Supervision: who supervises whom, their meetings, and the supervisor's own decision on evidence. */
export function createSupervision({ db, evidenceWithOwner }: ReviewContext) {
  return {
    supervisorsOf: (practitionerId: string) => repo.supervisorsOf(db, practitionerId),
    supervisorIdsOf: (practitionerId: string) => repo.supervisorIdsOf(db, practitionerId),

    /** The practitioner chooses a supervisor by email; only accounts with the supervisor role can be chosen. */
    async addSupervisor(practitionerId: string, email: string, ctx: AuditContext) {
      const sup = await findUserByEmail(db, email);
      if (!sup || !(await rolesOf(db, sup.id)).includes('supervisor'))
        throw new FieldError(
          'email',
          'There is no supervisor with that email in Waymark. Check the address, or ask them to register and an administrator to give them the supervisor role',
        );
      if (sup.id === practitionerId) throw new FieldError('email', 'You cannot supervise yourself');
      const added = await repo.addSupervision(db, practitionerId, sup.id);
      if (added)
        await recordAudit(db, ctx, {
          action: 'pathway.supervisor-added',
          entityType: 'practitioner',
          entityId: practitionerId,
          details: { supervisorId: sup.id },
        });
      return { supervisor: sup, added };
    },

    async removeSupervisor(practitionerId: string, supervisorId: string, ctx: AuditContext) {
      const done = await repo.removeSupervision(db, practitionerId, supervisorId);
      if (done)
        await recordAudit(db, ctx, {
          action: 'pathway.supervisor-removed',
          entityType: 'practitioner',
          entityId: practitionerId,
          details: { supervisorId },
        });
      return done;
    },

    superviseesOf: (supervisorId: string) => repo.superviseesOf(db, supervisorId),
    meetingsOf: (practitionerId: string) => repo.meetingsOf(db, practitionerId),

    async recordMeeting(
      practitionerId: string,
      supervisorId: string,
      input: { heldOn: string; notes: string; agreedActions: string },
      ctx: AuditContext,
      submissionKey?: string,
    ) {
      if (input.heldOn > new Date().toISOString().slice(0, 10))
        throw new FieldError('heldOn', 'The meeting date must be today or in the past');
      await once(db, submissionKey, supervisorId, async (tx) => {
        const m = await repo.insertMeeting(tx, { practitionerId, supervisorId, ...input });
        await recordAudit(tx, ctx, {
          action: 'pathway.meeting-recorded',
          entityType: 'practitioner',
          entityId: practitionerId,
          details: { meetingId: m.id },
        });
      });
    },

    /** The supervisor's decision on evidence waiting for them (or waiting for anyone: a supervisor may verify it instead). */
    async verify(
      practitionerId: string,
      supervisorId: string,
      evidenceId: string,
      decision: 'confirm' | 'return',
      comment: string,
      ctx: AuditContext,
    ) {
      const found = await evidenceWithOwner(evidenceId);
      if (!found || found.pathway.userId !== practitionerId)
        throw new ReviewProblem('That evidence is not in this practitioner’s portfolio');
      if (found.evidence.status !== 'submitted')
        throw new ReviewProblem('Only evidence waiting for confirmation can be verified or returned');
      if (decision === 'return' && !comment.trim())
        throw new FieldError('comment', 'Say what to change when you return evidence');
      const sup = await findUserById(db, supervisorId);
      const outcome = decision === 'confirm' ? 'confirmed' : 'returned';
      await db.transaction(async (tx) => {
        const open = (await repo.confirmationsOf(tx, [evidenceId])).find((c) => c.outcome === null);
        if (open && open.method === 'link') {
          await repo.decideConfirmation(tx, open.id, { outcome: 'withdrawn' });
          await retireLinkTokens(tx, CONFIRM_PURPOSE, open.id);
        }
        const c =
          open && open.method === 'supervisor'
            ? open
            : await repo.insertConfirmation(tx, { evidenceId, method: 'supervisor' });
        if (
          !(await repo.decideConfirmation(tx, c.id, {
            outcome,
            confirmerName: sup?.name ?? '',
            confirmerRole: 'Supervisor',
            statement: comment.trim(),
            decidedBy: supervisorId,
          }))
        )
          throw new ReviewProblem('Someone answered this a moment ago. Reload the page');
        if (!(await repo.moveEvidence(tx, evidenceId, ['submitted'], outcome)))
          throw new ReviewProblem('Someone answered this a moment ago. Reload the page');
        await recordAudit(tx, ctx, {
          action: `pathway.evidence-${outcome}`,
          entityType: 'evidence',
          entityId: evidenceId,
          details: { confirmationId: c.id, method: 'supervisor' },
        });
      });
    },
  };
}
