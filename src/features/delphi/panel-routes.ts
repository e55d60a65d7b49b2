import type { FastifyInstance, FastifyRequest } from 'fastify';
import { programmeResource } from '../../platform/http/route-helpers';
import { emptyForm, parseForm } from '../../platform/forms/forms';
import { inviteOrder, inviteSchema } from './schema';
import type { DelphiRouteContext } from './route-context';

/** The study's panel: who is on it, how each round went for them, and inviting more by email. */
export function panelRoutes(app: FastifyInstance, ctx: DelphiRouteContext) {
  const { delphi, programmes, base, studyOr404 } = ctx;

  async function panelPage(request: FastifyRequest, extra: Record<string, unknown> = {}) {
    const { study, programme, canManage } = await studyOr404(request);
    const [status, attrition, types, areas, rounds] = await Promise.all([
      delphi.panelStatus(study),
      delphi.attrition(study),
      programmes.stakeholderTypesOf(programme.id),
      programmes.areasOf(programme.id),
      delphi.rounds(study.id),
    ]);
    return {
      title: `Panel – ${study.title}`,
      study,
      programme,
      base: base(study),
      status,
      attrition,
      canManage,
      open: rounds.find((r) => r.status === 'open'),
      typeOptions: types.map((t) => ({ value: t.name, text: t.name })),
      areaOptions: areas.map((a) => ({ value: a.name, text: a.name })),
      form: emptyForm(),
      ...extra,
    };
  }

  app.get(
    '/programmes/:programmeId/delphi/:studyId/panel',
    { config: { permission: 'delphi.view', resource: programmeResource } },
    async (request, reply) => reply.render('delphi/views/panel.njk', await panelPage(request)),
  );

  app.post(
    '/programmes/:programmeId/delphi/:studyId/panel',
    { config: { permission: 'delphi.manage', resource: programmeResource } },
    async (request, reply) => {
      const { study } = await studyOr404(request);
      const parsed = parseForm(inviteSchema, request.body, inviteOrder);
      if (!parsed.ok)
        return reply.render('delphi/views/panel.njk', await panelPage(request, { form: parsed.form }), 400);
      const { added, already } = await delphi.invite(
        study,
        parsed.data.emails,
        parsed.data.stakeholderType,
        parsed.data.area,
        request.auditContext(),
      );
      request.flash(
        'success',
        `${added.length} added to the panel.${already.length ? ` Already on the panel: ${already.join(', ')}.` : ''}`,
      );
      return reply.redirect(`${base(study)}/panel`);
    },
  );
}
