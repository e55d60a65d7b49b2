import fs from 'node:fs';
import readline from 'node:readline';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from './database';

export const BACKUP_FORMAT = 'waymark-backup';
/**
 * Version 2 is JSON lines (a header, one line per row, a trailer with the counts), written
 * and read as a stream so memory stays flat whatever the size. Version 1 was one JSON
 * object holding every table; it is still read (whole, as it always was).
 */
export const BACKUP_VERSION = 2;
const WHOLE_OBJECT_VERSION = 1;

/** The whole-object layout (version 1): what createBackup returns and restoreBackup takes. */
export interface Backup {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  migrations: number;
  tables: Record<string, unknown[]>;
}

interface Header {
  format: string;
  version: number;
  createdAt: string;
  migrations: number;
}

/** Rows fetched from the cursor at a time, and rows (or bytes of row text) per insert. */
const FETCH_ROWS = 1000;
const INSERT_ROWS = 1000;
const INSERT_BYTES = 4 * 1024 * 1024;

// Row lines are written as exactly this shape, so restore can take the row's text as Postgres wrote it
// (no JSON.parse, which would round big numbers) and hand it back to Postgres unchanged. Flag s: text may hold U+2028.
const ROW_LINE = /^\{"t":"([a-z_][a-z0-9_]*)","r":(\{.*\})\}$/s;

/**
 * Orders tables so that every table comes after the tables it references.
 * Self-references are ignored; a cycle between tables is an error.
 */
export function dependencyOrder(tables: string[], edges: { child: string; parent: string }[]): string[] {
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const e of edges)
    if (e.child !== e.parent && parents.has(e.child) && parents.has(e.parent)) parents.get(e.child)!.add(e.parent);
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

