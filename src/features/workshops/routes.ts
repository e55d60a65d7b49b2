import { randomUUID } from 'node:crypto';
import {
  formList as toArray,
  programmeResource,
  sendAttachment,
  uploadedFile,
  bodyField,
  fileSlug,
} from '../../platform/http/route-helpers';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/auth/policy';
import { parseEmailList } from '../../platform/auth/email';
import { notFound } from '../../platform/errors/http-error';
import { apiError } from '../../platform/errors/error-handler';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { textProblems } from '../../platform/forms/text-guard';
import { nhsNumberProblem } from '../../platform/forms/nhs-number';
import { streamEvents } from '../../platform/events/sse';
import { toCsvText } from '../../exports/csv';
import { toXlsx } from '../../exports/xlsx';
import { extractText } from '../../exports/extract-text';
import { safeFilename } from '../../platform/storage/files';
import { ukLocalToDate } from '../../platform/forms/dates';
import type { ProgrammesService } from '../programmes/service';
import { PILLARS, WORKSHOP_KINDS, WORKSHOP_STATUS_LABELS } from './board';
import { joinOrder, joinSchemaFor, workshopFormOrder, workshopFormSchema } from './schema';
import {
  channelOf,
  MAX_NOTE,
  noteTextProblem,
  NOTE_EDIT_EMPTY,
  NOTE_EMPTY,
  type ControlAction,
  type WorkshopsService,
} from './service';
import type { Workshop } from './repository';

/** Transcripts and notes uploaded as sources. */
const MAX_SOURCE_BYTES = 5 * 1024 * 1024;

const participantResource = (request: FastifyRequest) => ({
  workshopId: (request.params as { workshopId?: string }).workshopId,
  joinedWorkshopIds: Object.keys(request.session?.workshops ?? {}),
});
const wantsJson = (request: FastifyRequest) => String(request.headers.accept ?? '').includes('application/json');

/** The most text a transcript may hold once read (a long day's transcript is well under this). */
const MAX_SOURCE_CHARS = 1_000_000;

/**
 * First problem per field of the shared free-text guard, for forms read field by field (not through
 * parseForm). Multipart bodies too: the platform has made their text fields plain strings; an
 * uploaded file is checked by its name here (the name is kept with the source) and by its text
 * where it is read.
 */
const guardProblems = (request: FastifyRequest, own: OwnChecks = {}) => {
  const body = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return textProblems(body);
  const isFile = (v: unknown): v is { filename?: unknown } =>
    !!v && typeof v === 'object' && (v as { type?: unknown }).type === 'file';
  const asText = Object.fromEntries(
    Object.entries(body as Record<string, unknown>).map(([k, v]) => [
      k,
      Array.isArray(v)
        ? v.map((x) => (isFile(x) ? String(x.filename ?? '') : x))
        : isFile(v)
          ? String(v.filename ?? '')
          : v,
    ]),
  );
  const problems = textProblems(asText);
  // A field's own message (its limit, in its words) wins; the guard's generic one only where the field has none.
  for (const [name, check] of Object.entries(own)) {
    const mine = typeof asText[name] === 'string' ? check(asText[name]) : null;
    if (mine) problems[name] = mine;
  }
  return problems;
};

/** Per-field checks a route makes before the shared guard, so their messages come first. */
type OwnChecks = Record<string, (value: string) => string | null>;
const newNote: OwnChecks = { text: (v) => noteTextProblem(v, NOTE_EMPTY) };
const changedNote: OwnChecks = { text: (v) => noteTextProblem(v, NOTE_EDIT_EMPTY) };

