import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { bodyField, sendAttachment } from '../../platform/http/route-helpers';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import type { PathwayService } from './service';
import { ReviewProblem, type ReviewService } from './review-service';
import type { PlanService } from './plan-service';
import {
  defaultSignoffStage,
  isEarlierStage,
  OUTCOME_NAMES,
  PATHWAY_STAGES,
  STAGE_NAMES,
  STATUS_NAMES,
  STATUS_TAGS,
  type PathwayStage,
} from './stage';
import {
  decisionFields,
  decisionSchema,
  meetingFields,
  meetingSchema,
  signoffFields,
  signoffSchema,
  signoffStage,
} from './schema-review';

/**
 * Supervisors: their practitioners (only those who chose them), each one's
 * portfolio, verifying evidence, supervision meetings and stage sign-off.
 */
export function supervisionRoutes(
  app: FastifyInstance,
  deps: { pathway: PathwayService; review: ReviewService; plans: PlanService },
) {
  const { pathway, review, plans } = deps;
  const practitionerId = (request: FastifyRequest) => (request.params as { practitionerId: string }).practitionerId;
  // The policy answers from the practitioner's own choice of supervisors, looked up for each request.
  const supervise = {
    permission: 'pathway.supervise' as const,
    resource: async (request: FastifyRequest) => {
      const id = practitionerId(request);
      return { ownerId: id, supervisorIds: await review.supervisorIdsOf(id) };
    },
  };

  app.get('/supervision', { config: { permission: 'supervision.list' } }, async (request, reply) => {
    const people = await review.superviseesOf(request.user!.id);
    const rows = await Promise.all(
      people.map(async (u) => {
        const g = await pathway.glance(u.id);
        return { ...u, ...g, stageName: STAGE_NAMES[g.stage] };
      }),
    );
    return reply.render('pathway/views/supervision-home.njk', { title: 'Supervision', rows });
  });

  async function personPage(
    request: FastifyRequest,
    forms: { meeting?: FormState; signoff?: FormState; signoffFor?: string } = {},
  ) {
    const id = practitionerId(request);
    const person = (await review.superviseesOf(request.user!.id)).find((u) => u.id === id);
    if (!person) throw notFound('practitioner');
    const [profile, list, meetings] = await Promise.all([
      pathway.profile(id),
      pathway.pathways(id),
      review.meetingsOf(id),
    ]);
    const pathways = await Promise.all(
      list.map(async (p) => {
        const [view, evidence, signoffs, matrix] = await Promise.all([
          pathway.view(p),
          pathway.evidenceList(p),
          review.signoffsOf(p.id),
          pathway.matrix(p, profile.stage, [], 'their'),
        ]);
        const signedStages = signoffs.map((s) => s.stage);
        return {
          ...p,
          view,
          evidence,
          signoffs,
          matrix,
          signedStages,
          defaultStage: defaultSignoffStage(profile.stage, signedStages),
        };
      }),
    );
    return {
      title: person.name,
      person,
      ...profile,
      stageName: STAGE_NAMES[profile.stage],
      pathways,
      meetings,
      stageNames: STAGE_NAMES,
      statusNames: STATUS_NAMES,
      statusTags: STATUS_TAGS,
      stageOptions: PATHWAY_STAGES.map((s) => ({ value: s, text: STAGE_NAMES[s] })),
      meetingForm: forms.meeting ?? emptyForm({ heldOn: new Date().toISOString().slice(0, 10) }),
      pageErrors:
        forms.meeting?.errorList ??
        forms.signoff?.errorList.map((e) => ({ ...e, href: `${e.href}-${forms.signoffFor}` })),
      signoffFor: forms.signoffFor,
      signoffForm: forms.signoff,
    };
  }

  app.get('/supervision/:practitionerId', { config: supervise }, async (request, reply) =>
    reply.render('pathway/views/supervision-person.njk', await personPage(request)),
  );

  app.post('/supervision/:practitionerId/meetings', { config: supervise }, async (request, reply) => {
    const id = practitionerId(request);
    const parsed = parseForm(meetingSchema, request.body, meetingFields);
    if (!parsed.ok)
      return reply.render(
        'pathway/views/supervision-person.njk',
        await personPage(request, { meeting: parsed.form }),
        400,
      );
    try {
      await review.recordMeeting(
        id,
        request.user!.id,
        parsed.data,
        request.auditContext(),
        bodyField(request.body, '_submission') || undefined,
      );
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/supervision-person.njk',
          await personPage(request, {
            meeting: formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }),
          }),
          400,
        );
      throw err;
    }
    request.flash('success', 'Supervision meeting recorded.');
    return reply.redirect(`/supervision/${id}#meetings`);
  });

  async function theirPathway(request: FastifyRequest) {
    const { pathwayId } = request.params as { pathwayId: string };
    const list = await pathway.pathways(practitionerId(request));
    const p = list.find((x) => x.id === pathwayId);
    if (!p) throw notFound('pathway');
    return p;
  }

  // ---- stage sign-off: choose a stage, see what is missing, then confirm -------------------
  const signoffPath = (id: string, pathwayId: string) => `/supervision/${id}/pathways/${pathwayId}/signoff`;

  /** The "are you sure" page: the gaps for the stage first, then the sign-off itself. */
  async function signoffPage(request: FastifyRequest, stage: PathwayStage, form: FormState) {
    const id = practitionerId(request);
    const person = (await review.superviseesOf(request.user!.id)).find((u) => u.id === id);
    if (!person) throw notFound('practitioner');
    const p = await theirPathway(request);
    const [{ stage: current }, gaps] = await Promise.all([pathway.profile(id), pathway.signoffGaps(p, stage)]);
    return {
      title: `Sign off ${STAGE_NAMES[stage]}?`,
      person,
      pathway: p,
      stage,
      stageName: STAGE_NAMES[stage],
      currentName: STAGE_NAMES[current],
      earlier: isEarlierStage(stage, current),
      gaps,
      action: signoffPath(id, p.id),
      form,
    };
  }

  app.get('/supervision/:practitionerId/pathways/:pathwayId/signoff', { config: supervise }, async (request, reply) => {
    const p = await theirPathway(request);
    const raw = String((request.query as { stage?: unknown }).stage ?? '');
    const asked = signoffStage.safeParse(raw);
    const signed = (await review.signoffsOf(p.id)).map((s) => s.stage);
    if (asked.success && !signed.includes(asked.data))
      return reply.render(
        'pathway/views/signoff.njk',
        await signoffPage(request, asked.data, emptyForm({ stage: raw })),
      );
    const problem = asked.success
      ? `${STAGE_NAMES[asked.data]} is already signed off for this pathway`
      : asked.error.issues[0]!.message;
    return reply.render(
      'pathway/views/supervision-person.njk',
      await personPage(request, { signoff: formWithErrors({ stage: raw }, { stage: problem }), signoffFor: p.id }),
      400,
    );
  });

  app.post(
    '/supervision/:practitionerId/pathways/:pathwayId/signoff',
    { config: supervise },
    async (request, reply) => {
      const id = practitionerId(request);
      const p = await theirPathway(request);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const known = signoffStage.safeParse(String(body.stage ?? ''));
      const fail = async (form: FormState) =>
        known.success
          ? reply.render('pathway/views/signoff.njk', await signoffPage(request, known.data, form), 400)
          : reply.render(
              'pathway/views/supervision-person.njk',
              await personPage(request, { signoff: form, signoffFor: p.id }),
              400,
            );
      const parsed = parseForm(signoffSchema, body, signoffFields);
      // Every failing field at once, the earlier-stage choice included.
      const errors = parsed.ok ? {} : { ...parsed.form.errors };
      if (known.success && !errors.stage) {
        const { stage: current } = await pathway.profile(id);
        if (isEarlierStage(known.data, current) && body.earlier !== 'yes')
          errors.earlier = `${STAGE_NAMES[known.data]} is earlier than ${STAGE_NAMES[current]}, the practitioner’s current stage. Tick the box to say you mean to sign off the earlier stage`;
      }
      if (!parsed.ok || Object.keys(errors).length) return fail(formWithErrors(body, errors, signoffFields));
      try {
        const s = await review.signOff(p, request.user!.id, parsed.data, request.auditContext());
        request.flash(
          'success',
          `${STAGE_NAMES[s.stage as PathwayStage]} signed off. A badge has been issued and the practitioner told by email.`,
        );
        return reply.redirect(`/supervision/${id}`);
      } catch (err) {
        if (err instanceof FieldError) return fail(formWithErrors(body, { [err.field]: err.message }, signoffFields));
        if (err instanceof ReviewProblem) return fail(formWithErrors(body, { stage: err.message }, signoffFields));
        throw err;
      }
    },
  );

  async function itemPage(request: FastifyRequest, form: FormState = emptyForm()) {
    const p = await theirPathway(request);
    const found = await pathway.evidenceItem(p, (request.params as { evidenceId: string }).evidenceId);
    if (!found) throw notFound('evidence');
    const person = (await review.superviseesOf(request.user!.id)).find((u) => u.id === p.userId)!;
    const [attachments, confirmations] = await Promise.all([
      plans.attachmentsOf([found.evidence.id]),
      review.confirmationsOf(found.evidence.id),
    ]);
    return {
      title: found.evidence.title,
      person,
      pathway: p,
      ...found,
      attachments,
      confirmations,
      outcomeNames: OUTCOME_NAMES,
      statusName: STATUS_NAMES[found.evidence.status],
      statusTag: STATUS_TAGS[found.evidence.status],
      form,
    };
  }

  const evidenceRoute = '/supervision/:practitionerId/pathways/:pathwayId/evidence/:evidenceId';

  app.get(evidenceRoute, { config: supervise }, async (request, reply) =>
    reply.render('pathway/views/supervision-evidence.njk', await itemPage(request)),
  );

  app.post(`${evidenceRoute}/decision`, { config: supervise }, async (request, reply: FastifyReply) => {
    const p = await theirPathway(request);
    const { evidenceId } = request.params as { evidenceId: string };
    const body = (request.body ?? {}) as Record<string, unknown>;
    const again = async (form: FormState) =>
      reply.render('pathway/views/supervision-evidence.njk', await itemPage(request, form), 400);
    const parsed = parseForm(decisionSchema, body, decisionFields);
    if (!parsed.ok) return again(parsed.form);
    try {
      await review.verify(
        p.userId,
        request.user!.id,
        evidenceId,
        parsed.data.decision,
        parsed.data.comment,
        request.auditContext(),
      );
    } catch (err) {
      if (err instanceof FieldError) return again(formWithErrors(body, { [err.field]: err.message }));
      if (err instanceof ReviewProblem) return again(formWithErrors(body, { decision: err.message }));
      throw err;
    }
    request.flash(
      'success',
      parsed.data.decision === 'confirm' ? 'Evidence verified.' : 'Evidence returned with your comments.',
    );
    return reply.redirect(`/supervision/${p.userId}`);
  });

  app.get('/supervision/:practitionerId/attachments/:attachmentId', { config: supervise }, async (request, reply) => {
    const { attachmentId } = request.params as { attachmentId: string };
    const found = await plans.attachmentOfUser(practitionerId(request), attachmentId);
    if (!found) throw notFound('attachment');
    return sendAttachment(reply, found.attachment.filename, found.attachment.contentType, found.data);
  });
}
