import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendAttachment, bodyField } from '../../platform/http/route-helpers';
import { z } from 'zod';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { safeReturnTo, startSession } from '../../platform/http/platform-plugin';
import { PASSWORD_HINT } from '../../platform/auth/passwords';
import { sha256 } from '../../platform/auth/secrets';
import { notFound } from '../../platform/errors/http-error';
import type { AccountsService } from './service';
/** A demo sign-in shown on the sign-in page when demo data is loaded. */
import {
  changePasswordSchema,
  forgotSchema,
  profileSchema,
  registerOrder,
  registerSchema,
  resetSchema,
  signInSchema,
  tokenSchema,
  DEFAULT_TOKEN_DAYS,
} from './schema';
import { TOKEN_AREAS, type TokenArea } from '../../platform/auth/policy';
import type { DemoAccount } from './model';

const blockedMessage = (until: Date) =>
  `Too many failed attempts from your network. For your security, signing in from here is paused until ${until.toLocaleTimeString('en-GB', { hour: 'numeric', minute: '2-digit', timeZone: 'Europe/London' })}. You can reset your password instead.`;
const waitMessage = (seconds: number) =>
  `Too many failed attempts for this email address. Wait ${seconds === 1 ? '1 second' : `${seconds} seconds`}, then try again, or reset your password.`;

/** Gathers what Waymark holds about a person, from each feature, for "download your data". */
export type PersonalDataSource = (userId: string) => Promise<Record<string, unknown>>;

/**
 * Called before an account is deleted; returns what to do once it is gone
 * (e.g. remove stored files the database rows pointed to).
 */
export type PrepareDeletion = (userId: string) => Promise<() => Promise<void>>;

/** A token's scopes in words, e.g. "Read only: Frameworks, Workshops". */
export function describeScopes(scopes: readonly string[]): string {
  const access = scopes.some((x) => x.endsWith('write')) ? 'Read and change' : 'Read only';
  if (scopes.includes('read') || scopes.includes('write')) return `${access}: every area`;
  const areas = scopes.map((x) => TOKEN_AREAS[x.split(':')[0] as TokenArea] ?? x.split(':')[0]);
  return `${access}: ${[...new Set(areas)].join(', ')}`;
}

const RESET_AGAIN = { retryHref: '/forgot-password', retryText: 'Ask for a new password reset link' };

