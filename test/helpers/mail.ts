import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db/database';

/**
 * The most recent email to `to` as its recipient gets it, secret links
 * restored through the mailer's own API. The outbox itself holds them hidden,
 * so tests that follow a reset, panel, confirmation or invitation link use this.
 */
export async function liveMessageTo(app: FastifyInstance, to: string): Promise<{ subject: string; text: string; status: string } | undefined> {
  const [row] = await queryRows<{ id: string }>(app.platform.db, sql`select id from outbox where "to" = ${to} order by created_at desc limit 1`);
  if (!row) return undefined;
  const message = await app.platform.mailer.liveMessage(app.platform.db, row.id);
  return message && { subject: message.subject, text: message.text, status: message.status };
}
