import type { FastifyInstance, FastifyRequest } from 'fastify';
import { programmeResource } from '../../platform/http/route-helpers';
import { can } from '../../platform/auth/policy';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { ukLocalToDate } from '../../platform/forms/dates';
import { PILLARS, WORKSHOP_KINDS, WORKSHOP_STATUS_LABELS } from './board';
import {
  activityEditSchema,
  activityFormSchema,
  templateFormSchema,
  workshopFormOrder,
  workshopFormSchema,
} from './schema';
import type { WorkshopRouteContext } from './route-context';

/** The programme's workshops, setting one up, and its script (questions, timers, saved scripts). */
export function setUpRoutes(app: FastifyInstance, c: WorkshopRouteContext) {
  const { workshops, programmes, programmeOr404, act } = c;
  const run = { permission: 'workshop.run' as const, resource: programmeResource };

  app.get(
    '/programmes/:programmeId/workshops',
    { config: { permission: 'workshop.view', resource: programmeResource } },
    async (request, reply) => {
      const programme = await programmeOr404(request);
      return reply.render('workshops/views/list.njk', {
        title: `Workshops – ${programme.name}`,
        programme,
        workshops: await workshops.list(programme.id),
        kinds: WORKSHOP_KINDS,
        statuses: WORKSHOP_STATUS_LABELS,
        canRun: can(request.actor, 'workshop.run', { programmeId: programme.id }),
      });
    },
  );

  async function newPage(request: FastifyRequest, form: FormState) {
    const programme = await programmeOr404(request);
    const [areas, templates] = await Promise.all([programmes.areasOf(programme.id), workshops.templates(programme.id)]);
    return {
      title: 'Set up a workshop',
      programme,
      form,
      kinds: Object.entries(WORKSHOP_KINDS).map(([value, text]) => ({ value, text })),
      areas: areas.map((a) => ({ value: a.name, text: a.name })),
      pillars: PILLARS.map((p) => ({ value: p, text: p })),
      templates: templates.map((t) => ({ value: t.id, text: t.name })),
    };
  }

  app.get('/programmes/:programmeId/workshops/new', { config: run }, async (request, reply) =>
    reply.render(
      'workshops/views/new.njk',
      await newPage(request, emptyForm({ kind: 'area', anonymous: 'no', facilitatorsSeeIdentity: 'no' })),
    ),
  );

  app.post('/programmes/:programmeId/workshops/new', { config: run }, async (request, reply) => {
    const programme = await programmeOr404(request);
    const parsed = parseForm(workshopFormSchema, request.body, workshopFormOrder);
    if (!parsed.ok) return reply.render('workshops/views/new.njk', await newPage(request, parsed.form), 400);
    const v = parsed.data;
    try {
      const id = await workshops.create(
        programme.id,
        {
          ...v,
          startsAt: v.startsAt ? ukLocalToDate(v.startsAt) : null,
          anonymous: v.anonymous === 'yes',
          facilitatorsSeeIdentity: v.facilitatorsSeeIdentity === 'yes',
        },
        request.user!.id,
        request.auditContext(),
        v._submission,
      );
      request.flash('success', 'Workshop set up. Share the join code or link, then start the first activity.');
      return reply.redirect(`/programmes/${programme.id}/workshops/${id}`);
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'workshops/views/new.njk',
          await newPage(
            request,
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, workshopFormOrder),
          ),
          400,
        );
      throw err;
    }
  });

  app.post('/programmes/:programmeId/workshops/:workshopId/activities', { config: run }, async (request, reply) =>
    act(request, reply, activityFormSchema, async (w, v) => {
      await workshops.addActivity(w, v.prompt, v.timerMinutes, request.auditContext(), v._submission);
      return 'Activity added to the script.';
    }),
  );

  app.post(
    '/programmes/:programmeId/workshops/:workshopId/activities/:activityId',
    { config: run },
    async (request, reply) =>
      act(request, reply, activityEditSchema, async (w, v) => {
        const activityId = (request.params as { activityId: string }).activityId;
        if (v.action === 'up' || v.action === 'down') {
          await workshops.moveActivity(w, activityId, v.action, request.auditContext());
          return 'Script reordered.';
        }
        if (v.action === 'delete') {
          await workshops.deleteActivity(w, activityId, request.auditContext());
          return 'Activity deleted.';
        }
        await workshops.setActivity(
          w,
          activityId,
          { prompt: v.prompt, timerSeconds: v.timerMinutes },
          request.auditContext(),
        );
        return 'Activity saved.';
      }),
  );

  app.post('/programmes/:programmeId/workshops/:workshopId/template', { config: run }, async (request, reply) =>
    act(request, reply, templateFormSchema, async (w, v) => {
      await workshops.saveTemplate(w, v.templateName, request.auditContext(), v._submission);
      return 'Script saved. Choose it when you set up the next workshop.';
    }),
  );
}
