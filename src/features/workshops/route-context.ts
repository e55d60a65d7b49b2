import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { can } from '../../platform/auth/policy';
import { notFound } from '../../platform/errors/http-error';
import { apiError } from '../../platform/errors/error-handler';
import { emptyForm, FieldError, formWithErrors, zodFieldErrors, type FormState } from '../../platform/forms/forms';
import { textProblems } from '../../platform/forms/text-guard';
import type { ProgrammesService } from '../programmes/service';
import { WORKSHOP_KINDS, WORKSHOP_STATUS_LABELS } from './board';
import { channelOf } from './model';
import { fragmentQuery, MAX_NOTE } from './schema';
import type { WorkshopsService } from './service';
import type { Participant, Workshop } from './repository';

/** Who may use a participant's routes: whoever joined the workshop in the URL in this session. */
const participantResource = (request: FastifyRequest) => ({
  workshopId: (request.params as { workshopId?: string }).workshopId,
  joinedWorkshopIds: Object.keys(request.session?.workshops ?? {}),
});

/** Whether the page's script asked for only the live part of a page (`?fragment=1`). */
const wantsFragment = (request: FastifyRequest) => !!fragmentQuery.safeParse(request.query).data?.fragment;

const wantsJson = (request: FastifyRequest) => String(request.headers.accept ?? '').includes('application/json');

/**
 * The shared free-text guard over every field of a body, for forms not read through parseForm.
 * Multipart bodies too: the platform has made their text fields plain strings; an uploaded file
 * is checked by its name here (the name is kept with the source) and by its text where it is read.
 */
function guardProblems(body: unknown) {
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
  return textProblems(asText);
}

/**
 * A body read with its schema and the shared free-text guard, every field at once. A field's own
 * message (from the schema, e.g. a note's limit in its words) wins over the guard's generic one.
 */
function readBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; problems: Record<string, string> } {
  const parsed = schema.safeParse(body ?? {});
  const problems = { ...guardProblems(body), ...(parsed.success ? {} : zodFieldErrors(parsed.error)) };
  if (parsed.success && Object.keys(problems).length === 0) return { ok: true, data: parsed.data };
  return { ok: false, problems };
}

/**
 * What the workshop route files share: the services, the workshop in the URL (checked to belong to
 * the programme in the URL), the console and the participant's board as pages, and the way an
 * action from either is run and answered (a redirect, the page again with its messages, or JSON
 * for the page's script).
 */
export function createRouteContext(app: FastifyInstance, workshops: WorkshopsService, programmes: ProgrammesService) {
  /** The facilitator's console; the workshop's other pages are under it. */
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

  /** The facilitator's console: the board, the controls, the script and the forms. */
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

  /** The participant who joined the workshop in the URL in this session. */
  async function participantOf(request: FastifyRequest) {
    const workshop = await workshopOr404(request);
    const participant = await workshops.getParticipant(request.session.workshops![workshop.id]!);
    if (!participant || participant.workshopId !== workshop.id) throw notFound('workshop');
    return { workshop, participant };
  }

  /** A participant's board: the current activity, the note form and what they may see. */
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

  /**
   * Reads the body with its schema, runs the work, and answers: JSON for the page's script, or a
   * redirect to `done` with the message, or `page` again with the messages beside the fields.
   */
  async function answer<S extends z.ZodType>(
    request: FastifyRequest,
    reply: FastifyReply,
    schema: S,
    work: (data: z.infer<S>) => Promise<{ message: string; data?: unknown }>,
    done: string,
    page: (form: FormState) => Promise<[string, Record<string, unknown>]>,
  ) {
    const again = async (problems: Record<string, string>) => {
      if (wantsJson(request))
        return reply.code(400).send(apiError('validation', Object.values(problems)[0]!, problems));
      const [view, model] = await page(formWithErrors(request.body as Record<string, unknown>, problems));
      return reply.render(view, model, 400);
    };
    const read = readBody(schema, request.body);
    if (!read.ok) return again(read.problems);
    try {
      const { message, data } = await work(read.data);
      if (wantsJson(request)) return reply.send({ ok: true, message, ...(data ? { data } : {}) });
      request.flash('success', message);
      return reply.redirect(done);
    } catch (err) {
      if (err instanceof FieldError) return again({ [err.field]: err.message });
      throw err;
    }
  }

  /** Runs a facilitator action, then back to the console (or the error shown on it). */
  async function act<S extends z.ZodType>(
    request: FastifyRequest,
    reply: FastifyReply,
    schema: S,
    work: (w: Workshop, data: z.infer<S>) => Promise<string>,
  ) {
    const workshop = await workshopOr404(request);
    return answer(
      request,
      reply,
      schema,
      async (data) => ({ message: await work(workshop, data) }),
      `${consolePath(workshop)}#board`,
      async (form) => ['workshops/views/console.njk', await consoleModel(request, form)],
    );
  }

  /** A participant's action; JSON for the page's script, a redirect (or the form again) without it. */
  async function participantAct<S extends z.ZodType>(
    request: FastifyRequest,
    reply: FastifyReply,
    schema: S,
    work: (w: Workshop, p: Participant, data: z.infer<S>) => Promise<{ message: string; data?: unknown }>,
  ) {
    const { workshop, participant } = await participantOf(request);
    return answer(
      request,
      reply,
      schema,
      (data) => work(workshop, participant, data),
      `/workshops/${workshop.id}/board`,
      async (form) => ['workshops/views/board.njk', await boardModel(request, form)],
    );
  }

  return {
    app,
    participantResource,
    wantsFragment,
    workshops,
    programmes,
    consolePath,
    workshopOr404,
    programmeOr404,
    consoleModel,
    participantOf,
    boardModel,
    act,
    participantAct,
  };
}

export type WorkshopRouteContext = ReturnType<typeof createRouteContext>;
