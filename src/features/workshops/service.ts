import { randomBytes } from 'node:crypto';
import { once } from '../../platform/db/idempotency';
import type { Platform } from '../../platform/http/types';
import type { Db } from '../../platform/db/database';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { nhsNumberProblem } from '../../platform/forms/nhs-number';
import {
  authorLabel,
  canSee,
  DEFAULT_SCRIPT,
  joinCode,
  normaliseCode,
  secondsLeft,
  votesLeft,
  WORKSHOP_KINDS,
  type Viewer,
  type WorkshopKind,
} from './board';
import { definitionProblems, LIMITS } from './schema';
import * as repo from './repository';

export const MAX_NOTE = 500;

export const NOTE_EMPTY = 'Write your note before adding it';
export const NOTE_EDIT_EMPTY = 'Write your note, or withdraw it instead';

/**
 * What is wrong with a note's text, in the note's own words, or null. Routes check this before
 * the shared free-text guard so a very long note gets the note's limit, not the guard's generic one.
 */
export function noteTextProblem(raw: string, emptyMessage: string): string | null {
  const text = raw.trim();
  if (!text) return emptyMessage;
  if (text.length > MAX_NOTE)
    return `A note must be ${MAX_NOTE} characters or fewer (this one is ${text.length.toLocaleString('en-GB')})`;
  return nhsNumberProblem(text, 'your note');
}

const CODE_TTL_MS = 30 * 86_400_000;

export const channelOf = (workshopId: string) => `workshop:${workshopId}`;

export interface WorkshopInput {
  kind: WorkshopKind;
  title: string;
  area: string | null;
  pillar: string | null;
  startsAt: Date | null;
  place: string;
  onlineUrl: string;
  anonymous: boolean;
  facilitatorsSeeIdentity: boolean;
  templateId: string | null;
}

/** A timer is none, or 1 to 240 minutes (as seconds); anything else, including what was not a number, is refused. */
function checkTimer(seconds: number | null) {
  if (seconds !== null && (!Number.isFinite(seconds) || seconds < 30 || seconds > 4 * 3600))
    throw new FieldError('timerMinutes', 'Set a timer from 1 to 240 minutes, or none');
}

/** What a facilitator can do to a running workshop ('private-off' reveals, like 'reveal'). */
export const CONTROL_ACTIONS = [
  'start',
  'pause',
  'resume',
  'end',
  'private-on',
  'private-off',
  'reveal',
  'voting-open',
  'voting-close',
  'votes-reveal',
  'close',
] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

export interface WorkshopsDeps {
  /** The names of a programme's clinical areas (from the programmes feature), so a workshop's area is one of them. */
  areaNames?: (programmeId: string) => Promise<string[]>;
}

