import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { programmeResource } from '../../platform/http/route-helpers';
import { emptyForm, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { inviteFormSchema, joinCodeSchema, joinOrder, joinSchemaFor } from './schema';
import type { WorkshopRouteContext } from './route-context';

const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'}`;

/**
 * People and the workshop: joining with the code (typed on /join, or the link /join/CODE), the
 * join link emailed from the console, and how many screens are connected now.
 */
export function joiningRoutes(app: FastifyInstance, c: WorkshopRouteContext) {
  const { workshops, programmes, workshopOr404, act } = c;

  app.post(
    '/programmes/:programmeId/workshops/:workshopId/invite',
    { config: { permission: 'workshop.run', resource: programmeResource } },
    async (request, reply) =>
      act(request, reply, inviteFormSchema, async (w, v) => {
        const { sent, already } = await workshops.invite(w, v.emails, request.auditContext(), v._submission);
        return [
          `Join link emailed to ${people(sent.length)}.`,
          already.length
            ? `${people(already.length)} already had it (${already.join(', ')}), so were not emailed again.`
            : '',
        ]
          .filter(Boolean)
          .join(' ');
      }),
  );

  app.get(
    '/programmes/:programmeId/workshops/:workshopId/presence',
    { config: { permission: 'workshop.view', resource: programmeResource } },
    async (request) => {
      const w = await workshopOr404(request);
      return { connected: await workshops.connected(w.id) };
    },
  );

  const codePage = (form: FormState) => ({ title: 'Join a workshop', form });

  app.get('/join', { config: { permission: 'public' } }, async (request, reply) =>
    reply.render('workshops/views/join-code.njk', codePage(emptyForm())),
  );

  app.post('/join', { config: { permission: 'public' } }, async (request, reply) => {
    const code = joinCodeSchema.safeParse(request.body ?? {}).data?.code ?? '';
    const found = await workshops.byCode(code);
    if (!found.ok)
      return reply.render(
        'workshops/views/join-code.njk',
        codePage(formWithErrors({ code }, { code: found.message })),
        400,
      );
    return reply.redirect(`/join/${found.workshop.joinCode}`);
  });

  const codeOf = (request: FastifyRequest) => (request.params as { code: string }).code;

  async function joinPage(request: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) {
    const found = await workshops.byCode(codeOf(request));
    if (!found.ok)
      return reply.render(
        'workshops/views/join-code.njk',
        codePage(formWithErrors({ code: codeOf(request) }, { code: found.message })),
        400,
      );
    const types = await programmes.stakeholderTypesOf(found.workshop.programmeId);
    const areas = await programmes.areasOf(found.workshop.programmeId);
    return reply.render(
      'workshops/views/join.njk',
      {
        title: `Join ${found.workshop.title}`,
        workshop: found.workshop,
        form,
        types: types.map((t) => ({ value: t.name, text: t.name })),
        areas: areas.map((a) => ({ value: a.name, text: a.name })),
      },
      status,
    );
  }

  app.get('/join/:code', { config: { permission: 'public' } }, async (request, reply) => {
    const found = await workshops.byCode(codeOf(request));
    if (found.ok && request.session.workshops?.[found.workshop.id])
      return reply.redirect(`/workshops/${found.workshop.id}/board`);
    return joinPage(request, reply, emptyForm({ name: request.user?.name ?? '' }));
  });

  app.post('/join/:code', { config: { permission: 'public' } }, async (request, reply) => {
    const found = await workshops.byCode(codeOf(request));
    if (!found.ok) return joinPage(request, reply, emptyForm(), 400);
    const [types, areas] = await Promise.all([
      programmes.stakeholderTypesOf(found.workshop.programmeId),
      programmes.areasOf(found.workshop.programmeId),
    ]);
    const schema = joinSchemaFor(
      types.map((t) => t.name),
      areas.map((a) => a.name),
    );
    // Where nobody may see names the form asks for none, so a name sent anyway is dropped, not checked.
    const hidesNames = found.workshop.anonymous && !found.workshop.facilitatorsSeeIdentity;
    const parsed = parseForm(
      schema,
      hidesNames ? { ...(request.body as Record<string, unknown>), name: '' } : request.body,
      joinOrder,
    );
    if (!parsed.ok) return joinPage(request, reply, parsed.form, 400);
    const { _submission, ...input } = parsed.data;
    const p = await workshops.join(found.workshop, { ...input, userId: request.user?.id ?? null }, _submission);
    request.session.workshops = { ...(request.session.workshops ?? {}), [found.workshop.id]: p.id };
    return reply.redirect(`/workshops/${found.workshop.id}/board`);
  });
}
