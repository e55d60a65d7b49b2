import { and, count, desc, eq, gte, ilike, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database';
import { auditEvents } from './tables';

export type AuditEvent = typeof auditEvents.$inferSelect;

/** Who did something and from which request; built once per request. */
export interface AuditContext {
  actorId: string | null;
  actorLabel: string;
  requestId?: string;
  ip?: string;
}

export const SYSTEM_CONTEXT: AuditContext = { actorId: null, actorLabel: 'system' };

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  details?: Record<string, unknown>;
}

/** Appends one event. Pass the transaction that made the change so both commit or neither. */
export async function recordAudit(db: Db, ctx: AuditContext, entry: AuditEntry): Promise<void> {
  await db.insert(auditEvents).values({
    actorId: ctx.actorId,
    actorLabel: ctx.actorLabel,
    requestId: ctx.requestId ?? null,
    ip: ctx.ip ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    details: entry.details ?? {},
  });
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  entityType?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
}

function whereOf(f: AuditFilter): SQL | undefined {
  return and(
    f.action ? ilike(auditEvents.action, `${f.action}%`) : undefined,
    f.actor ? ilike(auditEvents.actorLabel, `%${f.actor}%`) : undefined,
    f.entityType ? eq(auditEvents.entityType, f.entityType) : undefined,
    f.entityId ? eq(auditEvents.entityId, f.entityId) : undefined,
    f.from ? gte(auditEvents.at, f.from) : undefined,
    f.to ? lt(auditEvents.at, f.to) : undefined,
  );
}

/** Newest first, one page at a time. Read-only: the audit log has no update or delete. */
export async function listAudit(db: Db, filter: AuditFilter, page: { limit: number; offset: number }) {
  const where = whereOf(filter);
  const rows = await db
    .select()
    .from(auditEvents)
    .where(where)
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(page.limit)
    .offset(page.offset);
  const [total] = await db.select({ n: count() }).from(auditEvents).where(where);
  return { rows, total: total?.n ?? 0 };
}

export async function auditEntityTypes(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ t: auditEvents.entityType }).from(auditEvents).orderBy(auditEvents.entityType);
  return rows.map((r) => r.t);
}
