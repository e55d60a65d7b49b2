import type { FastifyInstance } from 'fastify';
import { programmeResource } from '../../platform/http/route-helpers';
import { organising } from './model';
import {
  clusterFormSchema,
  noteChangeSchema,
  noteSchema,
  organiseFormSchema,
  unvoteFormSchema,
  voteFormSchema,
} from './schema';
import type { WorkshopRouteContext } from './route-context';

/** What the organise form says it did to the selected notes. */
function organisedMessage(count: number, action: string, toCluster: boolean) {
  const done =
    action === 'move'
      ? toCluster
        ? 'moved to the cluster'
        : 'taken out of their cluster'
      : action === 'merge'
        ? 'merged as duplicates'
        : action === 'hide'
          ? 'hidden'
          : 'shown again';
  return `${count} note(s) ${done}.`;
}

/**
 * The board and its notes: the facilitator's clusters, organising and notes for the room on the
 * console; a participant's board, their notes (add, change, withdraw) and their votes.
 */
export function boardRoutes(app: FastifyInstance, c: WorkshopRouteContext) {
  const { workshops, boardModel, participantResource, wantsFragment, act, participantAct } = c;
  const run = { permission: 'workshop.run' as const, resource: programmeResource };
  const joined = { permission: 'workshop.participant' as const, resource: participantResource };

  // ---- the facilitator ----------------------------------------------------------------------------
  app.post('/programmes/:programmeId/workshops/:workshopId/clusters', { config: run }, async (request, reply) =>
    act(request, reply, clusterFormSchema, async (w, v) => {
      await workshops.createCluster(w, v.activityId, v.clusterName, request.auditContext());
      return `Cluster "${v.clusterName.trim()}" is on the board.`;
    }),
  );

  app.post('/programmes/:programmeId/workshops/:workshopId/organise', { config: run }, async (request, reply) =>
    act(request, reply, organiseFormSchema, async (w, v) => {
      await workshops.organise(w, v.activityId, v.notes, organising(v.action, v.clusterId), request.auditContext());
      return organisedMessage(v.notes.length, v.action, !!v.clusterId);
    }),
  );

  app.post('/programmes/:programmeId/workshops/:workshopId/notes', { config: run }, async (request, reply) =>
    act(request, reply, noteSchema, async (w, v) => {
      await workshops.addNote(w, { ...v, participant: null, enteredBy: request.user!.id }, request.auditContext());
      return 'Note added for the room.';
    }),
  );

  // ---- a participant ------------------------------------------------------------------------------
  app.get('/workshops/:workshopId/board', { config: joined }, async (request, reply) => {
    const model = await boardModel(request);
    if (wantsFragment(request)) return reply.render('workshops/views/_participant-board.njk', model);
    return reply.render('workshops/views/board.njk', model);
  });

  app.post('/workshops/:workshopId/notes', { config: joined }, async (request, reply) =>
    participantAct(request, reply, noteSchema, async (w, p, v) => {
      const r = await workshops.addNote(w, { ...v, participant: p, enteredBy: null }, request.auditContext());
      return { message: r.fresh ? 'Note added.' : 'Note already added.', data: { id: r.note.id, text: r.note.text } };
    }),
  );

  app.post('/workshops/:workshopId/notes/:noteId', { config: joined }, async (request, reply) =>
    participantAct(request, reply, noteChangeSchema, async (w, p, v) => {
      const noteId = (request.params as { noteId: string }).noteId;
      if (v.action === 'withdraw') {
        await workshops.changeOwnNote(w, p, noteId, { withdraw: true });
        return { message: 'Note withdrawn.' };
      }
      await workshops.changeOwnNote(w, p, noteId, { text: v.text });
      return { message: 'Note changed.' };
    }),
  );

  app.post('/workshops/:workshopId/votes', { config: joined }, async (request, reply) =>
    participantAct(request, reply, voteFormSchema, async (w, p, v) => {
      await workshops.vote(w, p, v.activityId, v.target, v._submission);
      return { message: 'Vote added.' };
    }),
  );

  app.post('/workshops/:workshopId/votes/:voteId/remove', { config: joined }, async (request, reply) =>
    participantAct(request, reply, unvoteFormSchema, async (w, p, v) => {
      await workshops.unvote(w, p, (request.params as { voteId: string }).voteId, v.activityId);
      return { message: 'Vote taken back.' };
    }),
  );
}
