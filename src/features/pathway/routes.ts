import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { emailField, normaliseEmail } from '../../platform/auth/email';
import { bodyField, sendAttachment, uploadedFile } from '../../platform/http/route-helpers';
import { ReviewProblem } from './review-service';
import type { Pathway } from './repository';
import {
  EVIDENCE_KINDS,
  LEVEL_NAMES,
  LEVELS,
  OUTCOME_NAMES,
  PATHWAY_STAGES,
  STAGE_NAMES,
  STATUS_NAMES,
  STATUS_TAGS,
  TEMPLATES,
  type PathwayStage,
} from './stage';
import { RULE_KEYS } from './rules';
import { practiceRoutes } from './practice-routes';
import type { PathwayDeps } from './model';

const follow = { permission: 'pathway.follow' as const };

/** A whole form's problems, every failing field at once, raised from inside an evidence action. */
class FormProblem extends Error {
  constructor(readonly form: FormState) {
    super('form problem');
  }
}

const profileSchema = z.object({
  profession: z.string().trim().max(200, 'Profession must be 200 characters or fewer').default(''),
  registration: z.string().trim().max(200, 'Registration must be 200 characters or fewer').default(''),
  clinicalArea: z
    .string()
    .trim()
    .max(100, 'Clinical area must be 100 characters or fewer')
    .optional()
    .transform((v) => v || null),
  currentPost: z.string().trim().max(200, 'Post must be 200 characters or fewer').default(''),
  employer: z.string().trim().max(200, 'Employer must be 200 characters or fewer').default(''),
  consultantPostStart: z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.iso.date({ message: 'Enter the date you started, like 2025-04-01' }).nullable()),
  stageOverride: z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.enum(PATHWAY_STAGES, { message: 'Choose a stage from the list' }).nullable()),
  overrideReason: z.string().trim().max(1000, 'Reason must be 1,000 characters or fewer').default(''),
});
const profileOrder = [
  'profession',
  'registration',
  'currentPost',
  'employer',
  'consultantPostStart',
  'stageOverride',
  'overrideReason',
];

