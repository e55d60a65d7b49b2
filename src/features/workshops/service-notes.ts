import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { LIMITS, noteTextProblem, NOTE_EDIT_EMPTY, NOTE_EMPTY } from './schema';
import type { NoteOrganising } from './model';
import type { WorkshopsContext } from './service-context';
import * as repo from './repository';

/**
 * Notes on the board: a participant adds, edits or withdraws their own; a facilitator adds one for
 * the room, makes clusters and organises notes into them (move, hide, show, merge duplicates).
 */
export function createNotes({ db, publish, change, activityOf }: WorkshopsContext) {
  /** Notes must go to the activity running now, in a live workshop that is not paused. */
  function assertOpen(workshop: repo.Workshop, activity: repo.Activity) {
    if (workshop.status !== 'live')
      throw new FieldError(
        'text',
        workshop.status === 'ended' ? 'This workshop has ended' : 'This workshop has not started yet',
      );
    if (workshop.paused)
      throw new FieldError(
        'text',
        'The facilitator has paused the board. Keep your note: you can add it when the board is back',
      );
    if (workshop.currentActivityId !== activity.id || activity.closed)
      throw new FieldError('text', 'This activity is closed. Add your note to the current activity');
  }

  return {
    /**
     * Adds a note to the current activity. The note is stored before the
     * answer goes back; the same client key twice adds it once.
     */
    async addNote(
      workshop: repo.Workshop,
      input: {
        activityId: string;
        text: string;
        clientKey: string;
        participant: repo.Participant | null;
        enteredBy: string | null;
      },
      ctx: AuditContext,
    ) {
      const text = input.text.trim();
      const problem = noteTextProblem(text, NOTE_EMPTY);
      if (problem) throw new FieldError('text', problem);
      if (!/^[A-Za-z0-9_-]{8,64}$/.test(input.clientKey))
        throw new FieldError('text', 'The form was out of date. Reload the page and add your note again');
      const activity = await activityOf(workshop, input.activityId);
      if (input.participant && input.participant.workshopId !== workshop.id)
        throw new FieldError('text', 'You have not joined this workshop');
      return db.transaction(async (tx) => {
        const fresh = await repo.getWorkshop(tx, workshop.id);
        assertOpen(fresh!, (await repo.getActivity(tx, activity.id))!);
        const { note, fresh: isNew } = await repo.insertNote(tx, {
          activityId: activity.id,
          participantId: input.participant?.id ?? null,
          enteredBy: input.enteredBy,
          text,
          clientKey: input.clientKey,
        });
        if (isNew) {
          // Events carry no note text: screens fetch what their viewer may see, so a note later
          // withdrawn or hidden, or written in private mode, never sits in the stored stream.
          await publish(tx, workshop.id, 'note.added', { activityId: activity.id, noteId: note.id });
          if (input.enteredBy)
            await recordAudit(tx, ctx, {
              action: 'workshop.note-entered-for-room',
              entityType: 'workshop_note',
              entityId: note.id,
              details: { workshopId: workshop.id },
            });
        }
        return { note, fresh: isNew };
      });
    },

    /** A participant edits or withdraws their own note while its activity is open. */
    async changeOwnNote(
      workshop: repo.Workshop,
      participant: repo.Participant,
      noteId: string,
      change: { text: string } | { withdraw: true },
    ) {
      const note = await repo.getNote(db, noteId);
      const activity = note ? await repo.getActivity(db, note.activityId) : undefined;
      if (!note || !activity || activity.workshopId !== workshop.id)
        throw new FieldError('text', 'That note is not on this board');
      if (note.participantId !== participant.id) throw new FieldError('text', 'You can only change your own notes');
      if (note.withdrawnAt) throw new FieldError('text', 'That note has already been withdrawn');
      assertOpen(workshop, activity);
      let values: { text?: string; withdrawnAt?: Date };
      if ('withdraw' in change) values = { withdrawnAt: new Date() };
      else {
        const text = change.text.trim();
        const problem = noteTextProblem(text, NOTE_EDIT_EMPTY);
        if (problem) throw new FieldError('text', problem);
        values = { text };
      }
      await db.transaction(async (tx) => {
        await repo.updateNotes(tx, [note.id], values);
        await publish(tx, workshop.id, 'note.changed', { activityId: activity.id });
      });
    },

    /**
     * Adds a cluster to an activity and gives its id. A name already used in
     * the activity gives back that cluster instead of a second one (the
     * natural key, so an API retry or a repeated form adds one).
     */
    async createCluster(workshop: repo.Workshop, activityId: string, name: string, ctx: AuditContext): Promise<string> {
      const activity = await activityOf(workshop, activityId);
      if (!name.trim() || name.length > LIMITS.cluster)
        throw new FieldError('clusterName', `Name the cluster, in ${LIMITS.cluster} characters or fewer`);
      const same = (await repo.clustersOf(db, [activity.id])).find(
        (c) => c.name.toLowerCase() === name.trim().toLowerCase(),
      );
      if (same) return same.id;
      let id = '';
      await change(
        workshop,
        ctx,
        'cluster-created',
        async (tx) => {
          id = (await repo.insertCluster(tx, activity.id, name.trim())).id;
          return { activityId: activity.id, name };
        },
        'cluster.changed',
      );
      return id;
    },

    /**
     * The keyboard and no-JavaScript way to group notes: select notes, then
     * move them to a cluster (or out of every cluster), hide, show, or merge as duplicates.
     */
    async organise(
      workshop: repo.Workshop,
      activityId: string,
      noteIds: string[],
      action: NoteOrganising,
      ctx: AuditContext,
    ) {
      const activity = await activityOf(workshop, activityId);
      const all = (await repo.notesOf(db, [activity.id])).filter((n) => noteIds.includes(n.id) && !n.withdrawnAt);
      if (all.length === 0) throw new FieldError('notes', 'Select one or more notes first');
      if (action.kind === 'move' && action.clusterId) {
        const cluster = await repo.getCluster(db, action.clusterId);
        if (!cluster || cluster.activityId !== activity.id)
          throw new FieldError('clusterId', 'Choose a cluster of this activity');
      }
      if (action.kind === 'merge' && all.length < 2)
        throw new FieldError('notes', 'Select two or more notes to merge as duplicates');
      await change(
        workshop,
        ctx,
        `notes-${action.kind}`,
        async (tx) => {
          if (action.kind === 'move')
            await repo.updateNotes(
              tx,
              all.map((n) => n.id),
              { clusterId: action.clusterId },
            );
          else if (action.kind === 'hide')
            await repo.updateNotes(
              tx,
              all.map((n) => n.id),
              { hidden: action.hidden },
            );
          else {
            // The earliest note stays; the others are kept in the record as its duplicates and leave the board.
            const [keep, ...rest] = all;
            await repo.updateNotes(
              tx,
              rest.map((n) => n.id),
              { duplicateOf: keep!.id, hidden: true, clusterId: keep!.clusterId },
            );
          }
          return { activityId: activity.id, notes: all.map((n) => n.id), action };
        },
        'note.changed',
      );
    },
  };
}
