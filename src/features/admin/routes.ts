import type { FastifyInstance } from 'fastify';
import { pager } from '../../platform/http/route-helpers';
import { auditEntityTypes, listAudit } from '../../platform/audit/audit';
import { findOutboxMessage, listOutbox } from '../../platform/mail/mailer';
import { emailParagraphs } from '../../platform/mail/secret-links';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, FieldError, formWithErrors, zodFieldErrors } from '../../platform/forms/forms';
import { PLATFORM_ROLES, ROLE_LABELS } from '../../platform/auth/policy';
import type { AccountsService } from '../accounts/service';
import { auditFilter } from './audit-filter';
import { auditQuery, pageQuery, roleBody, userSearchQuery } from './schema';

const PAGE_SIZE = 50;

/** Administration: the email outbox, the audit log, and users with their platform roles. */
export function adminRoutes(app: FastifyInstance, accounts: AccountsService) {
  const { db, mailer } = app.platform;

  app.get('/admin', { config: { permission: 'admin.view' } }, async (_request, reply) =>
    reply.render('admin/views/index.njk', { title: 'Administration', usesSmtp: mailer.usesSmtp }),
  );

  app.get('/admin/outbox', { config: { permission: 'outbox.view' } }, async (request, reply) => {
    const { page } = pageQuery.parse(request.query);
    const { rows, total } = await listOutbox(db, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
    return reply.render('admin/views/outbox.njk', {
      title: 'Email outbox',
      messages: rows,
      pager: pager('/admin/outbox', {}, page, total, PAGE_SIZE),
      usesSmtp: mailer.usesSmtp,
    });
  });

  app.get('/admin/outbox/:id', { config: { permission: 'outbox.view' } }, async (request, reply) => {
    const message = await findOutboxMessage(db, (request.params as { id: string }).id);
    if (!message) throw notFound('message');
    // Shown as the recipient's mail program shows it, with the secret links hidden.
    return reply.render('admin/views/outbox-message.njk', {
      title: message.subject,
      message,
      paragraphs: emailParagraphs(message.text),
    });
  });

  app.get('/admin/audit', { config: { permission: 'audit.view' } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const { page } = pageQuery.parse(query);
    const parsed = auditQuery.safeParse(query);
    const entityTypes = await auditEntityTypes(db);
    if (!parsed.success) {
      return reply.render(
        'admin/views/audit.njk',
        {
          title: 'Audit log',
          events: [],
          entityTypes,
          form: formWithErrors(query, zodFieldErrors(parsed.error), ['action', 'actor', 'from', 'to']),
        },
        400,
      );
    }
    const f = parsed.data;
    const { rows, total } = await listAudit(db, auditFilter(f), { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
    return reply.render('admin/views/audit.njk', {
      title: 'Audit log',
      events: rows,
      entityTypes,
      form: emptyForm(f),
      pager: pager('/admin/audit', f, page, total, PAGE_SIZE),
    });
  });

  app.get('/admin/users', { config: { permission: 'users.manage' } }, async (request, reply) => {
    const { page } = pageQuery.parse(request.query);
    const { q } = userSearchQuery.parse(request.query);
    const { rows, total } = await accounts.listUsers({
      q: q || undefined,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    });
    const roles = await accounts.rolesOfMany(rows.map((r) => r.id));
    const users = rows.map((u) => ({ ...u, roles: (roles.get(u.id) ?? []).map((r) => ROLE_LABELS[r]) }));
    return reply.render('admin/views/users.njk', {
      title: 'Users',
      users,
      q,
      pager: pager('/admin/users', { q }, page, total, PAGE_SIZE),
    });
  });

  const userPage = async (id: string, extra: Record<string, unknown> = {}) => {
    const user = await accounts.findUserById(id);
    if (!user) throw notFound('user');
    const roles = await accounts.rolesOf(id);
    return {
      title: user.name,
      user,
      roles: PLATFORM_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r], has: roles.includes(r) })),
      ...extra,
    };
  };

  // The platform answers 404 for an id that is not a UUID; userPage for one that names nobody.
  app.get('/admin/users/:id', { config: { permission: 'users.manage' } }, async (request, reply) =>
    reply.render('admin/views/user.njk', await userPage((request.params as { id: string }).id)),
  );

  app.post('/admin/users/:id/roles', { config: { permission: 'users.manage' } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const body = roleBody.safeParse(request.body);
    if (!body.success)
      return reply.render(
        'admin/views/user.njk',
        await userPage(id, { form: formWithErrors({}, { role: 'Choose a role to add or remove' }) }),
        400,
      );
    try {
      await accounts.setRole(id, body.data.role, body.data.grant === 'true', request.auditContext());
    } catch (err) {
      if (err instanceof FieldError)
        return reply.render(
          'admin/views/user.njk',
          await userPage(id, { form: formWithErrors({}, { role: err.message }) }),
          400,
        );
      throw err;
    }
    request.flash(
      'success',
      `${ROLE_LABELS[body.data.role]} role ${body.data.grant === 'true' ? 'given' : 'removed'}.`,
    );
    return reply.redirect(`/admin/users/${id}`);
  });
}
