import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DRIVERS, freshDatabase, type TestDatabase } from '../helpers/database';
import { testConfig } from '../helpers/app';
import { CommandError, main, type CommandDeps } from '../../src/main';
import { openDatabase, type Driver } from '../../src/platform/db/database';

// Commands run in-process on one shared database (starting tsx and migrating a new database per command was
// what made this file slow on a busy machine); the entry point itself is spawned only where it matters.
const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'waymark-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Runs one command as `bin/waymark.js` would, capturing what it prints; a refusal gives status 1 and its message. */
async function waymark(
  args: string[],
  deps: CommandDeps = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await main(args, deps);
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    if (err instanceof CommandError) return { code: 1, stdout, stderr: err.message };
    throw err;
  } finally {
    write.mockRestore();
  }
}

/** The real entry point, through tsx, in a child process. */
function spawnWaymark(args: string[], env: Record<string, string>) {
  // Vitest sets BASE_URL=/ (Vite's own variable) in the environment, so a real one is given.
  return spawn(process.execPath, ['bin/waymark.js', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '', BASE_URL: 'http://localhost:3000', ...env },
  });
}

function exitOf(child: ReturnType<typeof spawn>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d));
    child.stderr?.on('data', (d: Buffer) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the waymark entry point', () => {
  it('stops on a bad setting, naming the variable, without a stack trace', async () => {
    const r = await exitOf(spawnWaymark(['migrate'], { DATA_DIR: tempDir(), PORT: 'eighty' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('PORT');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it(
    'refuses a command on an embedded database a running server holds, with a message and no stack trace',
    { timeout: 60_000 },
    async () => {
      const dataDir = tempDir();
      const server = await openDatabase({ dataDir });
      try {
        const r = await waymark(['framework', 'list'], { config: testConfig({ dataDir }) });
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(
          `The embedded database in DATA_DIR (${dataDir}) is in use by another Waymark process (pid ${process.pid}). Stop it first (or use PostgreSQL with DATABASE_URL to run commands beside a running server).`,
        );
      } finally {
        await server.close();
      }
      // Once the server has stopped, the command runs.
      expect((await waymark(['framework', 'list'], { config: testConfig({ dataDir }) })).code).toBe(0);
    },
  );

  it('ends quietly when the reader closes the pipe early (waymark … | head -3)', async () => {
    const child = spawnWaymark(['--help'], {});
    // Closed before the command has written anything, as `head` does once it has its lines.
    child.stdout.destroy();
    const r = await exitOf(child);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  // The one full start (tsx, the whole app, migrating an empty embedded database): at a load average of 24 on the
  // 2-core machine it took 64 s, so this test alone gets room; every other command runs in-process.
  it('serves, and on SIGTERM finishes and exits cleanly', { timeout: 120_000 }, async () => {
    const port = 39_000 + Math.floor(Math.random() * 1000);
    // Without demo data: seeding is tested in-process above, and here it only made the start slower.
    const child = spawnWaymark(['serve'], {
      DATA_DIR: tempDir(),
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO: 'false',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      let up = false;
      for (const until = Date.now() + 110_000; Date.now() < until && !up;) {
        try {
          up = (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      expect(up).toBe(true);
      const signIn = await fetch(`http://127.0.0.1:${port}/sign-in`);
      expect(signIn.status).toBe(200);
      expect(await signIn.text()).not.toContain('Demo accounts');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      // Never leave a server running (or its data directory in use) when the test fails.
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe.each(DRIVERS)('waymark commands (%s)', (driver: Driver) => {
  let database: TestDatabase;
  let deps: CommandDeps;
  beforeAll(async () => {
    database = await freshDatabase(driver);
    deps = { database, config: testConfig({ dataDir: tempDir(), baseUrl: 'https://waymark.test' }) };
  });
  afterAll(async () => database?.close());

  it('migrates and seeds the demo once', async () => {
    expect((await waymark(['migrate'], deps)).stdout).toContain('Migrations applied');
    expect((await waymark(['seed', '--demo'], deps)).stdout).toContain('Demo data created');
    expect((await waymark(['seed', '--demo'], deps)).stdout).toContain('already there');
  });

  it('makes an admin, refusing a bad address', async () => {
    const admin = await waymark(['admin', 'create', '--email', 'Boss@Example.nhs.uk'], deps);
    expect(admin.stdout).toContain('Admin boss@example.nhs.uk created');
    expect(admin.stdout).toMatch(/https:\/\/waymark\.test\/reset-password\/\S+/);
    const bad = await waymark(['admin', 'create', '--email', 'not-an-email'], deps);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Enter an email address in the correct format');
  });

  it('backs up and restores into an empty database', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'backup.jsonl.gz');
    const backup = await waymark(['backup', '--out', file], deps);
    const rows = /(\d+) rows/.exec(backup.stdout)![1];
    expect(Number(rows)).toBeGreaterThan(100);

    // Into an empty database of the other driver when there is one: the backup does not depend on where it was made.
    const other = await freshDatabase(DRIVERS.find((d) => d !== driver) ?? driver);
    try {
      const into = { ...deps, database: other };
      expect((await waymark(['restore', file], into)).stdout).toContain(`Restored ${rows} rows`);
      const again = path.join(dir, 'again.jsonl.gz');
      expect((await waymark(['backup', '--out', again], into)).stdout).toContain(`${rows} rows`);
      expect((await waymark(['restore', path.join(dir, 'missing.gz')], into)).stderr).toContain('Could not read');
    } finally {
      await other.close();
    }
  });

  it('lists, imports and exports frameworks, refusing a bad file with its problems', async () => {
    const dir = tempDir();
    const csv = path.join(dir, 'fw.csv');
    fs.writeFileSync(
      csv,
      'code,parent_code,type,text,stage,area,notes\nCLI-FW,,framework,From the command line,,,3.0\nA,,domain,Domain A,,,\nA.1,A,capability,Cap,,,\nA.1.1,A.1,statement,Does a thing,transition,,\n',
    );
    const imported = await waymark(['framework', 'import', csv], deps);
    expect(imported.stdout).toMatch(/Imported CLI-FW version 3\.0 \(draft\) as [0-9a-f-]{36}: 3 items/);
    const list = await waymark(['framework', 'list'], deps);
    const line = list.stdout.split('\n').find((l) => l.includes('CLI-FW'))!;
    expect(line.split('\t').slice(1)).toEqual(['CLI-FW', '3.0', 'draft']);
    const out = path.join(dir, 'out.csv');
    await waymark(['framework', 'export', line.split('\t')[0]!, '--format', 'csv', '--out', out], deps);
    expect(fs.readFileSync(out, 'utf8')).toContain('A.1.1,A.1,statement,Does a thing,transition,,');
    const viaName = await waymark(['framework', 'export', 'CLI-FW@3.0', '--format', 'case'], deps);
    expect(JSON.parse(viaName.stdout).CFDocument.title).toBe('From the command line');
    fs.writeFileSync(csv, 'code,parent_code,type,text,stage,area,notes\nB,,domain,B,,,\nB.1,Q,capability,C,,,\n');
    const bad = await waymark(['framework', 'import', csv], deps);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line 3: unknown parent "Q"');
  });
});

describe('waymark delphi analyse', () => {
  it('analyses Delphi responses from CSV, with groups and stability, and refuses bad input', async () => {
    const dir = tempDir();
    const r1 = path.join(dir, 'r1.csv');
    const r2 = path.join(dir, 'r2.csv');
    fs.writeFileSync(
      r1,
      'panellist,group,item,rating\np1,clinician,A,5\np2,clinician,A,8\np3,patient,A,8\np4,patient,A,NA\np1,clinician,B,2\np2,clinician,B,3\np3,patient,B,\n',
    );
    fs.writeFileSync(
      r2,
      'panellist,group,item,rating\np1,clinician,A,8\np2,clinician,A,8\np3,patient,A,9\np4,patient,A,8\np1,clinician,B,2\np2,clinician,B,2\np3,patient,B,1\n',
    );
    const out = await waymark([
      'delphi',
      'analyse',
      r2,
      '--by-group',
      '--previous',
      r1,
      '--rule',
      'percent:75',
      '--quartiles',
      '6',
    ]);
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(json).toMatchObject({ rule: { kind: 'percent', threshold: 75 }, quartileMethod: 6 });
    const a = json.items.find((i: { item: string }) => i.item === 'A');
    expect(a).toMatchObject({ n: 4, unableToRate: 0, median: 8, percentHigh: 100, verdict: 'in' });
    expect(a.groups.clinician).toMatchObject({ n: 2, median: 8 });
    // p1 moved 5 → 8 (mid → high); p2 and p3 stayed high; p4 was unable before: 1 of 3 changed band
    expect(a.stability).toMatchObject({ paired: 3, percentChangedBand: 33.33, stable: false });
    expect(json.items.find((i: { item: string }) => i.item === 'B').verdict).toBe('out');
    const bad = await waymark(['delphi', 'analyse', r1, '--rule', 'percent']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('percent takes one threshold');
    fs.writeFileSync(r1, 'panellist,group,item,rating\np1,g,A,11\n');
    const badFile = await waymark(['delphi', 'analyse', r1]);
    expect(badFile.code).toBe(1);
    expect(badFile.stderr).toContain('line 2: rating "11" is not a whole number from 1 to 9');
  });
});
