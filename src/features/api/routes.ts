import type { FastifyInstance, FastifyRequest } from 'fastify';
import { programmeResource } from '../../platform/http/route-helpers';
import { z } from 'zod';
import { ApiRegistry } from '../../platform/http/api';
import { PLATFORM_ROLES, PROGRAMME_ROLES } from '../../platform/auth/policy';
import { emailField } from '../../platform/auth/email';
import { InvitationWaiting, type ProgrammesService } from '../programmes/service';
import { MAX_IMPORT_BYTES, type FrameworksService } from '../frameworks/service';
import type { WorkshopsService } from '../workshops/service';
import { channelOf, CONTROL_ACTIONS } from '../workshops/service';
import { WORKSHOP_KINDS } from '../workshops/board';
import { workshopApiSchema } from '../workshops/schema';
import { streamEvents } from '../../platform/events/sse';
import { FORMATS, type Format } from '../frameworks/model';
import { can } from '../../platform/auth/policy';
import { HttpError } from '../../platform/errors/http-error';
import { STAGE_KEYS, STAGE_STATES } from '../programmes/stages';

const programmeParams = z.object({ programmeId: z.uuid() });
/**
 * The key that makes a create safe to retry: the client's Idempotency-Key
 * header, or else the record's natural key (a programme's name, a workshop's
 * title in its programme), so a retry without the header gets the first
 * record back instead of an error or a second record.
 */
const idempotencyKey = (request: FastifyRequest, natural: string) => {
  const key = request.headers['idempotency-key'];
  return typeof key === 'string' && key.length > 0 && key.length <= 100 ? `api:${key}` : `api-natural:${natural}`;
};

const programmeSummary = z.object({ id: z.uuid(), name: z.string(), description: z.string(), createdAt: z.string() });
const stage = z.object({
  key: z.enum(STAGE_KEYS as [string, ...string[]]),
  number: z.number(),
  title: z.string(),
  state: z.enum(STAGE_STATES),
  note: z.string(),
});
const named = z.object({ id: z.uuid(), name: z.string() });
const programmeDetail = programmeSummary.extend({
  areas: z.array(named),
  stakeholderTypes: z.array(named),
  stages: z.array(stage),
  memberCount: z.number(),
});

const nameList = z
  .array(z.string().trim().min(1).max(100))
  .max(30)
  .refine((a) => new Set(a.map((x) => x.toLowerCase())).size === a.length, 'Each name must appear only once');

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