export function accountRoutes(
  app: FastifyInstance,
  accounts: AccountsService,
  demo: () => Promise<DemoAccount[]>,
  personalData: PersonalDataSource,
  prepareDeletion: PrepareDeletion = async () => async () => {},
) {
  // Per address, per route: slows password guessing and form flooding.
  const signInLimit = { rateLimit: { max: app.platform.config.rateLimitPerMinute, timeWindow: '1 minute' } };

  const tokenParam = z.object({ token: z.string().min(10).max(200) });

  // ---- register -------------------------------------------------------------
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
    const show = (form: ReturnType<typeof emptyForm>) =>
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

  const registrationProblem = {
    invalid: 'This link to finish creating your account is not valid. Check you copied the whole link from the email.',
    expired: 'This link to finish creating your account has expired. Links work for 24 hours.',
    used: 'This link to finish creating your account has already been used. Sign in with your email address and password.',
    taken:
      'An account with this email address already exists. Sign in, or reset your password if you have forgotten it.',
  } as const;
  const REGISTER_AGAIN = { retryHref: '/register', retryText: 'Start creating an account again' };

  // Opening the link shows a button: mail scanners that fetch links must not create the account.
  app.get('/register/confirm/:token', { config: { permission: 'public' } }, async (request, reply) => {
    const p = tokenParam.safeParse(request.params);
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
    const p = tokenParam.safeParse(request.params);
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

  // ---- sign in / out ------------------------------------------------------------
  app.get('/sign-in', { config: { permission: 'public' } }, async (request, reply) => {
    const returnTo = safeReturnTo((request.query as Record<string, unknown>).returnTo ?? request.session.returnTo);
    if (request.user) return reply.redirect(returnTo);
    if (returnTo !== '/') request.session.returnTo = returnTo;
    return reply.render('accounts/views/sign-in.njk', {
      title: 'Sign in',
      form: emptyForm(),
      demoAccounts: await demo(),
    });
  });

  app.post('/sign-in', { config: { permission: 'public', ...signInLimit } }, async (request, reply) => {
    const show = async (form: ReturnType<typeof emptyForm>, status = 400) =>
      reply.render('accounts/views/sign-in.njk', { title: 'Sign in', form, demoAccounts: await demo() }, status);
    const parsed = parseForm(signInSchema, request.body, ['email', 'password']);
    if (!parsed.ok) return show(parsed.form);
    const result = await accounts.signIn(parsed.data.email, parsed.data.password, request.auditContext());
    if (!result.ok) {
      const message =
        result.reason === 'blocked'
          ? blockedMessage(result.until)
          : result.reason === 'wait'
            ? waitMessage(result.seconds)
            : 'Enter a correct email address and password';
      return show(
        formWithErrors({ email: parsed.data.email }, { email: message }),
        result.reason === 'invalid' ? 400 : 429,
      );
    }
    const next = await startSession(request, result.user.id);
    return reply.redirect(next === '/' ? '/programmes' : next);
  });

  app.post('/sign-out', { config: { permission: 'public' } }, async (request, reply) => {
    await request.session.destroy();
    return reply.redirect('/signed-out');
  });

  app.get('/signed-out', { config: { permission: 'public' } }, async (_request, reply) =>
    reply.render('accounts/views/signed-out.njk', { title: 'You have signed out' }),
  );

  // ---- forgotten password ---------------------------------------------------------
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

  const linkProblemText = {
    invalid: 'This password reset link is not valid. Check you copied the whole link from the email.',
    expired: 'This password reset link has expired. Links work for 1 hour.',
    used: 'This password reset link has already been used.',
  } as const;

  app.get('/reset-password/:token', { config: { permission: 'public' } }, async (request, reply) => {
    const p = tokenParam.safeParse(request.params);
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
    const p = tokenParam.safeParse(request.params);
    if (!p.success)
      return reply.render(
        'errors/link-problem.njk',
        { title: 'Link not valid', message: linkProblemText.invalid, ...RESET_AGAIN },
        400,
      );
    const show = (form: ReturnType<typeof emptyForm>) =>
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

  // ---- account ---------------------------------------------------------------------
  app.get('/account', { config: { permission: 'signed-in' } }, async (request, reply) => {
    const roles = await accounts.rolesOf(request.user!.id);
    return reply.render('accounts/views/account.njk', { title: 'Your account', user: request.user, roles });
  });

  app.get('/account/profile', { config: { permission: 'signed-in' } }, async (request, reply) => {
    const u = request.user!;
    return reply.render('accounts/views/profile.njk', {
      title: 'Change your details',
      form: emptyForm({ name: u.name, profession: u.profession, organisation: u.organisation }),
    });
  });

  app.post('/account/profile', { config: { permission: 'signed-in' } }, async (request, reply) => {
    const parsed = parseForm(profileSchema, request.body, ['name', 'profession', 'organisation']);
    if (!parsed.ok)
      return reply.render('accounts/views/profile.njk', { title: 'Change your details', form: parsed.form }, 400);
    await accounts.updateProfile(request.user!.id, parsed.data, request.auditContext());
    request.flash('success', 'Your details have been saved.');
    return reply.redirect('/account');
  });

  app.get('/account/password', { config: { permission: 'signed-in' } }, async (_request, reply) =>
    reply.render('accounts/views/change-password.njk', {
      title: 'Change your password',
      form: emptyForm(),
      passwordHint: PASSWORD_HINT,
    }),
  );

  app.post('/account/password', { config: { permission: 'signed-in', ...signInLimit } }, async (request, reply) => {
    const show = (form: ReturnType<typeof emptyForm>) =>
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

  // ---- your data ----------------------------------------------------------------------
  app.get('/account/export', { config: { permission: 'signed-in' } }, async (request, reply) => {
    const u = request.user!;
    const data = {
      exportedAt: new Date().toISOString(),
      account: {
        id: u.id,
        email: u.email,
        name: u.name,
        profession: u.profession,
        organisation: u.organisation,
        createdAt: u.createdAt,
        lastSignInAt: u.lastSignInAt,
      },
      platformRoles: await accounts.rolesOf(u.id),
      accessTokens: (await accounts.listApiTokens(u.id)).map((t) => ({
        name: t.name,
        endsIn: t.hint,
        scopes: t.scopes,
        createdAt: t.createdAt,
        lastUsedAt: t.lastUsedAt,
        expiresAt: t.expiresAt,
      })),
      ...(await personalData(u.id)),
    };
    return sendAttachment(
      reply,
      'waymark-my-data.json',
      'application/json; charset=utf-8',
      `${JSON.stringify(data, null, 2)}\n`,
    );
  });

  app.get('/account/delete', { config: { permission: 'signed-in' } }, async (_request, reply) =>
    reply.render('accounts/views/delete.njk', { title: 'Delete your account', form: emptyForm() }),
  );

  app.post('/account/delete', { config: { permission: 'signed-in', ...signInLimit } }, async (request, reply) => {
    const password = String((request.body as { password?: string }).password ?? '');
    try {
      if (!password) throw new FieldError('password', 'Enter your password to confirm');
      const afterwards = await prepareDeletion(request.user!.id);
      await accounts.deleteOwnAccount(request.user!, password, request.auditContext());
      await afterwards();
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'accounts/views/delete.njk',
          { title: 'Delete your account', form: formWithErrors({}, { [err.field]: err.message }) },
          400,
        );
      throw err;
    }
    await request.session.destroy();
    return reply.redirect('/account-deleted');
  });

  app.get('/account-deleted', { config: { permission: 'public' } }, async (_request, reply) =>
    reply.render('accounts/views/deleted.njk', { title: 'Your account has been deleted' }),
  );

  // ---- personal access tokens ------------------------------------------------------
  const tokensPage = async (request: FastifyRequest, extra: { form?: FormState; [k: string]: unknown } = {}) => {
    const form = extra.form ?? emptyForm({ expiresInDays: DEFAULT_TOKEN_DAYS, access: 'read', areas: ['all'] });
    const raw = form.values.areas;
    const chosen = Array.isArray(raw) ? raw : [raw];
    return {
      title: 'Personal access tokens',
      tokens: (await accounts.listApiTokens(request.user!.id)).map((t) => ({
        ...t,
        scopeText: describeScopes(t.scopes),
      })),
      ...extra,
      form,
      areaItems: [
        { value: 'all', text: 'Every area, including ones added later', checked: chosen.includes('all') },
        { divider: 'or' },
        ...Object.entries(TOKEN_AREAS).map(([value, text]) => ({ value, text, checked: chosen.includes(value) })),
      ],
    };
  };

  app.get('/account/tokens', { config: { permission: 'signed-in' } }, async (request, reply) =>
    reply.render('accounts/views/tokens.njk', await tokensPage(request)),
  );

  app.post('/account/tokens', { config: { permission: 'signed-in' } }, async (request, reply) => {
    const parsed = parseForm(tokenSchema, request.body, ['name', 'access', 'areas', 'expiresInDays']);
    if (!parsed.ok)
      return reply.render('accounts/views/tokens.njk', await tokensPage(request, { form: parsed.form }), 400);
    const created = await accounts.createApiToken(
      request.user!.id,
      parsed.data,
      request.auditContext(),
      bodyField(request.body, '_submission') || undefined,
    );
    if (!created.token) {
      // The same form sent again (a refresh or a double click): the token exists, and its secret was shown the first time.
      request.flash(
        'info',
        `Token “${parsed.data.name}” was already created from this form; its value was shown once. If you did not copy it, revoke it and create another.`,
      );
      return reply.redirect('/account/tokens');
    }
    // Shown once, on this response only; never stored in the session or the database.
    return reply.render(
      'accounts/views/tokens.njk',
      await tokensPage(request, { newToken: created.token, newTokenName: parsed.data.name }),
      201,
    );
  });

  app.post('/account/tokens/:id/revoke', { config: { permission: 'signed-in' } }, async (request, reply) => {
    const id = z.uuid().safeParse((request.params as { id: string }).id);
    if (!id.success || !(await accounts.revokeApiToken(request.user!.id, id.data, request.auditContext())))
      throw notFound('token');
    request.flash('success', 'The token has been revoked. Anything using it can no longer reach Waymark.');
    return reply.redirect('/account/tokens');
  });
}
