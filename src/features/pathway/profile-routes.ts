import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import {
  emptyForm,
  FieldError,
  formWithErrors,
  parseForm,
  zodFieldErrors,
  type FormState,
} from '../../platform/forms/forms';
import { bodyField } from '../../platform/http/route-helpers';
import { STAGE_NAMES } from './stage';
import { profileFields, profileSchema, startSchema, supervisorEmail } from './schema';
import { follow, stageOptions, type PathwayRouteContext } from './route-context';

/** The pathway home page, following a framework, the practitioner's profile and their choice of supervisors. */
export function profileRoutes(app: FastifyInstance, ctx: PathwayRouteContext) {
  const { pathway, review, groups } = ctx;

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
      choices: await pathway.followable(profile.stage),
      form,
    };
  }

  app.get('/pathway', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/home.njk', await homeModel(request)),
  );

  app.post('/pathway/start', { config: follow }, async (request, reply) => {
    const fail = async (form: FormState) => reply.render('pathway/views/home.njk', await homeModel(request, form), 400);
    const parsed = startSchema.safeParse(request.body);
    if (!parsed.success) return fail(formWithErrors({}, zodFieldErrors(parsed.error)));
    try {
      const p = await pathway.start(request.user!.id, parsed.data.versionId, request.auditContext());
      return reply.redirect(`/pathway/${p.id}`);
    } catch (err) {
      if (err instanceof FieldError) return fail(formWithErrors({}, { [err.field]: err.message }));
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
    const parsed = parseForm(profileSchema, request.body, profileFields);
    if (!parsed.ok) return reply.render('pathway/views/profile.njk', await profilePage(request, parsed.form), 400);
    try {
      await pathway.saveProfile(request.user!.id, parsed.data, request.auditContext());
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/profile.njk',
          await profilePage(
            request,
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, profileFields),
          ),
          400,
        );
      throw err;
    }
    request.flash('success', 'Profile saved.');
    return reply.redirect('/pathway');
  });

  app.post('/pathway/supervisors', { config: follow }, async (request, reply) => {
    const parsed = supervisorEmail.safeParse(bodyField(request.body, 'email'));
    try {
      if (!parsed.success) throw new FieldError('email', parsed.error.issues[0]!.message);
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
    if (!(await review.removeSupervisor(request.user!.id, id, request.auditContext()))) throw notFound('supervisor');
    request.flash('success', 'Supervisor removed: they no longer see your portfolio.');
    return reply.redirect('/pathway/profile');
  });
}
