import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { bodyField } from '../../platform/http/route-helpers';
import { GOAL_STATUSES } from './plan-service';
import { actionFields, actionSchema, goalFields, goalSchema } from './schema';
import { follow, type PathwayRouteContext } from './route-context';

/** The development plan: goals (seeded from the learning needs, or shared with a team) and their dated actions. */
export function planRoutes(app: FastifyInstance, ctx: PathwayRouteContext) {
  const { pathway, plans, groups, ownOr404 } = ctx;

  async function planPage(
    request: FastifyRequest,
    form: FormState = emptyForm(),
    actionForm: { goalId: string; form: FormState } | null = null,
  ) {
    const p = await ownOr404(request);
    const teams = await groups.teamIdsFor(p.userId, p.frameworkVersionId);
    const [goals, statements, view, memberships] = await Promise.all([
      plans.plan(p, teams),
      pathway.pathwayStatements(p),
      pathway.view(p),
      groups.memberships(p.userId),
    ]);
    return {
      title: 'Development plan',
      pathway: p,
      goals,
      needs: view.needs.length,
      teamOptions: memberships
        .filter((m) => teams.includes(m.group.id))
        .map((m) => ({ value: m.group.id, text: m.group.name })),
      statementOptions: statements
        .filter((s) => s.stage === view.stage)
        .map((s) => ({ value: s.identifier, text: `${s.code} ${s.text}`.slice(0, 140) })),
      statuses: Object.entries(GOAL_STATUSES).map(([value, text]) => ({ value, text })),
      form,
      actionForm,
      // The action fields are named per goal on the page.
      pageErrors: actionForm?.form.errorList.map((e) => ({ ...e, href: `${e.href}-${actionForm.goalId}` })),
    };
  }

  app.get('/pathway/:pathwayId/plan', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/plan.njk', await planPage(request)),
  );

  app.post('/pathway/:pathwayId/plan/seed', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const n = await plans.seedFromNeeds(p, request.auditContext());
    request.flash(
      'success',
      n
        ? `${n} goal${n === 1 ? '' : 's'} added from your learning needs. Add actions and dates to each.`
        : 'Every learning need already has a goal.',
    );
    return reply.redirect(`/pathway/${p.id}/plan`);
  });

  app.post('/pathway/:pathwayId/plan/goals', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const parsed = parseForm(goalSchema, request.body, goalFields);
    if (!parsed.ok) return reply.render('pathway/views/plan.njk', await planPage(request, parsed.form), 400);
    try {
      let groupId: string | null = null;
      if (parsed.data.shared) {
        const teams = await groups.teamIdsFor(p.userId, p.frameworkVersionId);
        if (!teams.includes(parsed.data.shared))
          throw new FieldError('title', 'Choose one of your teams to share the goal with');
        groupId = parsed.data.shared;
      }
      await plans.addGoal(
        p,
        { ...parsed.data, groupId },
        request.auditContext(),
        bodyField(request.body, '_submission') || undefined,
      );
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/plan.njk',
          await planPage(
            request,
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }),
          ),
          400,
        );
      throw err;
    }
    request.flash('success', 'Goal added.');
    return reply.redirect(`/pathway/${p.id}/plan`);
  });

  async function goalOr404(request: FastifyRequest) {
    const p = await ownOr404(request);
    const teams = await groups.teamIdsFor(p.userId, p.frameworkVersionId);
    const g = await plans.goalOf(p, (request.params as { goalId: string }).goalId, teams);
    if (!g) throw notFound('goal');
    return { p, g };
  }

  app.post('/pathway/:pathwayId/plan/goals/:goalId/status', { config: follow }, async (request, reply) => {
    const { p, g } = await goalOr404(request);
    try {
      await plans.setGoalStatus(g, bodyField(request.body, 'status'), request.auditContext());
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/plan.njk',
          await planPage(request, formWithErrors({}, { [`status-${g.id}`]: err.message })),
          400,
        );
      throw err;
    }
    request.flash(
      'success',
      `“${g.title}” is now ${GOAL_STATUSES[bodyField(request.body, 'status') as keyof typeof GOAL_STATUSES].toLowerCase()}.`,
    );
    return reply.redirect(`/pathway/${p.id}/plan#goal-${g.id}`);
  });

  app.post('/pathway/:pathwayId/plan/goals/:goalId/delete', { config: follow }, async (request, reply) => {
    const { p, g } = await goalOr404(request);
    await plans.deleteGoal(g, request.auditContext());
    request.flash('success', `Goal “${g.title}” removed.`);
    return reply.redirect(`/pathway/${p.id}/plan`);
  });

  app.post('/pathway/:pathwayId/plan/goals/:goalId/actions', { config: follow }, async (request, reply) => {
    const { p, g } = await goalOr404(request);
    const parsed = parseForm(actionSchema, request.body, actionFields);
    const fail = async (form: FormState) =>
      reply.render('pathway/views/plan.njk', await planPage(request, emptyForm(), { goalId: g.id, form }), 400);
    if (!parsed.ok) return fail(parsed.form);
    try {
      await plans.addAction(
        g,
        parsed.data,
        request.auditContext(),
        bodyField(request.body, '_submission') || undefined,
      );
    } catch (err) {
      if (err instanceof FieldError)
        return fail(formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }));
      throw err;
    }
    request.flash('success', 'Action added. We will email you a week before it is due.');
    return reply.redirect(`/pathway/${p.id}/plan#goal-${g.id}`);
  });

  app.post('/pathway/:pathwayId/plan/goals/:goalId/actions/:actionId', { config: follow }, async (request, reply) => {
    const { p, g } = await goalOr404(request);
    const a = await plans.actionOf(g, (request.params as { actionId: string }).actionId);
    if (!a) throw notFound('action');
    const what = bodyField(request.body, 'do');
    if (what === 'delete') await plans.deleteAction(a);
    else await plans.setActionDone(a, what === 'done');
    request.flash(
      'success',
      what === 'delete' ? 'Action removed.' : what === 'done' ? 'Action marked done.' : 'Action marked not done.',
    );
    return reply.redirect(`/pathway/${p.id}/plan#goal-${g.id}`);
  });
}
