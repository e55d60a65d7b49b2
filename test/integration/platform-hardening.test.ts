import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'drizzle-orm';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser, countRows } from '../helpers/factories';
import { queryRows } from '../../src/platform/db/database';
import { ANONYMOUS_SESSION_MS } from '../../src/platform/auth/session-store';

/** An answer within two seconds, or a failure: a request whose reply crashed never answers at all. */
async function answered(res: Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 2 s')), 2000)),
  );
  try {
    return await Promise.race([res, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Rejections nobody handled while a test ran: each would end a real server (Node's default). */
const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => unhandled.push(err);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

const stillAnswers = async (app: FastifyInstance) =>
  expect((await answered(app.inject('/healthz'))).statusCode).toBe(200);

describe.each(DRIVERS)('platform hardening (%s)', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(driver);
  });
  afterAll(async () => t?.close());

  describe('redirects to a way back', () => {
    // Each of these once reached a Location header: Node threw, and the throw inside the session save ended the process.
    const HOSTILE = [
      '/sign-in?returnTo=%2F%0A%2Fx',
      '/sign-in?returnTo=%2F%0D%0ASet-Cookie%3A%20x%3D1',
      '/sign-in?returnTo=%2F%09%2Fevil.example',
      '/sign-in?returnTo=%2F%E3%80%82evil',
      '/%E3%80%82evil',
      '/sign-in?returnTo=%2F%5C%2Fevil.example',
    ];

    it.each(HOSTILE)('%s answers, and the server goes on answering (anonymous and signed in)', async (url) => {
      const anonymous = await answered(t.app.inject(url));
      expect(anonymous.statusCode).toBeLessThan(500);
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.signIn(u.email, u.password);
      const signedIn = await answered(c.get(url));
      expect(signedIn.statusCode).toBeLessThan(500);
      const location = signedIn.headers.location;
      if (location !== undefined) {
        expect(String(location)).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
        expect(String(location)).not.toContain('evil.example');
      }
      expect(unhandled).toEqual([]);
      await stillAnswers(t.app);
    });

    it('after signing in, a tab or newline in the way back goes home, never to another site', async () => {
      const u = await buildUser(t.app);
      for (const back of ['%2F%09%2Fevil.example', '%2F%0A%2Fx']) {
        const c = new TestClient(t.app);
        await c.get(`/sign-in?returnTo=${back}`);
        const signed = await answered(c.post('/sign-in', { _csrf: c.csrf(), email: u.email, password: u.password }));
        expect(signed.statusCode).toBe(302);
        expect(signed.headers.location).toBe('/programmes');
      }
      expect(unhandled).toEqual([]);
    });

    it('keeps non-ASCII in the way back, percent-encoded', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.signIn(u.email, u.password);
      const res = await answered(c.get('/sign-in?returnTo=%2Fguides%3Fq%3D%C3%A9'));
      expect(res.headers.location).toBe('/guides?q=%C3%A9');
    });

    it('sends an anonymous form post back to a same-site referring page only', async () => {
      const c = new TestClient(t.app);
      await c.get('/sign-in');
      const token = c.csrf();
      const post = (referer: string) =>
        answered(
          t.app.inject({
            method: 'POST',
            url: '/account/tokens',
            payload: `_csrf=${token}`,
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              cookie: `waymark_session=${c.cookies.get('waymark_session')}`,
              host: 'waymark.test',
              referer,
            },
          }),
        );
      expect((await post('http://waymark.test/account?x=%E3%80%82')).headers.location).toBe(
        '/sign-in?returnTo=%2Faccount%3Fx%3D%25E3%2580%2582',
      );
      expect((await post('https://evil.example/account')).headers.location).toBe('/sign-in');
      await stillAnswers(t.app);
    });
  });

  describe('the CSRF token', () => {
    it('never travels in a URL: the sign-out form carries it in its body', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.signIn(u.email, u.password);
      const page = await c.get('/account');
      expect(page.body).not.toMatch(/[?&]_csrf=/);
      expect(page.body).toMatch(/<form[^>]*action="\/sign-out"[^>]*>\s*<button[^>]*>[\s\S]*name="_csrf"/);
    });

    it('is not read from the query string', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.signIn(u.email, u.password);
      await c.get('/account');
      const token = c.csrf();
      const inQuery = await c.post(`/sign-out?_csrf=${encodeURIComponent(token)}`, {});
      expect(inQuery.statusCode).toBe(403);
      expect((await c.get('/account')).statusCode).toBe(200);
      const inBody = await c.post('/sign-out', { _csrf: token });
      expect(inBody.headers.location).toBe('/signed-out');
    });
  });

  describe('anonymous sessions', () => {
    it('are not stored for reading public pages, nor for being sent to sign in', async () => {
      await t.app.platform.db.execute(sql`delete from sessions`);
      for (const url of [
        '/',
        '/frameworks',
        '/guides',
        '/about',
        '/accessibility',
        '/privacy',
        '/signed-out',
        '/no/such/page',
        '/account',
        '/programmes',
        '/api/v1/me',
      ]) {
        const res = await t.app.inject(url);
        expect(res.statusCode, url).toBeLessThan(500);
        expect(
          res.cookies.map((x) => x.name),
          url,
        ).not.toContain('waymark_session');
      }
      expect(await countRows(t.app, 'sessions')).toBe(0);
    });

    it('holding only a form token live for hours, not the week a sign-in lasts', async () => {
      await t.app.platform.db.execute(sql`delete from sessions`);
      const c = new TestClient(t.app);
      await c.get('/sign-in');
      const [anon] = await queryRows<{ expires_at: string }>(t.app.platform.db, sql`select expires_at from sessions`);
      expect(new Date(anon!.expires_at).getTime()).toBeLessThanOrEqual(Date.now() + ANONYMOUS_SESSION_MS + 1000);
      const u = await buildUser(t.app);
      await c.signIn(u.email, u.password);
      const [signedIn] = await queryRows<{ expires_at: string }>(
        t.app.platform.db,
        sql`select expires_at from sessions where user_id = ${u.id}`,
      );
      expect(new Date(signedIn!.expires_at).getTime()).toBeGreaterThan(Date.now() + 24 * 3600_000);
    });
  });

  describe('malformed input', () => {
    it('answers 404 for an id in the path that is not a UUID, before any query', async () => {
      const u = await buildUser(t.app, { roles: ['admin'] });
      const c = new TestClient(t.app);
      for (const url of ['/programmes/not-a-uuid', '/admin/users/1', '/api/v1/programmes/x%27', '/badges/zzz']) {
        expect((await t.app.inject(url)).statusCode, url).toBe(404);
      }
      await c.signIn(u.email, u.password);
      const page = await c.get('/programmes/not-a-uuid/edit');
      expect(page.statusCode).toBe(404);
      expect(textOf(page.body)).toContain('Page not found');
      const api = await c.json('GET', '/api/v1/programmes/123');
      expect(api.statusCode).toBe(404);
      expect(api.json().error.code).toBe('not_found');
    });

    it('strips NUL and other stray control characters from forms and queries, keeping tabs and newlines', async () => {
      const admin = await buildUser(t.app, { roles: ['admin'] });
      const c = new TestClient(t.app);
      await c.signIn(admin.email, admin.password);
      const res = await c.submit('/programmes/new', '/programmes', {
        name: 'Null\u0000 programme\u0007',
        description: 'Line one\nline\ttwo\u0000',
        areas: 'Cancer\u0000 Care',
        stakeholderTypes: 'Clinician',
      });
      expect(res.statusCode, textOf(res.body).slice(0, 600)).toBe(302);
      const id = String(res.headers.location).split('/').pop()!;
      expect(await t.app.services.programmes.get(id)).toMatchObject({
        name: 'Null programme',
        description: 'Line one\nline\ttwo',
      });
      expect((await t.app.inject('/frameworks?q=%00nurse')).statusCode).toBe(200);
      expect((await t.app.inject('/frameworks/%00x')).statusCode).toBe(404);
    });

    it('refuses a body a page does not take with 415, and a JSON string to the API with 400', async () => {
      const c = new TestClient(t.app);
      await c.get('/sign-in');
      const cookie = `waymark_session=${c.cookies.get('waymark_session')}`;
      const text = await t.app.inject({
        method: 'POST',
        url: '/sign-in',
        payload: 'email=a',
        headers: { 'content-type': 'text/plain', cookie },
      });
      expect(text.statusCode).toBe(415);
      const json = await t.app.inject({
        method: 'POST',
        url: '/sign-in',
        payload: JSON.stringify({ _csrf: c.csrf(), email: ['a'], password: 1 }),
        headers: { 'content-type': 'application/json', cookie },
      });
      expect(json.statusCode).toBe(415);
      expect(textOf(json.body)).toContain('This page takes a form');
      const admin = await buildUser(t.app, { roles: ['admin'] });
      const signedIn = new TestClient(t.app);
      await signedIn.signIn(admin.email, admin.password);
      await signedIn.get('/account');
      for (const body of ['just a string', ['an', 'array'], 42]) {
        const api = await signedIn.json('POST', '/api/v1/programmes', body, { 'csrf-token': signedIn.csrf() });
        expect(api.statusCode, JSON.stringify(body)).toBe(400);
        expect(api.json().error.code).toBe('validation');
      }
    });

    it('answers in its own words, never a library message', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/programmes',
        payload: '{"a":',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toBe('The request body is not valid JSON.');
      const bad = await t.app.inject({ method: 'GET', url: '/frameworks?x=1', headers: { 'content-length': 'abc' } });
      expect(bad.statusCode).toBeLessThan(500);
    });
  });
});

