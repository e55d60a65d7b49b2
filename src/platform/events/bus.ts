import os from 'node:os';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { queryRows, type Database, type Db } from '../db/database';
import { events, presence } from './tables';

export interface StoredEvent {
  seq: number;
  type: string;
  data: unknown;
}

type Deliver = (e: StoredEvent) => void;
interface Subscriber {
  lastSeq: number;
  deliver: Deliver;
}
interface ChannelState {
  subscribers: Set<Subscriber>;
  fetching: boolean;
  again: boolean;
}

const NOTIFY_CHANNEL = 'waymark_events';

/**
 * Ordered, durable events per channel (e.g. one workshop). An event is stored
 * in the transaction that made the change and announced with NOTIFY, which
 * PostgreSQL delivers only when that transaction commits, to every instance.
 * Each instance then reads what its subscribers have not seen yet, by sequence
 * number, so nothing is lost or delivered twice, and a reconnecting screen
 * catches up from the last number it saw.
 */
export class EventBus {
  private readonly channels = new Map<string, ChannelState>();
  private listening: Promise<() => Promise<void>> | undefined;
  readonly instance = `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Open streams, ended when the server shuts down so it need not wait for them. */
  readonly streams = new Set<() => void>();

  constructor(
    private readonly database: Database,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Stores an event inside the caller's transaction; subscribers everywhere get it after commit. */
  async publish(tx: Db, channel: string, type: string, data: unknown): Promise<number> {
    const [row] = await queryRows<{ seq: string | number }>(
      tx,
      sql`insert into event_channels (channel, seq) values (${channel}, 1)
          on conflict (channel) do update set seq = event_channels.seq + 1 returning seq`,
    );
    const seq = Number(row!.seq);
    await tx.insert(events).values({ channel, seq, type, data });
    await tx.execute(sql`select pg_notify(${NOTIFY_CHANNEL}, ${channel})`);
    return seq;
  }

  async since(channel: string, afterSeq: number, limit = 2000): Promise<StoredEvent[]> {
    const rows = await this.database.db
      .select({ seq: events.seq, type: events.type, data: events.data })
      .from(events)
      .where(and(eq(events.channel, channel), gt(events.seq, afterSeq)))
      .orderBy(asc(events.seq))
      .limit(limit);
    return rows.map((r) => ({ seq: Number(r.seq), type: r.type, data: r.data }));
  }

  async lastSeq(channel: string): Promise<number> {
    const [row] = await queryRows<{ seq: string | number }>(
      this.database.db,
      sql`select seq from event_channels where channel = ${channel}`,
    );
    return row ? Number(row.seq) : 0;
  }

  /** Delivers every event after `fromSeq`, then each new one, in order. Returns the unsubscribe function. */
  async subscribe(channel: string, fromSeq: number, deliver: Deliver): Promise<() => void> {
    // A failed start is forgotten, so the next subscriber tries again rather than inheriting the failure.
    this.listening ??= this.database
      .listen(NOTIFY_CHANNEL, (payload) => (payload ? this.pump(payload) : this.pumpAll()))
      .catch((err) => {
        this.listening = undefined;
        throw err;
      });
    await this.listening;
    let state = this.channels.get(channel);
    if (!state) this.channels.set(channel, (state = { subscribers: new Set(), fetching: false, again: false }));
    const sub: Subscriber = { lastSeq: fromSeq, deliver };
    state.subscribers.add(sub);
    this.pump(channel);
    return () => {
      state.subscribers.delete(sub);
      if (state.subscribers.size === 0 && !state.fetching) this.channels.delete(channel);
    };
  }

  /** Connections this instance holds on a channel. */
  localConnections(channel: string): number {
    return this.channels.get(channel)?.subscribers.size ?? 0;
  }

  private pumpAll(): void {
    for (const channel of this.channels.keys()) this.pump(channel);
  }

  /** Reads what the channel's subscribers have not seen; runs one read at a time per channel, again if more arrived meanwhile. */
  private pump(channel: string): void {
    const state = this.channels.get(channel);
    if (!state || state.subscribers.size === 0) return;
    if (state.fetching) {
      state.again = true;
      return;
    }
    state.fetching = true;
    state.again = false;
    const from = Math.min(...[...state.subscribers].map((s) => s.lastSeq));
    this.since(channel, from)
      .then((rows) => {
        for (const sub of state.subscribers) {
          // Joined during this read with an older position: the events it lacks were not read; read again for it.
          if (sub.lastSeq < from) {
            state.again = true;
            continue;
          }
          for (const e of rows) {
            if (e.seq <= sub.lastSeq) continue;
            sub.lastSeq = e.seq;
            try {
              sub.deliver(e);
            } catch (err) {
              this.log.warn({ err }, 'event subscriber failed');
            }
          }
        }
        if (rows.length === 2000) state.again = true;
      })
      .catch((err) => this.log.error({ err, channel }, 'could not read events'))
      .finally(() => {
        state.fetching = false;
        if (state.subscribers.size === 0) this.channels.delete(channel);
        else if (state.again) this.pump(channel);
      });
  }

  /** Records this instance's connection count for a channel so every instance can show the total. */
  async recordPresence(channel: string): Promise<void> {
    const connections = this.localConnections(channel);
    await this.database.db
      .insert(presence)
      .values({ channel, instance: this.instance, connections })
      .onConflictDoUpdate({
        target: [presence.channel, presence.instance],
        set: { connections, updatedAt: new Date() },
      });
  }

  /** People connected to a channel across all instances (rows older than a minute are ignored). */
  async connected(channel: string): Promise<number> {
    const [row] = await queryRows<{ n: string | number | null }>(
      this.database.db,
      sql`select coalesce(sum(connections), 0) as n from presence where channel = ${channel} and updated_at > now() - interval '1 minute'`,
    );
    return Number(row?.n ?? 0);
  }

  /** Keeps presence rows fresh while connections last. */
  startHeartbeat(intervalMs = 20_000): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const channel of this.channels.keys()) void this.recordPresence(channel).catch(() => undefined);
    }, intervalMs);
    this.heartbeat.unref();
  }

  /** Ends every open stream; clients reconnect (to another instance) and catch up. */
  endStreams(): void {
    for (const end of [...this.streams]) end();
  }

  async stop(): Promise<void> {
    this.endStreams();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.channels.clear();
    const stop = await this.listening?.catch(() => undefined);
    await stop?.().catch(() => undefined);
  }
}
