import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser } from '../helpers/factories';

describe.each(DRIVERS)('accounts (%s)', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    // Small limits, so these tests reach them quickly; the defaults are tested in accounts-sign-in.test.ts.
    t = await buildTestApp(driver, { signInMaxFailures: 3, signInAddressMaxFailures: 3, signInLockMinutes: 15 });
  });
  afterAll(async () => t?.close());

  describe('your data', () => {
    it('downloads what Waymark holds about you, without secrets', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.signIn(u.email, u.password);
      await c.submit('/account/tokens', '/account/tokens', {
        name: 'Mine',
        access: 'read',
        areas: 'all',
        expiresInDays: '30',
      });
      const res = await c.get('/account/export');
      expect(res.headers['content-disposition']).toContain('waymark-my-data.json');
      const data = res.json();
      expect(data.account.email).toBe(u.email);
      expect(data.accessTokens.map((x: { name: string }) => x.name)).toEqual(['Mine']);
      expect(data).toHaveProperty('programmeMemberships');
      expect(res.body).not.toContain('argon2');
      expect(res.body).not.toContain('wm_pat_');
    });

    it('deletes your account after your password, signing you out; a wrong password deletes nothing', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.signIn(u.email, u.password);
      const wrong = await c.submit('/account/delete', '/account/delete', { password: 'not my password at all' });
      expect(wrong.statusCode).toBe(400);
      expect(textOf(wrong.body)).toContain('Your password is not correct');
      expect(await t.app.services.accounts.findUserByEmail(u.email)).toBeDefined();
      const done = await c.submit('/account/delete', '/account/delete', { password: u.password });
      expect(done.headers.location).toBe('/account-deleted');
      expect(textOf((await c.get('/account-deleted')).body)).toContain('Your account has been deleted');
      expect(await t.app.services.accounts.findUserByEmail(u.email)).toBeUndefined();
      expect((await c.get('/account')).statusCode).toBe(302);
    });

    it('will not delete the only platform admin', async () => {
      const fresh = await buildTestApp(driver);
      try {
        const admin = await buildUser(fresh.app, { roles: ['admin'] });
        const c = new TestClient(fresh.app);
        await c.signIn(admin.email, admin.password);
        const res = await c.submit('/account/delete', '/account/delete', { password: admin.password });
        expect(res.statusCode).toBe(400);
        expect(textOf(res.body)).toContain('You are the only platform admin');
      } finally {
        await fresh.close();
      }
    });
  });

  describe('your account', () => {
    it('changes details and password; a wrong current password changes nothing', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.signIn(u.email, u.password);
      const saved = await c.submit('/account/profile', '/account/profile', {
        name: 'New Name',
        profession: 'Nurse',
        organisation: '',
      });
      expect(saved.statusCode).toBe(302);
      expect(textOf((await c.get('/account')).body)).toContain('New Name');

      const wrong = await c.submit('/account/password', '/account/password', {
        currentPassword: 'not my password!',
        newPassword: 'another long passphrase',
      });
      expect(wrong.statusCode).toBe(400);
      expect(textOf(wrong.body)).toContain('Your current password is not correct');
      const ok = await c.submit('/account/password', '/account/password', {
        currentPassword: u.password,
        newPassword: 'another long passphrase',
      });
      expect(ok.statusCode).toBe(302);
      expect((await c.get('/account')).statusCode).toBe(200);
      await new TestClient(t.app).signIn(u.email, 'another long passphrase');
    });
  });
});
