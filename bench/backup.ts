/**
 * Peak memory of `waymark backup` and `restore` on a generated database (default 200,000 users, each
 * with about 1 KB of text, and a role each), to show memory stays flat whatever the size.
 * Usage: tsx bench/backup.ts [ROWS] (DATABASE_URL for PostgreSQL; otherwise an embedded database in memory, whose
 * own pages live in this process and so count in its RSS: PostgreSQL gives the clean figure).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, sql } from '../src/platform/db/database';
import { restoreBackupFile, writeBackupFile } from '../src/platform/db/backup';

const rows = Number(process.argv[2] ?? 200_000);
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** Peak RSS while `work` runs, sampled every 20 ms. */
async function peakDuring<T>(work: () => Promise<T>): Promise<{ result: T; peak: number; ms: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  try {
    const result = await work();
    return { result, peak: Math.max(peak, process.memoryUsage().rss), ms: performance.now() - t0 };
  } finally {
    clearInterval(timer);
  }
}

const source = await openDatabase({ url: process.env.DATABASE_URL || undefined, dataDir: 'memory://' });
await source.migrate();
await source.db.execute(sql`insert into users (email, name, organisation)
  select 'bench' || i || '@example.nhs.uk', 'Bench person ' || i, repeat(md5(i::text), 32) from generate_series(1, ${rows}) i`);
await source.db.execute(sql`insert into user_roles (user_id, role) select id, 'practitioner' from users`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waymark-bench-backup-'));
const file = path.join(dir, 'bench.jsonl.gz');
global.gc?.();
const baseline = process.memoryUsage().rss;
const backup = await peakDuring(() => writeBackupFile(source.db, file));
// Restored over the same database (restore replaces every row), so on PostgreSQL only this process is measured.
global.gc?.();
const restoreBaseline = process.memoryUsage().rss;
const restore = await peakDuring(() => restoreBackupFile(source.db, file));
await source.close();

const total = Object.values(backup.result).reduce((a, b) => a + b, 0);
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${total} rows, file ${mb(fs.statSync(file).size)} gzipped`,
);
console.log(
  `backup:  ${(backup.ms / 1000).toFixed(1)} s, RSS before ${mb(baseline)}, peak ${mb(backup.peak)} (+${mb(backup.peak - baseline)})`,
);
console.log(
  `restore: ${(restore.ms / 1000).toFixed(1)} s, RSS before ${mb(restoreBaseline)}, peak ${mb(restore.peak)} (+${mb(restore.peak - restoreBaseline)})`,
);
fs.rmSync(dir, { recursive: true, force: true });
