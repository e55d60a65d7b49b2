import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import type { FrameworksService } from '../frameworks/service';
import type { PathwayService } from './service';
import { EVIDENCE_KINDS, LEVEL_NAMES, LEVELS, PATHWAY_STAGES, STAGE_NAMES, TEMPLATES, type PathwayStage } from './stage';

const follow = { permission: 'pathway.follow' as const };

const profileSchema = z.object({
  profession: z.string().trim().max(200, 'Profession must be 200 characters or fewer').default(''),
  registration: z.string().trim().max(200, 'Registration must be 200 characters or fewer').default(''),
  clinicalArea: z.string().trim().max(100).optional().transform((v) => v || null),
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
const profileOrder = ['profession', 'registration', 'currentPost', 'employer', 'consultantPostStart', 'stageOverride', 'overrideReason'];

export function pathwayRoutes(app: FastifyInstance, pathway: PathwayService, frameworks: FrameworksService) {
  const stageOptions = PATHWAY_STAGES.map((s) => ({ value: s, text: STAGE_NAMES[s] }));

  async function homeModel(request: FastifyRequest, form: FormState = emptyForm()) {
    const userId = request.user!.id;
    const [profile, list, published] = await Promise.all([pathway.profile(userId), pathway.pathways(userId), frameworks.list(false)]);
    return {
      title: 'Your development pathway',
      ...profile,
      stageName: STAGE_NAMES[profile.stage],
      derivedName: STAGE_NAMES[profile.derived],
      pathways: list,
      // Only frameworks with something to assess at this person's stage.
      choices: (
        await Promise.all(
          published
            .filter((r) => r.framework.kind === 'core')
            .map(async (r) => ((await frameworks.itemsOf(r.version!.id)).some((i) => i.type === 'statement' && i.stage === profile.stage) ? { value: r.version!.id, text: `${r.framework.title} (version ${r.version!.label})` } : null)),
        )
      ).filter((c): c is { value: string; text: string } => c !== null),
      form,
    };
  }

  app.get('/pathway', { config: follow }, async (request, reply) => reply.render('pathway/views/home.njk', await homeModel(request)));

  app.post('/pathway/start', { config: follow }, async (request, reply) => {
    const versionId = String((request.body as { versionId?: string }).versionId ?? '');
    try {
      if (!z.uuid().safeParse(versionId).success) throw new FieldError('versionId', 'Choose a framework to follow');
      const p = await pathway.start(request.user!.id, versionId, request.auditContext());
      return reply.redirect(`/pathway/${p.id}`);
    } catch (err) {
      if (err instanceof FieldError) return reply.render('pathway/views/home.njk', await homeModel(request, formWithErrors({}, { [err.field]: err.message })), 400);
      throw err;
    }
  });

  const profilePage = async (request: FastifyRequest, form?: FormState) => {
    const { profile } = await pathway.profile(request.user!.id);
    return {
      title: 'Your practitioner profile',
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

  app.get('/pathway/profile', { config: follow }, async (request, reply) => reply.render('pathway/views/profile.njk', await profilePage(request)));

  app.post('/pathway/profile', { config: follow }, async (request, reply) => {
    const parsed = parseForm(profileSchema, request.body, profileOrder);
    if (!parsed.ok) return reply.render('pathway/views/profile.njk', await profilePage(request, parsed.form), 400);
    try {
      await pathway.saveProfile(request.user!.id, { ...parsed.data, stageOverride: parsed.data.stageOverride as PathwayStage | null }, request.auditContext());
    } catch (err) {
      if (err instanceof FieldError) return reply.render('pathway/views/profile.njk', await profilePage(request, formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, profileOrder)), 400);
      throw err;
    }
    request.flash('success', 'Profile saved.');
    return reply.redirect('/pathway');
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
    const view = await pathway.view(p);
    return { title: 'Self-assessment', pathway: p, version, framework, ...view, stageName: STAGE_NAMES[view.stage], levels: LEVELS.map((l) => ({ value: l, text: LEVEL_NAMES[l] })), levelNames: LEVEL_NAMES, form };
  }

  app.get('/pathway/:pathwayId', { config: follow }, async (request, reply) => reply.render('pathway/views/pathway.njk', await pathwayModel(request)));

  app.post('/pathway/:pathwayId/assess', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const body = request.body as Record<string, string>;
    const levels = Object.fromEntries(Object.entries(body).filter(([k]) => k.startsWith('level-')).map(([k, v]) => [k.slice(6), String(v)]));
    try {
      const n = await pathway.assess(p, levels, request.auditContext());
      request.flash('success', n ? `Self-assessment saved: ${n} statement${n === 1 ? '' : 's'} changed.` : 'Nothing changed since your last self-assessment.');
      return reply.redirect(`/pathway/${p.id}`);
    } catch (err) {
      if (err instanceof FieldError) return reply.render('pathway/views/pathway.njk', await pathwayModel(request, formWithErrors(body, { [err.field]: err.message })), 400);
      throw err;
    }
  });

  // ---- evidence -----------------------------------------------------------------------
  const evidenceSchema = z.object({
    kind: z.string({ message: 'Choose the kind of evidence' }).min(1, 'Choose the kind of evidence'),
    title: z.string({ message: 'Give the evidence a title' }).trim().min(1, 'Give the evidence a title').max(200, 'Title must be 200 characters or fewer'),
    occurredOn: z
      .string()
      .optional()
      .transform((v) => (v ? v : null))
      .pipe(z.iso.date({ message: 'Enter the date, like 2026-10-14' }).nullable()),
    template: z.string().default('none'),
    reflection: z.string().trim().max(20_000, 'The reflection must be 20,000 characters or fewer').default(''),
  });
  const kindOptions = Object.entries(EVIDENCE_KINDS).map(([value, text]) => ({ value, text }));
  const templateOptions = Object.entries(TEMPLATES).map(([value, t]) => ({ value, text: t.name }));

  async function evidencePage(request: FastifyRequest, form: FormState = emptyForm({ template: 'what-so-what' })) {
    const p = await ownOr404(request);
    return { title: 'Your evidence', pathway: p, items: await pathway.evidenceList(p), kindOptions, templateOptions, templates: TEMPLATES, form };
  }

  app.get('/pathway/:pathwayId/evidence', { config: follow }, async (request, reply) => reply.render('pathway/views/evidence-list.njk', await evidencePage(request)));

  app.post('/pathway/:pathwayId/evidence', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const parsed = parseForm(evidenceSchema, request.body, ['kind', 'title', 'occurredOn', 'reflection']);
    if (!parsed.ok) return reply.render('pathway/views/evidence-list.njk', await evidencePage(request, parsed.form), 400);
    try {
      const id = await pathway.addEvidence(p, parsed.data, request.auditContext());
      request.flash('success', 'Evidence saved. Now link it to the statements it shows.');
      return reply.redirect(`/pathway/${p.id}/evidence/${id}`);
    } catch (err) {
      if (err instanceof FieldError) return reply.render('pathway/views/evidence-list.njk', await evidencePage(request, formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, ['kind', 'title', 'occurredOn', 'reflection'])), 400);
      throw err;
    }
  });

  async function itemPage(request: FastifyRequest, form: FormState = emptyForm()) {
    const p = await ownOr404(request);
    const id = (request.params as { evidenceId: string }).evidenceId;
    const found = z.uuid().safeParse(id).success ? await pathway.evidenceItem(p, id) : undefined;
    if (!found) throw notFound('evidence');
    const q = String((request.query as { q?: string }).q ?? '').slice(0, 100);
    return { title: found.evidence.title, pathway: p, ...found, q, results: await pathway.searchStatements(p, q), form };
  }

  app.get('/pathway/:pathwayId/evidence/:evidenceId', { config: follow }, async (request, reply) => reply.render('pathway/views/evidence.njk', await itemPage(request)));

  app.post('/pathway/:pathwayId/evidence/:evidenceId/links', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const id = (request.params as { evidenceId: string }).evidenceId;
    const body = request.body as { statement?: string; reason?: string; q?: string };
    try {
      if (!z.uuid().safeParse(body.statement).success) throw new FieldError('statement', 'Choose a statement from the results');
      await pathway.link(p, id, body.statement!, String(body.reason ?? ''), request.auditContext());
    } catch (err) {
      if (err instanceof FieldError) return reply.render('pathway/views/evidence.njk', await itemPage(request, formWithErrors({}, { [err.field]: err.message })), 400);
      throw err;
    }
    request.flash('success', 'Linked.');
    return reply.redirect(`/pathway/${p.id}/evidence/${id}${body.q ? `?q=${encodeURIComponent(body.q)}` : ''}`);
  });

  app.post('/pathway/:pathwayId/evidence/:evidenceId/links/:statement/remove', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const params = request.params as { evidenceId: string; statement: string };
    if (!z.uuid().safeParse(params.statement).success || !(await pathway.unlink(p, params.evidenceId, params.statement, request.auditContext()))) throw notFound('link');
    request.flash('success', 'Link removed.');
    return reply.redirect(`/pathway/${p.id}/evidence/${params.evidenceId}`);
  });

  app.get('/pathway/:pathwayId/matrix', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const { stage: mine } = await pathway.profile(request.user!.id);
    const asked = String((request.query as { stage?: string }).stage ?? mine);
    const stage = asked === 'all' || (PATHWAY_STAGES as readonly string[]).includes(asked) ? (asked as PathwayStage | 'all') : mine;
    return reply.render('pathway/views/matrix.njk', { title: 'Evidence matrix', pathway: p, stage, stageOptions: [...stageOptions, { value: 'all', text: 'All stages' }], stageNames: STAGE_NAMES, ...(await pathway.matrix(p, stage)) });
  });
}
