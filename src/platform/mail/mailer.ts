import nodemailer, { type Transporter } from 'nodemailer';
import { count, desc, eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/database';
import type { JobRunner } from '../jobs/runner';
import { outbox } from './tables';
import { seal, unseal } from './seal';
import { splitSecrets } from './secret-links';
import { isUuid } from '../ids';

export { secretLink, HIDDEN_LINK } from './secret-links';
export { outboxKey } from './seal';

export type OutboxMessage = typeof outbox.$inferSelect;

export interface Message {
  to: string;
  subject: string;
  /** Plain text; wrap every link that carries a secret in `secretLink`. */
  text: string;
}

export const MAIL_JOB = 'mail.send';

/** The outbox row's error when a sealed text no longer opens: in words an admin can act on. */
export const UNREADABLE_MESSAGE =
  'This message cannot be sent: its links were sealed with an outbox key this installation no longer has (the outbox_key setting changed or was lost). Ask the recipient to request it again.';

/**
 * Every message is written to the outbox and sent by a background job, so a
 * failing mail server never loses a message or slows a page. With SMTP_URL
 * set the job sends it; without, it stays in the outbox for admins to read.
 *
 * The outbox never holds a usable secret: the readable text has every secret
 * link hidden, and the text as sent is kept encrypted (`sealed`) only until the
 * job has sent it. Nothing logs a message's text.
 *
 * The key (`outboxKey`) is read once at startup on the database itself, never
 * inside a caller's transaction: a key made in a transaction that then rolled
 * back would be stored nowhere, and every message sealed with it lost.
 */
export class Mailer {
  private readonly transport: Transporter | null;
  private readonly key: Buffer;

  constructor(
    private readonly jobs: JobRunner,
    private readonly log: FastifyBaseLogger,
    private readonly opts: { smtpUrl?: string; from: string; key: Buffer },
  ) {
    this.key = opts.key;
    this.transport = opts.smtpUrl ? nodemailer.createTransport(opts.smtpUrl) : null;
    jobs.register(MAIL_JOB, (payload, ctx) => this.deliver(ctx.db, String(payload.outboxId)), { baseDelayMs: 10_000 });
  }

  get usesSmtp(): boolean {
    return this.transport !== null;
  }

  /** Queues a message. Pass the transaction of the change that causes it. */
  async send(db: Db, message: Message): Promise<string> {
    const { live, shown, hidden } = splitSecrets(message.text);
    const sealed = hidden > 0 ? seal(this.key, live, message.to) : null;
    const [row] = await db
      .insert(outbox)
      .values({ to: message.to, subject: message.subject, text: shown, sealed })
      .returning({ id: outbox.id });
    const jobId = await this.jobs.enqueue(db, MAIL_JOB, { outboxId: row!.id });
    await db.update(outbox).set({ jobId }).where(eq(outbox.id, row!.id));
    return row!.id;
  }

  /**
   * A message as its recipient gets it, secret links restored: for sending, and
   * for `waymark mail show` (whoever has the shell already holds the database
   * and its key). `restored` is false once the message has been sent, as the
   * secrets are not kept after that; `unreadable` is true when the sealed text
   * does not open with this installation's key (the text then has them hidden).
   */
  async liveMessage(
    db: Db,
    id: string,
  ): Promise<(OutboxMessage & { restored: boolean; unreadable: boolean }) | undefined> {
    const [msg] = await db.select().from(outbox).where(eq(outbox.id, id));
    if (!msg) return undefined;
    if (!msg.sealed) return { ...msg, restored: false, unreadable: false };
    try {
      return { ...msg, text: unseal(this.key, msg.sealed, msg.to), restored: true, unreadable: false };
    } catch {
      return { ...msg, restored: false, unreadable: true };
    }
  }

  private async deliver(db: Db, outboxId: string): Promise<void> {
    const msg = await this.liveMessage(db, outboxId);
    if (!msg || msg.status === 'sent' || msg.status === 'kept') return;
    if (msg.unreadable) {
      // Retrying cannot help: the key will not come back. Fail once, where admins see it, and end the job.
      await db.update(outbox).set({ status: 'failed', error: UNREADABLE_MESSAGE }).where(eq(outbox.id, outboxId));
      this.log.error({ outboxId }, 'email cannot be sent: its sealed text does not open with this outbox key');
      return;
    }
    if (!this.transport) {
      await db.update(outbox).set({ status: 'kept' }).where(eq(outbox.id, outboxId));
      // The id only: the text (even hidden) stays out of the log.
      this.log.info({ outboxId }, 'email kept in the outbox (SMTP_URL is not set; `waymark mail show ID` prints it)');
      return;
    }
    try {
      await this.transport.sendMail({ from: this.opts.from, to: msg.to, subject: msg.subject, text: msg.text });
      await db
        .update(outbox)
        .set({ status: 'sent', sentAt: new Date(), error: null, sealed: null })
        .where(eq(outbox.id, outboxId));
    } catch (err) {
      await db
        .update(outbox)
        .set({ status: 'failed', error: err instanceof Error ? err.message : String(err) })
        .where(eq(outbox.id, outboxId));
      throw err;
    }
  }

  close(): void {
    this.transport?.close();
  }
}

/** The outbox, newest first, without the sealed texts. */
export async function listOutbox(db: Db, page: { limit: number; offset: number }) {
  const rows = await db
    .select({
      id: outbox.id,
      to: outbox.to,
      subject: outbox.subject,
      status: outbox.status,
      createdAt: outbox.createdAt,
      sentAt: outbox.sentAt,
    })
    .from(outbox)
    .orderBy(desc(outbox.createdAt))
    .limit(page.limit)
    .offset(page.offset);
  const [total] = await db.select({ n: count() }).from(outbox);
  return { rows, total: total?.n ?? 0 };
}

/** One message as admins may read it: secret links hidden, the sealed text left out. */
export async function findOutboxMessage(db: Db, id: string): Promise<Omit<OutboxMessage, 'sealed'> | undefined> {
  const [row] = await db
    .select({
      id: outbox.id,
      to: outbox.to,
      subject: outbox.subject,
      text: outbox.text,
      status: outbox.status,
      error: outbox.error,
      jobId: outbox.jobId,
      createdAt: outbox.createdAt,
      sentAt: outbox.sentAt,
    })
    .from(outbox)
    .where(eq(outbox.id, id));
  return row;
}

/**
 * A message from the outbox as its recipient gets it, for `waymark mail show`:
 * a developer without SMTP reads their links here. Undefined if there is no such message.
 */
export async function printableMessage(mailer: Mailer, db: Db, id: string): Promise<string | undefined> {
  if (!isUuid(id)) return undefined;
  const m = await mailer.liveMessage(db, id);
  if (!m) return undefined;
  return [
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    `Status: ${m.status}${m.sentAt ? ` (sent ${m.sentAt.toISOString()})` : ''}`,
    ...(!m.restored && m.status === 'sent'
      ? ['Note: secret links are not kept once a message is sent; they are hidden below.']
      : []),
    ...(m.unreadable
      ? [
          "Note: the secret links in this message do not open with this installation's outbox key; they are hidden below.",
        ]
      : []),
    '',
    m.text,
    '',
  ].join('\n');
}
