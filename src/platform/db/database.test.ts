import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseInUseError, openDatabase } from './database';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'waymark-lock-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('the embedded database lock', () => {
  it('refuses a second open of one data directory until the first is closed', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const first = await openDatabase({ dataDir: dir });
    expect(fs.readFileSync(path.join(dir, 'waymark.lock'), 'utf8')).toBe(String(process.pid));
    const second = openDatabase({ dataDir: dir });
    await expect(second).rejects.toBeInstanceOf(DatabaseInUseError);
    await expect(second).rejects.toThrow(
      `The embedded database in DATA_DIR (${dir}) is in use by another Waymark process (pid ${process.pid}). Stop it first (or use PostgreSQL with DATABASE_URL to run commands beside a running server).`,
    );
    await first.ping();
    await first.close();
    expect(fs.existsSync(path.join(dir, 'waymark.lock'))).toBe(false);
    const again = await openDatabase({ dataDir: dir });
    await again.ping();
    await again.close();
  });

  it(
    'takes over a lock left by a process that is gone (a crash), or by an earlier process with our pid',
    { timeout: 60_000 },
    async () => {
      const dir = tempDir();
      const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
      for (const stale of [deadPid, process.pid]) {
        fs.writeFileSync(path.join(dir, 'waymark.lock'), String(stale));
        const database = await openDatabase({ dataDir: dir });
        expect(fs.readFileSync(path.join(dir, 'waymark.lock'), 'utf8')).toBe(String(process.pid));
        await database.close();
      }
    },
  );

  it('refuses while another live process holds the lock', async () => {
    const dir = tempDir();
    // The parent of this process is alive for certain, and is not us.
    fs.writeFileSync(path.join(dir, 'waymark.lock'), String(process.ppid));
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(
      `in use by another Waymark process (pid ${process.ppid})`,
    );
    expect(fs.readFileSync(path.join(dir, 'waymark.lock'), 'utf8')).toBe(String(process.ppid));
  });

  it('needs no lock in memory', async () => {
    const [a, b] = await Promise.all([openDatabase({ dataDir: 'memory://' }), openDatabase({ dataDir: 'memory://' })]);
    await a.close();
    await b.close();
  });
});
