import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { findUserById } from '../../platform/auth/repository';
import {
  checkLinkToken,
  consumeLinkToken,
  issueLinkToken,
  retireLinkTokens,
  type LinkProblem,
} from '../../platform/tokens/link-tokens';
import { secretLink } from '../../platform/mail/mailer';
import * as repo from './repository';
import { ReviewProblem, type ReviewContext } from './review-context';

export const CONFIRM_PURPOSE = 'evidence-confirmation';
const CONFIRM_TTL_MS = 30 * 24 * 60 * 60_000;

export interface ConfirmerInput {
  decision: 'confirm' | 'return';
  name: string;
  role: string;
  registration: string;
  organisation: string;
  statement: string;
}

/** Confirmation of evidence: by a colleague through a link that needs no account, or by the practitioner's supervisor. */
export function createConfirmation({ db, mailer, config, frameworks, evidenceWithOwner }: ReviewContext) {
  async function pageFor(confirmationId: string, includeReflection: boolean) {
    const c = await repo.getConfirmation(db, confirmationId);
    if (!c || c.outcome !== null) return undefined;
    const found = await evidenceWithOwner(c.evidenceId);
    if (!found) return undefined;
    const owner = await findUserById(db, found.pathway.userId);
    // The area framework's statements too: evidence linked to them was shown as an empty bullet.
    const versions = [
      found.pathway.frameworkVersionId,
      ...(found.pathway.areaVersionId ? [found.pathway.areaVersionId] : []),
    ];
    const items = (await Promise.all(versions.map((v) => frameworks.itemsOf(v)))).flat();
    const byId = new Map(items.map((i) => [i.identifier, i]));
    const links = (await repo.linksOf(db, [c.evidenceId])).map((l) => ({
      ...l,
      statement: byId.get(l.statementIdentifier),
    }));
    const { reflection, ...rest } = found.evidence;
    return {
      confirmation: c,
      evidence: { ...rest, reflection: includeReflection ? reflection : null },
      practitionerName: owner?.name ?? 'A practitioner',
      links,
    };
  }

  return {
    /** Asks a colleague or an organisation to confirm a piece of evidence: emails them a link that works once, for 30 days. */
    async requestConfirmation(
      pathway: repo.Pathway,
      evidenceId: string,
      input: { name: string; email: string; includeReflection: boolean; message: string },
      ctx: AuditContext,
    ) {
      const e = await repo.getEvidence(db, evidenceId);
      if (!e || e.pathwayId !== pathway.id) throw new ReviewProblem('That evidence is not in this pathway');
      // Shown at the top of the page: the request form is not there in these states.
      if (!['draft', 'returned'].includes(e.status))
        throw new ReviewProblem(
          e.status === 'confirmed'
            ? 'This evidence is already confirmed'
            : 'This evidence is already waiting for confirmation: withdraw that request first',
        );
      const owner = await findUserById(db, pathway.userId);
      if (owner && owner.email.toLowerCase() === input.email.toLowerCase())
        throw new FieldError('email', 'Ask someone else: you cannot confirm your own evidence');
      await db.transaction(async (tx) => {
        if (!(await repo.moveEvidence(tx, e.id, ['draft', 'returned'], 'submitted')))
          throw new ReviewProblem('This evidence changed while you were asking. Reload the page');
        const c = await repo.insertConfirmation(tx, {
          evidenceId: e.id,
          method: 'link',
          requestedName: input.name,
          requestedEmail: input.email,
        });
        const token = await issueLinkToken(tx, {
          purpose: CONFIRM_PURPOSE,
          subject: c.id,
          ttlMs: CONFIRM_TTL_MS,
          data: { includeReflection: input.includeReflection },
        });
        await mailer.send(tx, {
          to: input.email,
          subject: `${owner?.name ?? 'A colleague'} asks you to confirm their evidence`,
          text: [
            `Hello ${input.name},`,
            '',
            `${owner?.name ?? 'A colleague'} is working towards consultant practice and asks you to confirm a piece of their workplace evidence: "${e.title}".`,
            ...(input.message ? ['', 'Their message:', input.message] : []),
            '',
            'Open this link to read it and confirm it, or return it with comments. You do not need an account. The link works once and expires in 30 days:',
            '',
            secretLink(`${config.baseUrl}/confirm/${token}`),
          ].join('\n'),
        });
        await recordAudit(tx, ctx, {
          action: 'pathway.confirmation-requested',
          entityType: 'evidence',
          entityId: e.id,
          details: { confirmationId: c.id, method: 'link' },
        });
      });
    },

    /** Asks the practitioner's supervisor(s) to verify a piece of evidence. */
    async requestVerification(pathway: repo.Pathway, evidenceId: string, ctx: AuditContext) {
      const e = await repo.getEvidence(db, evidenceId);
      if (!e || e.pathwayId !== pathway.id) throw new ReviewProblem('That evidence is not in this pathway');
      const sups = await repo.supervisorsOf(db, pathway.userId);
      if (sups.length === 0) throw new ReviewProblem('Add a supervisor to your profile first');
      await db.transaction(async (tx) => {
        if (!(await repo.moveEvidence(tx, e.id, ['draft', 'returned'], 'submitted')))
          throw new ReviewProblem(
            e.status === 'confirmed'
              ? 'This evidence is already confirmed'
              : 'This evidence is already waiting for confirmation',
          );
        const c = await repo.insertConfirmation(tx, {
          evidenceId: e.id,
          method: 'supervisor',
          requestedName: sups.map((s) => s.name).join(', '),
        });
        await recordAudit(tx, ctx, {
          action: 'pathway.confirmation-requested',
          entityType: 'evidence',
          entityId: e.id,
          details: { confirmationId: c.id, method: 'supervisor' },
        });
      });
    },

    /** Withdraws a waiting request: its link stops working and the evidence is a draft again. */
    async withdraw(pathway: repo.Pathway, evidenceId: string, ctx: AuditContext) {
      const e = await repo.getEvidence(db, evidenceId);
      if (!e || e.pathwayId !== pathway.id) throw new ReviewProblem('That evidence is not in this pathway');
      const open = (await repo.confirmationsOf(db, [e.id])).find((c) => c.outcome === null);
      if (!open || e.status !== 'submitted') throw new ReviewProblem('Nothing is waiting for confirmation');
      await db.transaction(async (tx) => {
        if (!(await repo.decideConfirmation(tx, open.id, { outcome: 'withdrawn' })))
          throw new ReviewProblem('It was answered a moment ago. Reload the page');
        await retireLinkTokens(tx, CONFIRM_PURPOSE, open.id);
        await repo.moveEvidence(tx, e.id, ['submitted'], 'draft');
        await recordAudit(tx, ctx, {
          action: 'pathway.confirmation-withdrawn',
          entityType: 'evidence',
          entityId: e.id,
          details: { confirmationId: open.id },
        });
      });
    },

    /** What a confirmation link shows, or why it cannot be used. Does not use the link up. */
    async confirmationPage(
      token: string,
    ): Promise<
      { ok: false; problem: LinkProblem } | { ok: true; page: NonNullable<Awaited<ReturnType<typeof pageFor>>> }
    > {
      const checked = await checkLinkToken(db, CONFIRM_PURPOSE, token);
      if (!checked.ok) return checked;
      const page = await pageFor(
        checked.token.subject,
        !!(checked.token.data as { includeReflection?: boolean }).includeReflection,
      );
      return page ? { ok: true, page } : { ok: false, problem: 'invalid' };
    },

    /** The confirmer's answer. The link is used inside the same transaction, so a second submit changes nothing. */
    async answer(
      token: string,
      input: ConfirmerInput,
      ctx: AuditContext,
    ): Promise<{ ok: false; problem: LinkProblem } | { ok: true; outcome: 'confirmed' | 'returned' }> {
      return db.transaction(async (tx) => {
        const used = await consumeLinkToken(tx, CONFIRM_PURPOSE, token);
        if (!used.ok) return used;
        const c = await repo.getConfirmation(tx, used.token.subject);
        if (!c) return { ok: false, problem: 'invalid' } as const;
        const outcome = input.decision === 'confirm' ? 'confirmed' : 'returned';
        if (
          !(await repo.decideConfirmation(tx, c.id, {
            outcome,
            confirmerName: input.name,
            confirmerRole: input.role,
            confirmerRegistration: input.registration,
            confirmerOrganisation: input.organisation,
            statement: input.statement,
          }))
        )
          return { ok: false, problem: 'used' } as const;
        await repo.moveEvidence(tx, c.evidenceId, ['submitted'], outcome);
        await recordAudit(
          tx,
          { ...ctx, actorId: null, actorLabel: `confirmer: ${input.name}` },
          {
            action: `pathway.evidence-${outcome}`,
            entityType: 'evidence',
            entityId: c.evidenceId,
            details: { confirmationId: c.id, method: 'link' },
          },
        );
        return { ok: true, outcome } as const;
      });
    },

    /** The history of confirmation requests for a piece of evidence, oldest first. */
    confirmationsOf: (evidenceId: string) => repo.confirmationsOf(db, [evidenceId]),
  };
}
