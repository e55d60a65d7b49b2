import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DRIVERS } from '../helpers/database';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildProgramme, buildUser, countRows } from '../helpers/factories';
import { withSmtpServer } from '../helpers/mail';
import { findJob } from '../../src/platform/jobs/runner';
import { issueLinkToken } from '../../src/platform/tokens/link-tokens';
import { createBackup, restoreBackup } from '../../src/platform/db/backup';
import { createApp } from '../../src/app';
import { openDatabase, queryRows } from '../../src/platform/db/database';

describe.each(DRIVERS)('platform (%s)', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(driver);
  });
  afterAll(async () => t?.close());

  it('answers /healthz and /readyz', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject('/readyz')).json()).toEqual({ status: 'ready', database: driver });
  });

  it('sets security headers: a CSP without inline scripts, no framing, a request id', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/', headers: { 'x-request-id': 'trace-123' } });
    const csp = String(res.headers['content-security-policy']);
    const scriptSrc = /script-src ([^;]+)/.exec(csp)![1]!;
    expect(scriptSrc).toContain("'self'");
    expect(scriptSrc).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    const https = await t.app.inject({ method: 'GET', url: '/', headers: { 'x-forwarded-proto': 'https' } });
    expect(https.headers['strict-transport-security']).toBeUndefined();
  });

  it('serves the NHS.UK frontend assets itself', async () => {
    const res = await t.app.inject('/nhsuk/nhsuk-frontend.min.css');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/css');
    // Nothing from another site: the Frutiger @font-face rules (fonts on assets.nhs.uk) are left out.
    expect(res.body).toContain('.nhsuk-header');
    expect(res.body).not.toContain('assets.nhs.uk');
    expect(
      (
        await t.app.inject({
          url: '/nhsuk/nhsuk-frontend.min.css',
          headers: { 'if-none-match': String(res.headers.etag) },
        })
      ).statusCode,
    ).toBe(304);
    expect((await t.app.inject('/assets/images/favicon.ico')).statusCode).toBe(200);
    expect((await t.app.inject('/nhsuk/index.js')).statusCode).toBe(404);
  });

  it('renders a 404 page that helps people on, with an NHS-style title', async () => {
    const res = await t.app.inject('/no/such/page');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('<title>Page not found – Waymark – NHS</title>');
    expect(res.body).toContain('href="/"');
    expect(res.body).toContain('Skip to main content');
  });

  it('sends email through the outbox; without SMTP it is kept for admins to read', async () => {
    const admin = await buildUser(t.app, { roles: ['admin'] });
    const id = await t.app.platform.mailer.send(t.app.platform.db, {
      to: 'someone@example.nhs.uk',
      subject: 'Kept here',
      text: 'Hello',
    });
    expect(await t.app.platform.jobs.runDue()).toBeGreaterThan(0);
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    const list = await c.get('/admin/outbox');
    expect(textOf(list.body)).toContain('Kept here');
    const one = await c.get(`/admin/outbox/${id}`);
    expect(textOf(one.body)).toContain('kept');
  });

  it('retries a failing job with backoff and gives up after its last attempt', async () => {
    let calls = 0;
    t.app.platform.jobs.register('test.flaky', async () => {
      calls++;
      throw new Error('still broken');
    });
    const id = (await t.app.platform.jobs.enqueue(t.app.platform.db, 'test.flaky', {}, { maxAttempts: 2 }))!;
    await t.app.platform.jobs.runDue();
    let job = await findJob(t.app.platform.db, id);
    expect(job).toMatchObject({ state: 'queued', attempts: 1, lastError: 'still broken' });
    expect(job!.runAt.getTime()).toBeGreaterThan(Date.now());
    await t.app.platform.jobs.runDue();
    expect(calls).toBe(1);
    await t.app.platform.db.execute(sql`update jobs set run_at = now() where id = ${id}`);
    await t.app.platform.jobs.runDue();
    job = await findJob(t.app.platform.db, id);
    expect(job).toMatchObject({ state: 'failed', attempts: 2 });
    expect(calls).toBe(2);
  });

  it('housekeeping deletes link tokens used or expired over a day ago, and keeps live and recent ones', async () => {
    const { db, jobs } = t.app.platform;
    const hours = (n: number) => new Date(Date.now() + n * 3600_000);
    const issue = (subject: string, expiresAt: Date) =>
      issueLinkToken(db, { purpose: 'housekeeping-test', subject, ttlMs: expiresAt.getTime() - Date.now() });
    await issue('live', hours(24));
    await issue('expired-an-hour-ago', hours(-1));
    await issue('expired-two-days-ago', hours(-48));
    await issue('used-an-hour-ago', hours(24));
    await issue('used-two-days-ago', hours(24));
    await db.execute(sql`update link_tokens set used_at = ${hours(-1)} where subject = 'used-an-hour-ago'`);
    await db.execute(sql`update link_tokens set used_at = ${hours(-48)} where subject = 'used-two-days-ago'`);
    await jobs.enqueue(db, 'housekeeping', {});
    await jobs.runDue();
    const left = await queryRows<{ subject: string }>(
      db,
      sql`select subject from link_tokens where purpose = 'housekeeping-test' order by subject`,
    );
    expect(left.map((r) => r.subject)).toEqual(['expired-an-hour-ago', 'live', 'used-an-hour-ago']);
  });

  it('keeps one queued job per singleton key, and picks up a job whose worker died', async () => {
    const runs: string[] = [];
    t.app.platform.jobs.register('test.once', async (payload) => {
      runs.push(String(payload.n));
    });
    const a = await t.app.platform.jobs.enqueue(t.app.platform.db, 'test.once', { n: 1 }, { singletonKey: 'k' });
    const b = await t.app.platform.jobs.enqueue(t.app.platform.db, 'test.once', { n: 2 }, { singletonKey: 'k' });
    expect(a).not.toBeNull();
    expect(b).toBeNull();
    const c = (await t.app.platform.jobs.enqueue(t.app.platform.db, 'test.once', { n: 3 }))!;
    await t.app.platform.db.execute(
      sql`update jobs set state = 'active', locked_at = now() - interval '10 minutes' where id = ${c}`,
    );
    await t.app.platform.jobs.runDue();
    expect(runs.sort()).toEqual(['1', '3']);
  });

  it('backs up every table and restores it exactly', async () => {
    const u = await buildUser(t.app);
    await buildProgramme(t.app, { name: 'Backed up', members: [{ userId: u.id, role: 'lead' }] });
    const backup = await createBackup(t.app.platform.db);
    expect(backup.tables.programmes!.length).toBeGreaterThan(0);
    const usersBefore = await countRows(t.app, 'users');
    await buildUser(t.app);
    await restoreBackup(t.app.platform.db, JSON.parse(JSON.stringify(backup)));
    expect(await countRows(t.app, 'users')).toBe(usersBefore);
    const again = await createBackup(t.app.platform.db);
    expect(again.tables).toEqual(backup.tables);
    const c = new TestClient(t.app);
    await c.signIn(u.email, u.password);
  });

  it('refuses a backup from another migration level and changes nothing', async () => {
    const backup = await createBackup(t.app.platform.db);
    const before = await countRows(t.app, 'users');
    await expect(
      restoreBackup(t.app.platform.db, { ...backup, migrations: backup.migrations + 1, tables: {} }),
    ).rejects.toThrow(/migration/);
    expect(await countRows(t.app, 'users')).toBe(before);
  });
});

