import nodemailer, { type Transporter } from 'nodemailer';
import { count, desc, eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/database';
import type { JobRunner } from '../jobs/runner';
import { outbox } from './tables';
import { outboxKey, seal, unseal } from './seal';
import { splitSecrets } from './secret-links';

export { secretLink, HIDDEN_LINK } from './secret-links';

export type OutboxMessage = typeof outbox.$inferSelect;

export interface Message {
  to: string;
  subject: string;
  /** Plain text; wrap every link that carries a secret in `secretLink`. */
  text: string;
}

export const MAIL_JOB = 'mail.send';

/**
 * Every message is written to the outbox and sent by a background job, so a
 * failing mail server never loses a message or slows a page. With SMTP_URL
 * set the job sends it; without, it stays in the outbox for admins to read.
 *
 * The outbox never holds a usable secret: the readable text has every secret
 * link hidden, and the text as sent is kept encrypted (`sealed`) only until the
 * job has sent it. Nothing logs a message's text.
 */
export class Mailer {
  private readonly transport: Transporter | null;
  private key: Promise<Buffer> | undefined;

  constructor(
    private readonly jobs: JobRunner,
    private readonly log: FastifyBaseLogger,
    private readonly opts: { smtpUrl?: string; from: string },
  ) {
    this.transport = opts.smtpUrl ? nodemailer.createTransport(opts.smtpUrl) : null;
    jobs.register(MAIL_JOB, (payload, ctx) => this.deliver(ctx.db, String(payload.outboxId)), { baseDelayMs: 10_000 });
  }

  get usesSmtp(): boolean {
    return this.transport !== null;
  }

  private outboxKey(db: Db): Promise<Buffer> {
    // Made once per installation; a failed read is retried next time rather than remembered.
    this.key ??= outboxKey(db).catch((err: unknown) => {
      this.key = undefined;
      throw err;
    });
    return this.key;
  }

  /** Queues a message. Pass the transaction of the change that causes it. */
  async send(db: Db, message: Message): Promise<string> {
    const { live, shown, hidden } = splitSecrets(message.text);
    const sealed = hidden > 0 ? seal(await this.outboxKey(db), live, message.to) : null;
    const [row] = await db.insert(outbox).values({ to: message.to, subject: message.subject, text: shown, sealed }).returning({ id: outbox.id });
    const jobId = await this.jobs.enqueue(db, MAIL_JOB, { outboxId: row!.id });
    await db.update(outbox).set({ jobId }).where(eq(outbox.id, row!.id));
    return row!.id;
  }

  /**
   * A message as its recipient gets it, secret links restored: for sending, and
   * for `waymark mail show` (whoever has the shell already holds the database
   * and its key). `restored` is false once the message has been sent, as the
   * secrets are not kept after that.
   */
  async liveMessage(db: Db, id: string): Promise<(OutboxMessage & { restored: boolean }) | undefined> {
    const [msg] = await db.select().from(outbox).where(eq(outbox.id, id));
    if (!msg) return undefined;
    if (!msg.sealed) return { ...msg, restored: false };
    return { ...msg, text: unseal(await this.outboxKey(db), msg.sealed, msg.to), restored: true };
  }

  private async deliver(db: Db, outboxId: string): Promise<void> {
    const msg = await this.liveMessage(db, outboxId);
    if (!msg || msg.status === 'sent' || msg.status === 'kept') return;
    if (!this.transport) {
      await db.update(outbox).set({ status: 'kept' }).where(eq(outbox.id, outboxId));
      // The id only: the text (even hidden) stays out of the log.
      this.log.info({ outboxId }, 'email kept in the outbox (SMTP_URL is not set; `waymark mail show ID` prints it)');
      return;
    }
    try {
      await this.transport.sendMail({ from: this.opts.from, to: msg.to, subject: msg.subject, text: msg.text });
      await db.update(outbox).set({ status: 'sent', sentAt: new Date(), error: null, sealed: null }).where(eq(outbox.id, outboxId));
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
    .select({ id: outbox.id, to: outbox.to, subject: outbox.subject, status: outbox.status, createdAt: outbox.createdAt, sentAt: outbox.sentAt })
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
    .select({ id: outbox.id, to: outbox.to, subject: outbox.subject, text: outbox.text, status: outbox.status, error: outbox.error, jobId: outbox.jobId, createdAt: outbox.createdAt, sentAt: outbox.sentAt })
    .from(outbox)
    .where(eq(outbox.id, id));
  return row;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A message from the outbox as its recipient gets it, for `waymark mail show`:
 * a developer without SMTP reads their links here. Undefined if there is no such message.
 */
export async function printableMessage(mailer: Mailer, db: Db, id: string): Promise<string | undefined> {
  if (!UUID.test(id)) return undefined;
  const m = await mailer.liveMessage(db, id);
  if (!m) return undefined;
  return [
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    `Status: ${m.status}${m.sentAt ? ` (sent ${m.sentAt.toISOString()})` : ''}`,
    ...(!m.restored && m.status === 'sent' ? ['Note: secret links are not kept once a message is sent; they are hidden below.'] : []),
    '',
    m.text,
    '',
  ].join('\n');
}
