import type { FastifyInstance } from 'fastify';
import { emptyForm, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { safeReturnTo, startSession } from '../../platform/http/platform-plugin';
import type { AccountRouteDeps, DemoAccount } from './model';
import { signInSchema } from './schema';

const blockedMessage = (until: Date) =>
  `Too many failed attempts from your network. For your security, signing in from here is paused until ${until.toLocaleTimeString('en-GB', { hour: 'numeric', minute: '2-digit', timeZone: 'Europe/London' })}. You can reset your password instead.`;
const waitMessage = (seconds: number) =>
  `Too many failed attempts for this email address. Wait ${seconds === 1 ? '1 second' : `${seconds} seconds`}, then try again, or reset your password.`;

/** Signing in and out; the sign-in page lists the demo accounts when demo data is loaded. */
export function signInRoutes(
  app: FastifyInstance,
  { accounts, signInLimit }: AccountRouteDeps,
  demo: () => Promise<DemoAccount[]>,
) {
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
    const show = async (form: FormState, status = 400) =>
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
}
