import { once } from '../../platform/db/idempotency';
import type { Platform } from '../../platform/http/types';
import type { Db } from '../../platform/db/database';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { channelOf, type WorkshopsDeps } from './model';
import * as repo from './repository';

/** What every part of the workshops service shares: built once by createWorkshopsService. */
export interface WorkshopsContext {
  platform: Platform;
  db: Db;
  deps: WorkshopsDeps;
  /** Tells every screen of the workshop that something changed (in the transaction that changed it). */
  publish: (tx: Db, workshopId: string, type: string, data: Record<string, unknown>) => Promise<unknown>;
  /** Runs a facilitator's change to a workshop in one transaction, with its event and audit entry. */
  change: (
    workshop: repo.Workshop,
    ctx: AuditContext,
    action: string,
    work: (tx: Db) => Promise<Record<string, unknown> | void>,
    eventType?: string,
    submissionKey?: string,
  ) => Promise<void>;
  /** The activity with this id, checked to be part of the workshop. */
  activityOf: (workshop: repo.Workshop, activityId: string) => Promise<repo.Activity>;
}

export function createWorkshopsContext(platform: Platform, deps: WorkshopsDeps): WorkshopsContext {
  const { db, events } = platform;

  const publish = (tx: Db, workshopId: string, type: string, data: Record<string, unknown>) =>
    events.publish(tx, channelOf(workshopId), type, data);

  async function change(
    workshop: repo.Workshop,
    ctx: AuditContext,
    action: string,
    work: (tx: Db) => Promise<Record<string, unknown> | void>,
    eventType = 'workshop.changed',
    submissionKey?: string,
  ) {
    await once(db, submissionKey, ctx.actorId ?? null, async (tx) => {
      const details = (await work(tx)) ?? {};
      await publish(tx, workshop.id, eventType, details);
      await recordAudit(tx, ctx, {
        action: `workshop.${action}`,
        entityType: 'workshop',
        entityId: workshop.id,
        details,
      });
    });
  }

  async function activityOf(workshop: repo.Workshop, activityId: string): Promise<repo.Activity> {
    const a = await repo.getActivity(db, activityId);
    if (!a || a.workshopId !== workshop.id)
      throw new FieldError('activity', 'That activity is not part of this workshop');
    return a;
  }

  return { platform, db, deps, publish, change, activityOf };
}

/** A timer is none, or 1 to 240 minutes (as seconds); anything else, including what was not a number, is refused. */
export function checkTimer(seconds: number | null) {
  if (seconds !== null && (!Number.isFinite(seconds) || seconds < 30 || seconds > 4 * 3600))
    throw new FieldError('timerMinutes', 'Set a timer from 1 to 240 minutes, or none');
}

/** A question is some words, at most 500 characters. */
export function checkPrompt(prompt: string) {
  if (!prompt.trim() || prompt.length > 500)
    throw new FieldError('prompt', 'Enter the question, in 500 characters or fewer');
}