export function apiRoutes(
  app: FastifyInstance,
  programmes: ProgrammesService,
  frameworks: FrameworksService,
  workshops: WorkshopsService,
): ApiRegistry {
  const api = new ApiRegistry(app);
  const iso = (d: Date) => d.toISOString();

  async function detail(id: string) {
    const o = await programmes.overview(id);
    if (!o) return undefined;
    return {
      id: o.programme.id,
      name: o.programme.name,
      description: o.programme.description,
      createdAt: iso(o.programme.createdAt),
      areas: o.areas.map((a) => ({ id: a.id, name: a.name })),
      stakeholderTypes: o.stakeholderTypes.map((t) => ({ id: t.id, name: t.name })),
      stages: o.stages.map((s) => ({ key: s.key, number: s.number, title: s.title, state: s.state, note: s.note })),
      memberCount: o.memberCount,
    };
  }

  api.route(
    {
      method: 'GET',
      path: '/me',
      tag: 'Accounts',
      summary: 'The signed-in user, with platform roles and programme memberships',
      permission: 'signed-in',
      response: z.object({
        id: z.uuid(),
        email: z.string(),
        name: z.string(),
        profession: z.string().nullable(),
        organisation: z.string().nullable(),
        platformRoles: z.array(z.enum(PLATFORM_ROLES)),
        programmes: z.array(z.object({ programmeId: z.uuid(), roles: z.array(z.enum(PROGRAMME_ROLES)) })),
      }),
    },
    async ({ request }) => {
      const u = request.user!;
      return {
        id: u.id,
        email: u.email,
        name: u.name,
        profession: u.profession,
        organisation: u.organisation,
        platformRoles: [...request.actor.platformRoles],
        programmes: [...request.actor.programmeRoles].map(([programmeId, roles]) => ({
          programmeId,
          roles: [...roles],
        })),
      };
    },
  );

  api.route(
    {
      method: 'GET',
      path: '/programmes',
      tag: 'Programmes',
      summary: 'Programmes you can open (all of them for an admin)',
      permission: 'programme.list',
      response: z.object({ programmes: z.array(programmeSummary) }),
    },
    async ({ request }) => {
      const rows = await programmes.listFor(request.user!.id, request.actor.platformRoles.has('admin'));
      return {
        programmes: rows.map((p) => ({
          id: p.id,
          name: p.name,
          description: p.description,
          createdAt: iso(p.createdAt),
        })),
      };
    },
  );

  api.route(
    {
      method: 'POST',
      path: '/programmes',
      tag: 'Programmes',
      summary: 'Create a programme',
      description:
        'Areas and stakeholder types default to the three clinical areas and six stakeholder types when left out.',
      permission: 'programme.create',
      status: 201,
      body: z.object({
        name: z.string().trim().min(1, 'Enter a programme name').max(200),
        description: z.string().trim().max(5000).default(''),
        areas: nameList.default([]),
        stakeholderTypes: nameList.default([]),
      }),
      response: programmeDetail,
    },
    async ({ body, request }) => {
      const id = await programmes.create(
        body,
        request.user!.id,
        request.auditContext(),
        idempotencyKey(request, `programme:${body.name.toLowerCase()}`),
      );
      return detail(id);
    },
  );

  api.route(
    {
      method: 'GET',
      path: '/programmes/:programmeId',
      tag: 'Programmes',
      summary: 'A programme with its areas, stakeholder types and co-creation stages',
      permission: 'programme.view',
      resource: programmeResource,
      params: programmeParams,
      response: programmeDetail,
    },
    async ({ params }) => detail(params.programmeId),
  );

  api.route(
    {
      method: 'PUT',
      path: '/programmes/:programmeId/stages/:stage',
      tag: 'Programmes',
      summary: 'Set the state of a co-creation stage',
      permission: 'programme.manage',
      resource: programmeResource,
      params: programmeParams.extend({ stage: z.enum(STAGE_KEYS as [string, ...string[]]) }),
      body: z.object({ state: z.enum(STAGE_STATES), note: z.string().trim().max(2000).default('') }),
      response: programmeDetail,
    },
    async ({ params, body, request }) => {
      if (!(await programmes.get(params.programmeId))) return undefined;
      await programmes.setStage(
        params.programmeId,
        params.stage as (typeof STAGE_KEYS)[number],
        body.state,
        body.note,
        request.user!.id,
        request.auditContext(),
      );
      return detail(params.programmeId);
    },
  );

  api.route(
    {
      method: 'GET',
      path: '/programmes/:programmeId/members',
      tag: 'Programmes',
      summary: 'Members and waiting invitations',
      permission: 'programme.members.view',
      resource: programmeResource,
      params: programmeParams,
      response: z.object({
        members: z.array(
          z.object({
            userId: z.uuid(),
            name: z.string(),
            email: z.string(),
            role: z.enum(PROGRAMME_ROLES),
            stakeholderType: z.string().nullable(),
            area: z.string().nullable(),
            joinedAt: z.string(),
          }),
        ),
        invitations: z.array(
          z.object({
            id: z.uuid(),
            email: z.string(),
            role: z.enum(PROGRAMME_ROLES),
            expiresAt: z.string(),
            expired: z.boolean(),
          }),
        ),
      }),
    },
    async ({ params }) => {
      if (!(await programmes.get(params.programmeId))) return undefined;
      const { members, invitations } = await programmes.members(params.programmeId);
      return {
        members: members.map((m) => ({ ...m, joinedAt: iso(m.joinedAt) })),
        invitations: invitations.map((i) => ({
          id: i.id,
          email: i.email,
          role: i.role,
          expiresAt: iso(i.expiresAt),
          expired: i.expired,
        })),
      };
    },
  );

  api.route(
    {
      method: 'POST',
      path: '/programmes/:programmeId/invitations',
      tag: 'Programmes',
      summary: 'Invite someone to the programme by email',
      description:
        'Participants need a stakeholderTypeId from the programme. One invitation waits per person per programme: the same invitation sent again (a retry, with or without Idempotency-Key) answers with the one already waiting and sends no second email; a different role for someone already invited is refused.',
      permission: 'programme.members.invite',
      resource: programmeResource,
      status: 201,
      params: programmeParams,
      body: z
        .object({
          email: emailField,
          role: z.enum(PROGRAMME_ROLES),
          stakeholderTypeId: z.uuid().nullable().default(null),
          areaId: z.uuid().nullable().default(null),
        })
        .refine((v) => v.role !== 'participant' || v.stakeholderTypeId !== null, {
          path: ['stakeholderTypeId'],
          message: 'Participants need a stakeholder type',
        }),
      response: z.object({ id: z.uuid() }),
    },
    async ({ params, body, request }) => {
      if (!(await programmes.get(params.programmeId))) return undefined;
      const header = request.headers['idempotency-key'];
      try {
        const id = await programmes.invite(
          params.programmeId,
          body,
          { id: request.user!.id, name: request.user!.name },
          request.auditContext(),
          typeof header === 'string' && header && header.length <= 100 ? `api:${header}` : undefined,
        );
        return { id };
      } catch (err) {
        // The invitation's natural key is (programme, email): the same invitation asked for again is the one waiting.
        if (err instanceof InvitationWaiting && err.sameTerms) return { id: err.invitationId };
        throw err;
      }
    },
  );

  // ---- frameworks ------------------------------------------------------------------
  const fwParams = z.object({ shortName: z.string().min(1).max(40) });
  const versionParams = fwParams.extend({ label: z.string().min(1).max(40) });
  const versionSummary = z.object({
    label: z.string(),
    status: z.enum(['draft', 'published', 'superseded']),
    publishedAt: z.string().nullable(),
    changedAt: z.string(),
  });
  const manages = (request: FastifyRequest) => can(request.actor, 'framework.manage');
  const summary = (v: { label: string; status: string; publishedAt: string | null; changedAt: Date }) => ({
    label: v.label,
    status: v.status as 'draft',
    publishedAt: v.publishedAt,
    changedAt: v.changedAt.toISOString(),
  });

  api.route(
    {
      method: 'GET',
      path: '/frameworks',
      tag: 'Frameworks',
      summary: 'Frameworks with the version shown by default (drafts only for people who manage frameworks)',
      permission: 'framework.view',
      response: z.object({
        frameworks: z.array(
          z.object({
            shortName: z.string(),
            title: z.string(),
            publisher: z.string(),
            kind: z.enum(['core', 'area']),
            area: z.string().nullable(),
            version: versionSummary,
          }),
        ),
      }),
    },
    async ({ request }) => ({
      frameworks: (await frameworks.list(manages(request))).map((r) => ({
        shortName: r.framework.shortName,
        title: r.framework.title,
        publisher: r.framework.publisher,
        kind: r.framework.kind as 'core',
        area: r.framework.area,
        version: summary(r.version!),
      })),
    }),
  );

  api.route(
    {
      method: 'GET',
      path: '/frameworks/:shortName/versions/:label',
      tag: 'Frameworks',
      summary:
        'A framework version as a Waymark JSON document: domains, capabilities, statements with stages, impacts and mappings',
      permission: 'framework.view',
      params: versionParams,
      response: z.record(z.string(), z.unknown()).describe('A Waymark JSON framework document'),
    },
    async ({ params, request }) => {
      const found = await frameworks.find(params.shortName, params.label, manages(request));
      return found ? frameworks.docOf(found.version) : undefined;
    },
  );

  api.route(
    {
      method: 'GET',
      path: '/frameworks/:shortName/versions/:label/statements/:code',
      tag: 'Frameworks',
      summary: 'One statement (or any item) with its ancestors, mappings and provenance links',
      permission: 'framework.view',
      params: versionParams.extend({ code: z.string().min(1).max(40) }),
      response: z.object({
        code: z.string(),
        type: z.string(),
        text: z.string(),
        stage: z.string().nullable(),
        stageLabel: z.string().nullable(),
        area: z.string().nullable(),
        ancestors: z.array(z.object({ code: z.string(), type: z.string(), text: z.string() })),
        mappedFrom: z.array(z.object({ shortName: z.string(), code: z.string(), kind: z.string() })),
        mapsTo: z.array(z.object({ shortName: z.string(), code: z.string(), kind: z.string() })),
        provenance: z.array(
          z.object({ sourceType: z.string(), sourceId: z.string(), label: z.string(), detail: z.string() }),
        ),
      }),
    },
    async ({ params, request }) => {
      const found = await frameworks.find(params.shortName, params.label, manages(request));
      if (!found) return undefined;
      const s = await frameworks.statement(found.framework, found.version, params.code);
      if (!s) return undefined;
      return {
        code: s.item.code,
        type: s.item.type,
        text: s.item.text,
        stage: s.item.stage,
        stageLabel: s.stageLabel,
        area: s.item.area,
        ancestors: s.ancestors.map((a) => ({ code: a.code, type: a.type, text: a.text })),
        mappedFrom: s.mappedFrom.map((m) => ({ shortName: m.shortName, code: m.fromCode, kind: m.kind })),
        mapsTo: s.mapsTo.map((m) => ({ shortName: m.toFramework, code: m.toCode, kind: m.kind })),
        provenance: s.provenance.map((p) => ({
          sourceType: p.sourceType,
          sourceId: p.sourceId,
          label: p.label,
          detail: p.detail,
        })),
      };
    },
  );

  const change = z.object({
    code: z.string(),
    type: z.string(),
    before: z
      .object({ code: z.string(), text: z.string(), stage: z.string().nullable(), parentCode: z.string().nullable() })
      .optional(),
    after: z
      .object({ code: z.string(), text: z.string(), stage: z.string().nullable(), parentCode: z.string().nullable() })
      .optional(),
    changes: z.array(z.string()),
  });
  api.route(
    {
      method: 'GET',
      path: '/frameworks/:shortName/diff',
      tag: 'Frameworks',
      summary: 'What changed between two versions: added, removed, reworded, moved and stage changed',
      permission: 'framework.view',
      params: fwParams,
      query: z.object({
        from: z.string().min(1, 'Give the version to compare from'),
        to: z.string().min(1, 'Give the version to compare with'),
      }),
      response: z.object({
        from: z.string(),
        to: z.string(),
        added: z.array(change),
        removed: z.array(change),
        reworded: z.array(change),
        moved: z.array(change),
        stageChanged: z.array(change),
        unchanged: z.number(),
      }),
    },
    async ({ params, query, request }) => {
      const [a, b] = await Promise.all([
        frameworks.find(params.shortName, query.from, manages(request)),
        frameworks.find(params.shortName, query.to, manages(request)),
      ]);
      if (!a || !b) return undefined;
      const d = await frameworks.diff(a.version, b.version);
      const slim = (c: (typeof d.added)[number]) => ({
        code: c.code,
        type: c.type,
        changes: c.changes,
        ...(c.before
          ? {
              before: {
                code: c.before.code,
                text: c.before.text,
                stage: c.before.stage,
                parentCode: c.before.parentCode,
              },
            }
          : {}),
        ...(c.after
          ? { after: { code: c.after.code, text: c.after.text, stage: c.after.stage, parentCode: c.after.parentCode } }
          : {}),
      });
      return {
        from: query.from,
        to: query.to,
        added: d.added.map(slim),
        removed: d.removed.map(slim),
        reworded: d.reworded.map(slim),
        moved: d.moved.map(slim),
        stageChanged: d.stageChanged.map(slim),
        unchanged: d.unchanged,
      };
    },
  );

  api.route(
    {
      method: 'GET',
      path: '/frameworks/:shortName/versions/:label/export',
      tag: 'Frameworks',
      summary: 'The version in CASE 1.1 JSON, CSV or Waymark JSON, as text',
      permission: 'framework.view',
      params: versionParams,
      query: z.object({ format: z.enum(FORMATS, { message: 'format must be case, csv or json' }) }),
      response: z.object({ format: z.enum(FORMATS), filename: z.string(), content: z.string() }),
    },
    async ({ params, query, request }) => {
      const found = await frameworks.find(params.shortName, params.label, manages(request));
      if (!found) return undefined;
      const doc = await frameworks.docOf(found.version);
      return {
        format: query.format,
        filename: `${doc.framework.shortName}-${doc.version.label}.${query.format === 'case' ? 'case.json' : query.format}`,
        content: await frameworks.serialise(doc, query.format),
      };
    },
  );

  api.route(
    {
      method: 'POST',
      path: '/frameworks/import',
      tag: 'Frameworks',
      summary: 'Import a framework file; a file for an existing framework becomes a new version',
      description:
        'Nothing is imported when the file has problems: the 400 answer lists each one in error.fields, keyed by line or item.',
      permission: 'framework.manage',
      status: 201,
      body: z.object({
        format: z.enum(FORMATS),
        content: z
          .string()
          .min(1, 'Send the file content')
          .max(MAX_IMPORT_BYTES, `The file must be ${MAX_IMPORT_BYTES / 1024 / 1024} MB or less`),
      }),
      textGuard: { files: { content: MAX_IMPORT_BYTES } },
      response: z.object({ shortName: z.string(), label: z.string(), status: z.string(), items: z.number() }),
    },
    async ({ body, request }) => {
      const preview = await frameworks.preview(body.format as Format, body.content);
      if (!preview.ok) {
        throw new HttpError(
          400,
          `The file has ${preview.problems.length} problem(s); nothing was imported`,
          'invalid_file',
          Object.fromEntries(
            preview.problems.map((p, i) => [
              `${p.where}${preview.problems.findIndex((q) => q.where === p.where) === i ? '' : ` (${i + 1})`}`,
              p.message,
            ]),
          ),
        );
      }
      const version = await frameworks.importDoc(preview.doc, request.user!.id, request.auditContext());
      return {
        shortName: preview.doc.framework.shortName,
        label: version.label,
        status: version.status,
        items: preview.doc.items.length,
      };
    },
  );

  // ---- workshops -------------------------------------------------------------------
  const wsParams = programmeParams.extend({ workshopId: z.uuid() });
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
      params: wsParams,
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
      params: wsParams,
      body: z.object({ activityId: z.uuid(), text: z.string(), clientKey: z.string() }),
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
      params: wsParams,
      body: z.object({ activityId: z.uuid(), name: z.string() }),
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
      params: wsParams,
      body: z.object({
        activityId: z.uuid(),
        noteIds: z.array(z.uuid()).min(1, 'Give one or more note ids'),
        action: z.enum(['move', 'hide', 'show', 'merge']),
        clusterId: z.uuid().nullable().default(null),
      }),
      response: z.object({ ok: z.literal(true) }),
    },
    async ({ params, body, request }) => {
      const w = await workshopIn(params);
      if (!w) return undefined;
      const action =
        body.action === 'move'
          ? ({ kind: 'move', clusterId: body.clusterId } as const)
          : body.action === 'merge'
            ? ({ kind: 'merge' } as const)
            : ({ kind: 'hide', hidden: body.action === 'hide' } as const);
      await workshops.organise(w, body.activityId, body.noteIds, action, request.auditContext());
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
      params: wsParams,
      body: z.object({
        action: z.enum(CONTROL_ACTIONS),
        activityId: z.uuid().optional(),
        votesPerPerson: z.number().int().optional(),
      }),
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
      const p = wsParams.safeParse(request.params);
      const w = p.success ? await workshopIn(p.data) : undefined;
      if (!w) throw new HttpError(404, 'No such workshop', 'not_found');
      await streamEvents(request, reply, app.platform.events, channelOf(w.id));
    },
  );

  app.get('/api/v1/openapi.json', { config: { permission: 'public' } }, async () =>
    api.openapi({ title: 'Waymark API', version: '1.0.0', serverUrl: app.platform.config.baseUrl }),
  );
  app.get('/api/docs', { config: { permission: 'public' } }, async (_request, reply) =>
    reply.render('api/views/docs.njk', {
      title: 'API documentation',
      operations: api.list(),
      baseUrl: app.platform.config.baseUrl,
    }),
  );
  return api;
}