export function createWorkshopsService(platform: Platform, deps: WorkshopsDeps = {}) {
  const { db, events } = platform;

  const publish = (tx: Db, workshopId: string, type: string, data: Record<string, unknown>) =>
    events.publish(tx, channelOf(workshopId), type, data);

  /** Runs a facilitator's change to a workshop in one transaction, with its event and audit entry. */
  async function change(
    workshop: repo.Workshop,
    ctx: AuditContext,
    action: string,
    work: (tx: Db) => Promise<Record<string, unknown> | void>,
    eventType = 'workshop.changed',
    submissionKey?: string,
  ) {
    await once(db, submissionKey, ctx.actorId ?? null, async (tx) => {
      const details = (await work(tx)) ?? {};
      await publish(tx, workshop.id, eventType, details);
      await recordAudit(tx, ctx, {
        action: `workshop.${action}`,
        entityType: 'workshop',
        entityId: workshop.id,
        details,
      });
    });
  }

  async function activityOf(workshop: repo.Workshop, activityId: string): Promise<repo.Activity> {
    const a = await repo.getActivity(db, activityId);
    if (!a || a.workshopId !== workshop.id)
      throw new FieldError('activity', 'That activity is not part of this workshop');
    return a;
  }

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
    async create(
      programmeId: string,
      input: WorkshopInput,
      userId: string,
      ctx: AuditContext,
      submissionKey?: string,
    ): Promise<string> {
      // The forms and the API check this first, with every field at once; this keeps any other caller honest.
      const [field, message] = Object.entries(definitionProblems(input.kind, input.area, input.pillar))[0] ?? [];
      if (field) throw new FieldError(field, message!);
      if (input.area && deps.areaNames && !(await deps.areaNames(programmeId)).includes(input.area))
        throw new FieldError('area', 'Choose a clinical area of this programme from the list');
      const template = input.templateId ? await repo.getTemplate(db, input.templateId) : undefined;
      if (input.templateId && (!template || template.programmeId !== programmeId))
        throw new FieldError('templateId', 'Choose a script from the list');
      const script = template
        ? (template.activities as { prompt: string; timerSeconds: number | null }[])
        : DEFAULT_SCRIPT.map((prompt) => ({ prompt, timerSeconds: 600 }));
      return once(db, submissionKey, userId, async (tx) => {
        // A title names one workshop in a programme (and is the natural key that makes an API retry harmless).
        if (
          (await repo.workshopsOf(tx, programmeId)).some(
            (w) => w.title.toLowerCase() === input.title.trim().toLowerCase(),
          )
        ) {
          throw new FieldError(
            'title',
            `There is already a workshop called "${input.title.trim()}" in this programme. Choose another title`,
          );
        }
        let workshop: repo.Workshop | undefined;
        // Codes are random; a clash with a live code is rare, so try again.
        for (let i = 0; !workshop && i < 10; i++) {
          workshop = await repo.insertWorkshop(tx, {
            programmeId,
            kind: input.kind,
            title: input.title,
            area: input.area,
            pillar: input.pillar,
            startsAt: input.startsAt,
            place: input.place,
            onlineUrl: input.onlineUrl,
            anonymous: input.anonymous,
            facilitatorsSeeIdentity: input.facilitatorsSeeIdentity,
            joinCode: joinCode(randomBytes(6)),
            joinCodeExpiresAt: new Date(Date.now() + CODE_TTL_MS),
            createdBy: userId,
          });
        }
        if (!workshop) throw new Error('could not make a unique join code');
        await repo.insertActivities(
          tx,
          script.map((a, position) => ({
            workshopId: workshop.id,
            position,
            prompt: a.prompt,
            timerSeconds: a.timerSeconds,
          })),
        );
        await recordAudit(tx, ctx, {
          action: 'workshop.created',
          entityType: 'workshop',
          entityId: workshop.id,
          details: { programmeId, title: input.title, kind: input.kind },
        });
        return workshop.id;
      });
    },

    get: (id: string) => repo.getWorkshop(db, id),

    /** Notes a signed-in person wrote in workshops, for "download your data". */
    async notesOfUser(userId: string) {
      const rows = await repo.notesOfUser(db, userId);
      return rows.map((r) => ({
        workshop: r.workshop,
        prompt: r.prompt,
        note: r.text,
        createdAt: r.createdAt,
        withdrawn: !!r.withdrawnAt,
      }));
    },
    list: (programmeId: string) => repo.workshopsOf(db, programmeId),
    activities: (id: string) => repo.activitiesOf(db, id),
    templates: (programmeId: string) => repo.templatesOf(db, programmeId),
    sources: (id: string) => repo.sourcesOf(db, id),
    getParticipant: (id: string) => repo.getParticipant(db, id),
    connected: (workshopId: string) => events.connected(channelOf(workshopId)),

    /** Finds the workshop a typed code opens. */
    async byCode(input: string): Promise<{ ok: true; workshop: repo.Workshop } | { ok: false; message: string }> {
      const code = normaliseCode(input);
      if (code.length !== 6)
        return { ok: false, message: 'Enter the 6-character code shown by the facilitator, like K7P2QX' };
      const workshop = await repo.byJoinCode(db, code);
      if (!workshop)
        return { ok: false, message: 'There is no workshop with that code. Check it with the facilitator' };
      if (workshop.joinCodeExpiresAt <= new Date())
        return { ok: false, message: 'That code has expired. Ask the facilitator for the link' };
      if (workshop.status === 'ended') return { ok: false, message: 'That workshop has ended' };
      return { ok: true, workshop };
    },

    /**
     * Joins a person to a workshop (a signed-in user joins once; guests each
     * time, but a repeated submit of one join form joins once). Gives the
     * participant's id.
     */
    async join(
      workshop: repo.Workshop,
      input: { name: string; stakeholderType: string; area: string | null; userId: string | null },
      submissionKey?: string,
    ): Promise<repo.Participant> {
      if (input.userId) {
        const existing = await repo.participantOfUser(db, workshop.id, input.userId);
        if (existing) return existing;
      }
      const { id } = await once(
        db,
        submissionKey && `join:${workshop.id}:${submissionKey}`,
        input.userId,
        async (tx) => {
          const p = await repo.insertParticipant(tx, {
            workshopId: workshop.id,
            userId: input.userId,
            name: workshop.anonymous && !workshop.facilitatorsSeeIdentity ? '' : input.name,
            stakeholderType: input.stakeholderType,
            area: input.area,
          });
          await publish(tx, workshop.id, 'participant.joined', {});
          return { id: p.id };
        },
      );
      return (await repo.getParticipant(db, id))!;
    },

    /** Everything one viewer's board shows, with the visibility rules applied. */
    async board(workshop: repo.Workshop, viewer: Viewer) {
      const list = await repo.activitiesOf(db, workshop.id);
      const ids = list.map((a) => a.id);
      const [allNotes, allClusters, allVotes, people] = await Promise.all([
        repo.notesOf(db, ids),
        repo.clustersOf(db, ids),
        repo.votesOf(db, ids),
        repo.participantsOf(db, workshop.id),
      ]);
      const person = new Map(people.map((p) => [p.id, p]));
      const now = new Date();
      const shown = list.map((a) => {
        const visible = allNotes.filter((n) => n.activityId === a.id && canSee(n, a, viewer));
        const voteCount = (target: { noteId?: string; clusterId?: string }) =>
          allVotes.filter(
            (v) =>
              v.activityId === a.id && (target.noteId ? v.noteId === target.noteId : v.clusterId === target.clusterId),
          ).length;
        const showVotes = viewer.kind === 'facilitator' || a.votesRevealed;
        const mine = viewer.participantId
          ? allVotes.filter((v) => v.activityId === a.id && v.participantId === viewer.participantId)
          : [];
        const noteView = (n: repo.Note) => ({
          ...n,
          own: !!viewer.participantId && n.participantId === viewer.participantId,
          author: authorLabel(
            workshop,
            n.participantId ? (person.get(n.participantId) ?? null) : null,
            viewer,
            !!viewer.participantId && n.participantId === viewer.participantId,
          ),
          votes: showVotes ? voteCount({ noteId: n.id }) : null,
          myVotes: mine.filter((v) => v.noteId === n.id),
        });
        const clusterList = allClusters.filter((c) => c.activityId === a.id);
        return {
          ...a,
          current: workshop.currentActivityId === a.id,
          // An ended (or not yet started) workshop has no clock running.
          secondsLeft: workshop.status === 'live' ? secondsLeft(a.timerSeconds, a.startedAt, now) : null,
          clusters: clusterList.map((c) => ({
            ...c,
            notes: visible.filter((n) => n.clusterId === c.id).map(noteView),
            votes: showVotes ? voteCount({ clusterId: c.id }) : null,
            myVotes: mine.filter((v) => v.clusterId === c.id),
          })),
          loose: visible.filter((n) => !n.clusterId || !clusterList.some((c) => c.id === n.clusterId)).map(noteView),
          noteCount: visible.length,
          votesLeft: viewer.participantId ? votesLeft(a.votesPerPerson, mine.length) : null,
        };
      });
      return {
        workshop,
        activities: shown,
        current: shown.find((a) => a.current) ?? null,
        participants: people.length,
      };
    },

    // ---- notes ---------------------------------------------------------------------

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

    // ---- facilitation ----------------------------------------------------------------

    async start(workshop: repo.Workshop, activityId: string, ctx: AuditContext) {
      if (workshop.status === 'ended')
        throw new FieldError('action', 'This workshop has ended; set up a new one to run it again');
      const activity = await activityOf(workshop, activityId);
      await change(
        workshop,
        ctx,
        'activity-started',
        async (tx) => {
          await repo.updateActivity(tx, activity.id, { startedAt: new Date(), closed: false });
          await repo.updateWorkshop(tx, workshop.id, { status: 'live', currentActivityId: activity.id, paused: false });
          return { activityId: activity.id };
        },
        'activity.changed',
      );
    },

    async setPaused(workshop: repo.Workshop, paused: boolean, ctx: AuditContext) {
      await change(workshop, ctx, paused ? 'paused' : 'resumed', async (tx) => {
        await repo.updateWorkshop(tx, workshop.id, { paused });
        return { paused };
      });
    },

    async end(workshop: repo.Workshop, ctx: AuditContext) {
      await change(workshop, ctx, 'ended', async (tx) => {
        await repo.updateWorkshop(tx, workshop.id, { status: 'ended', paused: false });
        // Screens stop their timers on this.
        return { status: 'ended' };
      });
    },

    /**
     * One of the facilitator's controls, as the console and the API both send
     * them. Activity controls need the activity; opening voting needs the number
     * of votes each (1 to 20).
     */
    async control(
      workshop: repo.Workshop,
      action: string,
      opts: { activityId?: string; votesPerPerson?: number },
      ctx: AuditContext,
    ) {
      if (!(CONTROL_ACTIONS as readonly string[]).includes(action)) throw new FieldError('action', 'Choose what to do');
      if (action === 'pause' || action === 'resume') return this.setPaused(workshop, action === 'pause', ctx);
      if (action === 'end') return this.end(workshop, ctx);
      if (!opts.activityId) throw new FieldError('activityId', 'Give the activity this applies to');
      const id = opts.activityId;
      switch (action as ControlAction) {
        case 'start':
          return this.start(workshop, id, ctx);
        case 'private-on':
          return this.setActivity(workshop, id, { privateMode: true, revealed: false }, ctx);
        case 'voting-open':
          return this.setActivity(
            workshop,
            id,
            { votingOpen: true, votesPerPerson: opts.votesPerPerson ?? Number.NaN, votesRevealed: false },
            ctx,
          );
        case 'voting-close':
          return this.setActivity(workshop, id, { votingOpen: false }, ctx);
        case 'votes-reveal':
          return this.setActivity(workshop, id, { votesRevealed: true }, ctx);
        case 'close':
          return this.setActivity(workshop, id, { closed: true }, ctx);
        default: // 'reveal' (and 'private-off', its other name)
          return this.setActivity(workshop, id, { revealed: true }, ctx);
      }
    },

    /** Private mode, reveal, voting on/off and its allowance, showing the results, closing, the question and timer. */
    async setActivity(
      workshop: repo.Workshop,
      activityId: string,
      values: Partial<
        Pick<
          repo.Activity,
          | 'privateMode'
          | 'revealed'
          | 'votingOpen'
          | 'votesPerPerson'
          | 'votesRevealed'
          | 'closed'
          | 'timerSeconds'
          | 'prompt'
        >
      >,
      ctx: AuditContext,
    ) {
      const activity = await activityOf(workshop, activityId);
      if (
        values.votesPerPerson !== undefined &&
        (!Number.isInteger(values.votesPerPerson) || values.votesPerPerson < 1 || values.votesPerPerson > 20)
      ) {
        throw new FieldError('votesPerPerson', 'Give each person from 1 to 20 votes');
      }
      if (values.prompt !== undefined && (!values.prompt.trim() || values.prompt.length > 500))
        throw new FieldError('prompt', 'Enter the question, in 500 characters or fewer');
      if (values.timerSeconds !== undefined) checkTimer(values.timerSeconds);
      await change(
        workshop,
        ctx,
        'activity-changed',
        async (tx) => {
          await repo.updateActivity(tx, activity.id, values);
          return { activityId: activity.id, ...values };
        },
        'activity.changed',
      );
    },

    async addActivity(
      workshop: repo.Workshop,
      prompt: string,
      timerSeconds: number | null,
      ctx: AuditContext,
      submissionKey?: string,
    ) {
      if (!prompt.trim() || prompt.length > 500)
        throw new FieldError('prompt', 'Enter the question, in 500 characters or fewer');
      checkTimer(timerSeconds);
      await change(
        workshop,
        ctx,
        'activity-added',
        async (tx) => {
          await repo.insertActivities(tx, [
            {
              workshopId: workshop.id,
              position: await repo.nextActivityPosition(tx, workshop.id),
              prompt: prompt.trim(),
              timerSeconds,
            },
          ]);
          return { prompt };
        },
        'workshop.changed',
        submissionKey,
      );
    },

    /** Swaps an activity with its neighbour: the keyboard way to reorder the script. */
    async moveActivity(workshop: repo.Workshop, activityId: string, direction: 'up' | 'down', ctx: AuditContext) {
      const list = await repo.activitiesOf(db, workshop.id);
      const i = list.findIndex((a) => a.id === activityId);
      const j = direction === 'up' ? i - 1 : i + 1;
      if (i < 0) throw new FieldError('activity', 'That activity is not part of this workshop');
      if (j < 0 || j >= list.length) return;
      await change(workshop, ctx, 'activity-moved', async (tx) => {
        await repo.updateActivity(tx, list[i]!.id, { position: list[j]!.position });
        await repo.updateActivity(tx, list[j]!.id, { position: list[i]!.position });
        return { activityId, direction };
      });
    },

    async deleteActivity(workshop: repo.Workshop, activityId: string, ctx: AuditContext) {
      const activity = await activityOf(workshop, activityId);
      if ((await repo.activeNotesCount(db, activity.id)) > 0)
        throw new FieldError(
          'activity',
          'This activity has notes, which are part of the record. Close it instead of deleting it',
        );
      if (workshop.currentActivityId === activity.id)
        throw new FieldError('activity', 'Start another activity before deleting the current one');
      await change(workshop, ctx, 'activity-deleted', async (tx) => {
        await repo.deleteActivity(tx, activity.id);
        return { prompt: activity.prompt };
      });
    },

    async saveTemplate(workshop: repo.Workshop, name: string, ctx: AuditContext, submissionKey?: string) {
      if (!name.trim() || name.length > LIMITS.template)
        throw new FieldError('templateName', `Name the script, in ${LIMITS.template} characters or fewer`);
      const list = await repo.activitiesOf(db, workshop.id);
      await once(db, submissionKey, ctx.actorId ?? null, async (tx) => {
        await repo.insertTemplate(
          tx,
          workshop.programmeId,
          name.trim(),
          list.map((a) => ({ prompt: a.prompt, timerSeconds: a.timerSeconds })),
        );
        await recordAudit(tx, ctx, {
          action: 'workshop.script-saved',
          entityType: 'workshop',
          entityId: workshop.id,
          details: { name },
        });
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
      action: { kind: 'move'; clusterId: string | null } | { kind: 'hide'; hidden: boolean } | { kind: 'merge' },
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

    /** One vote for a note or cluster, within the person's allowance; checked under a lock so double clicks cannot overspend. */
    async vote(
      workshop: repo.Workshop,
      participant: repo.Participant,
      activityId: string,
      target: { noteId?: string; clusterId?: string },
      submissionKey?: string,
    ) {
      const activity = await activityOf(workshop, activityId);
      if (participant.workshopId !== workshop.id) throw new FieldError('vote', 'You have not joined this workshop');
      if (!activity.votingOpen) throw new FieldError('vote', 'Voting is not open for this activity');
      // A double click on one vote button votes once; each button carries its own key.
      await once(db, submissionKey && `vote:${participant.id}:${submissionKey}`, null, async (tx) => {
        await repo.lockActivity(tx, activity.id);
        const current = (await repo.getActivity(tx, activity.id))!;
        if (!current.votingOpen) throw new FieldError('vote', 'Voting has closed for this activity');
        if (target.noteId) {
          const note = await repo.getNote(tx, target.noteId);
          if (!note || note.activityId !== activity.id || note.withdrawnAt || note.hidden)
            throw new FieldError('vote', 'That note is not on this board');
        } else if (target.clusterId) {
          const c = await repo.getCluster(tx, target.clusterId);
          if (!c || c.activityId !== activity.id) throw new FieldError('vote', 'That cluster is not on this board');
        } else throw new FieldError('vote', 'Choose what to vote for');
        const used = await repo.countVotes(tx, activity.id, participant.id);
        if (used >= current.votesPerPerson)
          throw new FieldError(
            'vote',
            `You have used all ${current.votesPerPerson} of your votes. Take one back to vote for something else`,
          );
        await repo.insertVote(tx, {
          activityId: activity.id,
          participantId: participant.id,
          noteId: target.noteId ?? null,
          clusterId: target.clusterId ?? null,
        });
        await publish(tx, workshop.id, 'vote.changed', { activityId: activity.id });
      });
    },

    async unvote(workshop: repo.Workshop, participant: repo.Participant, voteId: string, activityId: string) {
      const activity = await activityOf(workshop, activityId);
      if (!activity.votingOpen) throw new FieldError('vote', 'Voting has closed');
      await db.transaction(async (tx) => {
        await repo.lockActivity(tx, activity.id);
        if (!(await repo.getActivity(tx, activity.id))!.votingOpen) throw new FieldError('vote', 'Voting has closed');
        if (!(await repo.deleteVote(tx, voteId, participant.id, activity.id)))
          throw new FieldError('vote', 'That vote is not yours, or was already taken back');
        await publish(tx, workshop.id, 'vote.changed', { activityId: activity.id });
      });
    },

    /**
     * Emails people the join link, each address once per workshop however
     * often it is typed or the form is sent. Says who was emailed now and who
     * already had the link.
     */
    async invite(
      workshop: repo.Workshop,
      emails: string[],
      ctx: AuditContext,
      submissionKey?: string,
    ): Promise<{ sent: string[]; already: string[] }> {
      if (emails.length === 0) throw new FieldError('emails', 'Enter at least one email address');
      const link = `${platform.config.baseUrl}/join/${workshop.joinCode}`;
      const when = workshop.startsAt
        ? ` on ${workshop.startsAt.toLocaleString('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/London' })}`
        : '';
      return once(db, submissionKey, ctx.actorId ?? null, async (tx) => {
        const sent = await repo.insertInvitations(tx, workshop.id, emails);
        for (const to of sent) {
          await platform.mailer.send(tx, {
            to,
            subject: `Join the workshop "${workshop.title}"`,
            text: [
              'Hello,',
              '',
              `You are invited to take part in the workshop "${workshop.title}"${when}.${workshop.place ? ` Place: ${workshop.place}.` : ''}${workshop.onlineUrl ? ` Online: ${workshop.onlineUrl}` : ''}`,
              '',
              `On the day, open ${link} on your phone or computer, or go to ${platform.config.baseUrl}/join and type the code ${workshop.joinCode}.`,
              workshop.anonymous ? 'The workshop is anonymous: nobody else will see who wrote what.' : '',
            ].join('\n'),
          });
        }
        if (sent.length)
          await recordAudit(tx, ctx, {
            action: 'workshop.invited',
            entityType: 'workshop',
            entityId: workshop.id,
            details: { count: sent.length },
          });
        return { sent, already: emails.filter((e) => !sent.includes(e)) };
      });
    },

    async addSource(
      workshop: repo.Workshop,
      file: { filename: string; kind: string; text: string },
      userId: string,
      ctx: AuditContext,
      submissionKey?: string,
    ) {
      await once(db, submissionKey, userId, async (tx) => {
        await repo.insertSource(tx, {
          workshopId: workshop.id,
          filename: file.filename,
          kind: file.kind,
          text: file.text,
          uploadedBy: userId,
        });
        await recordAudit(tx, ctx, {
          action: 'workshop.source-uploaded',
          entityType: 'workshop',
          entityId: workshop.id,
          details: { filename: file.filename, kind: file.kind, characters: file.text.length },
        });
      });
    },

    /**
     * The workshop's record for analysis: every note (withdrawn and hidden
     * ones marked) with its activity, cluster, the votes given to the note and
     * to its cluster, workshop, area, pillar, stakeholder type and times; names
     * only where the workshop allows. A cluster with no notes still has a row,
     * so votes given to it are never lost from the record.
     */
    async record(workshop: repo.Workshop) {
      const list = await repo.activitiesOf(db, workshop.id);
      const ids = list.map((a) => a.id);
      const [allNotes, allClusters, allVotes, people] = await Promise.all([
        repo.notesOf(db, ids),
        repo.clustersOf(db, ids),
        repo.votesOf(db, ids),
        repo.participantsOf(db, workshop.id),
      ]);
      const person = new Map(people.map((p) => [p.id, p]));
      const pseudonym = new Map(people.map((p, i) => [p.id, `P${String(i + 1).padStart(3, '0')}`]));
      const activity = new Map(list.map((a) => [a.id, a]));
      const clusterName = new Map(allClusters.map((c) => [c.id, c.name]));
      const votes = new Map<string, number>();
      for (const v of allVotes) {
        const target = v.noteId ?? v.clusterId;
        if (target) votes.set(target, (votes.get(target) ?? 0) + 1);
      }
      const showNames = !workshop.anonymous || workshop.facilitatorsSeeIdentity;
      const about = {
        workshop: workshop.title,
        kind: WORKSHOP_KINDS[workshop.kind as WorkshopKind] ?? workshop.kind,
        area: workshop.area ?? '',
        pillar: workshop.pillar ?? '',
      };
      const rows = allNotes.map((n) => {
        const a = activity.get(n.activityId)!;
        const p = n.participantId ? person.get(n.participantId) : undefined;
        const inCluster = n.clusterId && clusterName.has(n.clusterId) ? n.clusterId : null;
        return {
          ...about,
          activity: a.position + 1,
          prompt: a.prompt,
          cluster: inCluster ? clusterName.get(inCluster)! : '',
          note: n.text,
          votes: votes.get(n.id) ?? 0,
          clusterVotes: inCluster ? (votes.get(inCluster) ?? 0) : ('' as const),
          stakeholderType: p?.stakeholderType ?? (n.enteredBy ? 'Entered for the room' : ''),
          participantArea: p?.area ?? '',
          author: showNames && p ? p.name : '',
          participant: p ? pseudonym.get(p.id)! : '',
          status: n.withdrawnAt ? 'Withdrawn' : n.duplicateOf ? 'Duplicate' : n.hidden ? 'Hidden' : 'Shown',
          createdAt: n.createdAt.toISOString(),
          updatedAt: n.updatedAt.toISOString(),
        };
      });
      const used = new Set(allNotes.map((n) => n.clusterId));
      for (const c of allClusters.filter((x) => !used.has(x.id))) {
        const a = activity.get(c.activityId)!;
        rows.push({
          ...about,
          activity: a.position + 1,
          prompt: a.prompt,
          cluster: c.name,
          note: '',
          votes: 0,
          clusterVotes: votes.get(c.id) ?? 0,
          stakeholderType: '',
          participantArea: '',
          author: '',
          participant: '',
          status: 'Cluster with no notes',
          createdAt: c.createdAt.toISOString(),
          updatedAt: c.createdAt.toISOString(),
        });
      }
      return rows;
    },
  };
}

export type WorkshopsService = ReturnType<typeof createWorkshopsService>;
