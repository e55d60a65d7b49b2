import type { FastifyInstance } from 'fastify';
import { bodyField, programmeResource } from '../../platform/http/route-helpers';
import { can } from '../../platform/auth/policy';
import { notFound } from '../../platform/errors/http-error';
import { FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { roundStatusLabel } from './labels';
import { settingsOrder, settingsSchema } from './schema';
import { settingsForm, toSettings } from './settings-form';
import type { DelphiRouteContext } from './route-context';

const settingsPage = (title: string, action: string, form: FormState, extra: Record<string, unknown> = {}) => ({
  title,
  action,
  form,
  ...extra,
});

/** A programme's studies, setting one up, its dashboard and its settings. */
export function studyRoutes(app: FastifyInstance, ctx: DelphiRouteContext) {
  const { delphi, programmes, base, studyOr404, dashboardPage } = ctx;

  app.get(
    '/programmes/:programmeId/delphi',
    { config: { permission: 'delphi.view', resource: programmeResource } },
    async (request, reply) => {
      const { programmeId } = request.params as { programmeId: string };
      const programme = await programmes.get(programmeId);
      if (!programme) throw notFound('programme');
      const studies = await delphi.studiesOf(programme.id);
      const withRounds = await Promise.all(studies.map(async (s) => ({ ...s, rounds: await delphi.rounds(s.id) })));
      return reply.render('delphi/views/studies.njk', {
        title: `Delphi studies – ${programme.name}`,
        programme,
        studies: withRounds,
        canManage: can(request.actor, 'delphi.manage', { programmeId }),
        roundStatusLabel,
      });
    },
  );

  app.get(
    '/programmes/:programmeId/delphi/new',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => {
      const programme = await programmes.get((request.params as { programmeId: string }).programmeId);
      if (!programme) throw notFound('programme');
      return reply.render(
        'delphi/views/settings.njk',
        settingsPage('Set up a Delphi study', `/programmes/${programme.id}/delphi/new`, settingsForm(undefined), {
          programme,
          isNew: true,
        }),
      );
    },
  );

  app.post(
    '/programmes/:programmeId/delphi/new',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => {
      const programme = await programmes.get((request.params as { programmeId: string }).programmeId);
      if (!programme) throw notFound('programme');
      const parsed = parseForm(settingsSchema, request.body, settingsOrder);
      if (!parsed.ok)
        return reply.render(
          'delphi/views/settings.njk',
          settingsPage('Set up a Delphi study', `/programmes/${programme.id}/delphi/new`, parsed.form, {
            programme,
            isNew: true,
          }),
          400,
        );
      const id = await delphi.createStudy(
        programme.id,
        toSettings(parsed.data),
        request.user!.id,
        request.auditContext(),
        bodyField(request.body, '_submission') || undefined,
      );
      request.flash('success', 'Study created. Add items and invite the panel, then open round 1.');
      return reply.redirect(`/programmes/${programme.id}/delphi/${id}`);
    },
  );

  app.get(
    '/programmes/:programmeId/delphi/:studyId',
    { config: { permission: 'delphi.view', resource: programmeResource } },
    async (request, reply) => reply.render('delphi/views/dashboard.njk', await dashboardPage(request)),
  );

  app.get(
    '/programmes/:programmeId/delphi/:studyId/settings',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => {
      const { study, programme } = await studyOr404(request);
      return reply.render(
        'delphi/views/settings.njk',
        settingsPage('Study settings', `${base(study)}/settings`, settingsForm(study), {
          programme,
          study,
          changes: await delphi.settingChanges(study.id),
        }),
      );
    },
  );

  app.post(
    '/programmes/:programmeId/delphi/:studyId/settings',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => {
      const { study, programme } = await studyOr404(request);
      const page = async (form: FormState) =>
        reply.render(
          'delphi/views/settings.njk',
          settingsPage('Study settings', `${base(study)}/settings`, form, {
            programme,
            study,
            changes: await delphi.settingChanges(study.id),
          }),
          400,
        );
      const parsed = parseForm(settingsSchema, request.body, settingsOrder);
      if (!parsed.ok) return page(parsed.form);
      try {
        await delphi.updateSettings(
          study,
          toSettings(parsed.data),
          parsed.data.reason,
          request.user!.id,
          request.auditContext(),
        );
      } catch (err) {
        if (err instanceof FieldError)
          return page(
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, settingsOrder),
          );
        throw err;
      }
      request.flash('success', 'Settings saved.');
      return reply.redirect(base(study));
    },
  );
}
