import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';

/** Drizzle database or transaction: the one type repositories accept. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;

export type Driver = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  driver: Driver;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  /** Applies committed migrations that have not run yet. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * Receives NOTIFY payloads on a channel: through a dedicated connection on
   * PostgreSQL (so every instance hears every other), and PGlite's own listener
   * in the embedded database. An empty payload means the connection was
   * (re)made and something may have been missed. Returns a function that stops listening.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** The PostgreSQL pool (for LISTEN/NOTIFY and benchmarks), when the driver is postgres. */
  pool?: pg.Pool;
}

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

// Any fixed number works; it only has to be the same for every instance.
const MIGRATION_LOCK_KEY = 727_001;

export interface DatabaseOptions {
  /** postgres://… ; without it the embedded database is used. */
  url?: string;
  /** Directory for the embedded database; `memory://` or undefined keeps it in memory. */
  dataDir?: string;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10);
  return openPglite(options.dataDir);
}

async function openPglite(dataDir?: string): Promise<Database> {
  let location: string | undefined;
  if (dataDir && !dataDir.startsWith('memory://')) {
    location = path.join(dataDir, 'pglite');
    fs.mkdirSync(location, { recursive: true });
  }
  const client = location ? new PGlite(location) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite({ client }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    async ping() {
      await client.query('select 1');
    },
    async migrate() {
      await migratePglite(db as never, { migrationsFolder });
    },
    async listen(channel, onPayload) {
      const stop = await client.listen(channel, onPayload);
      return async () => {
        if (!client.closed) await stop();
      };
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => undefined);
  const db = drizzlePg({ client: pool }) as unknown as Db;
  let closed = false;
  // One connection per instance carries every LISTEN; it reconnects if the server drops it.
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let listener: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  const connectListener = (): Promise<pg.Client> =>
    (connecting ??= (async () => {
      const client = new pg.Client({ connectionString: url });
      client.on('notification', (msg) => {
        for (const cb of listeners.get(msg.channel) ?? []) cb(msg.payload ?? '');
      });
      client.on('error', () => {
        listener = undefined;
        connecting = undefined;
        if (!closed) setTimeout(() => void resubscribe(), 1000).unref();
      });
      await client.connect();
      for (const ch of listeners.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(ch)}`);
      listener = client;
      // After a (re)connect, call every listener with an empty payload: "you may have missed something".
      for (const cbs of listeners.values()) for (const cb of cbs) cb('');
      return client;
    })().catch((err) => {
      connecting = undefined;
      throw err;
    }));
  const resubscribe = async () => {
    if (closed || listeners.size === 0) return;
    try {
      await connectListener();
    } catch {
      connecting = undefined;
      setTimeout(() => void resubscribe(), 2000).unref();
    }
  };
  return {
    db,
    driver: 'postgres',
    pool,
    async ping() {
      await pool.query('select 1');
    },
    async migrate() {
      // Several instances may start at once: one migrates, the others wait.
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        try {
          await migratePg(drizzlePg({ client }), { migrationsFolder });
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        }
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      const fresh = !listeners.has(channel);
      if (fresh) listeners.set(channel, new Set());
      listeners.get(channel)!.add(onPayload);
      const client = await connectListener();
      if (fresh && listener === client) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      return async () => {
        const set = listeners.get(channel);
        set?.delete(onPayload);
        if (set && set.size === 0) {
          listeners.delete(channel);
          if (listener && !closed) await listener.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
        }
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await listener?.end().catch(() => undefined);
      await pool.end();
    },
  };
}

/** Runs raw SQL and returns its rows, the same on both drivers. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export { sql };
