import { queryRows } from '../../src/platform/db/database';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser, countRows, lastEmailTo, linkIn, PASSWORD } from '../helpers/factories';
import { liveMessageTo } from '../helpers/mail';
import { HIDDEN_LINK } from '../../src/platform/mail/mailer';

describe.each(DRIVERS)('accounts (%s)', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    // Small limits, so these tests reach them quickly; the defaults are tested on their own below.
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

  describe('signing in and out', () => {
    it('signs in with a new session id, and signs out', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.get('/sign-in');
      c.csrf();
      const before = c.cookies.get('waymark_session');
      expect(before).toBeDefined();
      await c.signIn(u.email, u.password);
      expect(c.cookies.get('waymark_session')).not.toBe(before);
      expect((await c.get('/account')).statusCode).toBe(200);
      await c.get('/account');
      const out = await c.post('/sign-out', { _csrf: c.csrf() });
      expect(out.headers.location).toBe('/signed-out');
      const after = await c.get('/account');
      expect(after.statusCode).toBe(302);
      expect(after.headers.location).toContain('/sign-in');
    });

    it('sets a HttpOnly, SameSite=Lax session cookie', async () => {
      const c = new TestClient(t.app);
      const res = await c.get('/sign-in');
      const cookie = res.cookies.find((x) => x.name === 'waymark_session')!;
      expect(cookie.httpOnly).toBe(true);
      expect(String(cookie.sameSite).toLowerCase()).toBe('lax');
    });

    it('sends people who are not signed in to sign in, and back where they were afterwards', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      const res = await c.get('/account/tokens');
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/sign-in?returnTo=%2Faccount%2Ftokens');
      await c.get(res.headers.location as string);
      const signed = await c.post('/sign-in', { _csrf: c.csrf(), email: u.email, password: u.password });
      expect(signed.headers.location).toBe('/account/tokens');
    });

    it('never returns to another site after signing in', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app);
      await c.get('/sign-in?returnTo=//evil.example/steal');
      const signed = await c.post('/sign-in', { _csrf: c.csrf(), email: u.email, password: u.password });
      expect(signed.headers.location).toBe('/programmes');
    });

    it('says the email or password is wrong without saying which', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app, '10.2.0.1');
      const wrong = await c.submit('/sign-in', '/sign-in', { email: u.email, password: 'not the password at all' });
      const unknown = await c.submit('/sign-in', '/sign-in', {
        email: 'nobody-here@example.nhs.uk',
        password: 'not the password at all',
      });
      expect(wrong.statusCode).toBe(400);
      expect(textOf(wrong.body)).toContain('Enter a correct email address and password');
      expect(textOf(unknown.body)).toContain('Enter a correct email address and password');
    });

    it('blocks an address after repeated failures, even for the right password, and says so', async () => {
      const u = await buildUser(t.app);
      const c = new TestClient(t.app, '10.3.0.1');
      for (let i = 0; i < 2; i++)
        expect(
          (await c.submit('/sign-in', '/sign-in', { email: u.email, password: 'wrong password here' })).statusCode,
        ).toBe(400);
      const third = await c.submit('/sign-in', '/sign-in', { email: u.email, password: 'wrong password here' });
      expect(third.statusCode).toBe(429);
      expect(textOf(third.body)).toContain('Too many failed attempts from your network');
      const right = await c.submit('/sign-in', '/sign-in', { email: u.email, password: u.password });
      expect(right.statusCode).toBe(429);
      expect(textOf(right.body)).toContain('reset your password');
      // The block is on the address, whichever account it tries next.
      const other = await buildUser(t.app);
      expect(
        (await c.submit('/sign-in', '/sign-in', { email: other.email, password: other.password })).statusCode,
      ).toBe(429);
    });

    it('never locks the real owner out: guessing only delays the account, briefly, for everyone', async () => {
      const u = await buildUser(t.app);
      const guesser = new TestClient(t.app, '10.4.0.1');
      for (let i = 0; i < 3; i++)
        await guesser.submit('/sign-in', '/sign-in', { email: u.email, password: 'a wrong guess here' });
      const owner = new TestClient(t.app, '10.4.0.2');
      const early = await owner.submit('/sign-in', '/sign-in', { email: u.email, password: u.password });
      expect(early.statusCode).toBe(429);
      expect(textOf(early.body)).toMatch(/Wait \d+ seconds?, then try again/);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await owner.signIn(u.email, u.password);
      expect((await owner.get('/account')).statusCode).toBe(200);
    });

    it('makes the account wait longer after each further failure, and forgets once the owner signs in', async () => {
      const u = await buildUser(t.app);
      const accounts = t.app.services.accounts;
      const at = (seconds: number) => new Date(Date.UTC(2030, 0, 1, 9) + seconds * 1000);
      const from = (n: number) => ({ actorId: null, actorLabel: 'anonymous', ip: `10.5.0.${n}` });
      // Each guess from a new address, so no address is blocked: only the account slows.
      for (let i = 0; i < 3; i++)
        expect((await accounts.signIn(u.email, 'a wrong guess', from(i), at(i))).ok).toBe(false);
      expect(await accounts.signIn(u.email, u.password, from(9), at(2.5))).toEqual({
        ok: false,
        reason: 'wait',
        seconds: 1,
      });
      expect((await accounts.signIn(u.email, 'a wrong guess', from(3), at(4))).ok).toBe(false);
      expect(await accounts.signIn(u.email, u.password, from(9), at(5))).toEqual({
        ok: false,
        reason: 'wait',
        seconds: 1,
      });
      expect(await accounts.signIn(u.email, u.password, from(9), at(4.5))).toEqual({
        ok: false,
        reason: 'wait',
        seconds: 2,
      });
      expect((await accounts.signIn(u.email, u.password, from(9), at(6))).ok).toBe(true);
      expect((await accounts.signIn(u.email, 'a wrong guess', from(4), at(7))).ok).toBe(false);
      expect((await accounts.signIn(u.email, u.password, from(9), at(7.1))).ok).toBe(true);
    });
  });

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

