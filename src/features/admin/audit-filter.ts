import { ukLocalToDate } from '../../platform/forms/dates';
import type { AuditQuery } from './schema';

/** The day after an ISO date (yyyy-mm-dd). */
const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * The audit log's filters as the log is searched. The days are UK days, as the log shows them: from midnight
 * in London, up to the midnight after "to".
 */
export function auditFilter(f: AuditQuery) {
  return {
    action: f.action || undefined,
    actor: f.actor || undefined,
    entityType: f.entityType || undefined,
    entityId: f.entityId || undefined,
    from: f.from ? ukLocalToDate(`${f.from}T00:00`) : undefined,
    to: f.to ? ukLocalToDate(`${dayAfter(f.to)}T00:00`) : undefined,
  };
}
