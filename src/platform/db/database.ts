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

/** The embedded database's directory is held by another open database, in this process or another. */
export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in DATA_DIR (${dataDir}) is in use by another Waymark process (pid ${pid}). ` +
        'Stop it first (or use PostgreSQL with DATABASE_URL to run commands beside a running server).',
    );
  }
}

// Lock files this process holds, so a lock naming our own pid is told apart from a stale one left by an
// earlier process that had the same pid (pid 1 in a container, after a crash).
const heldLocks = new Set<string>();
let exitHookSet = false;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is one Postgres in one process: a second process opening the same directory (a CLI command beside
 * `npm start`) ends in `RuntimeError: Aborted()` and can corrupt the files. So the directory is held with a
 * lock file naming our pid, created exclusively; a lock whose process is gone is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'waymark.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
    }
    let pid = Number.NaN;
    try {
      pid = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10);
    } catch {
      continue; // Removed between our create and read: try again.
    }
    const ours = pid === process.pid && heldLocks.has(lockPath);
    if (Number.isInteger(pid) && pid > 0 && (ours || (pid !== process.pid && pidAlive(pid)))) {
      throw new DatabaseInUseError(dataDir, pid);
    }
    fs.rmSync(lockPath, { force: true });
  }
  heldLocks.add(lockPath);
  if (!exitHookSet) {
    exitHookSet = true;
    // A process that exits without closing (process.exit on a refusal) leaves no lock behind.
    process.on('exit', () => heldLocks.forEach((p) => fs.rmSync(p, { force: true })));
  }
  return () => {
    if (!heldLocks.delete(lockPath)) return;
    try {
      if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.rmSync(lockPath, { force: true });
    } catch {
      // Already gone.
    }
  };
}

async function openPglite(dataDir?: string): Promise<Database> {
  let location: string | undefined;
  let unlock = () => undefined as void;
  if (dataDir && !dataDir.startsWith('memory://')) {
    location = path.join(dataDir, 'pglite');
    fs.mkdirSync(location, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  let client: PGlite;
  try {
    client = location ? new PGlite(location) : new PGlite();
    await client.waitReady;
  } catch (err) {
    unlock();
    throw err;
  }
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
      try {
        if (!client.closed) await client.close();
      } finally {
        unlock();
      }
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
          if (listener && !closed)
            await listener.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
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
