import type { FastifyInstance } from 'fastify';
import { PASSWORD_HINT } from '../../platform/auth/passwords';
import { sha256 } from '../../platform/auth/secrets';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { startSession } from '../../platform/http/platform-plugin';
import type { AccountRouteDeps } from './model';
import { changePasswordSchema, forgotSchema, linkTokenParams, resetSchema } from './schema';

const linkProblemText = {
  invalid: 'This password reset link is not valid. Check you copied the whole link from the email.',
  expired: 'This password reset link has expired. Links work for 1 hour.',
  used: 'This password reset link has already been used.',
} as const;
const RESET_AGAIN = { retryHref: '/forgot-password', retryText: 'Ask for a new password reset link' };

/** Passwords: a forgotten one reset from an emailed link, and changing one's own. */
export function passwordRoutes(app: FastifyInstance, { accounts, signInLimit }: AccountRouteDeps) {
  app.get('/forgot-password', { config: { permission: 'public' } }, async (_request, reply) =>
    reply.render('accounts/views/forgot-password.njk', { title: 'Reset your password', form: emptyForm() }),
  );

  app.post('/forgot-password', { config: { permission: 'public', ...signInLimit } }, async (request, reply) => {
    const parsed = parseForm(forgotSchema, request.body, ['email']);
    if (!parsed.ok)
      return reply.render(
        'accounts/views/forgot-password.njk',
        { title: 'Reset your password', form: parsed.form },
        400,
      );
    await accounts.requestPasswordReset(parsed.data.email, request.auditContext());
    return reply.render('accounts/views/check-email.njk', { title: 'Check your email', email: parsed.data.email });
  });

  app.get('/reset-password/:token', { config: { permission: 'public' } }, async (request, reply) => {
    const p = linkTokenParams.safeParse(request.params);
    const checked = p.success
      ? await accounts.checkResetToken(p.data.token)
      : ({ ok: false, problem: 'invalid' } as const);
    if (!checked.ok)
      return reply.render(
        'errors/link-problem.njk',
        { title: 'Link not valid', message: linkProblemText[checked.problem], ...RESET_AGAIN },
        400,
      );
    return reply.render('accounts/views/reset-password.njk', {
      title: 'Choose a new password',
      form: emptyForm(),
      passwordHint: PASSWORD_HINT,
    });
  });

  app.post('/reset-password/:token', { config: { permission: 'public', ...signInLimit } }, async (request, reply) => {
    const p = linkTokenParams.safeParse(request.params);
    if (!p.success)
      return reply.render(
        'errors/link-problem.njk',
        { title: 'Link not valid', message: linkProblemText.invalid, ...RESET_AGAIN },
        400,
      );
    const show = (form: FormState) =>
      reply.render(
        'accounts/views/reset-password.njk',
        { title: 'Choose a new password', form, passwordHint: PASSWORD_HINT },
        400,
      );
    const parsed = parseForm(resetSchema, request.body, ['password']);
    if (!parsed.ok) return show(parsed.form);
    try {
      const result = await accounts.resetPassword(p.data.token, parsed.data.password, request.auditContext());
      if (!result.ok)
        return reply.render(
          'errors/link-problem.njk',
          { title: 'Link not valid', message: linkProblemText[result.problem], ...RESET_AGAIN },
          400,
        );
      await startSession(request, result.user.id);
      request.flash(
        'success',
        'Your password has been changed and you are signed in. Any other sessions have been signed out.',
      );
      return reply.redirect('/account');
    } catch (err) {
      if (err instanceof FieldError) return show(formWithErrors({}, { [err.field]: err.message }));
      throw err;
    }
  });

  app.get('/account/password', { config: { permission: 'signed-in' } }, async (_request, reply) =>
    reply.render('accounts/views/change-password.njk', {
      title: 'Change your password',
      form: emptyForm(),
      passwordHint: PASSWORD_HINT,
    }),
  );

  app.post('/account/password', { config: { permission: 'signed-in', ...signInLimit } }, async (request, reply) => {
    const show = (form: FormState) =>
      reply.render(
        'accounts/views/change-password.njk',
        { title: 'Change your password', form, passwordHint: PASSWORD_HINT },
        400,
      );
    const parsed = parseForm(changePasswordSchema, request.body, ['currentPassword', 'newPassword']);
    if (!parsed.ok) return show(parsed.form);
    try {
      await accounts.changePassword(
        request.user!,
        parsed.data.currentPassword,
        parsed.data.newPassword,
        request.auditContext(),
        sha256(request.session.sessionId),
      );
    } catch (err) {
      if (err instanceof FieldError)
        return show(formWithErrors({}, { [err.field]: err.message }, ['currentPassword', 'newPassword']));
      throw err;
    }
    request.flash('success', 'Your password has been changed. You have been signed out everywhere else.');
    return reply.redirect('/account');
  });
}
