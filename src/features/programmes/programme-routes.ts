import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { can, ROLE_LABELS } from '../../platform/auth/policy';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { programmeResource } from '../../platform/http/route-helpers';
import { programmeOr404, toolAccess } from './programme-page';
import { programmeOrder, programmeSchema } from './schema';
import type { ProgrammesService } from './service';
import { DEFAULT_AREAS, DEFAULT_STAKEHOLDER_TYPES } from './stages';

const editPage = (title: string, form: FormState, action: string, extra: Record<string, unknown> = {}) => ({
  title,
  form,
  action,
  ...extra,
});

/** Setting up a programme: the list, creating one, its home page and changing its details. */
export function programmeSetupRoutes(app: FastifyInstance, programmes: ProgrammesService) {
  app.get('/programmes', { config: { permission: 'programme.list' } }, async (request, reply) => {
    const isAdmin = request.actor.platformRoles.has('admin');
    const list = await programmes.listFor(request.user!.id, isAdmin);
    const rows = list.map((p) => ({
      ...p,
      roles: [...(request.actor.programmeRoles.get(p.id) ?? [])].map((r) => ROLE_LABELS[r]),
    }));
    return reply.render('programmes/views/list.njk', {
      title: 'Programmes',
      programmes: rows,
      canCreate: can(request.actor, 'programme.create'),
    });
  });

  app.get('/programmes/new', { config: { permission: 'programme.create' } }, async (_request, reply) =>
    reply.render(
      'programmes/views/edit.njk',
      editPage(
        'Create a programme',
        emptyForm({
          areas: DEFAULT_AREAS.join('\n'),
          stakeholderTypes: DEFAULT_STAKEHOLDER_TYPES.join('\n'),
          _submission: randomUUID(),
        }),
        '/programmes',
      ),
    ),
  );

  app.post('/programmes', { config: { permission: 'programme.create' } }, async (request, reply) => {
    const show = (form: FormState) =>
      reply.render('programmes/views/edit.njk', editPage('Create a programme', form, '/programmes'), 400);
    const parsed = parseForm(programmeSchema, request.body, programmeOrder);
    if (!parsed.ok) return show(parsed.form);
    try {
      const id = await programmes.create(
        parsed.data,
        request.user!.id,
        request.auditContext(),
        parsed.data._submission,
      );
      request.flash(
        'success',
        `Programme “${parsed.data.name}” created. Invite a programme lead and the other members next.`,
      );
      return reply.redirect(`/programmes/${id}`);
    } catch (err) {
      if (err instanceof FieldError)
        return show(
          formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, programmeOrder),
        );
      throw err;
    }
  });

  app.get(
    '/programmes/:programmeId',
    { config: { permission: 'programme.view', resource: programmeResource } },
    async (request, reply) => {
      const overview = await programmeOr404(programmes, request);
      const myRoles = [...(request.actor.programmeRoles.get(overview.programme.id) ?? [])].map((r) => ROLE_LABELS[r]);
      return reply.render('programmes/views/home.njk', {
        title: overview.programme.name,
        ...overview,
        myRoles,
        canManage: can(request.actor, 'programme.manage', { programmeId: overview.programme.id }),
        canSeeMembers: can(request.actor, 'programme.members.view', { programmeId: overview.programme.id }),
        canSeeFigures: can(request.actor, 'pathway.aggregates', { programmeId: overview.programme.id }),
        ...toolAccess(request, overview.programme.id),
      });
    },
  );

  app.get(
    '/programmes/:programmeId/edit',
    { config: { permission: 'programme.manage', resource: programmeResource } },
    async (request, reply) => {
      const o = await programmeOr404(programmes, request);
      const form = emptyForm({
        name: o.programme.name,
        description: o.programme.description,
        areas: o.areas.map((a) => a.name).join('\n'),
        stakeholderTypes: o.stakeholderTypes.map((t) => t.name).join('\n'),
      });
      return reply.render(
        'programmes/views/edit.njk',
        editPage('Change programme details', form, `/programmes/${o.programme.id}/edit`, { programme: o.programme }),
      );
    },
  );

  app.post(
    '/programmes/:programmeId/edit',
    { config: { permission: 'programme.manage', resource: programmeResource } },
    async (request, reply) => {
      const o = await programmeOr404(programmes, request);
      const action = `/programmes/${o.programme.id}/edit`;
      const show = (form: FormState) =>
        reply.render(
          'programmes/views/edit.njk',
          editPage('Change programme details', form, action, { programme: o.programme }),
          400,
        );
      const parsed = parseForm(programmeSchema, request.body, programmeOrder);
      if (!parsed.ok) return show(parsed.form);
      try {
        await programmes.update(o.programme.id, parsed.data, request.auditContext());
      } catch (err) {
        if (err instanceof FieldError)
          return show(
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, programmeOrder),
          );
        throw err;
      }
      request.flash('success', 'Programme details saved.');
      return reply.redirect(`/programmes/${o.programme.id}`);
    },
  );
}