describe('behind a proxy', () => {
  it('with one trusted hop, a client-supplied X-Forwarded-For address changes neither the audit address nor the rate-limit key', async () => {
    const t = await buildTestApp('pglite', { trustProxy: 1, rateLimitPerMinute: 3 });
    try {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.get('/sign-in');
      // The client invents a fresh first address each time; the proxy appends the one it saw.
      const signIn = (forwarded: string) =>
        t.app.inject({
          method: 'POST',
          url: '/sign-in',
          payload: new URLSearchParams({
            _csrf: c.csrf(),
            email: u.email,
            password: 'not the password at all',
          }).toString(),
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            cookie: `waymark_session=${c.cookies.get('waymark_session')}`,
            'x-forwarded-for': forwarded,
          },
        });
      expect((await signIn('10.9.9.9, 203.0.113.7')).statusCode).toBe(400);
      const rows = await queryRows<{ ip: string }>(
        t.app.platform.db,
        sql`select ip from audit_events where action = 'account.sign-in-failed'`,
      );
      expect(rows.map((r) => r.ip)).toEqual(['203.0.113.7']);
      const codes = [];
      for (let i = 1; i <= 3; i++) codes.push((await signIn(`198.51.100.${i}, 203.0.113.7`)).statusCode);
      expect(codes[2]).toBe(429);
      // A different client behind the same proxy is its own key.
      expect((await signIn('198.51.100.9, 203.0.113.8')).statusCode).not.toBe(429);
    } finally {
      await t.close();
    }
  });
});
