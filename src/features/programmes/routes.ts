import { randomUUID } from 'node:crypto';
import { bodyField, programmeResource } from '../../platform/http/route-helpers';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { notFound } from '../../platform/errors/http-error';
import { can, PROGRAMME_ROLES, ROLE_LABELS } from '../../platform/auth/policy';
import { PASSWORD_HINT } from '../../platform/auth/passwords';
import { startSession } from '../../platform/http/platform-plugin';
import { maskEmail, normaliseEmail } from '../../platform/auth/email';
import type { ProgrammesService } from './service';
import {
  acceptNewAccountSchema,
  inviteOrder,
  inviteSchema,
  programmeOrder,
  programmeSchema,
  stageSchema,
} from './schema';
import {
  DEFAULT_AREAS,
  DEFAULT_STAKEHOLDER_TYPES,
  isStageKey,
  PROGRAMME_STAGES,
  STAGE_STATE_LABELS,
  STAGE_STATES,
} from './stages';

const idParam = z.uuid();

/** Loads the programme named in the URL or answers 404. */
async function programmeOr404(programmes: ProgrammesService, request: FastifyRequest) {
  const id = idParam.safeParse((request.params as { programmeId?: string }).programmeId);
  const overview = id.success ? await programmes.overview(id.data) : undefined;
  if (!overview) throw notFound('programme');
  return overview;
}

const roleOptions = PROGRAMME_ROLES.map((r) => ({ value: r, text: ROLE_LABELS[r] }));

/** Whether this person may open the programme's Delphi studies and workshops (links are shown only then). */
const toolAccess = (request: FastifyRequest, programmeId: string) => ({
  canOpenDelphi: can(request.actor, 'delphi.view', { programmeId }),
  canOpenWorkshops: can(request.actor, 'workshop.view', { programmeId }),
});

