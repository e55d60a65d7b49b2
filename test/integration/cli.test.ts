import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../helpers/database';

// Vitest sets BASE_URL=/ (Vite's own variable) in the environment, so every call below gives a real one.
const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'waymark-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function waymark(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/waymark.js', ...args], { env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '', BASE_URL: 'http://localhost:3000', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the waymark command', { timeout: 90_000 }, () => {
  it('stops on a bad setting, naming the variable', async () => {
    const r = await waymark(['migrate'], { DATA_DIR: tempDir(), PORT: 'eighty' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('PORT');
  });

  it('migrates, seeds the demo, makes an admin, and backs up and restores (embedded → embedded and → PostgreSQL)', async () => {
    const dir = tempDir();
    expect((await waymark(['migrate'], { DATA_DIR: dir })).stdout).toContain('Migrations applied');
    expect((await waymark(['seed', '--demo'], { DATA_DIR: dir })).stdout).toContain('Demo data created');
    expect((await waymark(['seed', '--demo'], { DATA_DIR: dir })).stdout).toContain('already there');
    const admin = await waymark(['admin', 'create', '--email', 'Boss@Example.nhs.uk'], { DATA_DIR: dir, BASE_URL: 'https://waymark.test' });
    expect(admin.stdout).toContain('Admin boss@example.nhs.uk created');
    expect(admin.stdout).toMatch(/https:\/\/waymark\.test\/reset-password\/\S+/);
    const bad = await waymark(['admin', 'create', '--email', 'not-an-email'], { DATA_DIR: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Enter an email address in the correct format');

    const file = path.join(dir, 'backup.json.gz');
    const backup = await waymark(['backup', '--out', file], { DATA_DIR: dir });
    const rows = /(\d+) rows/.exec(backup.stdout)![1];

    const other = tempDir();
    const restored = await waymark(['restore', file], { DATA_DIR: other });
    expect(restored.stdout).toContain(`Restored ${rows} rows`);
    const again = await waymark(['backup', '--out', path.join(other, 'again.json.gz')], { DATA_DIR: other });
    expect(again.stdout).toContain(`${rows} rows`);

    if (process.env.TEST_DATABASE_URL) {
      const pg = await freshDatabase('postgres');
      try {
        const toPg = await waymark(['restore', file], { DATABASE_URL: pg.url! });
        expect(toPg.stdout).toContain(`Restored ${rows} rows`);
      } finally {
        await pg.close();
      }
    }
  });

  it('lists, imports and exports frameworks, refusing a bad file with its problems', async () => {
    const dir = tempDir();
    const csv = path.join(dir, 'fw.csv');
    fs.writeFileSync(csv, 'code,parent_code,type,text,stage,area,notes\nCLI-FW,,framework,From the command line,,,3.0\nA,,domain,Domain A,,,\nA.1,A,capability,Cap,,,\nA.1.1,A.1,statement,Does a thing,transition,,\n');
    const imported = await waymark(['framework', 'import', csv], { DATA_DIR: dir });
    expect(imported.stdout).toMatch(/Imported CLI-FW version 3\.0 \(draft\) as [0-9a-f-]{36}: 3 items/);
    const list = await waymark(['framework', 'list'], { DATA_DIR: dir });
    const line = list.stdout.split('\n').find((l) => l.includes('CLI-FW'))!;
    expect(line.split('\t').slice(1)).toEqual(['CLI-FW', '3.0', 'draft']);
    const out = path.join(dir, 'out.csv');
    await waymark(['framework', 'export', line.split('\t')[0]!, '--format', 'csv', '--out', out], { DATA_DIR: dir });
    expect(fs.readFileSync(out, 'utf8')).toContain('A.1.1,A.1,statement,Does a thing,transition,,');
    const viaName = await waymark(['framework', 'export', 'CLI-FW@3.0', '--format', 'case'], { DATA_DIR: dir });
    expect(JSON.parse(viaName.stdout).CFDocument.title).toBe('From the command line');
    fs.writeFileSync(csv, 'code,parent_code,type,text,stage,area,notes\nB,,domain,B,,,\nB.1,Q,capability,C,,,\n');
    const bad = await waymark(['framework', 'import', csv], { DATA_DIR: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line 3: unknown parent "Q"');
  });

  it('analyses Delphi responses from CSV, with groups and stability, and refuses bad input', async () => {
    const dir = tempDir();
    const r1 = path.join(dir, 'r1.csv');
    const r2 = path.join(dir, 'r2.csv');
    fs.writeFileSync(r1, 'panellist,group,item,rating\np1,clinician,A,5\np2,clinician,A,8\np3,patient,A,8\np4,patient,A,NA\np1,clinician,B,2\np2,clinician,B,3\np3,patient,B,,\n'.replace(',,\n', ',\n'));
    fs.writeFileSync(r2, 'panellist,group,item,rating\np1,clinician,A,8\np2,clinician,A,8\np3,patient,A,9\np4,patient,A,8\np1,clinician,B,2\np2,clinician,B,2\np3,patient,B,1\n');
    const out = await waymark(['delphi', 'analyse', r2, '--by-group', '--previous', r1, '--rule', 'percent:75', '--quartiles', '6'], {});
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(json).toMatchObject({ rule: { kind: 'percent', threshold: 75 }, quartileMethod: 6 });
    const a = json.items.find((i: { item: string }) => i.item === 'A');
    expect(a).toMatchObject({ n: 4, unableToRate: 0, median: 8, percentHigh: 100, verdict: 'in' });
    expect(a.groups.clinician).toMatchObject({ n: 2, median: 8 });
    // p1 moved 5 → 8 (mid → high); p2 and p3 stayed high; p4 was unable before: 1 of 3 changed band
    expect(a.stability).toMatchObject({ paired: 3, percentChangedBand: 33.33, stable: false });
    expect(json.items.find((i: { item: string }) => i.item === 'B').verdict).toBe('out');
    const bad = await waymark(['delphi', 'analyse', r1, '--rule', 'percent'], {});
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('percent takes one threshold');
    fs.writeFileSync(r1, 'panellist,group,item,rating\np1,g,A,11\n');
    const badFile = await waymark(['delphi', 'analyse', r1], {});
    expect(badFile.code).toBe(1);
    expect(badFile.stderr).toContain('line 2: rating "11" is not a whole number from 1 to 9');
  });

  it('serves, and on SIGTERM finishes and exits cleanly', async () => {
    const dir = tempDir();
    const port = 39_000 + Math.floor(Math.random() * 1000);
    const child = spawn(process.execPath, ['bin/waymark.js', 'serve'], { env: { ...process.env, DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: '', BASE_URL: 'http://localhost:3000' } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let up = false;
    for (let i = 0; i < 200 && !up; i++) {
      try {
        up = (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(up).toBe(true);
    const signIn = await fetch(`http://127.0.0.1:${port}/sign-in`);
    expect(await signIn.text()).toContain('Demo accounts');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
