import type { FastifyInstance } from 'fastify';
import { emptyForm, FieldError, formWithErrors, parseForm, type FormState } from '../../platform/forms/forms';
import { sendAttachment } from '../../platform/http/route-helpers';
import type { AccountRouteDeps, PersonalDataSource, PrepareDeletion } from './model';
import { deleteAccountSchema, profileSchema } from './schema';

/** Your account: its page, your details, downloading your data and deleting the account. */
export function profileRoutes(
  app: FastifyInstance,
  { accounts, signInLimit }: AccountRouteDeps,
  personalData: PersonalDataSource,
  prepareDeletion: PrepareDeletion,
) {
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

  app.get('/account/export', { config: { permission: 'signed-in' } }, async (request, reply) => {
    const data = { ...(await accounts.ownData(request.user!)), ...(await personalData(request.user!.id)) };
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
    const show = (form: FormState) =>
      reply.render('accounts/views/delete.njk', { title: 'Delete your account', form }, 400);
    const parsed = parseForm(deleteAccountSchema, request.body, ['password']);
    if (!parsed.ok) return show(parsed.form);
    try {
      const afterwards = await prepareDeletion(request.user!.id);
      await accounts.deleteOwnAccount(request.user!, parsed.data.password, request.auditContext());
      await afterwards();
    } catch (err) {
      if (err instanceof FieldError) return show(formWithErrors({}, { [err.field]: err.message }));
      throw err;
    }
    await request.session.destroy();
    return reply.redirect('/account-deleted');
  });

  app.get('/account-deleted', { config: { permission: 'public' } }, async (_request, reply) =>
    reply.render('accounts/views/deleted.njk', { title: 'Your account has been deleted' }),
  );
}
