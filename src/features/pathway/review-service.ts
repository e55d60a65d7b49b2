import { randomUUID } from 'node:crypto';
import type { Platform } from '../../platform/http/types';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { findUserById, findUserByEmail, rolesOf } from '../../platform/auth/repository';
import {
  checkLinkToken,
  consumeLinkToken,
  issueLinkToken,
  retireLinkTokens,
  type LinkProblem,
} from '../../platform/tokens/link-tokens';
import { secretLink } from '../../platform/mail/mailer';
import {
  buildAchievementCredential,
  decodeUnverified,
  issuerKeys,
  signCredential,
  verifyCredential,
} from '../../platform/credentials/open-badges';
import { once } from '../../platform/db/idempotency';
import type { FrameworksService } from '../frameworks/service';
import * as repo from './repository';
import { deriveStage, isEarlierStage, PATHWAY_STAGES, STAGE_NAMES, type PathwayStage } from './stage';

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

/** Something went wrong that the person should be told in words, with nothing changed. */
export class ReviewProblem extends Error {}

/**
 * Confirmation of evidence (by a colleague's link or the supervisor),
 * supervision (who may see whom, meetings) and stage sign-off with its
 * Open Badges credential.
 */
export function createReviewService(platform: Platform, frameworks: FrameworksService) {
  const { db, mailer, config } = platform;

  async function evidenceWithOwner(evidenceId: string) {
    const e = await repo.getEvidence(db, evidenceId);
    if (!e) return undefined;
    const p = await repo.getPathway(db, e.pathwayId);
    return p ? { evidence: e, pathway: p } : undefined;
  }

  return {
    // ---- confirmation by link --------------------------------------------------------

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

    // ---- supervision -----------------------------------------------------------------

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

    /**
     * Signs off a stage of a practitioner's pathway and issues an Open Badges
     * 3.0 credential for it. Each stage is signed off once.
     */
    async signOff(
      pathway: repo.Pathway,
      supervisorId: string,
      input: { stage: string; comment: string; earlier: boolean },
      ctx: AuditContext,
    ) {
      const { stage, comment } = input;
      if (!(PATHWAY_STAGES as readonly string[]).includes(stage))
        throw new FieldError('stage', 'Choose the stage to sign off');
      // A badge for a stage before the one the practitioner is at is possible (it may have been missed), but never by accident.
      const profile = await repo.getProfile(db, pathway.userId);
      const current = deriveStage(
        profile?.consultantPostStart ?? null,
        new Date().toISOString().slice(0, 10),
        (profile?.stageOverride as PathwayStage | null) ?? null,
      ).stage;
      if (isEarlierStage(stage as PathwayStage, current) && !input.earlier)
        throw new FieldError(
          'earlier',
          `${STAGE_NAMES[stage as PathwayStage]} is earlier than the practitioner’s current stage (${STAGE_NAMES[current]}). Tick the box to say you mean to sign off the earlier stage`,
        );
      const [sup, practitioner, version] = await Promise.all([
        findUserById(db, supervisorId),
        findUserById(db, pathway.userId),
        frameworks.findVersionById(pathway.frameworkVersionId),
      ]);
      const framework = version ? await frameworks.frameworkOf(version) : undefined;
      if (!sup || !practitioner || !version || !framework)
        throw new ReviewProblem('This pathway can no longer be signed off');
      const id = randomUUID();
      const stageName = STAGE_NAMES[stage as PathwayStage];
      const credential = buildAchievementCredential({
        id: `${config.baseUrl}/badges/${id}`,
        issuer: { id: `${config.baseUrl}/badges/issuer`, name: 'Waymark', url: config.baseUrl },
        subject: { id: `urn:uuid:${practitioner.id}`, name: practitioner.name },
        achievement: {
          id: `urn:waymark:achievement:${version.id}:${stage}`,
          name: `${framework.title}: ${stageName}`,
          description: `Signed off by a supervisor as meeting the statements for “${stageName}” of ${framework.title}, version ${version.label}.`,
          criteria: `Evidence against the statements for this stage, reviewed and signed off by the practitioner’s supervisor (${sup.name}).`,
        },
        validFrom: new Date(),
      });
      const jwt = await signCredential(credential, await issuerKeys(db));
      return db.transaction(async (tx) => {
        const row = await repo.insertSignoff(tx, {
          id,
          pathwayId: pathway.id,
          stage,
          supervisorId,
          supervisorName: sup.name,
          comment: comment.trim(),
          credential: jwt,
        });
        if (!row) throw new FieldError('stage', `${stageName} is already signed off for this pathway`);
        await mailer.send(tx, {
          to: practitioner.email,
          subject: `${stageName} signed off`,
          text: [
            `Hello ${practitioner.name},`,
            '',
            `${sup.name} has signed off “${stageName}” of ${framework.title}.`,
            '',
            'Your badge, which anyone can check, is here:',
            `${config.baseUrl}/badges/${id}`,
          ].join('\n'),
        });
        await recordAudit(tx, ctx, {
          action: 'pathway.stage-signed-off',
          entityType: 'pathway',
          entityId: pathway.id,
          details: { stage, signoffId: id },
        });
        return row;
      });
    },

    signoffsOf: (pathwayId: string) => repo.signoffsOf(db, pathwayId),

    // ---- badges ----------------------------------------------------------------------

    async publicKey() {
      return (await issuerKeys(db)).publicJwk;
    },

    /** A stored badge checked against the issuer's key, as the public verification page shows it. */
    async badge(id: string) {
      const s = await repo.getSignoff(db, id);
      if (!s) return undefined;
      const result = await verifyCredential(s.credential, (await issuerKeys(db)).publicJwk);
      return { signoff: s, result, jwt: s.credential };
    },

    /** Checks a credential someone pasted: the signature, and that we issued it and still hold it. */
    async verifyPasted(jwt: string) {
      const result = await verifyCredential(jwt.trim(), (await issuerKeys(db)).publicJwk);
      if (result.ok) {
        // A genuine signature is not enough: the sign-off must still be on record here.
        const id = result.credential.id.startsWith(`${config.baseUrl}/badges/`)
          ? result.credential.id.slice(`${config.baseUrl}/badges/`.length)
          : '';
        const held = /^[0-9a-f-]{36}$/.test(id) ? await repo.getSignoff(db, id) : undefined;
        if (!held) return { result: { ok: false as const, problem: 'not-held' as const }, claimed: result.credential };
      }
      return { result, claimed: result.ok ? undefined : decodeUnverified(jwt.trim()) };
    },
  };

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
}

export type ReviewService = ReturnType<typeof createReviewService>;
