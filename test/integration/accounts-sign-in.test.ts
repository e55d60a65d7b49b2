import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser } from '../helpers/factories';

describe.each(DRIVERS)('accounts (%s)', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    // Small limits, so these tests reach them quickly; the defaults are tested on their own below.
    t = await buildTestApp(driver, { signInMaxFailures: 3, signInAddressMaxFailures: 3, signInLockMinutes: 15 });
  });
  afterAll(async () => t?.close());

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
