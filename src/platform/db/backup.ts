import fs from 'node:fs';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from './database';

export const BACKUP_FORMAT = 'waymark-backup';
export const BACKUP_VERSION = 1;

export interface Backup {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  migrations: number;
  tables: Record<string, unknown[]>;
}

/**
 * Orders tables so that every table comes after the tables it references.
 * Self-references are ignored; a cycle between tables is an error.
 */
export function dependencyOrder(tables: string[], edges: { child: string; parent: string }[]): string[] {
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const e of edges) if (e.child !== e.parent && parents.has(e.child) && parents.has(e.parent)) parents.get(e.child)!.add(e.parent);
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: string[] = [];
  const visit = (t: string) => {
    if (done.has(t)) return;
    if (visiting.has(t)) throw new Error(`tables reference each other in a cycle through ${t}`);
    visiting.add(t);
    for (const p of [...parents.get(t)!].sort()) visit(p);
    visiting.delete(t);
    done.add(t);
    order.push(t);
  };
  for (const t of [...tables].sort()) visit(t);
  return order;
}

async function tablesInOrder(db: Db): Promise<string[]> {
  const tables = await queryRows<{ name: string }>(db, sql`select tablename as name from pg_tables where schemaname = current_schema()`);
  const edges = await queryRows<{ child: string; parent: string }>(
    db,
    sql`select cl.relname as child, pl.relname as parent
        from pg_constraint c
        join pg_class cl on cl.oid = c.conrelid
        join pg_class pl on pl.oid = c.confrelid
        where c.contype = 'f' and c.connamespace = current_schema()::regnamespace`,
  );
  return dependencyOrder(
    tables.map((t) => t.name),
    edges,
  );
}

async function migrationCount(db: Db): Promise<number> {
  const rows = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return rows[0]?.n ?? 0;
}

/** Every row of every table, as plain JSON. */
export async function createBackup(db: Db): Promise<Backup> {
  return db.transaction(async (tx) => {
    const tables: Record<string, unknown[]> = {};
    for (const name of await tablesInOrder(tx)) {
      const [row] = await queryRows<{ rows: unknown[] | string }>(tx, sql`select coalesce(json_agg(t), '[]'::json) as rows from ${sql.identifier(name)} t`);
      tables[name] = typeof row?.rows === 'string' ? JSON.parse(row.rows) : (row?.rows ?? []);
    }
    return { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date().toISOString(), migrations: await migrationCount(tx), tables };
  });
}

/** Replaces every row in the database with the backup's, in one transaction. */
export async function restoreBackup(db: Db, backup: Backup): Promise<Record<string, number>> {
  if (backup.format !== BACKUP_FORMAT) throw new Error('This file is not a Waymark backup');
  if (backup.version !== BACKUP_VERSION) throw new Error(`This backup has format version ${backup.version}; this Waymark reads version ${BACKUP_VERSION}`);
  const migrations = await migrationCount(db);
  if (backup.migrations !== migrations) {
    throw new Error(`The backup was made at migration ${backup.migrations} but this database is at migration ${migrations}. Restore with the same Waymark version that made it.`);
  }
  return db.transaction(async (tx) => {
    const order = await tablesInOrder(tx);
    const unknown = Object.keys(backup.tables).filter((t) => !order.includes(t));
    if (unknown.length) throw new Error(`The backup has tables this database does not: ${unknown.join(', ')}`);
    await tx.execute(sql`truncate ${sql.join(order.map((t) => sql.identifier(t)), sql`, `)}`);
    const counts: Record<string, number> = {};
    for (const name of order) {
      const rows = backup.tables[name] ?? [];
      counts[name] = rows.length;
      // In slices, so one statement's parameter stays a reasonable size.
      for (let i = 0; i < rows.length; i += 5000) {
        const slice = JSON.stringify(rows.slice(i, i + 5000));
        await tx.execute(sql`insert into ${sql.identifier(name)} select * from json_populate_recordset(null::${sql.identifier(name)}, ${slice}::json)`);
      }
    }
    return counts;
  });
}

export async function writeBackupFile(db: Db, file: string): Promise<Backup> {
  const backup = await createBackup(db);
  fs.writeFileSync(file, zlib.gzipSync(JSON.stringify(backup)));
  return backup;
}

export function readBackupFile(file: string): Backup {
  const raw = fs.readFileSync(file);
  const text = raw[0] === 0x1f && raw[1] === 0x8b ? zlib.gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return JSON.parse(text) as Backup;
}