export function programmeRoutes(app: FastifyInstance, programmes: ProgrammesService) {
  app.get('/programmes', { config: { permission: 'programme.list' } }, async (request, reply) => {
    const isAdmin = request.actor.platformRoles.has('admin');
    const list = await programmes.listFor(request.user!.id, isAdmin);
    const rows = list.map((p) => ({
      ...p,
      roles: [...(request.actor.programmeRoles.get(p.id) ?? [])].map((r) => ROLE_LABELS[r]),
    }));
    return reply.render('programmes/views/list.njk', {
      title: 'Programmes',
      programmes: rows,
      canCreate: can(request.actor, 'programme.create'),
    });
  });

  const editPage = (title: string, form: FormState, action: string, extra: Record<string, unknown> = {}) => ({
    title,
    form,
    action,
    ...extra,
  });

  app.get('/programmes/new', { config: { permission: 'programme.create' } }, async (_request, reply) =>
    reply.render(
      'programmes/views/edit.njk',
      editPage(
        'Create a programme',
        emptyForm({
          areas: DEFAULT_AREAS.join('\n'),
          stakeholderTypes: DEFAULT_STAKEHOLDER_TYPES.join('\n'),
          _submission: randomUUID(),
        }),
        '/programmes',
      ),
    ),
  );

  app.post('/programmes', { config: { permission: 'programme.create' } }, async (request, reply) => {
    const show = (form: FormState) =>
      reply.render('programmes/views/edit.njk', editPage('Create a programme', form, '/programmes'), 400);
    const parsed = parseForm(programmeSchema, request.body, programmeOrder);
    if (!parsed.ok) return show(parsed.form);
    try {
      const id = await programmes.create(
        parsed.data,
        request.user!.id,
        request.auditContext(),
        parsed.data._submission,
      );
      request.flash(
        'success',
        `Programme “${parsed.data.name}” created. Invite a programme lead and the other members next.`,
      );
      return reply.redirect(`/programmes/${id}`);
    } catch (err) {
      if (err instanceof FieldError)
        return show(
          formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, programmeOrder),
        );
      throw err;
    }
  });

  app.get(
    '/programmes/:programmeId',
    { config: { permission: 'programme.view', resource: programmeResource } },
    async (request, reply) => {
      const overview = await programmeOr404(programmes, request);
      const myRoles = [...(request.actor.programmeRoles.get(overview.programme.id) ?? [])].map((r) => ROLE_LABELS[r]);
      return reply.render('programmes/views/home.njk', {
        title: overview.programme.name,
        ...overview,
        myRoles,
        canManage: can(request.actor, 'programme.manage', { programmeId: overview.programme.id }),
        canSeeMembers: can(request.actor, 'programme.members.view', { programmeId: overview.programme.id }),
        canSeeFigures: can(request.actor, 'pathway.aggregates', { programmeId: overview.programme.id }),
        ...toolAccess(request, overview.programme.id),
      });
    },
  );

  app.get(
    '/programmes/:programmeId/edit',
    { config: { permission: 'programme.manage', resource: programmeResource } },
    async (request, reply) => {
      const o = await programmeOr404(programmes, request);
      const form = emptyForm({
        name: o.programme.name,
        description: o.programme.description,
        areas: o.areas.map((a) => a.name).join('\n'),
        stakeholderTypes: o.stakeholderTypes.map((t) => t.name).join('\n'),
      });
      return reply.render(
        'programmes/views/edit.njk',
        editPage('Change programme details', form, `/programmes/${o.programme.id}/edit`, { programme: o.programme }),
      );
    },
  );

  app.post(
    '/programmes/:programmeId/edit',
    { config: { permission: 'programme.manage', resource: programmeResource } },
    async (request, reply) => {
      const o = await programmeOr404(programmes, request);
      const action = `/programmes/${o.programme.id}/edit`;
      const show = (form: FormState) =>
        reply.render(
          'programmes/views/edit.njk',
          editPage('Change programme details', form, action, { programme: o.programme }),
          400,
        );
      const parsed = parseForm(programmeSchema, request.body, programmeOrder);
      if (!parsed.ok) return show(parsed.form);
      try {
        await programmes.update(o.programme.id, parsed.data, request.auditContext());
      } catch (err) {
        if (err instanceof FieldError)
          return show(
            formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, programmeOrder),
          );
        throw err;
      }
      request.flash('success', 'Programme details saved.');
      return reply.redirect(`/programmes/${o.programme.id}`);
    },
  );

  // ---- stages -----------------------------------------------------------------
  const stageOptions = STAGE_STATES.map((s) => ({ value: s, text: STAGE_STATE_LABELS[s] }));

  async function stagePage(request: FastifyRequest) {
    const o = await programmeOr404(programmes, request);
    const key = (request.params as { stage: string }).stage;
    if (!isStageKey(key)) throw notFound('stage');
    const stage = o.stages.find((s) => s.key === key)!;
    return { o, stage };
  }

  /** What a stage page shows this person: its tools only if they may open them. */
  const stageModel = (
    request: FastifyRequest,
    o: Awaited<ReturnType<typeof stagePage>>['o'],
    stage: Awaited<ReturnType<typeof stagePage>>['stage'],
  ) => ({
    title: `${stage.title} – ${o.programme.name}`,
    programme: o.programme,
    stage,
    stageCount: PROGRAMME_STAGES.length,
    stageOptions,
    canManage: can(request.actor, 'programme.manage', { programmeId: o.programme.id }),
    ...toolAccess(request, o.programme.id),
  });

  app.get(
    '/programmes/:programmeId/stages/:stage',
    { config: { permission: 'programme.view', resource: programmeResource } },
    async (request, reply) => {
      const { o, stage } = await stagePage(request);
      return reply.render('programmes/views/stage.njk', {
        ...stageModel(request, o, stage),
        form: emptyForm({ state: stage.state, note: stage.note }),
      });
    },
  );

  app.post(
    '/programmes/:programmeId/stages/:stage',
    { config: { permission: 'programme.manage', resource: programmeResource } },
    async (request, reply) => {
      const { o, stage } = await stagePage(request);
      const parsed = parseForm(stageSchema, request.body, ['state', 'note']);
      if (!parsed.ok) {
        return reply.render('programmes/views/stage.njk', { ...stageModel(request, o, stage), form: parsed.form }, 400);
      }
      await programmes.setStage(
        o.programme.id,
        stage.key,
        parsed.data.state,
        parsed.data.note,
        request.user!.id,
        request.auditContext(),
      );
      request.flash(
        'success',
        `${stage.title} is now marked “${STAGE_STATE_LABELS[parsed.data.state].toLowerCase()}”.`,
      );
      return reply.redirect(`/programmes/${o.programme.id}`);
    },
  );

  // ---- members and invitations -------------------------------------------------------
  async function membersPage(request: FastifyRequest, extra: Record<string, unknown> = {}) {
    const o = await programmeOr404(programmes, request);
    const { members, invitations } = await programmes.members(o.programme.id);
    return {
      title: `Members – ${o.programme.name}`,
      programme: o.programme,
      members: members.map((m) => ({ ...m, roleLabel: ROLE_LABELS[m.role as keyof typeof ROLE_LABELS] ?? m.role })),
      invitations: invitations.map((i) => ({
        ...i,
        roleLabel: ROLE_LABELS[i.role as keyof typeof ROLE_LABELS] ?? i.role,
      })),
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

  const invitationParams = z.object({ programmeId: z.uuid(), invitationId: z.uuid() });

  app.post(
    '/programmes/:programmeId/invitations/:invitationId/resend',
    { config: { permission: 'programme.members.invite', resource: programmeResource } },
    async (request, reply) => {
      const p = invitationParams.safeParse(request.params);
      if (
        !p.success ||
        !(await programmes.resendInvitation(
          p.data.programmeId,
          p.data.invitationId,
          { id: request.user!.id, name: request.user!.name },
          request.auditContext(),
          bodyField(request.body, '_submission') || undefined,
        ))
      ) {
        throw notFound('invitation');
      }
      request.flash('success', 'Invitation sent again with a new link. The old link no longer works.');
      return reply.redirect(`/programmes/${p.data.programmeId}/members`);
    },
  );

  app.post(
    '/programmes/:programmeId/invitations/:invitationId/revoke',
    { config: { permission: 'programme.members.invite', resource: programmeResource } },
    async (request, reply) => {
      const p = invitationParams.safeParse(request.params);
      if (
        !p.success ||
        !(await programmes.revokeInvitation(p.data.programmeId, p.data.invitationId, request.auditContext()))
      )
        throw notFound('invitation');
      request.flash('success', 'Invitation withdrawn. Its link no longer works.');
      return reply.redirect(`/programmes/${p.data.programmeId}/members`);
    },
  );

  const memberParams = z.object({ programmeId: z.uuid(), userId: z.uuid(), role: z.enum(PROGRAMME_ROLES) });

  app.post(
    '/programmes/:programmeId/members/:userId/:role/remove',
    { config: { permission: 'programme.members.invite', resource: programmeResource } },
    async (request, reply) => {
      const p = memberParams.safeParse(request.params);
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

  // ---- accepting an invitation ----------------------------------------------------------
  const tokenParam = z.object({ token: z.string().min(10).max(200) });
  const problemText = {
    invalid: 'This invitation link is not valid. Check you copied the whole link from the email.',
    expired: 'This invitation has expired. Ask the programme lead to send it again.',
    used: 'This invitation has already been accepted. Sign in to see the programme.',
    revoked: 'This invitation was withdrawn by the programme lead.',
  } as const;

  async function invitationView(request: FastifyRequest) {
    const p = tokenParam.safeParse(request.params);
    if (!p.success) return { ok: false as const, problem: 'invalid' as const };
    const opened = await programmes.openInvitation(p.data.token);
    return opened.ok ? { ...opened, token: p.data.token } : opened;
  }

  const showProblem = (reply: FastifyReply, problem: keyof typeof problemText) =>
    reply.render(
      'errors/link-problem.njk',
      { title: 'Invitation not valid', message: problemText[problem], retryHref: '/sign-in', retryText: 'Sign in' },
      400,
    );

  /** The page for someone signed in as an account the invitation was not sent to (403: nothing changes). */
  const showOtherAccount = (
    request: FastifyRequest,
    reply: FastifyReply,
    programme: { name: string },
    token: string,
    sentTo: string,
  ) =>
    reply.render(
      'programmes/views/invitation-other-account.njk',
      { title: 'This invitation is for another account', programme, token, sentTo, signedInAs: request.user!.email },
      403,
    );

  async function renderInvitation(
    request: FastifyRequest,
    reply: FastifyReply,
    form: FormState = emptyForm(),
    status = 200,
  ) {
    const v = await invitationView(request);
    if (!v.ok) return showProblem(reply, v.problem);
    if (request.user && normaliseEmail(request.user.email) !== normaliseEmail(v.invitation.email))
      return showOtherAccount(request, reply, v.programme, v.token, maskEmail(v.invitation.email));
    return reply.render(
      'programmes/views/invitation.njk',
      {
        title: `Join ${v.programme.name}`,
        invitation: v.invitation,
        programme: v.programme,
        roleLabel: ROLE_LABELS[v.invitation.role as keyof typeof ROLE_LABELS],
        token: v.token,
        form,
        PASSWORD_HINT,
      },
      status,
    );
  }

  app.get('/invitations/:token', { config: { permission: 'public' } }, async (request, reply) =>
    renderInvitation(request, reply),
  );

  app.post('/invitations/:token/accept', { config: { permission: 'signed-in' } }, async (request, reply) => {
    const p = tokenParam.safeParse(request.params);
    if (!p.success) return showProblem(reply, 'invalid');
    const result = await programmes.acceptInvitation(p.data.token, request.user!, request.auditContext());
    if (!result.ok) {
      if (result.problem === 'other-account') {
        const v = await invitationView(request);
        return showOtherAccount(
          request,
          reply,
          v.ok ? v.programme : { name: 'the programme' },
          p.data.token,
          result.sentTo,
        );
      }
      return showProblem(reply, result.problem);
    }
    request.flash('success', 'You have joined the programme.');
    return reply.redirect(`/programmes/${result.programmeId}`);
  });

  // Signs out whoever is signed in and comes back to the invitation, to sign in (or register) as the invited address.
  app.post('/invitations/:token/switch-account', { config: { permission: 'public' } }, async (request, reply) => {
    const p = tokenParam.safeParse(request.params);
    if (!p.success) return showProblem(reply, 'invalid');
    await request.session.destroy();
    return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(`/invitations/${p.data.token}`)}`);
  });

  app.post('/invitations/:token/register', { config: { permission: 'public' } }, async (request, reply) => {
    const p = tokenParam.safeParse(request.params);
    if (!p.success) return showProblem(reply, 'invalid');
    const parsed = parseForm(acceptNewAccountSchema, request.body, ['name', 'password']);
    if (!parsed.ok) return renderInvitation(request, reply, parsed.form, 400);
    try {
      const result = await programmes.acceptWithNewAccount(p.data.token, parsed.data, request.auditContext());
      if (!result.ok) return showProblem(reply, result.problem);
      await startSession(request, result.userId);
      request.flash('success', 'Your account has been created and you have joined the programme.');
      return reply.redirect(`/programmes/${result.programmeId}`);
    } catch (err) {
      if (err instanceof FieldError)
        return renderInvitation(
          request,
          reply,
          formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, ['name', 'password']),
          400,
        );
      throw err;
    }
  });
}
