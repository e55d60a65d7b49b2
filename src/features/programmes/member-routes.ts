import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can, PROGRAMME_ROLES, ROLE_LABELS } from '../../platform/auth/policy';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { bodyField, programmeResource } from '../../platform/http/route-helpers';
import { programmeOr404 } from './programme-page';
import { inviteOrder, inviteSchema, memberRoleParams } from './schema';
import type { ProgrammesService } from './service';

const roleOptions = PROGRAMME_ROLES.map((r) => ({ value: r, text: ROLE_LABELS[r] }));
const roleLabel = (role: string) => ROLE_LABELS[role as keyof typeof ROLE_LABELS] ?? role;

/** A programme's members: the list, inviting someone, resending or withdrawing an invitation, removing a role. */
export function memberRoutes(app: FastifyInstance, programmes: ProgrammesService) {
  async function membersPage(request: FastifyRequest, extra: Record<string, unknown> = {}) {
    const o = await programmeOr404(programmes, request);
    const { members, invitations } = await programmes.members(o.programme.id);
    return {
      title: `Members – ${o.programme.name}`,
      programme: o.programme,
      members: members.map((m) => ({ ...m, roleLabel: roleLabel(m.role) })),
      invitations: invitations.map((i) => ({ ...i, roleLabel: roleLabel(i.role) })),
      canInvite: can(request.actor, 'programme.members.invite', { programmeId: o.programme.id }),
      ...extra,
    };
  }

  app.get(
    '/programmes/:programmeId/members',
    { config: { permission: 'programme.members.view', resource: programmeResource } },
    async (request, reply) => reply.render('programmes/views/members.njk', await membersPage(request)),
  );

  async function invitePage(request: FastifyRequest, form: FormState) {
    const o = await programmeOr404(programmes, request);
    return {
      title: `Invite a member – ${o.programme.name}`,
      programme: o.programme,
      form,
      roleOptions,
      stakeholderTypes: o.stakeholderTypes.map((t) => ({ value: t.id, text: t.name })),
      areas: o.areas.map((a) => ({ value: a.id, text: a.name })),
    };
  }

  app.get(
    '/programmes/:programmeId/members/invite',
    { config: { permission: 'programme.members.invite', resource: programmeResource } },
    async (request, reply) =>
      reply.render('programmes/views/invite.njk', await invitePage(request, emptyForm({ _submission: randomUUID() }))),
  );

  app.post(
    '/programmes/:programmeId/members/invite',
    { config: { permission: 'programme.members.invite', resource: programmeResource } },
    async (request, reply) => {
      const o = await programmeOr404(programmes, request);
      const parsed = parseForm(inviteSchema, request.body, inviteOrder);
      if (!parsed.ok) return reply.render('programmes/views/invite.njk', await invitePage(request, parsed.form), 400);
      try {
        await programmes.invite(
          o.programme.id,
          parsed.data,
          { id: request.user!.id, name: request.user!.name },
          request.auditContext(),
          parsed.data._submission,
        );
      } catch (err) {
        if (err instanceof FieldError) {
          return reply.render(
            'programmes/views/invite.njk',
            await invitePage(
              request,
              formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, inviteOrder),
            ),
            400,
          );
        }
        throw err;
      }
      request.flash(
        'success',
        `Invitation sent to ${parsed.data.email} as ${ROLE_LABELS[parsed.data.role].toLowerCase()}.`,
      );
      return reply.redirect(`/programmes/${o.programme.id}/members`);
    },
  );

  // The platform answers 404 for ids that are not UUIDs; the service finds no invitation of another programme.
  type InvitationParams = { programmeId: string; invitationId: string };

  app.post(
    '/programmes/:programmeId/invitations/:invitationId/resend',
    { config: { permission: 'programme.members.invite', resource: programmeResource } },
    async (request, reply) => {
      const { programmeId, invitationId } = request.params as InvitationParams;
      const sent = await programmes.resendInvitation(
        programmeId,
        invitationId,
        { id: request.user!.id, name: request.user!.name },
        request.auditContext(),
        bodyField(request.body, '_submission') || undefined,
      );
      if (!sent) throw notFound('invitation');
      request.flash('success', 'Invitation sent again with a new link. The old link no longer works.');
      return reply.redirect(`/programmes/${programmeId}/members`);
    },
  );

  app.post(
    '/programmes/:programmeId/invitations/:invitationId/revoke',
    { config: { permission: 'programme.members.invite', resource: programmeResource } },
    async (request, reply) => {
      const { programmeId, invitationId } = request.params as InvitationParams;
      if (!(await programmes.revokeInvitation(programmeId, invitationId, request.auditContext())))
        throw notFound('invitation');
      request.flash('success', 'Invitation withdrawn. Its link no longer works.');
      return reply.redirect(`/programmes/${programmeId}/members`);
    },
  );

  app.post(
    '/programmes/:programmeId/members/:userId/:role/remove',
    { config: { permission: 'programme.members.invite', resource: programmeResource } },
    async (request, reply) => {
      const p = memberRoleParams.safeParse(request.params);
      if (!p.success) throw notFound('member');
      try {
        if (!(await programmes.removeMember(p.data.programmeId, p.data.userId, p.data.role, request.auditContext())))
          throw notFound('member');
      } catch (err) {
        if (err instanceof FieldError)
          return reply.render(
            'programmes/views/members.njk',
            await membersPage(request, { form: formWithErrors({}, { member: err.message }) }),
            400,
          );
        throw err;
      }
      request.flash('success', `Removed the ${ROLE_LABELS[p.data.role].toLowerCase()} role.`);
      return reply.redirect(`/programmes/${p.data.programmeId}/members`);
    },
  );
}
