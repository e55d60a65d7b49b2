import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { DRIVERS, freshDatabase } from '../helpers/database';
import { buildTestApp, testConfig, type TestApp } from '../helpers/app';
import { TestClient, textOf } from '../helpers/client';
import { buildUser, linkIn } from '../helpers/factories';
import { liveMessageTo, withSmtpServer } from '../helpers/mail';
import { createApp } from '../../src/app';
import { CommandError, main } from '../../src/main';
import { queryRows } from '../../src/platform/db/database';
import { HIDDEN_LINK, Mailer, outboxKey, secretLink, UNREADABLE_MESSAGE } from '../../src/platform/mail/mailer';
import { seal } from '../../src/platform/mail/seal';
import { findJob, JobRunner } from '../../src/platform/jobs/runner';

const outboxRow = async (t: TestApp, to: string) =>
  (
    await queryRows<{ id: string; text: string; sealed: string | null; status: string }>(
      t.app.platform.db,
      sql`select id, text, sealed, status from outbox where "to" = ${to} order by created_at desc limit 1`,
    )
  )[0]!;

describe.each(DRIVERS)('email secrets (%s)', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(driver);
  });
  afterAll(async () => t?.close());

  it('keeps no usable reset link in the outbox, where an admin could read it', async () => {
    const admin = await buildUser(t.app, { roles: ['admin'] });
    const victim = await buildUser(t.app);
    // The takeover this stops: an admin asks for a reset for someone else and reads the link.
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    await c.submit('/forgot-password', '/forgot-password', { email: victim.email });
    await t.app.platform.jobs.runDue();

    const live = linkIn((await liveMessageTo(t.app, victim.email))!.text);
    const token = live.split('/').pop()!;
    const row = await outboxRow(t, victim.email);
    expect(row.status).toBe('kept');
    expect(row.text).toContain(HIDDEN_LINK);
    expect(row.text).not.toContain(token);
    expect(row.sealed).not.toContain(token);
    const list = await c.get('/admin/outbox');
    const page = await c.get(`/admin/outbox/${row.id}`);
    expect(page.statusCode).toBe(200);
    for (const body of [list.body, page.body]) expect(body).not.toContain(token);
    expect(textOf(page.body)).toContain('[link sent to the recipient — hidden here]');
    // The recipient's link still works.
    expect((await new TestClient(t.app).get(live)).statusCode).toBe(200);
  });

  it('shows a message as its recipient sees it: paragraphs, links as links, nothing wider than the page', async () => {
    const admin = await buildUser(t.app, { roles: ['admin'] });
    const id = await t.app.platform.mailer.send(t.app.platform.db, {
      to: 'format@example.nhs.uk',
      subject: 'Formatted',
      text: `Hello Ada,\n\nFirst line\nsecond line.\n\nYour plan: http://localhost:3000/pathway\n\n${secretLink('http://localhost:3000/confirm/a-long-secret-token-that-nobody-else-may-read')}`,
    });
    const c = new TestClient(t.app);
    await c.signIn(admin.email, admin.password);
    const body = (await c.get(`/admin/outbox/${id}`)).body;
    expect(body).toContain('<p>Hello Ada,</p>');
    expect(body).toContain('<p>First line<br>second line.</p>');
    expect(body).toContain('<a href="http://localhost:3000/pathway">http://localhost:3000/pathway</a>');
    expect(body).toContain('class="wm-email"');
    expect(body).not.toContain('<pre');
    expect(body).not.toContain('a-long-secret-token');
  });

  it('prints a message with its secret links on the command line (waymark mail show ID)', async () => {
    const link = 'http://localhost:3000/invitations/Hn4_kP8sWq2-Lx7vBz1cRt5yMe9uJa3dGf6oIi0TpQw';
    const id = await t.app.platform.mailer.send(t.app.platform.db, {
      to: 'shell@example.nhs.uk',
      subject: 'Invitation',
      text: `Hello,\n\nAccept: ${secretLink(link)}`,
    });
    let out = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    try {
      await main(['mail', 'show', id], { config: t.config, database: t.database });
      await expect(
        main(['mail', 'show', '3f2b8c1e-9d4a-4b7e-8f00-1234567890ab'], { config: t.config, database: t.database }),
      ).rejects.toThrow(CommandError);
      await expect(main(['mail', 'show'], { config: t.config, database: t.database })).rejects.toThrow(
        'Usage: waymark mail show ID',
      );
    } finally {
      write.mockRestore();
    }
    expect(out).toContain('To: shell@example.nhs.uk');
    expect(out).toContain('Subject: Invitation');
    expect(out).toContain(`Accept: ${link}`);
  });

  it('hides a token link even in an email that forgot to mark it', async () => {
    const token = 'Zx9_unmarked-token-that-must-not-be-kept-in-clear';
    await t.app.platform.mailer.send(t.app.platform.db, {
      to: 'unmarked@example.nhs.uk',
      subject: 'Unmarked',
      text: `Open http://localhost:3000/shared/${token} now.`,
    });
    expect((await outboxRow(t, 'unmarked@example.nhs.uk')).text).toBe(`Open ${HIDDEN_LINK} now.`);
    expect((await liveMessageTo(t.app, 'unmarked@example.nhs.uk'))!.text).toContain(token);
  });
});

