/**
 * First `npm start` on an empty data directory to the first page served
 * (budget < 15 s), then a second start on the same directory for comparison.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ms } from './stats';

async function timeToFirstPage(dataDir: string, port: number): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/waymark.js', 'serve'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (;;) {
      if (performance.now() - t0 > 60_000) throw new Error('no page within 60 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/sign-in`);
        if (res.status === 200 && (await res.text()).includes('Demo accounts')) return performance.now() - t0;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waymark-bench-'));
try {
  const first = await timeToFirstPage(dir, 3901);
  const second = await timeToFirstPage(dir, 3902);
  console.log('Waymark startup (embedded database, demo data)');
  console.log(
    `  first start, empty data directory → first page: ${ms(first)}  (budget 15000 ms: ${first < 15_000 ? 'within' : 'OVER'})`,
  );
  console.log(`  second start, same data directory → first page: ${ms(second)}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
