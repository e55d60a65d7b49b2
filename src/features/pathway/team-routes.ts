import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { bodyField } from '../../platform/http/route-helpers';
import { GROUP_KINDS } from './group-service';
import type { Pathway } from './model';
import { groupChoiceSchema, inviteEmail, teamSchema } from './schema';
import { follow, type PathwayRouteContext } from './route-context';

// An invitation opened from its email: only the account it was sent to can answer it.
const invitationProblems = {
  invalid: {
    title: 'This invitation link does not work',
    message: 'Check that you copied the whole link from the email, or look for the invitation on your pathway page.',
  },
  expired: { title: 'This invitation link has expired', message: 'Ask whoever invited you to invite you again.' },
  used: {
    title: 'This invitation has already been answered',
    message:
      'You accepted or declined it already, or it was withdrawn. Your teams and cohorts are on your pathway page.',
  },
} as const;

/** Practitioners' teams (made, joined, invited to) and answering an invitation to a team or a cohort. */
export function teamRoutes(app: FastifyInstance, ctx: PathwayRouteContext) {
  const { groups, ownOr404 } = ctx;

  const teamsPage = async (p: Pathway, form: FormState) => ({
    title: 'Teams',
    pathway: p,
    memberships: (await groups.memberships(p.userId)).filter(
      (m) => m.group.frameworkVersionId === p.frameworkVersionId,
    ),
    kinds: GROUP_KINDS,
    form,
  });

  app.post('/pathway/:pathwayId/teams', { config: follow }, async (request, reply) => {
    const p = await ownOr404(request);
    const parsed = parseForm(teamSchema, request.body, ['name']);
    if (!parsed.ok) return reply.render('pathway/views/teams.njk', await teamsPage(p, parsed.form), 400);
    const g = await groups.create(
      request.user!.id,
      { kind: 'team', name: parsed.data.name, versionId: p.frameworkVersionId, programmeId: null },
      request.auditContext(),
      bodyField(request.body, '_submission') || undefined,
    );
    request.flash('success', `Team “${g.name}” created. Invite your colleagues.`);
    return reply.redirect(`/pathway/teams/${g.id}`);
  });

  app.get('/pathway/:pathwayId/teams', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/teams.njk', await teamsPage(await ownOr404(request), emptyForm())),
  );

  async function teamOr404(request: FastifyRequest) {
    const g = await groups.get((request.params as { groupId: string }).groupId);
    const mine = g
      ? (await groups.memberships(request.user!.id)).find((m) => m.group.id === g.id && m.acceptedAt)
      : undefined;
    if (!g || g.kind !== 'team' || !mine) throw notFound('team');
    return g;
  }

  const teamPage = async (request: FastifyRequest, form: FormState = emptyForm()) => {
    const g = await teamOr404(request);
    return { title: g.name, group: g, ...(await groups.teamView(g)), form, isOwner: g.ownerId === request.user!.id };
  };

  app.get('/pathway/teams/:groupId', { config: follow }, async (request, reply) =>
    reply.render('pathway/views/team.njk', await teamPage(request)),
  );

  app.post('/pathway/teams/:groupId/invite', { config: follow }, async (request, reply) => {
    const g = await teamOr404(request);
    try {
      const email = inviteEmail.safeParse(bodyField(request.body, 'email'));
      if (!email.success) throw new FieldError('email', email.error.issues[0]!.message);
      const user = await groups.invite(g, email.data, request.auditContext());
      request.flash('success', `${user.name} is invited. They join when they accept.`);
      return reply.redirect(`/pathway/teams/${g.id}`);
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'pathway/views/team.njk',
          await teamPage(request, formWithErrors({ email: bodyField(request.body, 'email') }, { email: err.message })),
          400,
        );
      throw err;
    }
  });

  // Accepting or declining an invitation to a team or a cohort: the person's own choice.
  app.post('/pathway/groups/:groupId/:choice', { config: follow }, async (request, reply) => {
    const { groupId } = request.params as { groupId: string };
    const parsed = groupChoiceSchema.safeParse(request.params);
    if (!parsed.success) throw notFound('invitation');
    const g = await groups.get(groupId);
    if (!g) throw notFound('invitation');
    const accept = parsed.data.choice === 'accept';
    const ok = accept
      ? await groups.accept(groupId, request.user!.id, request.auditContext())
      : await groups.leave(groupId, request.user!.id, request.auditContext());
    if (!ok) throw notFound('invitation');
    request.flash(
      'success',
      accept ? `You joined “${g.name}”.` : `You left “${g.name}”. It no longer sees your progress.`,
    );
    return reply.redirect('/pathway');
  });

  async function invitationPage(
    request: FastifyRequest,
    reply: FastifyReply,
    act?: (groupId: string) => Promise<FastifyReply>,
  ) {
    const token = (request.params as { token: string }).token;
    const found = await groups.invitation(token, request.user!.id);
    if (!found.ok)
      return reply.render(
        'errors/link-problem.njk',
        { ...invitationProblems[found.problem], retryHref: '/pathway', retryText: 'Go to your pathway page' },
        found.problem === 'invalid' ? 404 : 410,
      );
    if (found.forOther)
      return reply.render(
        'pathway/views/invitation.njk',
        {
          title: 'This invitation was sent to someone else',
          group: found.group,
          kindName: GROUP_KINDS[found.group.kind as keyof typeof GROUP_KINDS],
          forOther: found.forOther,
        },
        403,
      );
    if (act) return act(found.group.id);
    return reply.render('pathway/views/invitation.njk', {
      title: `Invitation to ${found.group.name}`,
      group: found.group,
      kindName: GROUP_KINDS[found.group.kind as keyof typeof GROUP_KINDS],
      token,
      forOther: null,
    });
  }

  app.get('/pathway/invitations/:token', { config: { permission: 'signed-in' } }, async (request, reply) =>
    invitationPage(request, reply),
  );

  app.post('/pathway/invitations/:token', { config: { permission: 'signed-in' } }, async (request, reply) =>
    invitationPage(request, reply, async (groupId) => {
      const accept = bodyField(request.body, 'choice') === 'accept';
      const g = (await groups.get(groupId))!;
      const ok = accept
        ? await groups.accept(groupId, request.user!.id, request.auditContext())
        : await groups.leave(groupId, request.user!.id, request.auditContext());
      if (!ok) throw notFound('invitation');
      request.flash('success', accept ? `You joined “${g.name}”.` : `You declined the invitation to “${g.name}”.`);
      return reply.redirect('/pathway');
    }),
  );
}
