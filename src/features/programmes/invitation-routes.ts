import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { maskEmail, normaliseEmail } from '../../platform/auth/email';
import { PASSWORD_HINT } from '../../platform/auth/passwords';
import { ROLE_LABELS } from '../../platform/auth/policy';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { startSession } from '../../platform/http/platform-plugin';
import { linkTokenParams } from '../accounts/schema';
import { acceptNewAccountSchema } from './schema';
import type { ProgrammesService } from './service';

const problemText = {
  invalid: 'This invitation link is not valid. Check you copied the whole link from the email.',
  expired: 'This invitation has expired. Ask the programme lead to send it again.',
  used: 'This invitation has already been accepted. Sign in to see the programme.',
  revoked: 'This invitation was withdrawn by the programme lead.',
} as const;

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

/** Accepting an invitation from the emailed link: signed in, switching account, or creating one on the way. */
export function invitationRoutes(app: FastifyInstance, programmes: ProgrammesService) {
  async function invitationView(request: FastifyRequest) {
    const p = linkTokenParams.safeParse(request.params);
    if (!p.success) return { ok: false as const, problem: 'invalid' as const };
    const opened = await programmes.openInvitation(p.data.token);
    return opened.ok ? { ...opened, token: p.data.token } : opened;
  }

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
    const p = linkTokenParams.safeParse(request.params);
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
    const p = linkTokenParams.safeParse(request.params);
    if (!p.success) return showProblem(reply, 'invalid');
    await request.session.destroy();
    return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(`/invitations/${p.data.token}`)}`);
  });

  app.post('/invitations/:token/register', { config: { permission: 'public' } }, async (request, reply) => {
    const p = linkTokenParams.safeParse(request.params);
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