export function pathwayRoutes(app: FastifyInstance, deps: PathwayDeps) {
  const { pathway, frameworks, review, plans, groups } = deps;
  const stageOptions = PATHWAY_STAGES.map((s) => ({ value: s, text: STAGE_NAMES[s] }));

  async function homeModel(request: FastifyRequest, form: FormState = emptyForm()) {
    const userId = request.user!.id;
    const [profile, list, memberships, supervisors] = await Promise.all([
      pathway.profile(userId),
      pathway.pathways(userId),
      groups.memberships(userId),
      review.supervisorsOf(userId),
    ]);
    const badges = (await Promise.all(list.map((p) => review.signoffsOf(p.id)))).flat();
    return {
      memberships,
      supervisors,
      badges,
      stageNames: STAGE_NAMES,
      title: 'Your development pathway',
      ...profile,
      stageName: STAGE_NAMES[profile.stage],
      derivedName: STAGE_NAMES[profile.derived],
      pathways: list,
      // Only frameworks with something to assess at this person's stage.
      // Only frameworks with something to assess at this person's stage.
      choices: await pathway.followable(profile.stage),
      form,
    };
  }

  app.get('/pathway', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/home.njk', await homeModel(request)),
  );

  app.post('/pathway/start', { config: follow }, async (request, reply) => {
    const versionId = String((request.body as { versionId?: string }).versionId ?? '');
    try {
      if (!z.uuid().safeParse(versionId).success) throw new FieldError('versionId', 'Choose a framework to follow');
      const p = await pathway.start(request.user!.id, versionId, request.auditContext());
      return reply.redirect(`/pathway/${p.id}`);
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/home.njk',
          await homeModel(request, formWithErrors({}, { [err.field]: err.message })),
          400,
        );
      throw err;
    }
  });

  const profilePage = async (request: FastifyRequest, form?: FormState) => {
    const { profile } = await pathway.profile(request.user!.id);
    return {
      title: 'Your practitioner profile',
      supervisors: await review.supervisorsOf(request.user!.id),
      supervisorForm: emptyForm(),
      stageOptions,
      form:
        form ??
        emptyForm({
          profession: profile?.profession ?? request.user!.profession ?? '',
          registration: profile?.registration ?? '',
          clinicalArea: profile?.clinicalArea ?? '',
          currentPost: profile?.currentPost ?? '',
          employer: profile?.employer ?? request.user!.organisation ?? '',
          consultantPostStart: profile?.consultantPostStart ?? '',
          stageOverride: profile?.stageOverride ?? '',
          overrideReason: profile?.overrideReason ?? '',
        }),
    };
  };

  app.get('/pathway/profile', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/profile.njk', await profilePage(request)),
  );

  app.post('/pathway/profile', { config: follow }, async (request, reply) => {
    const parsed = parseForm(profileSchema, request.body, profileOrder);
    if (!parsed.ok) return reply.render('pathway/views/profile.njk', await profilePage(request, parsed.form), 400);
    try {
      await pathway.saveProfile(
        request.user!.id,
        { ...parsed.data, stageOverride: parsed.data.stageOverride as PathwayStage | null },
        request.auditContext(),
      );
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/profile.njk',
          await profilePage(
            request,
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, profileOrder),
          ),
          400,
        );
      throw err;
    }
    request.flash('success', 'Profile saved.');
    return reply.redirect('/pathway');
  });

  app.post('/pathway/supervisors', { config: follow }, async (request, reply) => {
    const parsed = emailField.safeParse(bodyField(request.body, 'email'));
    try {
      if (!parsed.success) throw new FieldError('email', 'Enter your supervisor’s email address, like name@nhs.net');
      const { supervisor, added } = await review.addSupervisor(request.user!.id, parsed.data, request.auditContext());
      request.flash(
        'success',
        added
          ? `${supervisor.name} can now see your portfolio and sign off your stages.`
          : `${supervisor.name} is already your supervisor.`,
      );
      return reply.redirect('/pathway/profile');
    } catch (err) {
      if (!(err instanceof FieldError)) throw err;
      const page = await profilePage(request);
      const supervisorForm = formWithErrors({ email: bodyField(request.body, 'email') }, { email: err.message });
      return reply.render(
        'pathway/views/profile.njk',
        { ...page, supervisorForm, pageErrors: supervisorForm.errorList },
        400,
      );
    }
  });

  app.post('/pathway/supervisors/:supervisorId/remove', { config: follow }, async (request, reply) => {
    const id = (request.params as { supervisorId: string }).supervisorId;
    if (
      !z.uuid().safeParse(id).success ||
      !(await review.removeSupervisor(request.user!.id, id, request.auditContext()))
    )
      throw notFound('supervisor');
    request.flash('success', 'Supervisor removed: they no longer see your portfolio.');
    return reply.redirect('/pathway/profile');
  });

  async function ownOr404(request: FastifyRequest) {
    const id = (request.params as { pathwayId: string }).pathwayId;
    const p = z.uuid().safeParse(id).success ? await pathway.own(id, request.user!.id) : undefined;
    if (!p) throw notFound('pathway');
    return p;
  }

  async function pathwayModel(request: FastifyRequest, form: FormState = emptyForm()) {
    const p = await ownOr404(request);
    const version = await frameworks.findVersionById(p.frameworkVersionId);
    const framework = version ? await frameworks.frameworkOf(version) : undefined;
    const [view, signoffs, published] = await Promise.all([
      pathway.view(p),
      review.signoffsOf(p.id),
      frameworks.list(false),
    ]);
    const areas = published
      .filter((r) => r.framework.kind === 'area')
      .map((r) => ({ value: r.version!.id, text: `${r.framework.title} (version ${r.version!.label})` }));
    const area = areas.find((a) => a.value === p.areaVersionId);
    return {
      title: 'Self-assessment',
      pathway: p,
      version,
      framework,
      ...view,
      signoffs,
      areaOptions: areas,
      area,
      stageNames: STAGE_NAMES,
      stageName: STAGE_NAMES[view.stage],
      levels: LEVELS.map((l) => ({ value: l, text: pathway.levelNames(p)[l] })),
      levelNames: pathway.levelNames(p),
      form,
    };
  }

  app.get('/pathway/:pathwayId', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/pathway.njk', await pathwayModel(request)),
  );

  app.post('/pathway/:pathwayId/area', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const chosen = bodyField(request.body, 'areaVersionId');
    try {
      if (chosen && !z.uuid().safeParse(chosen).success)
        throw new FieldError('areaVersionId', 'Choose a published area framework');
      await pathway.setArea(p, chosen || null, request.auditContext());
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/pathway.njk',
          await pathwayModel(request, formWithErrors({}, { [err.field]: err.message })),
          400,
        );
      throw err;
    }
    request.flash(
      'success',
      chosen
        ? 'Area framework added: its statements for your stage are now part of your self-assessment, evidence and matrix.'
        : 'Area framework removed.',
    );
    return reply.redirect(`/pathway/${p.id}`);
  });

  app.post('/pathway/:pathwayId/assess', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const body = request.body as Record<string, string>;
    const levels = Object.fromEntries(
      Object.entries(body)
        .filter(([k]) => k.startsWith('level-'))
        .map(([k, v]) => [k.slice(6), String(v)]),
    );
    try {
      const n = await pathway.assess(p, levels, request.auditContext());
      request.flash(
        'success',
        n
          ? `Self-assessment saved: ${n} statement${n === 1 ? '' : 's'} changed.`
          : 'Nothing changed since your last self-assessment.',
      );
      return reply.redirect(`/pathway/${p.id}`);
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/pathway.njk',
          await pathwayModel(request, formWithErrors(body, { [err.field]: err.message })),
          400,
        );
      throw err;
    }
  });

  // ---- evidence -----------------------------------------------------------------------
  const evidenceSchema = z.object({
    kind: z.string({ message: 'Choose the kind of evidence' }).min(1, 'Choose the kind of evidence'),
    title: z
      .string({ message: 'Give the evidence a title' })
      .trim()
      .min(1, 'Give the evidence a title')
      .max(200, 'Title must be 200 characters or fewer'),
    occurredOn: z
      .string()
      .optional()
      .transform((v) => (v ? v : null))
      .pipe(z.iso.date({ message: 'Enter the date, like 2026-10-14' }).nullable()),
    template: z.string().default('none'),
    reflection: z.string().trim().max(20_000, 'The reflection must be 20,000 characters or fewer').default(''),
    groupId: z
      .string()
      .optional()
      .transform((v) => (v ? v : null))
      .pipe(z.uuid({ message: 'Choose a team from the list' }).nullable()),
  });
  const evidenceOrder = ['kind', 'title', 'occurredOn', 'reflection', 'groupId'];

  /** Teams this person belongs to on this pathway's framework, to share evidence with. */
  async function teamOptions(p: Pathway) {
    const ids = await groups.teamIdsFor(p.userId, p.frameworkVersionId);
    const all = await groups.memberships(p.userId);
    return all.filter((m) => ids.includes(m.group.id)).map((m) => ({ value: m.group.id, text: m.group.name }));
  }

  async function checkTeam(p: Pathway, groupId: string | null) {
    if (groupId && !(await groups.teamIdsFor(p.userId, p.frameworkVersionId)).includes(groupId))
      throw new FieldError('groupId', 'Choose one of your teams on this framework');
  }
  const kindOptions = Object.entries(EVIDENCE_KINDS).map(([value, text]) => ({ value, text }));
  const templateOptions = Object.entries(TEMPLATES).map(([value, t]) => ({ value, text: t.name }));

  async function evidencePage(request: FastifyRequest, form: FormState = emptyForm({ template: 'what-so-what' })) {
    const p = await ownOr404(request);
    const teams = await groups.teamIdsFor(p.userId, p.frameworkVersionId);
    return {
      title: 'Your evidence',
      pathway: p,
      items: await pathway.evidenceList(p),
      shared: await groups.sharedWith(p, teams),
      teamOptions: await teamOptions(p),
      statusNames: STATUS_NAMES,
      statusTags: STATUS_TAGS,
      kindOptions,
      templateOptions,
      templates: TEMPLATES,
      form,
    };
  }

  app.get('/pathway/:pathwayId/evidence', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/evidence-list.njk', await evidencePage(request)),
  );

  app.post('/pathway/:pathwayId/evidence', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const parsed = parseForm(evidenceSchema, request.body, evidenceOrder);
    if (!parsed.ok)
      return reply.render('pathway/views/evidence-list.njk', await evidencePage(request, parsed.form), 400);
    try {
      await checkTeam(p, parsed.data.groupId);
      const id = await pathway.addEvidence(
        p,
        parsed.data,
        request.auditContext(),
        bodyField(request.body, '_submission') || undefined,
      );
      request.flash('success', 'Evidence saved. Now link it to the statements it shows.');
      return reply.redirect(`/pathway/${p.id}/evidence/${id}`);
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/evidence-list.njk',
          await evidencePage(
            request,
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, evidenceOrder),
          ),
          400,
        );
      throw err;
    }
  });

  async function itemPage(request: FastifyRequest, form: FormState = emptyForm()) {
    const p = await ownOr404(request);
    const id = (request.params as { evidenceId: string }).evidenceId;
    const found = z.uuid().safeParse(id).success ? await pathway.evidenceItem(p, id) : undefined;
    if (!found) throw notFound('evidence');
    const q = String((request.query as { q?: string }).q ?? form.values.q ?? '').slice(0, 100);
    const [attachments, confirmations, supervisors] = await Promise.all([
      plans.attachmentsOf([id]),
      review.confirmationsOf(id),
      review.supervisorsOf(p.userId),
    ]);
    return {
      title: found.evidence.title,
      pathway: p,
      ...found,
      q,
      results: await pathway.searchStatements(p, q),
      attachments,
      confirmations,
      supervisors,
      rules: pathway.rules(p),
      maxMb: Math.round((app.platform.config.attachmentMaxBytes / 1024 / 1024) * 10) / 10,
      editable: ['draft', 'returned'].includes(found.evidence.status),
      outcomeNames: OUTCOME_NAMES,
      statusName: STATUS_NAMES[found.evidence.status],
      statusTag: STATUS_TAGS[found.evidence.status],
      kindOptions,
      templateOptions,
      teamOptions: await teamOptions(p),
      form,
      editForm: emptyForm({
        ...found.evidence,
        occurredOn: found.evidence.occurredOn ?? '',
        groupId: found.evidence.groupId ?? '',
      }),
    };
  }

  /** The evidence page again, with a problem that belongs to no one field shown at its review section. */
  async function showReviewProblem(request: FastifyRequest, reply: FastifyReply, message: string) {
    return reply.render(
      'pathway/views/evidence.njk',
      await itemPage(request, formWithErrors({}, { review: message })),
      400,
    );
  }

  /** Runs an action on one piece of evidence and comes back to its page, with the problem shown in place if there is one. */
  async function onItem(
    request: FastifyRequest,
    reply: FastifyReply,
    run: (p: Pathway, evidenceId: string) => Promise<string>,
    anchor = '',
  ) {
    const p = await ownOr404(request);
    const id = (request.params as { evidenceId: string }).evidenceId;
    try {
      const message = await run(p, id);
      request.flash('success', message);
      return reply.redirect(`/pathway/${p.id}/evidence/${id}${anchor}`);
    } catch (err) {
      if (err instanceof FormProblem)
        return reply.render('pathway/views/evidence.njk', await itemPage(request, err.form), 400);
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/evidence.njk',
          await itemPage(
            request,
            formWithErrors(
              request.body && typeof request.body === 'object' && !('file' in request.body)
                ? (request.body as Record<string, unknown>)
                : {},
              { [err.field]: err.message },
            ),
          ),
          400,
        );
      if (err instanceof ReviewProblem) return showReviewProblem(request, reply, err.message);
      throw err;
    }
  }

  app.post('/pathway/:pathwayId/evidence/:evidenceId/edit', { config: follow }, async (request, reply) =>
    onItem(request, reply, async (p, id) => {
      const parsed = parseForm(evidenceSchema, request.body, evidenceOrder);
      if (!parsed.ok) throw new FormProblem(parsed.form);
      await checkTeam(p, parsed.data.groupId);
      await pathway.editEvidence(p, id, parsed.data, request.auditContext());
      return 'Evidence saved.';
    }),
  );

  app.get('/pathway/:pathwayId/evidence/:evidenceId/delete', { config: follow }, async (request, reply) => {
    const page = await itemPage(request);
    return reply.render('pathway/views/evidence-delete.njk', { ...page, title: `Delete “${page.evidence.title}”?` });
  });

  app.post('/pathway/:pathwayId/evidence/:evidenceId/delete', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const id = (request.params as { evidenceId: string }).evidenceId;
    try {
      const keys = await pathway.deleteEvidence(p, id, request.auditContext());
      await plans.removeFiles(keys);
    } catch (err) {
      if (err instanceof FieldError) return showReviewProblem(request, reply, err.message);
      throw err;
    }
    request.flash('success', 'Evidence deleted.');
    return reply.redirect(`/pathway/${p.id}/evidence`);
  });

  app.post('/pathway/:pathwayId/evidence/:evidenceId/attachments', { config: follow }, async (request, reply) =>
    onItem(
      request,
      reply,
      async (p, id) => {
        const file = await uploadedFile(request.body);
        await plans.attach(p, id, file ? [file] : [], request.auditContext());
        return `${file!.filename} attached.`;
      },
      '#attachments',
    ),
  );

  app.get('/pathway/:pathwayId/attachments/:attachmentId', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const id = (request.params as { attachmentId: string }).attachmentId;
    const found = z.uuid().safeParse(id).success ? await plans.attachment(p, id) : undefined;
    if (!found) throw notFound('attachment');
    return sendAttachment(reply, found.attachment.filename, found.attachment.contentType, found.data);
  });

  app.post('/pathway/:pathwayId/attachments/:attachmentId/remove', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const id = (request.params as { attachmentId: string }).attachmentId;
    const found = z.uuid().safeParse(id).success ? await plans.attachment(p, id) : undefined;
    if (!found) throw notFound('attachment');
    (request.params as Record<string, string>).evidenceId = found.attachment.evidenceId;
    return onItem(
      request,
      reply,
      async () => {
        await plans.removeAttachment(p, id, request.auditContext());
        return `${found.attachment.filename} removed.`;
      },
      '#attachments',
    );
  });

  const confirmSchema = z.object({
    name: z
      .string({ message: 'Enter the name of the person to ask' })
      .trim()
      .min(1, 'Enter the name of the person to ask')
      .max(200, 'Name must be 200 characters or fewer'),
    email: z
      .string({ message: 'Enter their email address, like name@nhs.net' })
      .trim()
      .min(1, 'Enter their email address, like name@nhs.net')
      .max(254, 'Email address must be 254 characters or fewer')
      .pipe(z.email({ message: 'Enter their email address, like name@nhs.net' }))
      .transform(normaliseEmail),
    includeReflection: z
      .string()
      .optional()
      .transform((v) => v === 'yes'),
    message: z.string().trim().max(2000, 'Keep the message to 2,000 characters or fewer').default(''),
  });

  app.post('/pathway/:pathwayId/evidence/:evidenceId/confirmation', { config: follow }, async (request, reply) =>
    onItem(request, reply, async (p, id) => {
      const parsed = parseForm(confirmSchema, request.body, ['name', 'email', 'message']);
      if (!parsed.ok) throw new FormProblem(parsed.form);
      await review.requestConfirmation(p, id, parsed.data, request.auditContext());
      return `We have emailed ${parsed.data.name} a link to confirm this evidence. It works once and expires in 30 days.`;
    }),
  );

  app.post('/pathway/:pathwayId/evidence/:evidenceId/verification', { config: follow }, async (request, reply) =>
    onItem(request, reply, async (p, id) => {
      await review.requestVerification(p, id, request.auditContext());
      return 'Sent to your supervisor to verify.';
    }),
  );

  app.post('/pathway/:pathwayId/evidence/:evidenceId/withdraw', { config: follow }, async (request, reply) =>
    onItem(request, reply, async (p, id) => {
      await review.withdraw(p, id, request.auditContext());
      return 'Request withdrawn: the link no longer works and the evidence is a draft again.';
    }),
  );

  app.get('/pathway/:pathwayId/evidence/:evidenceId', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/evidence.njk', await itemPage(request)),
  );

  const linkSchema = z.object({
    statement: z.uuid({ message: 'Choose a statement from the results' }),
    reason: z.string().trim().max(300, 'Keep the reason to 300 characters or fewer').default(''),
  });

  app.post('/pathway/:pathwayId/evidence/:evidenceId/links', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const id = (request.params as { evidenceId: string }).evidenceId;
    const body = request.body as { statement?: string; reason?: string; q?: string };
    if (!z.uuid().safeParse(id).success) throw notFound('evidence');
    try {
      const parsed = parseForm(linkSchema, body, ['statement', 'reason']);
      if (!parsed.ok) throw new FieldError('review', parsed.form.errorList.map((e) => e.text).join('. '));
      await pathway.link(p, id, parsed.data.statement, parsed.data.reason, request.auditContext());
    } catch (err) {
      // The message goes at the top of the page (the results list has one reason box per statement).
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/evidence.njk',
          await itemPage(request, formWithErrors({ q: body.q }, { review: err.message })),
          400,
        );
      throw err;
    }
    request.flash('success', 'Linked.');
    return reply.redirect(`/pathway/${p.id}/evidence/${id}${body.q ? `?q=${encodeURIComponent(body.q)}` : ''}`);
  });

  app.post(
    '/pathway/:pathwayId/evidence/:evidenceId/links/:statement/remove',
    { config: follow },
    async (request, reply) => {
      const p = await ownOr404(request);
      const params = request.params as { evidenceId: string; statement: string };
      // The platform checks evidenceId (a UUID or 404); `statement` is not named as an id, so it is checked here.
      if (!z.uuid().safeParse(params.statement).success) throw notFound('link');
      try {
        if (!(await pathway.unlink(p, params.evidenceId, params.statement, request.auditContext())))
          throw notFound('link');
      } catch (err) {
        if (err instanceof FieldError) return showReviewProblem(request, reply, err.message);
        throw err;
      }
      request.flash('success', 'Link removed.');
      return reply.redirect(`/pathway/${p.id}/evidence/${params.evidenceId}`);
    },
  );

  app.get('/pathway/:pathwayId/matrix', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const { stage: mine } = await pathway.profile(request.user!.id);
    const asked = String((request.query as { stage?: string }).stage ?? mine);
    const stage =
      asked === 'all' || (PATHWAY_STAGES as readonly string[]).includes(asked) ? (asked as PathwayStage | 'all') : mine;
    return reply.render('pathway/views/matrix.njk', {
      title: 'Evidence matrix',
      pathway: p,
      stage,
      stageOptions: [...stageOptions, { value: 'all', text: 'All stages' }],
      stageNames: STAGE_NAMES,
      ...(await pathway.matrix(
        p,
        stage,
        await groups.sharedWith(p, await groups.teamIdsFor(p.userId, p.frameworkVersionId)),
      )),
      needs: (await pathway.view(p)).needs,
    });
  });

  // ---- evidence rules ------------------------------------------------------------------
  const ruleNumber = z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || /^\d+$/.test(v), 'Enter a whole number, or leave it empty for no limit')
    .transform((v) => (v === null ? null : Number(v)))
    .refine((v) => v === null || v <= 1000, 'Enter 1,000 or fewer');
  const rulesSchema = z.object(
    Object.fromEntries(RULE_KEYS.map((k) => [k, ruleNumber])) as Record<(typeof RULE_KEYS)[number], typeof ruleNumber>,
  );
  const levelFields = LEVELS.map((l) => `level-${l}`);

  const rulesPage = async (request: FastifyRequest, form?: FormState) => {
    const p = await ownOr404(request);
    const r = pathway.rules(p);
    const names = pathway.levelNames(p);
    return {
      title: 'Evidence rules and scale',
      pathway: p,
      levels: LEVELS.map((l) => ({ key: l, field: `level-${l}`, defaultName: LEVEL_NAMES[l] })),
      form:
        form ??
        emptyForm({
          ...Object.fromEntries(RULE_KEYS.map((k) => [k, r[k] === null ? '' : String(r[k])])),
          ...Object.fromEntries(LEVELS.map((l) => [`level-${l}`, names[l]])),
        }),
    };
  };

  app.get('/pathway/:pathwayId/rules', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/rules.njk', await rulesPage(request)),
  );

  app.post('/pathway/:pathwayId/rules', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const parsed = parseForm(rulesSchema, request.body, [...RULE_KEYS]);
    if (!parsed.ok)
      return reply.render(
        'pathway/views/rules.njk',
        await rulesPage(request, { ...parsed.form, values: request.body as Record<string, unknown> }),
        400,
      );
    const body = request.body as Record<string, unknown>;
    // The scale's words are optional on the form: without them the names stay as they are.
    const names = levelFields.some((f) => f in body)
      ? (Object.fromEntries(LEVELS.map((l) => [l, String(body[`level-${l}`] ?? '')])) as Record<
          (typeof LEVELS)[number],
          string
        >)
      : undefined;
    try {
      await pathway.setRules(p, parsed.data, request.auditContext(), names);
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/rules.njk',
          await rulesPage(request, formWithErrors(body, { [err.field]: err.message }, [...RULE_KEYS, ...levelFields])),
          400,
        );
      throw err;
    }
    request.flash('success', 'Rules and scale saved. The matrix shows where your portfolio stands against the rules.');
    return reply.redirect(`/pathway/${p.id}/matrix`);
  });

  practiceRoutes(app, deps, ownOr404);
}