async function tablesInOrder(db: Db): Promise<{ order: string[]; selfReferencing: Set<string> }> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select tablename as name from pg_tables where schemaname = current_schema()`,
  );
  const edges = await queryRows<{ child: string; parent: string }>(
    db,
    sql`select cl.relname as child, pl.relname as parent
        from pg_constraint c
        join pg_class cl on cl.oid = c.conrelid
        join pg_class pl on pl.oid = c.confrelid
        where c.contype = 'f' and c.connamespace = current_schema()::regnamespace`,
  );
  const order = dependencyOrder(
    tables.map((t) => t.name),
    edges,
  );
  return { order, selfReferencing: new Set(edges.filter((e) => e.child === e.parent).map((e) => e.child)) };
}

async function migrationCount(db: Db): Promise<number> {
  const rows = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return rows[0]?.n ?? 0;
}

/**
 * Every row of every table, one consistent snapshot, passed line by line to `write`
 * (which may wait, for backpressure). Rows come from a cursor in batches, as the text
 * Postgres makes of them, so neither side holds a table in memory.
 */
async function dumpLines(db: Db, write: (line: string) => Promise<void> | void): Promise<Record<string, number>> {
  return db.transaction(
    async (tx) => {
      const header: Header = {
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        createdAt: new Date().toISOString(),
        migrations: await migrationCount(tx),
      };
      await write(JSON.stringify(header));
      const counts: Record<string, number> = {};
      for (const name of (await tablesInOrder(tx)).order) {
        counts[name] = 0;
        await tx.execute(
          sql`declare backup_rows no scroll cursor for select row_to_json(t)::text as r from ${sql.identifier(name)} t`,
        );
        for (;;) {
          const rows = await queryRows<{ r: string }>(tx, sql.raw(`fetch ${FETCH_ROWS} from backup_rows`));
          for (const row of rows) await write(`{"t":"${name}","r":${row.r}}`);
          counts[name] += rows.length;
          if (rows.length < FETCH_ROWS) break;
        }
        await tx.execute(sql`close backup_rows`);
      }
      await write(JSON.stringify({ end: true, tables: counts }));
      return counts;
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** Every row of every table, as plain JSON in one object (the version 1 layout): for tests and small copies. */
export async function createBackup(db: Db): Promise<Backup> {
  const backup: Backup = {
    format: BACKUP_FORMAT,
    version: WHOLE_OBJECT_VERSION,
    createdAt: '',
    migrations: 0,
    tables: {},
  };
  await dumpLines(db, (line) => {
    const row = ROW_LINE.exec(line);
    if (row) (backup.tables[row[1]!] ??= []).push(JSON.parse(row[2]!));
    else if (line.startsWith('{"format"'))
      Object.assign(backup, { createdAt: JSON.parse(line).createdAt, migrations: JSON.parse(line).migrations });
    else for (const name of Object.keys(JSON.parse(line).tables)) backup.tables[name] ??= [];
  });
  return backup;
}

/** Writes, waiting whenever the stream asks for a pause, so a slow disk never lets rows pile up in memory. */
function writerTo(stream: Writable) {
  return async (line: string) => {
    if (!stream.write(`${line}\n`)) await once(stream, 'drain');
  };
}

/** Streams every row to FILE as gzipped JSON lines; returns the rows written per table. */
export async function writeBackupFile(db: Db, file: string): Promise<Record<string, number>> {
  const gzip = zlib.createGzip();
  const out = fs.createWriteStream(file);
  gzip.pipe(out);
  try {
    const counts = await dumpLines(db, writerTo(gzip));
    gzip.end();
    await finished(out);
    return counts;
  } catch (err) {
    gzip.destroy();
    out.destroy();
    fs.rmSync(file, { force: true });
    throw err;
  }
}

function checkHeader(header: Partial<Header>, migrations: number) {
  if (header.format !== BACKUP_FORMAT) throw new Error('This file is not a Waymark backup');
  if (header.version !== BACKUP_VERSION && header.version !== WHOLE_OBJECT_VERSION) {
    throw new Error(
      `This backup has format version ${header.version}; this Waymark reads versions ${WHOLE_OBJECT_VERSION} and ${BACKUP_VERSION}`,
    );
  }
  if (header.migrations !== migrations) {
    throw new Error(
      `The backup was made at migration ${header.migrations} but this database is at migration ${migrations}. Restore with the same Waymark version that made it.`,
    );
  }
}

/**
 * Replaces every row with the rows of `lines` (a version 2 backup after its header), in one
 * transaction: inserts go in batches, and the trailer's counts must match what was read, so a
 * cut-short file changes nothing.
 */
async function restoreLines(db: Db, lines: AsyncIterator<string>): Promise<Record<string, number>> {
  return db.transaction(async (tx) => {
    const { order, selfReferencing } = await tablesInOrder(tx);
    await tx.execute(
      sql`truncate ${sql.join(
        order.map((t) => sql.identifier(t)),
        sql`, `,
      )}`,
    );
    const counts: Record<string, number> = Object.fromEntries(order.map((t) => [t, 0]));
    let table = '';
    let batch: string[] = [];
    let bytes = 0;
    const flush = async () => {
      if (!batch.length) return;
      await tx.execute(
        sql`insert into ${sql.identifier(table)} select * from json_populate_recordset(null::${sql.identifier(table)}, ${`[${batch.join(',')}]`}::json)`,
      );
      batch = [];
      bytes = 0;
    };
    for (let lineNo = 2; ; lineNo++) {
      const next = await lines.next();
      if (next.done) throw new Error('The backup file ends early (it has no closing line); it may have been cut short');
      const row = ROW_LINE.exec(next.value);
      if (!row) {
        let trailer: { end?: boolean; tables?: Record<string, number> };
        try {
          trailer = JSON.parse(next.value);
        } catch {
          throw new Error(`Line ${lineNo} of the backup is not a row or the closing line`);
        }
        if (trailer.end !== true || !trailer.tables)
          throw new Error(`Line ${lineNo} of the backup is not a row or the closing line`);
        await flush();
        const differ = Object.entries(trailer.tables).filter(([t, n]) => counts[t] !== n);
        if (differ.length)
          throw new Error(
            `The backup is incomplete: ${differ.map(([t, n]) => `${t} should have ${n} rows but has ${counts[t] ?? 0}`).join('; ')}`,
          );
        return counts;
      }
      const [, name, text] = row as unknown as [string, string, string];
      if (name !== table) {
        await flush();
        if (!(name in counts)) throw new Error(`The backup has a table this database does not: ${name}`);
        table = name;
      }
      batch.push(text);
      bytes += text.length;
      counts[name]! += 1;
      // A table that references itself is inserted whole, in one statement, so a row may come before the row it points to.
      if (!selfReferencing.has(name) && (batch.length >= INSERT_ROWS || bytes >= INSERT_BYTES)) await flush();
    }
  });
}

/** The version 1 object as version 2 lines (without its header), so both are restored the same way. */
async function* linesOf(backup: Backup): AsyncGenerator<string> {
  const counts: Record<string, number> = {};
  for (const [name, rows] of Object.entries(backup.tables)) {
    counts[name] = rows.length;
    for (const row of rows) yield `{"t":"${name}","r":${JSON.stringify(row)}}`;
  }
  yield JSON.stringify({ end: true, tables: counts });
}

/** Replaces every row in the database with the backup's (the version 1 object), in one transaction. */
export async function restoreBackup(db: Db, backup: Backup): Promise<Record<string, number>> {
  checkHeader(backup, await migrationCount(db));
  const order = (await tablesInOrder(db)).order;
  const unknown = Object.keys(backup.tables ?? {}).filter((t) => !order.includes(t));
  if (unknown.length) throw new Error(`The backup has tables this database does not: ${unknown.join(', ')}`);
  // Rows must arrive parents first, whatever order the object's keys are in.
  const ordered: Backup = {
    ...backup,
    tables: Object.fromEntries(order.filter((t) => backup.tables[t]).map((t) => [t, backup.tables[t]!])),
  };
  return restoreLines(db, linesOf(ordered));
}

function isGzip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    fs.readSync(fd, head, 0, 2, 0);
    return head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Restores FILE (gzipped or plain; version 2 lines, or a version 1 object) line by line. The
 * header is checked before anything is touched; any problem later rolls the whole restore back.
 */
export async function restoreBackupFile(db: Db, file: string): Promise<Record<string, number>> {
  const source = fs.createReadStream(file);
  const input = isGzip(file) ? source.pipe(zlib.createGunzip()) : source;
  source.on('error', (err) => input.destroy(err));
  const reader = readline.createInterface({ input, crlfDelay: Infinity });
  const lines = reader[Symbol.asyncIterator]();
  try {
    const first = await lines.next();
    let header: Partial<Header> & { tables?: unknown };
    try {
      header = first.done ? {} : JSON.parse(first.value);
    } catch {
      throw new Error('This file is not a Waymark backup');
    }
    if (header.version === WHOLE_OBJECT_VERSION) return await restoreBackup(db, header as Backup);
    checkHeader(header, await migrationCount(db));
    return await restoreLines(db, lines);
  } finally {
    reader.close();
    input.destroy();
  }
}
