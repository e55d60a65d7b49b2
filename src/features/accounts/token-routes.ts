import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TOKEN_AREAS, type TokenArea } from '../../platform/auth/policy';
import { notFound } from '../../platform/errors/http-error';
import { emptyForm, parseForm, type FormState } from '../../platform/forms/forms';
import { bodyField } from '../../platform/http/route-helpers';
import type { AccountRouteDeps } from './model';
import { DEFAULT_TOKEN_DAYS, tokenSchema } from './schema';

/** A token's scopes in words, e.g. "Read only: Frameworks, Workshops". */
export function describeScopes(scopes: readonly string[]): string {
  const access = scopes.some((x) => x.endsWith('write')) ? 'Read and change' : 'Read only';
  if (scopes.includes('read') || scopes.includes('write')) return `${access}: every area`;
  const areas = scopes.map((x) => TOKEN_AREAS[x.split(':')[0] as TokenArea] ?? x.split(':')[0]);
  return `${access}: ${[...new Set(areas)].join(', ')}`;
}

/** Personal access tokens for the JSON API: created (the secret shown once), listed and revoked. */
export function tokenRoutes(app: FastifyInstance, { accounts }: AccountRouteDeps) {
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

  // The platform answers 404 for an id that is not a UUID; revoking someone else's token finds nothing either.
  app.post('/account/tokens/:id/revoke', { config: { permission: 'signed-in' } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!(await accounts.revokeApiToken(request.user!.id, id, request.auditContext()))) throw notFound('token');
    request.flash('success', 'The token has been revoked. Anything using it can no longer reach Waymark.');
    return reply.redirect('/account/tokens');
  });
}
