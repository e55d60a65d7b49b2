import path from 'node:path';
import type { Platform } from '../../platform/http/types';
import { recordAudit, type AuditContext } from '../../platform/audit/audit';
import { FieldError } from '../../platform/forms/forms';
import { once } from '../../platform/db/idempotency';
import { createFileStore, FileProblem } from '../../platform/storage/files';
import type { PathwayService } from './service';
import * as repo from './repository';
import { checkAttachments, readRules } from './rules';

export const GOAL_STATUSES = { 'not-started': 'Not started', 'in-progress': 'In progress', done: 'Done' } as const;
export type GoalStatus = keyof typeof GOAL_STATUSES;
const REMINDER_JOB = 'pathway.plan-reminders';
/** Actions are reminded about once, this many days before they are due (or on the day, if added later). */
export const REMIND_DAYS_BEFORE = 7;

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (day: string, n: number) => isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000));

/** The development plan (goals, actions, reminders) and evidence attachments. */
export function createPlanService(platform: Platform, pathway: PathwayService) {
  const { db, jobs, mailer, config } = platform;
  const files = createFileStore(path.join(config.dataDir, 'files'), { maxBytes: config.attachmentMaxBytes });

  /** Sends one email per practitioner listing their actions due within the week; each action is reminded about once. */
  async function sendReminders(now = new Date()): Promise<number> {
    const due = await repo.actionsToRemind(db, addDays(isoDay(now), REMIND_DAYS_BEFORE));
    const byPerson = new Map<string, typeof due>();
    for (const d of due) byPerson.set(d.email, [...(byPerson.get(d.email) ?? []), d]);
    for (const [email, list] of byPerson) {
      await db.transaction(async (tx) => {
        await mailer.send(tx, {
          to: email,
          subject:
            list.length === 1
              ? 'An action in your development plan is due soon'
              : `${list.length} actions in your development plan are due soon`,
          text: [
            `Hello ${list[0]!.name},`,
            '',
            'These actions in your development plan are due soon or overdue:',
            '',
            ...list.map((d) => `- ${d.action.text} (goal: ${d.goalTitle}) — due ${d.action.dueOn}`),
            '',
            `Your plan: ${config.baseUrl}/pathway/${list[0]!.pathwayId}/plan`,
          ].join('\n'),
        });
        await repo.markReminded(
          tx,
          list.map((d) => d.action.id),
        );
      });
    }
    return due.length;
  }

  jobs.register(REMINDER_JOB, async (_payload, ctx) => {
    await sendReminders();
    // Again tomorrow morning; the key makes sure only one is queued across instances.
    const next = new Date(`${addDays(isoDay(new Date()), 1)}T07:00:00Z`);
    await jobs.enqueue(ctx.db, REMINDER_JOB, {}, { runAt: next, singletonKey: `${REMINDER_JOB}:${isoDay(next)}` });
  });

  return {
    files,
    sendReminders,
    /** Queues today's reminder run (safe to call from every instance at start). */
    scheduleReminders: () =>
      jobs.enqueue(db, REMINDER_JOB, {}, { singletonKey: `${REMINDER_JOB}:${isoDay(new Date())}` }),

    // ---- plan ------------------------------------------------------------------------

    async plan(p: repo.Pathway, groupIds: string[] = []) {
      const goals = await repo.goalsOf(db, p.id, groupIds);
      const actions = await repo.actionsOf(
        db,
        goals.map((g) => g.id),
      );
      const statements = new Map((await pathway.pathwayStatements(p)).map((s) => [s.identifier, s]));
      const todayIso = isoDay(new Date());
      return goals.map((g) => ({
        ...g,
        statusName: GOAL_STATUSES[g.status as GoalStatus] ?? g.status,
        statement: g.statementIdentifier ? statements.get(g.statementIdentifier) : undefined,
        shared: g.groupId !== null,
        actions: actions
          .filter((a) => a.goalId === g.id)
          .map((a) => ({ ...a, overdue: !a.done && !!a.dueOn && a.dueOn < todayIso })),
      }));
    },

    /** Seeds goals from the learning needs: one per statement below "confident" that has no goal yet. */
    async seedFromNeeds(p: repo.Pathway, ctx: AuditContext): Promise<number> {
      const { needs } = await pathway.view(p);
      const existing = new Set((await repo.goalsOf(db, p.id)).map((g) => g.statementIdentifier));
      const fresh = needs.filter((n) => !existing.has(n.identifier));
      if (fresh.length === 0) return 0;
      await db.transaction(async (tx) => {
        await repo.insertGoals(
          tx,
          fresh.map((n) => ({
            pathwayId: p.id,
            statementIdentifier: n.identifier,
            title: `Develop ${n.code}: ${n.text}`.slice(0, 200),
          })),
        );
        await recordAudit(tx, ctx, {
          action: 'pathway.plan-seeded',
          entityType: 'pathway',
          entityId: p.id,
          details: { goals: fresh.length },
        });
      });
      return fresh.length;
    },

    async addGoal(
      p: repo.Pathway,
      input: { title: string; statementIdentifier: string | null; targetOn: string | null; groupId?: string | null },
      ctx: AuditContext,
      submissionKey?: string,
    ) {
      if (
        input.statementIdentifier &&
        !(await pathway.pathwayStatements(p)).some((s) => s.identifier === input.statementIdentifier)
      )
        throw new FieldError('statementIdentifier', 'Choose a statement of the framework this pathway follows');
      await once(db, submissionKey, ctx.actorId ?? null, async (tx) => {
        const [g] = await repo.insertGoals(tx, [
          {
            pathwayId: input.groupId ? null : p.id,
            groupId: input.groupId ?? null,
            title: input.title,
            statementIdentifier: input.statementIdentifier,
            targetOn: input.targetOn,
          },
        ]);
        await recordAudit(tx, ctx, {
          action: 'pathway.goal-added',
          entityType: 'pathway',
          entityId: p.id,
          details: { goalId: g!.id, shared: !!input.groupId },
        });
      });
    },

    /** A goal this pathway may change: its own, or one shared with a team it belongs to. */
    async goalOf(p: repo.Pathway, goalId: string, groupIds: string[] = []) {
      const g = await repo.getGoal(db, goalId);
      return g && (g.pathwayId === p.id || (g.groupId !== null && groupIds.includes(g.groupId))) ? g : undefined;
    },

    async setGoalStatus(goal: repo.Goal, status: string, ctx: AuditContext) {
      if (!(status in GOAL_STATUSES)) throw new FieldError('status', 'Choose a status');
      if (goal.status === status) return;
      await db.transaction(async (tx) => {
        await repo.updateGoal(tx, goal.id, { status });
        await recordAudit(tx, ctx, {
          action: 'pathway.goal-status',
          entityType: 'plan_goal',
          entityId: goal.id,
          details: { status },
        });
      });
    },

    async deleteGoal(goal: repo.Goal, ctx: AuditContext) {
      await db.transaction(async (tx) => {
        await repo.deleteGoal(tx, goal.id);
        await recordAudit(tx, ctx, {
          action: 'pathway.goal-deleted',
          entityType: 'plan_goal',
          entityId: goal.id,
          details: { title: goal.title },
        });
      });
    },

    async addAction(
      goal: repo.Goal,
      input: { text: string; dueOn: string | null },
      ctx: AuditContext,
      submissionKey?: string,
    ) {
      if (input.dueOn && input.dueOn < isoDay(new Date()))
        throw new FieldError('dueOn', 'The due date must be today or later: an action cannot be due in the past');
      await once(db, submissionKey, ctx.actorId ?? null, async (tx) => {
        const a = await repo.insertAction(tx, { goalId: goal.id, text: input.text, dueOn: input.dueOn });
        await recordAudit(tx, ctx, {
          action: 'pathway.action-added',
          entityType: 'plan_goal',
          entityId: goal.id,
          details: { actionId: a.id },
        });
      });
    },

    async actionOf(goal: repo.Goal, actionId: string) {
      const a = await repo.getAction(db, actionId);
      return a && a.goalId === goal.id ? a : undefined;
    },

    async setActionDone(action: repo.Action, done: boolean) {
      await repo.setActionDone(db, action.id, done);
    },

    deleteAction: (action: repo.Action) => repo.deleteAction(db, action.id),

    // ---- attachments -----------------------------------------------------------------

    /**
     * Attaches files to a piece of evidence (not once it is confirmed): each is
     * checked for size and type by its contents, and the rule on attachments per
     * item is checked for the whole batch before anything is stored.
     */
    async attach(
      p: repo.Pathway,
      evidenceId: string,
      uploads: { filename: string; data: Buffer }[],
      ctx: AuditContext,
    ) {
      const e = await repo.getEvidence(db, evidenceId);
      if (!e || e.pathwayId !== p.id) throw new FieldError('file', 'That evidence is not in this pathway');
      if (e.status === 'confirmed' || e.status === 'submitted')
        throw new FieldError(
          'file',
          'Files can only be attached to evidence that is not confirmed or waiting for confirmation',
        );
      if (uploads.length === 0) throw new FieldError('file', 'Choose a file to attach');
      const over = checkAttachments(readRules(p.rules), (await repo.attachmentsOf(db, [e.id])).length, uploads.length);
      if (over) throw new FieldError('file', over);
      const stored: Awaited<ReturnType<typeof files.save>>[] = [];
      try {
        for (const u of uploads) stored.push(await files.save(u.data, u.filename));
        await db.transaction(async (tx) => {
          for (const f of stored)
            await repo.insertAttachment(tx, {
              evidenceId: e.id,
              filename: f.filename,
              contentType: f.contentType,
              size: f.size,
              storageKey: f.key,
              sha256: f.sha256,
            });
          await recordAudit(tx, ctx, {
            action: 'pathway.attachments-added',
            entityType: 'evidence',
            entityId: e.id,
            details: { files: stored.map((f) => f.filename) },
          });
        });
      } catch (err) {
        // Nothing half-done: files already written for this batch go again.
        await Promise.all(stored.map((f) => files.remove(f.key)));
        if (err instanceof FileProblem) throw new FieldError('file', err.message);
        throw err;
      }
    },

    attachmentsOf: (evidenceIds: string[]) => repo.attachmentsOf(db, evidenceIds),

    /** One attachment of evidence in this pathway, with its bytes. */
    async attachment(p: repo.Pathway, attachmentId: string) {
      const a = await repo.getAttachment(db, attachmentId);
      if (!a) return undefined;
      const e = await repo.getEvidence(db, a.evidenceId);
      if (!e || e.pathwayId !== p.id) return undefined;
      return { attachment: a, data: await files.read(a.storageKey) };
    },

    /** One attachment of any of a person's pathways (for their supervisor), with its bytes. */
    async attachmentOfUser(userId: string, attachmentId: string) {
      for (const p of await repo.pathwaysOf(db, userId)) {
        const found = await this.attachment(p, attachmentId);
        if (found) return found;
      }
      return undefined;
    },

    async removeAttachment(p: repo.Pathway, attachmentId: string, ctx: AuditContext): Promise<boolean> {
      const a = await repo.getAttachment(db, attachmentId);
      const e = a ? await repo.getEvidence(db, a.evidenceId) : undefined;
      if (!a || !e || e.pathwayId !== p.id) return false;
      if (e.status === 'confirmed' || e.status === 'submitted')
        throw new FieldError(
          'file',
          'Files of evidence that is confirmed or waiting for confirmation stay as they were',
        );
      await db.transaction(async (tx) => {
        await repo.deleteAttachment(tx, a.id);
        await recordAudit(tx, ctx, {
          action: 'pathway.attachment-removed',
          entityType: 'evidence',
          entityId: e.id,
          details: { filename: a.filename },
        });
      });
      await files.remove(a.storageKey);
      return true;
    },

    removeFiles: (keys: string[]) => Promise.all(keys.map((k) => files.remove(k))),
    /** Every attachment a person stored, so the files can go with their account. */
    fileKeysOfUser: (userId: string) => repo.attachmentKeysOfUser(db, userId),
  };
}

export type PlanService = ReturnType<typeof createPlanService>;
