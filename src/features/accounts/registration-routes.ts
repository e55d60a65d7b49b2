import type { FastifyInstance } from 'fastify';
import { PASSWORD_HINT } from '../../platform/auth/passwords';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { startSession } from '../../platform/http/platform-plugin';
import type { AccountRouteDeps } from './model';
import { linkTokenParams, registerOrder, registerSchema } from './schema';

const registrationProblem = {
  invalid: 'This link to finish creating your account is not valid. Check you copied the whole link from the email.',
  expired: 'This link to finish creating your account has expired. Links work for 24 hours.',
  used: 'This link to finish creating your account has already been used. Sign in with your email address and password.',
  taken: 'An account with this email address already exists. Sign in, or reset your password if you have forgotten it.',
} as const;
const REGISTER_AGAIN = { retryHref: '/register', retryText: 'Start creating an account again' };

/** Creating an account: the form, then the emailed link that makes it. */
export function registrationRoutes(app: FastifyInstance, { accounts, signInLimit }: AccountRouteDeps) {
  app.get('/register', { config: { permission: 'public' } }, async (request, reply) => {
    if (request.user) return reply.redirect('/account');
    return reply.render('accounts/views/register.njk', {
      title: 'Create an account',
      form: emptyForm(),
      passwordHint: PASSWORD_HINT,
    });
  });

  app.post('/register', { config: { permission: 'public', ...signInLimit } }, async (request, reply) => {
    const parsed = parseForm(registerSchema, request.body, registerOrder);
    const show = (form: FormState) =>
      reply.render(
        'accounts/views/register.njk',
        { title: 'Create an account', form, passwordHint: PASSWORD_HINT },
        400,
      );
    if (!parsed.ok) return show(parsed.form);
    try {
      await accounts.requestRegistration(parsed.data, request.auditContext());
    } catch (err) {
      if (err instanceof FieldError)
        return show(
          formWithErrors(request.body as Record<string, unknown>, { [err.field]: err.message }, registerOrder),
        );
      throw err;
    }
    // The same page whether or not the address already has an account, so registering reveals nothing.
    return reply.render('accounts/views/register-check-email.njk', {
      title: 'Check your email',
      email: parsed.data.email,
    });
  });

  // Opening the link shows a button: mail scanners that fetch links must not create the account.
  app.get('/register/confirm/:token', { config: { permission: 'public' } }, async (request, reply) => {
    const p = linkTokenParams.safeParse(request.params);
    const checked = p.success
      ? await accounts.checkRegistrationToken(p.data.token)
      : ({ ok: false, problem: 'invalid' } as const);
    if (!checked.ok)
      return reply.render(
        'errors/link-problem.njk',
        { title: 'Link not valid', message: registrationProblem[checked.problem], ...REGISTER_AGAIN },
        400,
      );
    return reply.render('accounts/views/register-confirm.njk', {
      title: 'Finish creating your account',
      email: checked.token.subject,
    });
  });

  app.post('/register/confirm/:token', { config: { permission: 'public', ...signInLimit } }, async (request, reply) => {
    const p = linkTokenParams.safeParse(request.params);
    const result = p.success
      ? await accounts.completeRegistration(p.data.token, request.auditContext())
      : ({ ok: false, problem: 'invalid' } as const);
    if (!result.ok)
      return reply.render(
        'errors/link-problem.njk',
        { title: 'Link not valid', message: registrationProblem[result.problem], ...REGISTER_AGAIN },
        400,
      );
    const next = await startSession(request, result.user.id);
    request.flash('success', `Welcome to Waymark, ${result.user.name}. Your account has been created.`);
    return reply.redirect(next === '/' ? '/account' : next);
  });
}