describe('email over SMTP', () => {
  it('delivers through a real SMTP server and marks the message sent', async () => {
    await withSmtpServer(async ({ url, received }) => {
      const t = await buildTestApp('pglite', { smtpUrl: url });
      try {
        const id = await t.app.platform.mailer.send(t.app.platform.db, {
          to: 'real@example.nhs.uk',
          subject: 'Over the wire',
          text: 'Delivered text',
        });
        await t.app.platform.jobs.runDue();
        expect(received).toHaveLength(1);
        expect(received[0]).toContain('Subject: Over the wire');
        expect(received[0]).toContain('Delivered text');
        const c = await countRows(t.app, 'outbox');
        expect(c).toBe(1);
        const admin = await buildUser(t.app, { roles: ['admin'] });
        const client = new TestClient(t.app);
        await client.signIn(admin.email, admin.password);
        expect(textOf((await client.get(`/admin/outbox/${id}`)).body)).toContain('sent');
      } finally {
        await t.close();
      }
    });
  });
});

describe.runIf(!!process.env.TEST_DATABASE_URL)('two instances on one PostgreSQL', () => {
  it('share a signed-in session', async () => {
    const a = await buildTestApp('postgres');
    const dbB = await openDatabase({ url: a.database.url!, poolSize: 2 });
    const b = await createApp(a.config, { database: dbB, logger: false });
    try {
      const u = await buildUser(a.app);
      const ca = new TestClient(a.app);
      await ca.signIn(u.email, u.password);
      const cb = new TestClient(b);
      cb.cookies = ca.cookies;
      const res = await cb.get('/account');
      expect(res.statusCode).toBe(200);
      expect(textOf(res.body)).toContain(u.email);
    } finally {
      await b.close();
      await dbB.close();
      await a.close();
    }
  });
});

describe('when the database is gone', () => {
  it('says so on /readyz and shows the 500 page with a reference', async () => {
    const t = await buildTestApp('pglite');
    const u = await buildUser(t.app);
    const c = new TestClient(t.app);
    await c.signIn(u.email, u.password);
    await t.database.close();
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    const page = await c.get('/programmes');
    expect(page.statusCode).toBe(500);
    expect(textOf(page.body)).toContain('Sorry, there is a problem with the service');
    expect(page.body).toContain(String(page.headers['x-request-id']));
    await t.app.close();
  });
});
