import { queryRows } from '../../src/platform/db/database';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser, countRows } from '../helpers/factories';

describe.each(DRIVERS)('accounts (%s)', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    // Small limits, so these tests reach them quickly; the defaults are tested in accounts-sign-in.test.ts.
    t = await buildTestApp(driver, { signInMaxFailures: 3, signInAddressMaxFailures: 3, signInLockMinutes: 15 });
  });
  afterAll(async () => t?.close());

  describe('your account', () => {
    it('creates a personal access token shown once, which the API accepts until revoked', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.signIn(u.email, u.password);
      const created = await c.submit('/account/tokens', '/account/tokens', {
        name: 'Scripts',
        access: 'write',
        areas: 'all',
        expiresInDays: '30',
      });
      expect(created.statusCode).toBe(201);
      const token = /(wm_pat_[A-Za-z0-9_-]+)/.exec(created.body)![1]!;
      expect((await c.get('/account/tokens')).body).not.toContain(token);

      const me = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(me.statusCode).toBe(200);
      expect(me.json().email).toBe(u.email);

      await c.get('/account/tokens');
      const id = /\/account\/tokens\/([0-9a-f-]{36})\/revoke/.exec(c.lastHtml)![1]!;
      expect((await c.post(`/account/tokens/${id}/revoke`, { _csrf: c.csrf() })).statusCode).toBe(302);
      const after = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(after.statusCode).toBe(401);
      expect(after.json().error.code).toBe('invalid_token');
    });

    it('creates one token however often the form is sent, showing the secret only the first time', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.signIn(u.email, u.password);
      await c.get('/account/tokens');
      const form = {
        _csrf: c.csrf(),
        _submission: c.hidden('_submission'),
        name: 'Refreshed',
        access: 'read',
        areas: 'all',
        expiresInDays: '30',
      };
      const first = await c.post('/account/tokens', form);
      expect(first.statusCode).toBe(201);
      expect(first.body).toMatch(/wm_pat_/);
      const again = await c.post('/account/tokens', form);
      expect(again.statusCode).toBe(302);
      expect(textOf((await c.get('/account/tokens')).body)).toContain('was already created from this form');
      expect(
        (
          await queryRows<{ n: number }>(
            t.app.platform.db,
            sql`select count(*)::int as n from api_tokens where user_id = ${u.id}`,
          )
        )[0]!.n,
      ).toBe(1);
    });

    it('lets a read-only token use GET routes only', async () => {
      const u = await buildUser(t.app, { roles: ['admin'] });
      const c = new TestClient(t.app);
      await c.signIn(u.email, u.password);
      const created = await c.submit('/account/tokens', '/account/tokens', {
        name: 'Reader',
        access: 'read',
        areas: 'all',
        expiresInDays: '7',
      });
      expect(textOf(created.body)).toContain('Read only: every area');
      const token = /(wm_pat_[A-Za-z0-9_-]+)/.exec(created.body)![1]!;
      const auth = { authorization: `Bearer ${token}` };
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/programmes', headers: auth })).statusCode).toBe(200);
      const before = await countRows(t.app, 'programmes');
      const write = await t.app.inject({
        method: 'POST',
        url: '/api/v1/programmes',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'Made by a reader' }),
      });
      expect(write.statusCode).toBe(403);
      expect(write.json().error.code).toBe('insufficient_scope');
      expect(write.json().error.message).toBe(
        'This token cannot do this: it needs the programmes:write scope (or write), and its scopes are read. Create a token with that scope',
      );
      expect(await countRows(t.app, 'programmes')).toBe(before);
    });

    it('keeps a token to the areas chosen for it', async () => {
      const u = await buildUser(t.app, { roles: ['admin'] });
      const c = new TestClient(t.app);
      await c.signIn(u.email, u.password);
      const created = await c.submit('/account/tokens', '/account/tokens', {
        name: 'Frameworks only',
        access: 'write',
        areas: 'frameworks',
        expiresInDays: '30',
      });
      expect(textOf(created.body)).toContain('Read and change: Frameworks');
      const token = /(wm_pat_[A-Za-z0-9_-]+)/.exec(created.body)![1]!;
      const auth = { authorization: `Bearer ${token}` };
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/frameworks', headers: auth })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: auth })).statusCode).toBe(403);
      const programmes = await t.app.inject({ method: 'GET', url: '/api/v1/programmes', headers: auth });
      expect(programmes.statusCode).toBe(403);
      expect(programmes.json().error.code).toBe('insufficient_scope');
      expect(programmes.json().error.message).toContain(
        'it needs the programmes:read scope (or programmes:write, read or write), and its scopes are frameworks:write',
      );
    });

    it('gives every token an expiry of a year at most, 90 days unless chosen', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.signIn(u.email, u.password);
      const page = await c.get('/account/tokens');
      expect(page.body).toMatch(/value="90"[^>]*checked|checked[^>]*value="90"/);
      for (const expiresInDays of ['never', '730', '']) {
        const res = await c.submit('/account/tokens', '/account/tokens', {
          name: 'Forever',
          access: 'read',
          areas: 'all',
          expiresInDays,
        });
        expect(res.statusCode).toBe(400);
        expect(textOf(res.body)).toContain('a token lasts a year at most');
      }
      const made = await c.submit('/account/tokens', '/account/tokens', {
        name: 'Year',
        access: 'read',
        areas: 'all',
        expiresInDays: '365',
      });
      expect(made.statusCode).toBe(201);
      const [row] = await queryRows<{ expires_at: Date; scopes: string[] }>(
        t.app.platform.db,
        sql`select expires_at, scopes from api_tokens where user_id = ${u.id}`,
      );
      const days = (new Date(row!.expires_at).getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(364);
      expect(days).toBeLessThanOrEqual(365);
      expect(row!.scopes).toEqual(['read']);
    });

    it('refuses a token without its access or areas, with a specific message', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.signIn(u.email, u.password);
      const res = await c.submit('/account/tokens', '/account/tokens', { name: 'Vague', expiresInDays: '30' });
      expect(res.statusCode).toBe(400);
      expect(textOf(res.body)).toContain('Choose whether the token can only read, or read and change');
      expect(textOf(res.body)).toContain('Choose at least one area the token can use');
      const odd = await c.submit('/account/tokens', '/account/tokens', {
        name: 'Odd',
        access: 'read',
        areas: 'admin',
        expiresInDays: '30',
      });
      expect(textOf(odd.body)).toContain('Choose areas from the list');
      expect(
        (
          await queryRows<{ n: number }>(
            t.app.platform.db,
            sql`select count(*)::int as n from api_tokens where user_id = ${u.id}`,
          )
        )[0]!.n,
      ).toBe(0);
    });

    it('refuses a token without a name', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.signIn(u.email, u.password);
      const res = await c.submit('/account/tokens', '/account/tokens', {
        name: '',
        access: 'read',
        areas: 'all',
        expiresInDays: '30',
      });
      expect(res.statusCode).toBe(400);
      expect(textOf(res.body)).toContain('Enter a name for the token');
    });
  });
});
