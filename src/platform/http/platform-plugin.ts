import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart from '@fastify/multipart';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { Environment } from 'nunjucks';
import {
  ANONYMOUS,
  can,
  isPermission,
  isProgrammeRole,
  isPlatformRole,
  scopeNeeded,
  tokenAllows,
  type Actor,
  type PlatformRole,
  type ProgrammeRole,
} from '../auth/policy';
import { findActiveApiToken, findUserById, rolesOf, touchApiToken, type User } from '../auth/repository';
import { randomToken, sha256 } from '../auth/secrets';
import { DatabaseSessionStore } from '../auth/session-store';
import { getOrCreateSetting } from '../db/settings';
import { nhsukDist, platformViews } from '../views/render';
import { HttpError } from '../errors/http-error';
import type { Platform, ProgrammeRoleSource, RouteEntry } from './types';
import { headerSafeLocation, safeReturnTo } from './redirects';
import { guardIdParams, registerInputGuards } from './input-guards';
import { nhsukCssRoute } from './nhsuk-css';

export { safeReturnTo };

export interface NavigationItem {
  href: string;
  text: string;
  /** Shown only to actors for whom this returns true. */
  show?: (actor: Actor) => boolean;
}

export interface PlatformPluginOptions {
  platform: Platform;
  views: Environment;
  programmeRoles: ProgrammeRoleSource;
  navigation: NavigationItem[];
  maxUploadBytes: number;
}

const API_PREFIX = '/api/';
const STATIC_PREFIXES = ['/assets/', '/nhsuk/', '/static/'];
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Cross-cutting HTTP concerns, in the order a request meets them: security
 * headers, static files, body parsing, session, who is asking, CSRF, the
 * route's permission, then rendering and errors.
 */
