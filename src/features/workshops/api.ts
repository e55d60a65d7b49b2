import { programmeParams, idempotencyKey } from '../api/shared';
import type { FastifyInstance } from 'fastify';
import { programmeResource } from '../../platform/http/route-helpers';
import { z } from 'zod';
import type { ApiRegistry } from '../../platform/http/api';
import { type ProgrammesService } from '../programmes/service';
import type { WorkshopsService } from './service';
import { channelOf, organising } from './model';
import { WORKSHOP_KINDS } from './board';
import {
  clusterApiSchema,
  controlApiSchema,
  noteSchema,
  organiseApiSchema,
  workshopApiParams,
  workshopApiSchema,
} from './schema';
import { streamEvents } from '../../platform/events/sse';
import { HttpError } from '../../platform/errors/http-error';

type Workshop = NonNullable<Awaited<ReturnType<WorkshopsService['get']>>>;

/** A workshop as every API answer shows it (the list, the detail and a new one). */
function workshopSummary(w: Workshop) {
  return {
    id: w.id,
    kind: w.kind,
    title: w.title,
    area: w.area,
    pillar: w.pillar,
    status: w.status,
    paused: w.paused,
    anonymous: w.anonymous,
    joinCode: w.joinCode,
  };
}

export function workshopsApi(
  app: FastifyInstance,
  api: ApiRegistry,
  workshops: WorkshopsService,
  programmes: ProgrammesService,
): void {
  // ---- workshops -------------------------------------------------------------------
  async function workshopIn(params: { programmeId: string; workshopId: string }) {
    const w = await workshops.get(params.workshopId);
    return w && w.programmeId === params.programmeId ? w : undefined;
  }
  const noteOut = z.object({
    id: z.uuid(),
    text: z.string(),
    author: z.string().nullable(),
    hidden: z.boolean(),
    votes: z.number().nullable(),
  });
  const activityOut = z.object({
    id: z.uuid(),
    position: z.number(),
    prompt: z.string(),
    current: z.boolean(),
    privateMode: z.boolean(),
    revealed: z.boolean(),
    votingOpen: z.boolean(),
    votesPerPerson: z.number(),
    votesRevealed: z.boolean(),
    closed: z.boolean(),
    clusters: z.array(
      z.object({ id: z.uuid(), name: z.string(), votes: z.number().nullable(), notes: z.array(noteOut) }),
    ),
    notes: z.array(noteOut).describe('Notes in no cluster'),
  });
  const workshopOut = z.object({
    id: z.uuid(),
    kind: z.enum(Object.keys(WORKSHOP_KINDS) as [string, ...string[]]),
    title: z.string(),
    area: z.string().nullable(),
    pillar: z.string().nullable(),
    status: z.string(),
    paused: z.boolean(),
    anonymous: z.boolean(),
    joinCode: z.string(),
  });

  api.route(
    {
      method: 'GET',
      path: '/programmes/:programmeId/workshops',
      tag: 'Workshops',
      summary: "The programme's workshops",
      permission: 'workshop.view',
      resource: programmeResource,
      params: programmeParams,
      response: z.object({ workshops: z.array(workshopOut) }),
    },
    async ({ params }) => ({
      workshops: (await workshops.list(params.programmeId)).map(workshopSummary),
    }),
  );

  api.route(
    {
      method: 'GET',
      path: '/programmes/:programmeId/workshops/:workshopId',
      tag: 'Workshops',
      summary: 'A workshop with its activities, clusters, notes and votes, as facilitators see it',
      description:
        'Live changes arrive on GET /api/v1/programmes/{programmeId}/workshops/{workshopId}/events, a text/event-stream (Server-Sent Events) that resumes from the Last-Event-ID header.',
      permission: 'workshop.view',
      resource: programmeResource,
      params: workshopApiParams,
      response: workshopOut.extend({ participants: z.number(), activities: z.array(activityOut) }),
    },
    async ({ params }) => {
      const w = await workshopIn(params);
      if (!w) return undefined;
      const b = await workshops.board(w, { kind: 'facilitator' });
      const note = (n: (typeof b.activities)[number]['loose'][number]) => ({
        id: n.id,
        text: n.text,
        author: n.author,
        hidden: n.hidden,
        votes: n.votes,
      });
      return {
        ...workshopSummary(w),
        participants: b.participants,
        activities: b.activities.map((a) => ({
          id: a.id,
          position: a.position,
          prompt: a.prompt,
          current: a.current,
          privateMode: a.privateMode,
          revealed: a.revealed,
          votingOpen: a.votingOpen,
          votesPerPerson: a.votesPerPerson,
          votesRevealed: a.votesRevealed,
          closed: a.closed,
          clusters: a.clusters.map((c) => ({ id: c.id, name: c.name, votes: c.votes, notes: c.notes.map(note) })),
          notes: a.loose.map(note),
        })),
      };
    },
  );

  api.route(
    {
      method: 'POST',
      path: '/programmes/:programmeId/workshops',
      tag: 'Workshops',
      summary: 'Set up a workshop, with the four values-clarification questions or a saved script',
      description:
        'An area workshop (kind "area") needs its clinical area and pillar; an expert practice workshop needs its area. A title names one workshop in a programme, so a retry (with or without Idempotency-Key) answers with the workshop first made.',
      permission: 'workshop.run',
      resource: programmeResource,
      status: 201,
      params: programmeParams,
      body: workshopApiSchema,
      response: workshopOut,
    },
    async ({ params, body, request }) => {
      if (!(await programmes.get(params.programmeId))) return undefined;
      const id = await workshops.create(
        params.programmeId,
        { ...body, startsAt: body.startsAt ? new Date(body.startsAt) : null },
        request.user!.id,
        request.auditContext(),
        idempotencyKey(request, `workshop:${params.programmeId}:${body.title.toLowerCase()}`),
      );
      return workshopSummary((await workshops.get(id))!);
    },
  );

  api.route(
    {
      method: 'POST',
      path: '/programmes/:programmeId/workshops/:workshopId/notes',
      tag: 'Workshops',
      summary: 'Add a note for the room to the current activity (e.g. typed from a flipchart)',
      description: 'Send a clientKey (8–64 letters, digits, - or _) so that a retry adds the note once.',
      permission: 'workshop.run',
      resource: programmeResource,
      status: 201,
      params: workshopApiParams,
      body: noteSchema,
      response: z.object({ id: z.uuid(), text: z.string(), created: z.boolean() }),
    },
    async ({ params, body, request }) => {
      const w = await workshopIn(params);
      if (!w) return undefined;
      const r = await workshops.addNote(
        w,
        { ...body, participant: null, enteredBy: request.user!.id },
        request.auditContext(),
      );
      return { id: r.note.id, text: r.note.text, created: r.fresh };
    },
  );

  api.route(
    {
      method: 'POST',
      path: '/programmes/:programmeId/workshops/:workshopId/clusters',
      tag: 'Workshops',
      summary:
        'Add a cluster to an activity (a name already in the activity answers with that cluster, so a retry adds one)',
      permission: 'workshop.run',
      resource: programmeResource,
      status: 201,
      params: workshopApiParams,
      body: clusterApiSchema,
      response: z.object({ id: z.uuid() }),
    },
    async ({ params, body, request }) => {
      const w = await workshopIn(params);
      if (!w) return undefined;
      return { id: await workshops.createCluster(w, body.activityId, body.name, request.auditContext()) };
    },
  );

  api.route(
    {
      method: 'POST',
      path: '/programmes/:programmeId/workshops/:workshopId/organise',
      tag: 'Workshops',
      summary: 'Move notes to a cluster (or out: clusterId null), hide or show them, or merge them as duplicates',
      permission: 'workshop.run',
      resource: programmeResource,
      params: workshopApiParams,
      body: organiseApiSchema,
      response: z.object({ ok: z.literal(true) }),
    },
    async ({ params, body, request }) => {
      const w = await workshopIn(params);
      if (!w) return undefined;
      await workshops.organise(
        w,
        body.activityId,
        body.noteIds,
        organising(body.action, body.clusterId),
        request.auditContext(),
      );
      return { ok: true as const };
    },
  );

  api.route(
    {
      method: 'POST',
      path: '/programmes/:programmeId/workshops/:workshopId/control',
      tag: 'Workshops',
      summary: 'Run the workshop: start an activity, pause, resume, private mode, reveal, voting, results, close, end',
      permission: 'workshop.run',
      resource: programmeResource,
      params: workshopApiParams,
      body: controlApiSchema,
      response: z.object({ ok: z.literal(true) }),
    },
    async ({ params, body, request }) => {
      const w = await workshopIn(params);
      if (!w) return undefined;
      await workshops.control(w, body.action, body, request.auditContext());
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/programmes/:programmeId/workshops/:workshopId/events',
    { config: { permission: 'workshop.view', resource: programmeResource } },
    async (request, reply) => {
      // The ids in the path are UUIDs by now: the platform's input guard answers "not found" for any other.
      const w = await workshopIn(request.params as { programmeId: string; workshopId: string });
      if (!w) throw new HttpError(404, 'No such workshop', 'not_found');
      await streamEvents(request, reply, app.platform.events, channelOf(w.id));
    },
  );
}
