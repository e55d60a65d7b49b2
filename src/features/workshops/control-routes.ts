import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { programmeResource } from '../../platform/http/route-helpers';
import { streamEvents } from '../../platform/events/sse';
import { channelOf, type ControlAction } from './model';
import { controlFormSchema } from './schema';
import type { WorkshopRouteContext } from './route-context';

/** What the console says once a control has worked. */
const CONTROL_MESSAGES: Record<ControlAction, (votes: number) => string> = {
  start: () => 'Activity started. Everyone sees it now.',
  pause: () => 'Board paused. Participants cannot add notes until you resume.',
  resume: () => 'Board resumed.',
  end: () => 'Workshop ended. The record is ready to export.',
  'private-on': () => 'Private mode on: participants see only their own notes until you reveal them.',
  'private-off': () => 'Notes revealed to everyone.',
  reveal: () => 'Notes revealed to everyone.',
  'voting-open': (n) => `Voting open with ${n} vote${n === 1 ? '' : 's'} each.`,
  'voting-close': () => 'Voting closed.',
  'votes-reveal': () => 'Vote results are showing to everyone.',
  close: () => 'Activity closed to new notes.',
};

/**
 * Running the workshop: the facilitator's console and its controls, the projector, and the
 * workshop's event stream (Server-Sent Events) that the console, the projector and every
 * participant's board follow.
 */
export function controlRoutes(app: FastifyInstance, c: WorkshopRouteContext) {
  const {
    workshops,
    consolePath,
    workshopOr404,
    consoleModel,
    participantOf,
    participantResource,
    wantsFragment,
    act,
  } = c;
  const view = { permission: 'workshop.view' as const, resource: programmeResource };

  app.get('/programmes/:programmeId/workshops/:workshopId', { config: view }, async (request, reply) => {
    const model = await consoleModel(request);
    if (wantsFragment(request)) return reply.render('workshops/views/_console-board.njk', { ...model, fragment: true });
    return reply.render('workshops/views/console.njk', model);
  });

  app.post(
    '/programmes/:programmeId/workshops/:workshopId/control',
    { config: { permission: 'workshop.run', resource: programmeResource } },
    async (request, reply) =>
      act(request, reply, controlFormSchema, async (w, v) => {
        await workshops.control(w, v.action, v, request.auditContext());
        return CONTROL_MESSAGES[v.action](Number(v.votesPerPerson));
      }),
  );

  app.get('/programmes/:programmeId/workshops/:workshopId/projector', { config: view }, async (request, reply) => {
    const workshop = await workshopOr404(request);
    const model = {
      title: `Projector – ${workshop.title}`,
      workshop,
      board: await workshops.board(workshop, { kind: 'projector' }),
      joinUrl: `${app.platform.config.baseUrl}/join`,
      connected: await workshops.connected(workshop.id),
      base: consolePath(workshop),
      lastEventId: await app.platform.events.lastSeq(channelOf(workshop.id)),
    };
    if (wantsFragment(request)) return reply.render('workshops/views/_projector-board.njk', model);
    return reply.render('workshops/views/projector.njk', model);
  });

  /** The workshop's events from Last-Event-ID on; each screen connected counts as present. */
  const stream = (request: FastifyRequest, reply: FastifyReply, workshopId: string) =>
    streamEvents(
      request,
      reply,
      app.platform.events,
      channelOf(workshopId),
      undefined,
      () => void app.platform.events.recordPresence(channelOf(workshopId)).catch(() => undefined),
    );

  app.get('/programmes/:programmeId/workshops/:workshopId/events', { config: view }, async (request, reply) => {
    const w = await workshopOr404(request);
    await stream(request, reply, w.id);
  });

  app.get(
    '/workshops/:workshopId/events',
    { config: { permission: 'workshop.participant', resource: participantResource } },
    async (request, reply) => {
      const { workshop } = await participantOf(request);
      await stream(request, reply, workshop.id);
    },
  );
}
