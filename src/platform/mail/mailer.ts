import nodemailer, { type Transporter } from 'nodemailer';
import { count, desc, eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/database';
import type { JobRunner } from '../jobs/runner';
import { outbox } from './tables';

export type OutboxMessage = typeof outbox.$inferSelect;

export interface Message {
  to: string;
  subject: string;
  text: string;
}

export const MAIL_JOB = 'mail.send';

/**
 * Every message is written to the outbox and sent by a background job, so a
 * failing mail server never loses a message or slows a page. With SMTP_URL
 * set the job sends it; without, it stays in the outbox for admins to read.
 */
export class Mailer {
  private readonly transport: Transporter | null;

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

  /** Queues a message. Pass the transaction of the change that causes it. */
  async send(db: Db, message: Message): Promise<string> {
    const [row] = await db.insert(outbox).values({ to: message.to, subject: message.subject, text: message.text }).returning({ id: outbox.id });
    const jobId = await this.jobs.enqueue(db, MAIL_JOB, { outboxId: row!.id });
    await db.update(outbox).set({ jobId }).where(eq(outbox.id, row!.id));
    return row!.id;
  }

  private async deliver(db: Db, outboxId: string): Promise<void> {
    const [msg] = await db.select().from(outbox).where(eq(outbox.id, outboxId));
    if (!msg || msg.status === 'sent' || msg.status === 'kept') return;
    if (!this.transport) {
      await db.update(outbox).set({ status: 'kept' }).where(eq(outbox.id, outboxId));
      this.log.info({ to: msg.to, subject: msg.subject, text: msg.text }, 'email kept in the outbox (SMTP_URL is not set)');
      return;
    }
    try {
      await this.transport.sendMail({ from: this.opts.from, to: msg.to, subject: msg.subject, text: msg.text });
      await db.update(outbox).set({ status: 'sent', sentAt: new Date(), error: null }).where(eq(outbox.id, outboxId));
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

export async function listOutbox(db: Db, page: { limit: number; offset: number }) {
  const rows = await db.select().from(outbox).orderBy(desc(outbox.createdAt)).limit(page.limit).offset(page.offset);
  const [total] = await db.select({ n: count() }).from(outbox);
  return { rows, total: total?.n ?? 0 };
}

export async function findOutboxMessage(db: Db, id: string): Promise<OutboxMessage | undefined> {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  return row;
}