describe.each(DRIVERS)('the outbox key (%s)', (driver) => {
  const resetText = (token: string) => `Open ${secretLink(`http://localhost:3000/reset-password/${token}`)}`;

  it('outlives a rolled-back first message: a later one still opens on another instance', async () => {
    // A database of its own, so the first message sent here is the first this installation ever sends.
    const t = await buildTestApp(driver);
    try {
      const { db, mailer } = t.app.platform;
      await expect(
        db.transaction(async (tx) => {
          await mailer.send(tx, {
            to: 'first@example.nhs.uk',
            subject: 'Reset',
            text: resetText('Rb7_first-token-that-was-rolled-back-with-its-change'),
          });
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      const token = 'Kp2_second-token-sent-after-the-rollback-4hJ8sLq0';
      const id = await db.transaction((tx) =>
        mailer.send(tx, { to: 'second@example.nhs.uk', subject: 'Reset', text: resetText(token) }),
      );

      // After a restart, or on another instance: only the stored key is known.
      const jobs = new JobRunner(db, t.app.log);
      const fresh = new Mailer(jobs, t.app.log, { from: t.config.mailFrom, key: await outboxKey(db) });
      const live = await fresh.liveMessage(db, id);
      expect(live?.restored).toBe(true);
      expect(live?.text).toContain(token);
      await jobs.runDue();
      expect((await outboxRow(t, 'second@example.nhs.uk')).status).toBe('kept');
    } finally {
      await t.close();
    }
  });

  it('fails a message whose sealed text no longer opens, once, saying why, instead of retrying', async () => {
    const t = await buildTestApp(driver);
    try {
      const { db, mailer } = t.app.platform;
      const id = await mailer.send(db, {
        to: 'lost@example.nhs.uk',
        subject: 'Reset',
        text: resetText('Lx4_token-sealed-with-a-key-nobody-has-any-more0'),
      });
      await db.execute(
        sql`update outbox set sealed = ${seal(randomBytes(32), 'text', 'lost@example.nhs.uk')} where id = ${id}`,
      );
      await t.app.platform.jobs.runDue();
      const [row] = await queryRows<{ status: string; error: string | null; job_id: string }>(
        db,
        sql`select status, error, job_id from outbox where id = ${id}`,
      );
      expect(row).toMatchObject({ status: 'failed', error: UNREADABLE_MESSAGE });
      expect((await findJob(db, row!.job_id))?.state).toBe('done');
      const admin = await buildUser(t.app, { roles: ['admin'] });
      const c = new TestClient(t.app);
      await c.signIn(admin.email, admin.password);
      expect(textOf((await c.get(`/admin/outbox/${id}`)).body)).toContain('Ask the recipient to request it again');
    } finally {
      await t.close();
    }
  });
});

describe('email over SMTP, with secrets', () => {
  it('sends the live link, then keeps nothing that opens it', async () => {
    await withSmtpServer(async ({ url, received }) => {
      const t = await buildTestApp('pglite', { smtpUrl: url });
      try {
        const link = 'http://localhost:3000/reset-password/Qm8dL2vXk9_pT4rW7yZ1aB3cE5fG6hJ0nS-uV2xYz4A';
        const id = await t.app.platform.mailer.send(t.app.platform.db, {
          to: 'real@example.nhs.uk',
          subject: 'Reset',
          text: `Open ${secretLink(link)}`,
        });
        await t.app.platform.jobs.runDue();
        expect(received).toHaveLength(1);
        expect(received[0]!.replace(/=\r\n/g, '')).toContain(link);
        const row = await outboxRow(t, 'real@example.nhs.uk');
        expect(row.status).toBe('sent');
        expect(row.sealed).toBeNull();
        const after = await t.app.platform.mailer.liveMessage(t.app.platform.db, id);
        expect(after?.restored).toBe(false);
        expect(after?.text).toBe(`Open ${HIDDEN_LINK}`);
      } finally {
        await t.close();
      }
    });
  });
});

describe('the log', () => {
  it('holds no email text, no token from a URL, no cookie and no authorization header', async () => {
    let log = '';
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        log += chunk.toString();
        done();
      },
    });
    const database = await freshDatabase('pglite');
    const app = await createApp(testConfig({ logLevel: 'info' }), { database, logger: { level: 'info', stream } });
    try {
      await app.ready();
      const u = await buildUser(app);
      const c = new TestClient(app);
      await c.submit('/forgot-password', '/forgot-password', { email: u.email });
      await app.platform.jobs.runDue();
      const live = linkIn((await liveMessageTo(app, u.email))!.text);
      await c.get(live);
      await c.get(`/sign-in?returnTo=${encodeURIComponent('/invitations/some-invitation-token-here')}`);
      await app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: 'Bearer wm_pat_not-a-real-token-but-secret' },
      });

      const token = live.split('/').pop()!;
      expect(log).toContain('/reset-password/[hidden]');
      expect(log).toContain('email kept in the outbox');
      expect(log).not.toContain(token);
      expect(log).not.toContain('Someone asked to reset');
      expect(log).not.toContain('some-invitation-token-here');
      expect(log).not.toContain('wm_pat_not-a-real-token');
      expect(log).not.toContain('waymark_session=');
    } finally {
      await app.close();
      await database.close();
    }
  });
});
