import { programmeParams, idempotencyKey } from '../api/shared';
import { programmeResource } from '../../platform/http/route-helpers';
import { z } from 'zod';
import type { ApiRegistry } from '../../platform/http/api';
import { PROGRAMME_ROLES } from '../../platform/auth/policy';
import { inviteBody, programmeBody, stageApiParams, stageSchema } from './schema';
import { InvitationWaiting, type ProgrammesService } from './service';
import { STAGE_KEYS, STAGE_STATES } from './stages';

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

export function programmesApi(api: ApiRegistry, programmes: ProgrammesService): void {
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
      body: programmeBody,
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
      params: stageApiParams,
      // The same schema as the stage page's form.
      body: stageSchema,
      response: programmeDetail,
    },
    async ({ params, body, request }) => {
      if (!(await programmes.get(params.programmeId))) return undefined;
      await programmes.setStage(
        params.programmeId,
        params.stage,
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
      body: inviteBody,
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
}
