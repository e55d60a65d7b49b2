import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { bodyField, pager, programmeResource } from '../../platform/http/route-helpers';
import type { FrameworksService } from '../frameworks/service';
import type { ProgrammesService } from '../programmes/service';
import type { GroupService } from './group-service';
import { STALLED_AFTER_DAYS, SUPPRESS_BELOW } from './cohort';
import { STAGE_NAMES } from './stage';
import { inviteEmail } from './schema';
import { cohortFields, cohortQuerySchema, cohortSchema } from './schema-review';

const COHORT_PAGE = 50;

/** Cohorts for educators, supervisors and programme leads, and a programme's anonymised pathway figures. */
export function cohortRoutes(
  app: FastifyInstance,
  deps: { groups: GroupService; frameworks: FrameworksService; programmes: ProgrammesService },
) {
  const { groups, frameworks, programmes } = deps;

  const cohortResource = async (request: FastifyRequest) => {
    const g = await groups.get((request.params as { groupId: string }).groupId);
    return g && g.kind === 'cohort' ? { ownerId: g.ownerId ?? undefined, programmeId: g.programmeId ?? undefined } : {};
  };
  const view = { permission: 'cohort.view' as const, resource: cohortResource };

  /** Programmes a cohort may belong to: those the person leads or facilitates (any, for an admin). */
  async function cohortProgrammes(request: FastifyRequest) {
    const isAdmin = request.actor.platformRoles.has('admin');
    const mine = new Set(
      [...request.actor.programmeRoles.entries()]
        .filter(([, roles]) => roles.has('lead') || roles.has('facilitator'))
        .map(([id]) => id),
    );
    return (await programmes.listFor(request.user!.id, isAdmin)).filter((p) => isAdmin || mine.has(p.id));
  }

  async function listPage(request: FastifyRequest, form: FormState = emptyForm()) {
    const userId = request.user!.id;
    const leadOf = [...request.actor.programmeRoles.entries()]
      .filter(([, roles]) => roles.has('lead'))
      .map(([id]) => id);
    const mine = (await groups.ownedBy(userId)).filter((g) => g.kind === 'cohort');
    const programmeCohorts = (await groups.ofProgrammes(leadOf)).filter(
      (g) => g.kind === 'cohort' && g.ownerId !== userId,
    );
    const [published, myProgrammes] = await Promise.all([frameworks.list(false), cohortProgrammes(request)]);
    return {
      title: 'Cohorts',
      mine,
      programmeCohorts,
      frameworkOptions: published
        .filter((r) => r.framework.kind === 'core')
        .map((r) => ({ value: r.version!.id, text: `${r.framework.title} (version ${r.version!.label})` })),
      programmeOptions: myProgrammes.map((p) => ({ value: p.id, text: p.name })),
      form,
    };
  }

  app.get('/cohorts', { config: { permission: 'cohort.create' } }, async (request, reply) =>
    reply.render('pathway/views/cohorts.njk', await listPage(request)),
  );

  app.post('/cohorts', { config: { permission: 'cohort.create' } }, async (request, reply) => {
    const parsed = parseForm(cohortSchema, request.body, cohortFields);
    if (!parsed.ok) return reply.render('pathway/views/cohorts.njk', await listPage(request, parsed.form), 400);
    try {
      const allowed = (await cohortProgrammes(request)).map((p) => p.id);
      if (parsed.data.programmeId && !allowed.includes(parsed.data.programmeId))
        throw new FieldError('programmeId', 'Choose a programme you lead or facilitate');
      const g = await groups.create(
        request.user!.id,
        { kind: 'cohort', ...parsed.data },
        request.auditContext(),
        bodyField(request.body, '_submission') || undefined,
      );
      request.flash('success', `Cohort “${g.name}” created. Invite practitioners: they join when they accept.`);
      return reply.redirect(`/cohorts/${g.id}`);
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/cohorts.njk',
          await listPage(
            request,
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }),
          ),
          400,
        );
      throw err;
    }
  });

  async function cohortPage(request: FastifyRequest, form: FormState = emptyForm()) {
    const g = await groups.get((request.params as { groupId: string }).groupId);
    if (!g || g.kind !== 'cohort') throw notFound('cohort');
    const [cohort, members] = await Promise.all([groups.cohortView(g), groups.membersOf(g.id)]);
    const query = cohortQuerySchema.parse(request.query);
    const filter = query.show ?? 'all';
    const matching = filter === 'stalled' ? cohort.rows.filter((r) => r.stalled) : cohort.rows;
    const pages = Math.max(1, Math.ceil(matching.length / COHORT_PAGE));
    const page = Math.min(pages, Math.max(1, query.page));
    return {
      title: g.name,
      group: g,
      ...cohort,
      // A page of people at a time: a 500-person cohort stays quick to load and to read.
      shown: matching.slice((page - 1) * COHORT_PAGE, page * COHORT_PAGE),
      matching: matching.length,
      pager: pager(
        `/cohorts/${g.id}`,
        { show: filter === 'stalled' ? 'stalled' : undefined },
        page,
        matching.length,
        COHORT_PAGE,
      ),
      filter,
      invited: members.filter((m) => !m.acceptedAt),
      stageNames: STAGE_NAMES,
      stalledDays: STALLED_AFTER_DAYS,
      suppressBelow: SUPPRESS_BELOW,
      canInvite: g.ownerId === request.user!.id,
      form,
    };
  }

  app.get('/cohorts/:groupId', { config: view }, async (request, reply) =>
    reply.render('pathway/views/cohort.njk', await cohortPage(request)),
  );

  app.post('/cohorts/:groupId/invite', { config: view }, async (request, reply) => {
    const page = await cohortPage(request);
    // The programme's leads may look, but only the person who runs the cohort invites to it.
    if (!page.canInvite) throw forbidden();
    try {
      const email = inviteEmail.safeParse(bodyField(request.body, 'email'));
      if (!email.success) throw new FieldError('email', email.error.issues[0]!.message);
      const user = await groups.invite(page.group, email.data, request.auditContext());
      request.flash('success', `${user.name} is invited. You see their progress once they accept.`);
      return reply.redirect(`/cohorts/${page.group.id}`);
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/cohort.njk',
          { ...page, form: formWithErrors({ email: bodyField(request.body, 'email') }, { email: err.message }) },
          400,
        );
      throw err;
    }
  });

  app.get(
    '/programmes/:programmeId/pathway-figures',
    { config: { permission: 'pathway.aggregates', resource: programmeResource } },
    async (request, reply) => {
      const { programmeId } = request.params as { programmeId: string };
      const overview = await programmes.overview(programmeId);
      if (!overview) throw notFound('programme');
      return reply.render('pathway/views/figures.njk', {
        title: 'Pathway figures',
        programme: overview.programme,
        figures: await groups.programmeAggregates(programmeId),
        stageNames: STAGE_NAMES,
        suppressBelow: SUPPRESS_BELOW,
      });
    },
  );
}
