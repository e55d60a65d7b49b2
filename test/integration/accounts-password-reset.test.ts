import { queryRows } from '../../src/platform/db/database';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser, countRows, lastEmailTo, linkIn } from '../helpers/factories';
import { liveMessageTo } from '../helpers/mail';
import { HIDDEN_LINK } from '../../src/platform/mail/mailer';

describe.each(DRIVERS)('accounts (%s)', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    // Small limits, so these tests reach them quickly; the defaults are tested in accounts-sign-in.test.ts.
    t = await buildTestApp(driver, { signInMaxFailures: 3, signInAddressMaxFailures: 3, signInLockMinutes: 15 });
  });
  afterAll(async () => t?.close());

  describe('forgotten password', () => {
    it('emails a single-use link that sets a new password and signs out other sessions', async () => {
      const u = await buildUser(t.app);
      const other = new TestClient(t.app);
      await other.signIn(u.email, u.password);

      const c = new TestClient(t.app);
      const asked = await c.submit('/forgot-password', '/forgot-password', { email: u.email });
      expect(textOf(asked.body)).toContain('Check your email');
      const email = await liveMessageTo(t.app, u.email);
      expect(email?.subject).toBe('Reset your Waymark password');
      const link = linkIn(email!.text);
      // What the outbox keeps (and admins read) has the link hidden.
      const kept = await lastEmailTo(t.app, u.email);
      expect(kept!.text).toContain(HIDDEN_LINK);
      expect(kept!.text).not.toContain(link);

      expect((await c.get(link)).statusCode).toBe(200);
      const weak = await c.post(link, { _csrf: c.csrf(), password: 'password1234' });
      expect(weak.statusCode).toBe(400);
      const reset = await c.submit(link, link, { password: 'a brand new long passphrase' });
      expect(reset.statusCode).toBe(302);

      expect((await other.get('/account')).statusCode).toBe(302);
      const again = await c.get(link);
      expect(again.statusCode).toBe(400);
      expect(textOf(again.body)).toContain('already been used');
      const fresh = new TestClient(t.app);
      await fresh.signIn(u.email, 'a brand new long passphrase');
    });

    it('retires the earlier link when a new one is asked for', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.submit('/forgot-password', '/forgot-password', { email: u.email });
      const first = linkIn((await liveMessageTo(t.app, u.email))!.text);
      await c.submit('/forgot-password', '/forgot-password', { email: u.email });
      const second = linkIn((await liveMessageTo(t.app, u.email))!.text);
      expect(second).not.toBe(first);
      const old = await c.get(first);
      expect(old.statusCode).toBe(400);
      expect(textOf(old.body)).toContain('already been used');
      expect((await c.get(second)).statusCode).toBe(200);
    });

    it('leaves one live reset link when several are asked for at once', async () => {
      const u = await buildUser(t.app);
      await Promise.all(
        [1, 2, 3, 4].map(() =>
          t.app.services.accounts.requestPasswordReset(u.email, { actorId: null, actorLabel: u.email, ip: '10.9.0.2' }),
        ),
      );
      const live = await queryRows<{ n: number }>(
        t.app.platform.db,
        sql`select count(*)::int as n from link_tokens where purpose = 'password-reset' and subject = ${u.id} and used_at is null`,
      );
      expect(live[0]!.n).toBe(1);
    });

    it('answers the same for an address with no account, and sends nothing', async () => {
      const before = await countRows(t.app, 'outbox');
      const c = new TestClient(t.app);
      const res = await c.submit('/forgot-password', '/forgot-password', { email: 'nobody-at-all@example.nhs.uk' });
      expect(textOf(res.body)).toContain('Check your email');
      expect(await countRows(t.app, 'outbox')).toBe(before);
    });

    it('refuses a made-up link', async () => {
      const c = new TestClient(t.app);
      const res = await c.get('/reset-password/this-is-not-a-real-token-at-all');
      expect(res.statusCode).toBe(400);
      expect(textOf(res.body)).toContain('not valid');
    });
  });
});