describe('rate limit', () => {
  it('slows down floods of sign-in attempts from one address', async () => {
    const t = await buildTestApp('pglite', { rateLimitPerMinute: 3 });
    try {
      const c = new TestClient(t.app);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push(
          (await c.submit('/sign-in', '/sign-in', { email: `x${i}@example.nhs.uk`, password: 'wrong password here' }))
            .statusCode,
        );
      expect(statuses).toEqual([400, 400, 400, 429]);
      expect(textOf(c.lastHtml)).toContain('Too many requests');
    } finally {
      await t.close();
    }
  });
});

describe.each(DRIVERS)('sign-in limits as configured by default (%s)', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(driver);
  });
  afterAll(async () => t?.close());

  it('lets others behind the same address sign in after one person fails five times', async () => {
    // A trust's staff share one outbound address: A's typos slow A's account, nobody else.
    const a = await buildUser(t.app);
    const b = await buildUser(t.app);
    const trust = new TestClient(t.app, '10.20.0.1');
    for (let i = 0; i < 5; i++)
      expect(
        (await trust.submit('/sign-in', '/sign-in', { email: a.email, password: 'a wrong password here' })).statusCode,
      ).toBe(400);
    const colleague = new TestClient(t.app, '10.20.0.1');
    const res = await colleague.submit('/sign-in', '/sign-in', { email: b.email, password: b.password });
    expect(res.statusCode).toBe(302);
    expect((await colleague.get('/account')).statusCode).toBe(200);
  });

  it('pauses an address after 50 failures, whichever accounts they were for', async () => {
    const b = await buildUser(t.app);
    const c = new TestClient(t.app, '10.21.0.1');
    for (let i = 0; i < 49; i++)
      expect(
        (
          await c.submit('/sign-in', '/sign-in', {
            email: `guess-${i}@example.nhs.uk`,
            password: 'a wrong password here',
          })
        ).statusCode,
      ).toBe(400);
    const fiftieth = await c.submit('/sign-in', '/sign-in', {
      email: 'guess-49@example.nhs.uk',
      password: 'a wrong password here',
    });
    expect(fiftieth.statusCode).toBe(429);
    expect(textOf(fiftieth.body)).toContain('Too many failed attempts from your network');
    expect((await c.submit('/sign-in', '/sign-in', { email: b.email, password: b.password })).statusCode).toBe(429);
    // Another address is not affected.
    expect(
      (
        await new TestClient(t.app, '10.21.0.2').submit('/sign-in', '/sign-in', {
          email: b.email,
          password: b.password,
        })
      ).statusCode,
    ).toBe(302);
  });
});
