import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import type { FrameworksService } from '../frameworks/service';
import type { PathwayService } from './service';
import { LEVEL_NAMES, LEVELS, PATHWAY_STAGES, STAGE_NAMES, type PathwayStage } from './stage';

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
    const framework = version ? (await frameworks.list(true)).find((r) => r.framework.id === version.frameworkId)?.framework : undefined;
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
}
