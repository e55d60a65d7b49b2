import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, freshDatabase, type TestDatabase } from '../helpers/database';
import { createBackup, restoreBackupFile, writeBackupFile } from '../../src/platform/db/backup';
import { queryRows, sql, type Db } from '../../src/platform/db/database';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waymark-backup-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every table's rows in a stable order, so two databases can be compared exactly. */
async function contents(db: Db) {
  const { tables } = await createBackup(db);
  return Object.fromEntries(Object.entries(tables).map(([t, rows]) => [t, rows.map((r) => JSON.stringify(r)).sort()]));
}

const countUsers = async (db: Db) =>
  (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from users`))[0]!.n;

describe.each(DRIVERS)('backup and restore stream (%s)', (driver) => {
  let source: TestDatabase;
  let target: TestDatabase;
  beforeAll(async () => {
    [source, target] = await Promise.all([freshDatabase(driver), freshDatabase(driver)]);
    // More rows than one cursor fetch and one insert batch (1,000), with awkward text: quotes, new lines, non-ASCII, a line separator.
    await source.db.execute(sql`insert into users (email, name, profession, last_sign_in_at)
      select 'person' || i || '@example.nhs.uk', 'Name "' || i || E'"\nsecond line ü – \u2028 end', case when i % 3 = 0 then null else 'nurse' end,
             '2026-01-02 03:04:05.123456+00'::timestamptz + (i || ' seconds')::interval
      from generate_series(1, 2500) i`);
    await source.db.execute(sql`insert into user_roles (user_id, role) select id, 'practitioner' from users`);
  });
  afterAll(async () => Promise.all([source?.close(), target?.close()]));

  it('round-trips many rows exactly through a gzipped JSON-lines file', async () => {
    const file = path.join(dir, `${driver}.jsonl.gz`);
    const counts = await writeBackupFile(source.db, file);
    expect(counts.users).toBe(2500);
    expect(counts.user_roles).toBe(2500);
    const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'waymark-backup', version: 2 });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ end: true, tables: { users: 2500 } });

    const restored = await restoreBackupFile(target.db, file);
    expect(restored).toEqual(counts);
    expect(await contents(target.db)).toEqual(await contents(source.db));
  });

  it('refuses a cut-short file, a file from another migration level and a file that is not a backup, changing nothing', async () => {
    const whole = zlib.gunzipSync(fs.readFileSync(path.join(dir, `${driver}.jsonl.gz`))).toString('utf8');
    const before = await countUsers(target.db);
    const cut = path.join(dir, `${driver}-cut.jsonl.gz`);
    fs.writeFileSync(cut, zlib.gzipSync(whole.split('\n').slice(0, 3000).join('\n')));
    await expect(restoreBackupFile(target.db, cut)).rejects.toThrow(/ends early/);
    const lines = whole.trimEnd().split('\n');
    const other = path.join(dir, `${driver}-other.jsonl`);
    fs.writeFileSync(
      other,
      [JSON.stringify({ ...JSON.parse(lines[0]!), migrations: 999 }), ...lines.slice(1)].join('\n'),
    );
    await expect(restoreBackupFile(target.db, other)).rejects.toThrow(/made at migration 999/);
    fs.writeFileSync(other, 'name,email\n');
    await expect(restoreBackupFile(target.db, other)).rejects.toThrow('This file is not a Waymark backup');
    expect(await countUsers(target.db)).toBe(before);
  });

  it('still reads a version 1 backup (one JSON object)', async () => {
    const v1 = await createBackup(source.db);
    expect(v1.version).toBe(1);
    const file = path.join(dir, `${driver}-v1.json.gz`);
    fs.writeFileSync(file, zlib.gzipSync(JSON.stringify(v1)));
    await target.db.execute(sql`truncate users cascade`);
    await restoreBackupFile(target.db, file);
    expect(await contents(target.db)).toEqual(await contents(source.db));
  });
});
