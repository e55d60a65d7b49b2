import { queryRows } from '../../src/platform/db/database';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser, countRows, linkIn, PASSWORD } from '../helpers/factories';
import { liveMessageTo } from '../helpers/mail';

describe.each(DRIVERS)('accounts (%s)', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    // Small limits, so these tests reach them quickly; the defaults are tested in accounts-sign-in.test.ts.
    t = await buildTestApp(driver, { signInMaxFailures: 3, signInAddressMaxFailures: 3, signInLockMinutes: 15 });
  });
  afterAll(async () => t?.close());

  describe('registering', () => {
    it('creates the account only when the emailed link is opened, then signs the person in', async () => {
      const c = new TestClient(t.app);
      const res = await c.submit('/register', '/register', {
        name: 'Nia Jones',
        email: ' Nia.Jones@Example.NHS.uk ',
        password: PASSWORD,
        profession: 'Physiotherapist',
      });
      expect(res.statusCode).toBe(200);
      expect(textOf(res.body)).toContain('Check your email');
      expect(await t.app.services.accounts.findUserByEmail('nia.jones@example.nhs.uk')).toBeUndefined();
      // Nobody can sign in with it yet: the address is not proven theirs.
      expect(
        (
          await new TestClient(t.app, '10.1.0.1').submit('/sign-in', '/sign-in', {
            email: 'nia.jones@example.nhs.uk',
            password: PASSWORD,
          })
        ).statusCode,
      ).toBe(400);

      const mail = await liveMessageTo(t.app, 'nia.jones@example.nhs.uk');
      expect(mail?.subject).toBe('Finish creating your Waymark account');
      const link = linkIn(mail!.text);
      expect(textOf((await c.get(link)).body)).toContain('Finish creating your account');
      expect(await t.app.services.accounts.findUserByEmail('nia.jones@example.nhs.uk')).toBeUndefined();
      const done = await c.post(link, { _csrf: c.csrf() });
      expect(done.headers.location).toBe('/account');
      // The spent link keeps no copy of the password hash or details.
      const spent = await queryRows<{ data: unknown }>(
        t.app.platform.db,
        sql`select data from link_tokens where purpose = 'registration' and subject = 'nia.jones@example.nhs.uk'`,
      );
      expect(spent.map((r) => r.data)).toEqual([{}]);
      const account = await c.get('/account');
      expect(textOf(account.body)).toContain('nia.jones@example.nhs.uk');
      expect(textOf(account.body)).toContain('Physiotherapist');
      const user = await t.app.services.accounts.findUserByEmail('nia.jones@example.nhs.uk');
      expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
      const again = await new TestClient(t.app).get(link);
      expect(again.statusCode).toBe(400);
      expect(textOf(again.body)).toContain('already been used');
    });

    it.each([
      [{ name: '', email: 'a@example.nhs.uk', password: PASSWORD }, 'Enter your full name'],
      [{ name: 'A', email: 'not-an-email', password: PASSWORD }, 'Enter an email address in the correct format'],
      [{ name: 'A', email: 'b@example.nhs.uk', password: 'short pass' }, 'Password must be 12 characters or more'],
      [{ name: 'A', email: 'c@example.nhs.uk', password: 'qwerty123456' }, 'Password is too common'],
      [{ name: 'A', email: 'd@example.nhs.uk', password: 'aaaaaaaaaaaaaaa' }, 'at least 4 different characters'],
    ])('refuses %o with a specific message and saves nothing', async (form, message) => {
      const before = await countRows(t.app, 'users');
      const c = new TestClient(t.app);
      const res = await c.submit('/register', '/register', form);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('There is a problem');
      expect(res.body).toContain(message);
      expect(res.body).toMatch(/<title>Error: /);
      expect(await countRows(t.app, 'users')).toBe(before);
    });

    it('keeps what was typed, except the password, when re-showing the form', async () => {
      const c = new TestClient(t.app);
      const res = await c.submit('/register', '/register', {
        name: 'Keep Me',
        email: 'keep@example.nhs.uk',
        password: 'short',
        organisation: 'Leeds Trust',
      });
      expect(res.body).toContain('value="Keep Me"');
      expect(res.body).toContain('value="Leeds Trust"');
      expect(res.body).not.toContain('value="short"');
    });

    it('answers an email that has an account exactly as a new one, and tells the owner instead', async () => {
      const u = await buildUser(t.app);
      const users = await countRows(t.app, 'users');
      const taken = await new TestClient(t.app).submit('/register', '/register', {
        name: 'Again',
        email: u.email.toUpperCase(),
        password: PASSWORD,
      });
      const fresh = await new TestClient(t.app).submit('/register', '/register', {
        name: 'Again',
        email: 'brand-new-person@example.nhs.uk',
        password: PASSWORD,
      });
      expect(taken.statusCode).toBe(fresh.statusCode);
      const page = (body: string, email: string) => textOf(body).replace(email, 'EMAIL');
      expect(page(taken.body, u.email)).toBe(page(fresh.body, 'brand-new-person@example.nhs.uk'));
      expect(await countRows(t.app, 'users')).toBe(users);
      const mail = await liveMessageTo(t.app, u.email);
      expect(mail?.subject).toBe('Someone tried to create a Waymark account with your email address');
      expect(mail?.text).toContain('/forgot-password');
      expect(mail?.text).not.toContain('/register/confirm/');
    });

    it('retires the earlier registration link when the address asks again, so only the latest email creates the account', async () => {
      const email = 'asks-twice@example.nhs.uk';
      await new TestClient(t.app).submit('/register', '/register', { name: 'First Try', email, password: PASSWORD });
      const first = linkIn((await liveMessageTo(t.app, email))!.text);
      await new TestClient(t.app).submit('/register', '/register', {
        name: 'Second Try',
        email: ' Asks-Twice@Example.NHS.uk ',
        password: PASSWORD,
      });
      const second = linkIn((await liveMessageTo(t.app, email))!.text);
      expect(second).not.toBe(first);

      const old = new TestClient(t.app);
      expect((await old.get(first)).statusCode).toBe(400);
      await old.get('/register');
      const refused = await old.post(first, { _csrf: old.csrf() });
      expect(refused.statusCode).toBe(400);
      expect(await t.app.services.accounts.findUserByEmail(email)).toBeUndefined();

      const c = new TestClient(t.app);
      await c.get(second);
      expect((await c.post(second, { _csrf: c.csrf() })).headers.location).toBe('/account');
      expect((await t.app.services.accounts.findUserByEmail(email))?.name).toBe('Second Try');
    });

    it('leaves one live registration link when the same address asks several times at once', async () => {
      const email = 'asks-at-once@example.nhs.uk';
      const ctx = { actorId: null, actorLabel: email, ip: '10.9.0.1' };
      await Promise.all(
        ['A', 'B', 'C', 'D'].map((n) =>
          t.app.services.accounts.requestRegistration({ name: `Try ${n}`, email, password: PASSWORD }, ctx),
        ),
      );
      const live = await queryRows<{ n: number }>(
        t.app.platform.db,
        sql`select count(*)::int as n from link_tokens where purpose = 'registration' and subject = ${email} and used_at is null`,
      );
      expect(live[0]!.n).toBe(1);
    });

    it('refuses a form posted without the CSRF token and changes nothing', async () => {
      const before = await countRows(t.app, 'users');
      const c = new TestClient(t.app);
      await c.get('/register');
      const res = await c.post('/register', { name: 'No Token', email: 'notoken@example.nhs.uk', password: PASSWORD });
      expect(res.statusCode).toBe(403);
      expect(textOf(res.body)).toContain('This form has expired');
      expect(await countRows(t.app, 'users')).toBe(before);
    });
  });
});
