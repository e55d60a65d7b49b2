import type { FastifyInstance } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db/database';

/**
 * The most recent email to `to` as its recipient gets it, secret links
 * restored through the mailer's own API. The outbox itself holds them hidden,
 * so tests that follow a reset, panel, confirmation or invitation link use this.
 */
export async function liveMessageTo(
  app: FastifyInstance,
  to: string,
): Promise<{ subject: string; text: string; status: string } | undefined> {
  const [row] = await queryRows<{ id: string }>(
    app.platform.db,
    sql`select id from outbox where "to" = ${to} order by created_at desc limit 1`,
  );
  if (!row) return undefined;
  const message = await app.platform.mailer.liveMessage(app.platform.db, row.id);
  return message && { subject: message.subject, text: message.text, status: message.status };
}

export interface SmtpServer {
  /** For SMTP_URL. */
  url: string;
  /** Each message received, as raw SMTP data. */
  received: string[];
}

/**
 * Runs `use` with a real SMTP server listening on a free local port, closed
 * afterwards however `use` ends: the mailer's SMTP path tested over the wire.
 */
export async function withSmtpServer<T>(use: (smtp: SmtpServer) => Promise<T>): Promise<T> {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        received.push(data);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  try {
    return await use({ url: `smtp://127.0.0.1:${port}`, received });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
