import os from 'node:os';
import { and, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/database';
import { backoffDelay } from './backoff';
import { jobs } from './tables';

export type Job = typeof jobs.$inferSelect;
export interface JobContext {
  db: Db;
  job: Job;
}
export type JobHandler = (payload: Record<string, unknown>, ctx: JobContext) => Promise<void>;

export interface EnqueueOptions {
  runAt?: Date;
  /** While a job with this key is queued or running, enqueueing another does nothing. */
  singletonKey?: string;
  maxAttempts?: number;
}

// A job whose worker died (crash, kill -9) is picked up again after this long.
const STALE_AFTER_MS = 5 * 60_000;

/**
 * Durable background jobs kept in the database. pg-boss would be the obvious
 * library, but it needs a pooled node-postgres connection and its own schema
 * management, which the embedded PGlite driver cannot give it; this runner
 * uses only Drizzle, so it behaves the same on both drivers. Claiming uses
 * FOR UPDATE SKIP LOCKED, so several instances can share one queue.
 */
export class JobRunner {
  private readonly handlers = new Map<string, { handler: JobHandler; baseDelayMs: number }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly workerId = `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
    private readonly pollMs = 1000,
  ) {}

  register(name: string, handler: JobHandler, opts: { baseDelayMs?: number } = {}): void {
    this.handlers.set(name, { handler, baseDelayMs: opts.baseDelayMs ?? 5_000 });
  }

  /** Queues a job. Pass the transaction that made the change that needs it, so both commit together. */
  async enqueue(
    db: Db,
    name: string,
    payload: Record<string, unknown>,
    opts: EnqueueOptions = {},
  ): Promise<string | null> {
    const [row] = await db
      .insert(jobs)
      .values({
        name,
        payload,
        runAt: opts.runAt ?? new Date(),
        singletonKey: opts.singletonKey ?? null,
        maxAttempts: opts.maxAttempts ?? 5,
      })
      .onConflictDoNothing()
      .returning({ id: jobs.id });
    if (row && !this.stopped) setImmediate(() => this.tick());
    return row?.id ?? null;
  }

  /** Runs every due job now, one after another; returns how many ran. Tests use it to drain the queue. */
  async runDue(limit = 1000): Promise<number> {
    let n = 0;
    while (n < limit) {
      const job = await this.claim();
      if (!job) break;
      await this.execute(job);
      n++;
    }
    return n;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** Stops polling and waits for the job in hand to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule() {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), this.pollMs);
    this.timer.unref();
  }

  private tick() {
    if (this.running || this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.running = this.runDue(50)
      .then(() => undefined)
      .catch((err) => this.log.error({ err }, 'job runner failed to poll'))
      .finally(() => {
        this.running = undefined;
        this.schedule();
      });
  }

  private async claim(): Promise<Job | undefined> {
    const names = [...this.handlers.keys()];
    if (names.length === 0) return undefined;
    // The database's clock decides what is due, so instances with drifting clocks agree.
    return this.db.transaction(async (tx) => {
      const [due] = await tx
        .select({ id: jobs.id })
        .from(jobs)
        .where(
          and(
            inArray(jobs.name, names),
            or(
              and(eq(jobs.state, 'queued'), lte(jobs.runAt, sql`now()`)),
              and(
                eq(jobs.state, 'active'),
                lt(jobs.lockedAt, sql`now() - make_interval(secs => ${STALE_AFTER_MS / 1000})`),
              ),
            ),
          ),
        )
        .orderBy(jobs.runAt)
        .limit(1)
        .for('update', { skipLocked: true });
      if (!due) return undefined;
      const [job] = await tx
        .update(jobs)
        .set({ state: 'active', lockedAt: sql`now()`, lockedBy: this.workerId, attempts: sql`${jobs.attempts} + 1` })
        .where(eq(jobs.id, due.id))
        .returning();
      return job;
    });
  }

  private async execute(job: Job): Promise<void> {
    const entry = this.handlers.get(job.name);
    try {
      if (!entry) throw new Error(`no handler for job ${job.name}`);
      await entry.handler(job.payload as Record<string, unknown>, { db: this.db, job });
      await this.db
        .update(jobs)
        .set({ state: 'done', finishedAt: new Date(), lastError: null })
        .where(eq(jobs.id, job.id));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const final = job.attempts >= job.maxAttempts;
      this.log.warn({ jobId: job.id, job: job.name, attempt: job.attempts, final, err: message }, 'job failed');
      await this.db
        .update(jobs)
        .set(
          final
            ? { state: 'failed', finishedAt: new Date(), lastError: message }
            : {
                state: 'queued',
                lastError: message,
                lockedAt: null,
                lockedBy: null,
                runAt: new Date(Date.now() + backoffDelay(job.attempts, entry?.baseDelayMs)),
              },
        )
        .where(eq(jobs.id, job.id));
    }
  }
}

export async function findJob(db: Db, id: string): Promise<Job | undefined> {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  return row;
}

/** Forgets finished jobs older than `days`. */
export async function pruneJobs(db: Db, days: number): Promise<void> {
  await db
    .delete(jobs)
    .where(and(inArray(jobs.state, ['done', 'failed']), lt(jobs.finishedAt, new Date(Date.now() - days * 86_400_000))));
}