export async function registerPlatform(app: FastifyInstance, opts: PlatformPluginOptions): Promise<void> {
  const { platform, views } = opts;
  const { config, db } = platform;
  app.decorate('platform', platform);
  // Every route with its permission, as registered: for walking all of them (the fuzz and permission tests).
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);

  // Every route must say who may use it. The static file routes registered below cannot carry
  // route config (@fastify/static's wildcard route takes none), so their prefixes are public here.
  app.addHook('onRoute', (route) => {
    route.config ??= {};
    const cfg = route.config as Record<string, unknown>;
    if (cfg.permission === undefined && STATIC_PREFIXES.some((p) => route.url.startsWith(p))) cfg.permission = 'public';
    if (!isPermission(cfg.permission)) {
      throw new Error(`Route ${String(route.method)} ${route.url} does not declare a known permission`);
    }
    guardIdParams(route);
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url, permission: cfg.permission });
  });

  await app.register(fastifyHelmet, {
    enableCSPNonces: true,
    hsts: false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    // Node throws on a control or non-ASCII character in a header, after the reply is committed; never let a Location carry one.
    const location = reply.getHeader('location');
    if (typeof location === 'string') reply.header('location', headerSafeLocation(location));
  });

  await app.register(fastifyStatic, {
    root: path.join(nhsukDist, 'nhsuk', 'assets'),
    prefix: '/assets/',
    maxAge: '1d',
    decorateReply: false,
  });
  await app.register(fastifyStatic, {
    root: path.join(nhsukDist, 'nhsuk'),
    prefix: '/nhsuk/',
    maxAge: '1d',
    decorateReply: false,
    allowedPath: (pathname) => /^\/nhsuk-frontend\.min\.(css|js)(\.map)?$/.test(pathname),
  });
  nhsukCssRoute(app);
  await app.register(fastifyStatic, {
    root: path.join(platformViews, '..', 'static'),
    prefix: '/static/',
    maxAge: '1h',
    decorateReply: false,
  });

  await app.register(fastifyFormbody);
  // Uploads arrive as fields on the body (so the CSRF check sees _csrf); one file, size-limited.
  await app.register(fastifyMultipart, {
    attachFieldsToBody: true,
    limits: { fileSize: opts.maxUploadBytes, files: 1, fields: 20 },
  });
  await app.register(fastifyRateLimit, { global: false });
  registerInputGuards(app, (request) => request.url.startsWith(API_PREFIX));

  await app.register(fastifyCookie);
  const secret = config.sessionSecret ?? (await getOrCreateSetting(db, 'session_secret', () => randomToken()));
  await app.register(fastifySession, {
    secret,
    cookieName: 'waymark_session',
    store: new DatabaseSessionStore(db, config.sessionTtlHours * 3600_000, (err) =>
      app.log.error({ err }, 'session store callback failed'),
    ),
    saveUninitialized: false,
    // Saving on every response would write to the database on every page; the session lasts SESSION_TTL_HOURS from sign-in.
    rolling: false,
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: 'auto',
      maxAge: config.sessionTtlHours * 3600_000,
    },
  });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/session',
    // Never from the query string: a token in a URL ends up in logs, history and Referer headers.
    getToken: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromHeader = req.headers['csrf-token'] ?? req.headers['x-csrf-token'];
      const field = body && typeof body === 'object' ? body._csrf : undefined;
      const fromBody =
        field && typeof field === 'object' && 'value' in field ? (field as { value: unknown }).value : field;
      return String(fromBody ?? (Array.isArray(fromHeader) ? fromHeader[0] : fromHeader) ?? '');
    },
  });

  app.decorateRequest('actor', null as unknown as Actor);
  app.decorateRequest('user', null);
  app.decorateRequest('authVia', null);
  app.decorateRequest('isApi', false);
  app.decorateRequest('auditContext', function (this: FastifyRequest) {
    return {
      actorId: this.user?.id ?? null,
      actorLabel: this.user?.email ?? 'anonymous',
      requestId: this.id,
      ip: this.ip,
    };
  });
  app.decorateRequest('flash', function (this: FastifyRequest, type: 'success' | 'info', text: string) {
    this.session.flash = [...(this.session.flash ?? []), { type, text }];
  });

  /** The user and everything the policy needs about them, in one parallel round of queries. */
  async function loadActor(userId: string): Promise<{ user: User | undefined; actor: Actor }> {
    const [user, platformRoles, programme] = await Promise.all([
      findUserById(db, userId),
      rolesOf(db, userId),
      opts.programmeRoles(db, userId),
    ]);
    const map = new Map<string, Set<ProgrammeRole>>();
    for (const { programmeId, role } of programme) {
      if (!isProgrammeRole(role)) continue;
      map.set(programmeId, (map.get(programmeId) ?? new Set()).add(role));
    }
    return {
      user,
      actor: {
        userId,
        platformRoles: new Set(platformRoles.filter(isPlatformRole) as PlatformRole[]),
        programmeRoles: map,
      },
    };
  }

  // Who is asking: a personal access token (API only) or the session.
  app.addHook('onRequest', async (request) => {
    request.actor = ANONYMOUS;
  });
  app.addHook('preHandler', async (request) => {
    request.isApi = request.url.startsWith(API_PREFIX);
    const auth = request.headers.authorization;
    if (request.isApi && auth?.startsWith('Bearer ')) {
      const token = await findActiveApiToken(db, sha256(auth.slice(7).trim()));
      if (!token)
        throw new HttpError(401, 'The access token is not valid, has expired or was revoked', 'invalid_token');
      const { user, actor } = await loadActor(token.userId);
      if (!user) throw new HttpError(401, 'The access token is not valid, has expired or was revoked', 'invalid_token');
      // A token's scopes narrow what its owner may do: reading only, or some areas only.
      const permission = request.routeOptions.config.permission;
      if (permission && !tokenAllows(token.scopes, permission, request.method)) {
        const needed = scopeNeeded(permission, request.method);
        throw new HttpError(
          403,
          `This token cannot do this: it needs ${needed}, and its scopes are ${token.scopes.join(', ')}. Create a token with that scope`,
          'insufficient_scope',
        );
      }
      request.user = user;
      request.authVia = 'token';
      request.actor = actor;
      await touchApiToken(db, token.id);
      return;
    }
    const userId = request.session.userId;
    if (userId) {
      const { user, actor } = await loadActor(userId);
      if (user) {
        request.user = user;
        request.authVia = 'session';
        request.actor = actor;
      } else {
        await request.session.destroy();
      }
    }
  });

  // The route's permission, answered by the policy module.
  app.addHook('preHandler', async (request, reply) => {
    if (request.is404) return;
    const cfg = request.routeOptions.config;
    const permission = cfg.permission;
    if (!permission) throw new Error('route without permission');
    if (permission === 'public') return;
    const resource = cfg.resource ? await cfg.resource(request) : {};
    if (can(request.actor, permission, resource)) return;
    if (!request.user) {
      if (request.isApi) throw new HttpError(401, 'Sign in or send a personal access token', 'unauthenticated');
      // The way back travels in the sign-in link only: storing it would give every anonymous visitor a session row.
      const back = safeReturnTo(request.method === 'GET' ? request.url : sameOriginReferer(request));
      return reply.redirect(back === '/' ? '/sign-in' : `/sign-in?returnTo=${encodeURIComponent(back)}`);
    }
    throw new HttpError(403, 'You do not have permission to see this page or do this', 'forbidden');
  });

  // Forms and session-authenticated API calls must carry the CSRF token; token-authenticated API calls need not.
  app.addHook('preHandler', (request, reply, done) => {
    if (!UNSAFE.has(request.method) || request.authVia === 'token') return done();
    app.csrfProtection(request, reply, done);
  });

  const navigation = opts.navigation;
  app.decorateReply(
    'render',
    function (this: FastifyReply, template: string, context: Record<string, unknown> = {}, statusCode?: number) {
      const request = this.request;
      // An error before our hooks ran (e.g. the session store failing) leaves no actor yet.
      const actor = request.actor ?? ANONYMOUS;
      let csrf: string | undefined;
      const generateCsrf = () => this.generateCsrf();
      const flash = request.session?.flash ?? [];
      if (flash.length && request.session) request.session.flash = [];
      const html = views.render(template, {
        ...context,
        me: request.user ? { id: request.user.id, name: request.user.name, email: request.user.email } : null,
        actor,
        isAdmin: actor.platformRoles.has('admin'),
        // Made only when a page has a form, so anonymous readers get no session row.
        csrfToken: () => (csrf ??= generateCsrf()),
        cspNonce: (this as unknown as { cspNonce?: { script?: string } }).cspNonce?.script,
        flash,
        demoBanner: config.demo,
        currentPath: request.url,
        navigation: navigation
          .filter((n) => !n.show || n.show(actor))
          .map((n) => ({
            href: n.href,
            text: n.text,
            active: n.href === '/' ? request.url === '/' : request.url.startsWith(n.href),
          })),
      });
      if (statusCode) this.code(statusCode);
      return this.type('text/html; charset=utf-8').send(html);
    },
  );
}

function sameOriginReferer(request: FastifyRequest): string | undefined {
  const ref = request.headers.referer;
  if (!ref) return undefined;
  try {
    const url = new URL(ref);
    if (url.host !== request.host) return undefined;
    return url.pathname + url.search;
  } catch {
    return undefined;
  }
}

/**
 * Starts a fresh session for a user (a new id at every sign-in stops session
 * fixation) and returns where they were going before they signed in.
 */
export async function startSession(request: FastifyRequest, userId: string): Promise<string> {
  const returnTo = request.session.returnTo;
  await request.session.regenerate();
  request.session.userId = userId;
  return safeReturnTo(returnTo);
}