export function workshopRoutes(app: FastifyInstance, workshops: WorkshopsService, programmes: ProgrammesService) {
  const consolePath = (w: Workshop) => `/programmes/${w.programmeId}/workshops/${w.id}`;

  // Ids in the path are UUIDs by now: the platform's input guard answers "not found" for any other.
  async function workshopOr404(request: FastifyRequest) {
    const p = request.params as { programmeId?: string; workshopId: string };
    const workshop = await workshops.get(p.workshopId);
    if (!workshop || (p.programmeId && workshop.programmeId !== p.programmeId)) throw notFound('workshop');
    return workshop;
  }

  async function programmeOr404(request: FastifyRequest) {
    const id = (request.params as { programmeId: string }).programmeId;
    const programme = await programmes.get(id);
    if (!programme) throw notFound('programme');
    return programme;
  }

  // ---- facilitators: list, create --------------------------------------------------------
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

  app.get(
    '/programmes/:programmeId/workshops/new',
    { config: { permission: 'workshop.run', resource: programmeResource } },
    async (request, reply) =>
      reply.render(
        'workshops/views/new.njk',
        await newPage(request, emptyForm({ kind: 'area', anonymous: 'no', facilitatorsSeeIdentity: 'no' })),
      ),
  );

  app.post(
    '/programmes/:programmeId/workshops/new',
    { config: { permission: 'workshop.run', resource: programmeResource } },
    async (request, reply) => {
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
    },
  );

  // ---- the console --------------------------------------------------------------------------
  async function consoleModel(request: FastifyRequest, form: FormState = emptyForm({ clientKey: randomUUID() })) {
    const workshop = await workshopOr404(request);
    const programme = (await programmes.get(workshop.programmeId))!;
    const board = await workshops.board(workshop, { kind: 'facilitator' });
    return {
      title: workshop.title,
      programme,
      workshop,
      board,
      base: consolePath(workshop),
      joinUrl: `${app.platform.config.baseUrl}/join/${workshop.joinCode}`,
      connected: await workshops.connected(workshop.id),
      canRun: can(request.actor, 'workshop.run', { programmeId: workshop.programmeId }),
      sources: await workshops.sources(workshop.id),
      lastEventId: await app.platform.events.lastSeq(channelOf(workshop.id)),
      kinds: WORKSHOP_KINDS,
      statuses: WORKSHOP_STATUS_LABELS,
      form,
      maxNote: MAX_NOTE,
    };
  }

  app.get(
    '/programmes/:programmeId/workshops/:workshopId',
    { config: { permission: 'workshop.view', resource: programmeResource } },
    async (request, reply) => {
      const model = await consoleModel(request);
      if ((request.query as { fragment?: string }).fragment)
        return reply.render('workshops/views/_console-board.njk', { ...model, fragment: true });
      return reply.render('workshops/views/console.njk', model);
    },
  );

  /** Runs a facilitator action, then back to the console (or the error shown on it). */
  async function act(
    request: FastifyRequest,
    reply: FastifyReply,
    work: (w: Workshop) => Promise<string>,
    own: OwnChecks = {},
  ) {
    const workshop = await workshopOr404(request);
    // The shared free-text guard over every field, all at once, before anything is done.
    const problems = guardProblems(request, own);
    if (Object.keys(problems).length) {
      if (wantsJson(request))
        return reply.code(400).send(apiError('validation', Object.values(problems)[0]!, problems));
      return reply.render(
        'workshops/views/console.njk',
        await consoleModel(request, formWithErrors(request.body as Record<string, unknown>, problems)),
        400,
      );
    }
    try {
      const message = await work(workshop);
      if (wantsJson(request)) return reply.send({ ok: true, message });
      request.flash('success', message);
      return reply.redirect(`${consolePath(workshop)}#board`);
    } catch (err) {
      if (err instanceof FieldError) {
        if (wantsJson(request))
          return reply.code(400).send(apiError('validation', err.message, { [err.field]: err.message }));
        return reply.render(
          'workshops/views/console.njk',
          await consoleModel(
            request,
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }),
          ),
          400,
        );
      }
      throw err;
    }
  }

  const run = { permission: 'workshop.run' as const, resource: programmeResource };
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
  const field = (request: FastifyRequest, name: string) =>
    String((request.body as Record<string, unknown>)[name] ?? '');

  app.post('/programmes/:programmeId/workshops/:workshopId/control', { config: run }, async (request, reply) =>
    act(request, reply, async (w) => {
      const action = field(request, 'action');
      const n = field(request, 'votesPerPerson');
      await workshops.control(
        w,
        action,
        { activityId: field(request, 'activityId') || undefined, votesPerPerson: n ? Number(n) : undefined },
        request.auditContext(),
      );
      return CONTROL_MESSAGES[action as ControlAction]?.(Number(n)) ?? 'Done.';
    }),
  );

  app.post('/programmes/:programmeId/workshops/:workshopId/activities', { config: run }, async (request, reply) =>
    act(request, reply, async (w) => {
      const minutes = field(request, 'timerMinutes');
      await workshops.addActivity(
        w,
        field(request, 'prompt'),
        minutes ? Math.round(Number(minutes) * 60) : null,
        request.auditContext(),
        bodyField(request.body, '_submission') || undefined,
      );
      return 'Activity added to the script.';
    }),
  );

  app.post(
    '/programmes/:programmeId/workshops/:workshopId/activities/:activityId',
    { config: run },
    async (request, reply) =>
      act(request, reply, async (w) => {
        const activityId = (request.params as { activityId: string }).activityId;
        const action = field(request, 'action');
        if (action === 'up' || action === 'down') {
          await workshops.moveActivity(w, activityId, action, request.auditContext());
          return 'Script reordered.';
        }
        if (action === 'delete') {
          await workshops.deleteActivity(w, activityId, request.auditContext());
          return 'Activity deleted.';
        }
        const minutes = field(request, 'timerMinutes');
        const timer = minutes ? Math.round(Number(minutes) * 60) : null;
        await workshops.setActivity(
          w,
          activityId,
          { prompt: field(request, 'prompt'), timerSeconds: timer },
          request.auditContext(),
        );
        return 'Activity saved.';
      }),
  );

  app.post('/programmes/:programmeId/workshops/:workshopId/clusters', { config: run }, async (request, reply) =>
    act(request, reply, async (w) => {
      await workshops.createCluster(
        w,
        field(request, 'activityId'),
        field(request, 'clusterName'),
        request.auditContext(),
      );
      return `Cluster "${field(request, 'clusterName').trim()}" is on the board.`;
    }),
  );

  app.post('/programmes/:programmeId/workshops/:workshopId/organise', { config: run }, async (request, reply) =>
    act(request, reply, async (w) => {
      const ids = toArray((request.body as Record<string, unknown>).notes);
      const action = field(request, 'action');
      const target = field(request, 'clusterId');
      const ctx = request.auditContext();
      if (action === 'move')
        await workshops.organise(
          w,
          field(request, 'activityId'),
          ids,
          { kind: 'move', clusterId: target || null },
          ctx,
        );
      else if (action === 'hide' || action === 'show')
        await workshops.organise(
          w,
          field(request, 'activityId'),
          ids,
          { kind: 'hide', hidden: action === 'hide' },
          ctx,
        );
      else if (action === 'merge')
        await workshops.organise(w, field(request, 'activityId'), ids, { kind: 'merge' }, ctx);
      else throw new FieldError('action', 'Choose what to do with the selected notes');
      return `${ids.length} note(s) ${action === 'move' ? (target ? 'moved to the cluster' : 'taken out of their cluster') : action === 'merge' ? 'merged as duplicates' : action === 'hide' ? 'hidden' : 'shown again'}.`;
    }),
  );

  app.post('/programmes/:programmeId/workshops/:workshopId/notes', { config: run }, async (request, reply) =>
    act(
      request,
      reply,
      async (w) => {
        await workshops.addNote(
          w,
          {
            activityId: field(request, 'activityId'),
            text: field(request, 'text'),
            clientKey: field(request, 'clientKey'),
            participant: null,
            enteredBy: request.user!.id,
          },
          request.auditContext(),
        );
        return 'Note added for the room.';
      },
      newNote,
    ),
  );

  app.post('/programmes/:programmeId/workshops/:workshopId/invite', { config: run }, async (request, reply) =>
    act(request, reply, async (w) => {
      const list = parseEmailList(field(request, 'emails'));
      if (!list.ok) throw new FieldError('emails', list.message);
      const { sent, already } = await workshops.invite(
        w,
        list.emails,
        request.auditContext(),
        bodyField(request.body, '_submission') || undefined,
      );
      const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'}`;
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

  app.post('/programmes/:programmeId/workshops/:workshopId/template', { config: run }, async (request, reply) =>
    act(request, reply, async (w) => {
      await workshops.saveTemplate(
        w,
        field(request, 'templateName'),
        request.auditContext(),
        bodyField(request.body, '_submission') || undefined,
      );
      return 'Script saved. Choose it when you set up the next workshop.';
    }),
  );

  app.post('/programmes/:programmeId/workshops/:workshopId/sources', { config: run }, async (request, reply) =>
    act(request, reply, async (w) => {
      const file = await uploadedFile(request.body);
      if (!file) throw new FieldError('file', 'Choose a transcript or notes file (TXT, DOCX or PDF)');
      const buffer = file.data;
      if (buffer.length === 0) throw new FieldError('file', 'The file is empty');
      if (buffer.length > MAX_SOURCE_BYTES)
        throw new FieldError(
          'file',
          `The file is larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MB. Upload a file of ${MAX_SOURCE_BYTES / 1024 / 1024} MB or less, or split it`,
        );
      const r = await extractText(file.filename, buffer);
      if (!r.ok) throw new FieldError('file', r.message);
      if (!r.text.trim()) throw new FieldError('file', `No text could be read from ${file.filename}`);
      // Transcripts are free text like any other: bounded, and never a way in for an NHS number.
      if (r.text.length > MAX_SOURCE_CHARS)
        throw new FieldError(
          'file',
          `${file.filename} holds ${r.text.length.toLocaleString('en-GB')} characters of text. Upload ${MAX_SOURCE_CHARS.toLocaleString('en-GB')} characters or fewer, or split it`,
        );
      const nhs = nhsNumberProblem(r.text, file.filename);
      if (nhs) throw new FieldError('file', nhs);
      await workshops.addSource(
        w,
        { filename: safeFilename(file.filename), kind: r.kind, text: r.text },
        request.user!.id,
        request.auditContext(),
        bodyField(request.body, '_submission') || undefined,
      );
      return `${file.filename} added as a source for analysis (${r.text.length.toLocaleString('en-GB')} characters).`;
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

  // ---- record, summary, projector, events ------------------------------------------------------
  const recordHead = [
    'workshop',
    'kind',
    'area',
    'pillar',
    'activity',
    'prompt',
    'cluster',
    'note',
    'votes',
    'cluster votes',
    'stakeholder type',
    'participant area',
    'participant',
    'author',
    'status',
    'created',
    'updated',
  ];
  const recordRow = (r: Awaited<ReturnType<WorkshopsService['record']>>[number]) => [
    r.workshop,
    r.kind,
    r.area,
    r.pillar,
    r.activity,
    r.prompt,
    r.cluster,
    r.note,
    r.votes,
    r.clusterVotes,
    r.stakeholderType,
    r.participantArea,
    r.participant,
    r.author,
    r.status,
    r.createdAt,
    r.updatedAt,
  ];

  app.get(
    '/programmes/:programmeId/workshops/:workshopId/record.:format',
    { config: { permission: 'workshop.view', resource: programmeResource } },
    async (request, reply) => {
      const w = await workshopOr404(request);
      const format = (request.params as { format: string }).format;
      if (format !== 'csv' && format !== 'xlsx') throw notFound('format');
      const rows = (await workshops.record(w)).map(recordRow);
      const name = `${fileSlug(w.title, 'workshop')}-record.${format}`;
      return format === 'csv'
        ? sendAttachment(reply, name, 'text/csv; charset=utf-8', toCsvText(recordHead, rows))
        : sendAttachment(
            reply,
            name,
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            await toXlsx([{ name: 'Notes', head: recordHead, rows }]),
          );
    },
  );

  app.get(
    '/programmes/:programmeId/workshops/:workshopId/summary',
    { config: { permission: 'workshop.view', resource: programmeResource } },
    async (request, reply) => {
      const workshop = await workshopOr404(request);
      const programme = (await programmes.get(workshop.programmeId))!;
      return reply.render('workshops/views/summary.njk', {
        title: `Summary – ${workshop.title}`,
        programme,
        workshop,
        board: await workshops.board(workshop, { kind: 'facilitator' }),
        kinds: WORKSHOP_KINDS,
        statuses: WORKSHOP_STATUS_LABELS,
        base: consolePath(workshop),
      });
    },
  );

  app.get(
    '/programmes/:programmeId/workshops/:workshopId/projector',
    { config: { permission: 'workshop.view', resource: programmeResource } },
    async (request, reply) => {
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
      if ((request.query as { fragment?: string }).fragment)
        return reply.render('workshops/views/_projector-board.njk', model);
      return reply.render('workshops/views/projector.njk', model);
    },
  );

  app.get(
    '/programmes/:programmeId/workshops/:workshopId/events',
    { config: { permission: 'workshop.view', resource: programmeResource } },
    async (request, reply) => {
      const w = await workshopOr404(request);
      await streamEvents(
        request,
        reply,
        app.platform.events,
        channelOf(w.id),
        undefined,
        () => void app.platform.events.recordPresence(channelOf(w.id)).catch(() => undefined),
      );
    },
  );

  // ---- joining ------------------------------------------------------------------------------
  app.get('/join', { config: { permission: 'public' } }, async (request, reply) =>
    reply.render('workshops/views/join-code.njk', { title: 'Join a workshop', form: emptyForm() }),
  );

  app.post('/join', { config: { permission: 'public' } }, async (request, reply) => {
    const found = await workshops.byCode(field(request, 'code'));
    if (!found.ok)
      return reply.render(
        'workshops/views/join-code.njk',
        { title: 'Join a workshop', form: formWithErrors({ code: field(request, 'code') }, { code: found.message }) },
        400,
      );
    return reply.redirect(`/join/${found.workshop.joinCode}`);
  });

  async function joinPage(request: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) {
    const found = await workshops.byCode((request.params as { code: string }).code);
    if (!found.ok)
      return reply.render(
        'workshops/views/join-code.njk',
        {
          title: 'Join a workshop',
          form: formWithErrors({ code: (request.params as { code: string }).code }, { code: found.message }),
        },
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
    const found = await workshops.byCode((request.params as { code: string }).code);
    if (found.ok && request.session.workshops?.[found.workshop.id])
      return reply.redirect(`/workshops/${found.workshop.id}/board`);
    return joinPage(request, reply, emptyForm({ name: request.user?.name ?? '' }));
  });

  app.post('/join/:code', { config: { permission: 'public' } }, async (request, reply) => {
    const found = await workshops.byCode((request.params as { code: string }).code);
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

  // ---- participants ----------------------------------------------------------------------------
  const joined = { permission: 'workshop.participant' as const, resource: participantResource };

  async function participantOf(request: FastifyRequest) {
    const workshop = await workshopOr404(request);
    const participant = await workshops.getParticipant(request.session.workshops![workshop.id]!);
    if (!participant || participant.workshopId !== workshop.id) throw notFound('workshop');
    return { workshop, participant };
  }

  async function boardModel(request: FastifyRequest, form: FormState = emptyForm()) {
    const { workshop, participant } = await participantOf(request);
    const board = await workshops.board(workshop, { kind: 'participant', participantId: participant.id });
    const lastEventId = await app.platform.events.lastSeq(channelOf(workshop.id));
    return {
      title: workshop.title,
      workshop,
      participant,
      board,
      lastEventId,
      form: { ...form, values: { clientKey: randomUUID(), ...form.values } },
      maxNote: MAX_NOTE,
    };
  }

  app.get('/workshops/:workshopId/board', { config: joined }, async (request, reply) => {
    const model = await boardModel(request);
    if ((request.query as { fragment?: string }).fragment)
      return reply.render('workshops/views/_participant-board.njk', model);
    return reply.render('workshops/views/board.njk', model);
  });

  /** A participant's action; JSON for the page's script, a redirect (or the form again) without it. */
  async function participantAct(
    request: FastifyRequest,
    reply: FastifyReply,
    work: (
      w: Workshop,
      p: NonNullable<Awaited<ReturnType<WorkshopsService['getParticipant']>>>,
    ) => Promise<{ message: string; data?: unknown }>,
    own: OwnChecks = {},
  ) {
    const { workshop, participant } = await participantOf(request);
    const problems = guardProblems(request, own);
    if (Object.keys(problems).length) {
      if (wantsJson(request))
        return reply.code(400).send(apiError('validation', Object.values(problems)[0]!, problems));
      return reply.render(
        'workshops/views/board.njk',
        await boardModel(request, formWithErrors(request.body as Record<string, unknown>, problems)),
        400,
      );
    }
    try {
      const { message, data } = await work(workshop, participant);
      if (wantsJson(request)) return reply.send({ ok: true, message, ...(data ? { data } : {}) });
      request.flash('success', message);
      return reply.redirect(`/workshops/${workshop.id}/board`);
    } catch (err) {
      if (err instanceof FieldError) {
        if (wantsJson(request))
          return reply.code(400).send(apiError('validation', err.message, { [err.field]: err.message }));
        return reply.render(
          'workshops/views/board.njk',
          await boardModel(
            request,
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }),
          ),
          400,
        );
      }
      throw err;
    }
  }

  app.post('/workshops/:workshopId/notes', { config: joined }, async (request, reply) =>
    participantAct(
      request,
      reply,
      async (w, p) => {
        const r = await workshops.addNote(
          w,
          {
            activityId: field(request, 'activityId'),
            text: field(request, 'text'),
            clientKey: field(request, 'clientKey'),
            participant: p,
            enteredBy: null,
          },
          request.auditContext(),
        );
        return { message: r.fresh ? 'Note added.' : 'Note already added.', data: { id: r.note.id, text: r.note.text } };
      },
      newNote,
    ),
  );

  app.post('/workshops/:workshopId/notes/:noteId', { config: joined }, async (request, reply) =>
    participantAct(
      request,
      reply,
      async (w, p) => {
        const noteId = (request.params as { noteId: string }).noteId;
        if (field(request, 'action') === 'withdraw') {
          await workshops.changeOwnNote(w, p, noteId, { withdraw: true });
          return { message: 'Note withdrawn.' };
        }
        await workshops.changeOwnNote(w, p, noteId, { text: field(request, 'text') });
        return { message: 'Note changed.' };
      },
      field(request, 'action') === 'withdraw' ? {} : changedNote,
    ),
  );

  app.post('/workshops/:workshopId/votes', { config: joined }, async (request, reply) =>
    participantAct(request, reply, async (w, p) => {
      const target = field(request, 'target');
      const [kind, id] = target.split(':');
      await workshops.vote(
        w,
        p,
        field(request, 'activityId'),
        kind === 'cluster' ? { clusterId: id } : { noteId: id },
        field(request, '_submission') || undefined,
      );
      return { message: 'Vote added.' };
    }),
  );

  app.post('/workshops/:workshopId/votes/:voteId/remove', { config: joined }, async (request, reply) =>
    participantAct(request, reply, async (w, p) => {
      await workshops.unvote(w, p, (request.params as { voteId: string }).voteId, field(request, 'activityId'));
      return { message: 'Vote taken back.' };
    }),
  );

  app.get('/workshops/:workshopId/events', { config: joined }, async (request, reply) => {
    const { workshop } = await participantOf(request);
    await streamEvents(
      request,
      reply,
      app.platform.events,
      channelOf(workshop.id),
      undefined,
      () => void app.platform.events.recordPresence(channelOf(workshop.id)).catch(() => undefined),
    );
  });
}
