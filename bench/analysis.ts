/**
 * Analysis at the issue's scale on PostgreSQL: 100,000 coded segments from 20 coders over 30,000 workshop notes in
 * 3 areas × 5 pillars × 6 stakeholder types (budget: each view under 1 s). Measures the app's own service functions,
 * one call at a time in this process: the reliability report (per code and overall), the framework matrix by area,
 * by pillar and by stakeholder type, the cross-area view and the agreed set; each 20 times after 3 warm-ups, against
 * a bare query over the same rows (the codings counted by code and coder) timed the same way.
 *
 * The programme and its 21 people (a lead and 20 analysts who code) are made through the app's services; the
 * sources, codebook, codings, done marks, adjudications and themes are written set-based (bench/analysis-data.ts).
 * The data lives in its own database (waymark_bench_analysis on the TEST_DATABASE_URL server), dropped at the end
 * unless BENCH_KEEP=1; with BENCH_KEEP=1 a later run reuses the data. BENCH_NOTES shrinks the data for a quick try
 * (default 30,000 notes; the codings stay 10 for every 3 notes). BENCH_RUNS sets the measured runs (default 20).
 */
import os from 'node:os';
import pg from 'pg';
import { SYSTEM_CONTEXT } from '../src/platform/audit/audit';
import { openDatabase } from '../src/platform/db/database';
import { createApp } from '../src/app';
import { testConfig } from '../test/helpers/app';
import * as data from './analysis-data';
import { ms, summarise } from './stats';

const DATABASE = 'waymark_bench_analysis';
const NOTES = Number(process.env.BENCH_NOTES ?? 30_000);
const SHAPE: data.Shape = { notes: NOTES, codings: Math.round((NOTES * 10) / 3), coders: 20 };
const WARM_UPS = 3;
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const BUDGET_MS = 1000;
const PASSWORD = 'bench analysis quiet meadow 2026';

/** Times `run` RUNS times after WARM_UPS warm-ups, one call at a time; returns the latencies and the last result. */
async function timed<T>(run: () => Promise<T>) {
  for (let i = 0; i < WARM_UPS; i++) await run();
  const latencies: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    last = await run();
    latencies.push(performance.now() - t);
  }
  return { s: summarise(latencies), last: last! };
}

async function main() {
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const keep = process.env.BENCH_KEEP === '1';
  const url = new URL(adminUrl);
  url.pathname = `/${DATABASE}`;

  // With BENCH_KEEP=1 a database that already holds this shape of data is used as it is; anything else starts afresh.
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [DATABASE])).rowCount === 1;
  let reuse = false;
  if (exists && keep) {
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    reuse = (await data.hasData(c, SHAPE).catch(() => false)) && (await data.people(c)) !== undefined;
    await c.end();
  }
  if (exists && !reuse) await admin.query(`drop database ${DATABASE} with (force)`);
  if (!reuse) await admin.query(`create database ${DATABASE}`);
  await admin.end();

  const database = await openDatabase({ url: url.toString(), poolSize: 10 });
  await database.migrate();
  // Errors (and only errors) go to stderr, the first few of them.
  let errorLines = 0;
  const logger = {
    level: 'error',
    stream: {
      write(line: string) {
        if (errorLines++ < 5) process.stderr.write(line);
      },
    },
  };
  const app = await createApp(testConfig({ databaseUrl: url.toString(), databasePoolSize: 10 }), { database, logger });
  await app.ready();
  const client = await database.pool!.connect();

  const dropDatabase = async () => {
    if (keep) return;
    const a = new pg.Client({ connectionString: adminUrl });
    await a.connect();
    await a.query(`drop database if exists ${DATABASE} with (force)`);
    await a.end();
  };

  try {
    const { accounts, programmes, analysis } = app.services;
    const scale = `${SHAPE.codings.toLocaleString('en-GB')} coded segments from ${SHAPE.coders} coders over ${SHAPE.notes.toLocaleString('en-GB')} notes`;
    let programmeId: string;
    if (reuse) {
      programmeId = (await data.people(client))!.programme_id;
      console.log(`Data: reusing ${scale} in ${DATABASE} (BENCH_KEEP=1)`);
    } else {
      const t = performance.now();
      // The programme and its people through the app's services, as an administrator would make them.
      const person = (email: string, name: string) =>
        accounts.register(
          { email, name, password: PASSWORD, profession: 'Research associate', organisation: 'Bench University' },
          SYSTEM_CONTEXT,
        );
      const lead = await person(data.LEAD_EMAIL, 'Bench Lead');
      const coders = [];
      for (let n = 1; n <= SHAPE.coders; n++)
        coders.push(await person(data.coderEmail(n), `Coder ${String(n).padStart(2, '0')}`));
      programmeId = await programmes.create(
        { name: data.PROGRAMME_NAME, description: 'Analysis at scale.', areas: data.AREAS, stakeholderTypes: [] },
        lead.id,
        SYSTEM_CONTEXT,
      );
      await programmes.addMember(database.db, { programmeId, userId: lead.id, role: 'lead' }, SYSTEM_CONTEXT);
      for (const c of coders)
        await programmes.addMember(database.db, { programmeId, userId: c.id, role: 'analyst' }, SYSTEM_CONTEXT);
      const servicesMs = performance.now() - t;
      const steps = await data.generate(
        client,
        SHAPE,
        programmeId,
        lead.id,
        coders.map((c) => c.id),
      );
      console.log(
        `Data: generated ${scale} in ${((performance.now() - t) / 1000).toFixed(1)} s (people through the services, then one transaction and VACUUM ANALYZE)`,
      );
      console.log(
        `  ${'programme and 21 people'.padEnd(26)} ${''.padStart(10)}       ${(servicesMs / 1000).toFixed(1).padStart(6)} s`,
      );
      for (const s of steps)
        console.log(
          `  ${s.name.padEnd(26)} ${s.rows.toLocaleString('en-GB').padStart(10)} rows  ${(s.ms / 1000).toFixed(1).padStart(6)} s`,
        );
    }
    const counts = await data.tableCounts(client);
    console.log(
      `  rows now: ${Object.entries(counts)
        .map(([t, n]) => `${t} ${n.toLocaleString('en-GB')}`)
        .join(', ')}`,
    );

    const bare = await timed(() =>
      client.query('select code_id, coder_id, count(*) from analysis_codings where programme_id = $1 group by 1, 2', [
        programmeId,
      ]),
    );
    const targets: { name: string; run: () => Promise<unknown>; what: (r: never) => string }[] = [
      {
        name: 'reliabilityReport',
        run: () => analysis.reliabilityReport(programmeId),
        what: (r: Awaited<ReturnType<typeof analysis.reliabilityReport>>) =>
          `${Object.keys(r.codes ?? {}).length} codes; overall α ${r.overall.krippendorffAlpha?.toFixed(3) ?? 'n/a'}`,
      },
      ...(['area', 'pillar', 'stakeholder'] as const).map((by) => ({
        name: `themeMatrix(${by})`,
        run: () => analysis.themeMatrix(programmeId, by),
        what: (r: Awaited<ReturnType<typeof analysis.themeMatrix>>) =>
          `${r.matrix.rows.length} themes × ${r.matrix.columns.length} columns, ${r.matrix.rows.reduce((n, x) => n + x.segments, 0).toLocaleString('en-GB')} segments`,
      })),
      {
        name: 'commonThemes',
        run: () => analysis.commonThemes(programmeId),
        what: (r: Awaited<ReturnType<typeof analysis.commonThemes>>) =>
          `${r.common.length} common, ${r.some.length} in some, ${r.particular.length} particular`,
      },
      {
        name: 'agreedCodings',
        run: () => analysis.agreedCodings(programmeId),
        what: (r: Awaited<ReturnType<typeof analysis.agreedCodings>>) =>
          `${r.length.toLocaleString('en-GB')} agreed codings (${r.filter((c) => c.basis === 'adjudication').length} adjudicated)`,
      },
    ];

    console.log(
      `\nAnalysis on PostgreSQL at ${scale}: ${RUNS} runs each after ${WARM_UPS} warm-ups, one at a time (1-min load average ${os.loadavg()[0]!.toFixed(1)})`,
    );
    const head = `  ${'function'.padEnd(24)} ${'n'.padStart(3)} ${'p50'.padStart(10)} ${'p95'.padStart(10)} ${'max'.padStart(10)}  ${'p50 / bare'.padStart(10)}  budget < 1 s`;
    console.log(head);
    const row = (name: string, s: ReturnType<typeof summarise>, ratio: string, verdict: string) =>
      `  ${name.padEnd(24)} ${String(s.n).padStart(3)} ${ms(s.p50).padStart(10)} ${ms(s.p95).padStart(10)} ${ms(s.max).padStart(10)}  ${ratio.padStart(10)}  ${verdict}`;
    const notes: string[] = [];
    for (const target of targets) {
      const { s, last } = await timed(target.run);
      const verdict = s.p95 < BUDGET_MS ? 'within' : s.p50 < BUDGET_MS ? 'p95 OVER' : 'OVER';
      console.log(row(target.name, s, `×${(s.p50 / bare.s.p50).toFixed(0)}`, verdict));
      notes.push(`  ${target.name}: ${target.what(last as never)}`);
    }
    console.log(row('bare query (baseline)', bare.s, '×1', ''));
    console.log(`    (${bare.last.rowCount} (code, coder) groups)`);
    console.log('\nWhat each returned:');
    for (const n of notes) console.log(n);
  } finally {
    client.release();
    await app.close();
    await database.close();
    await dropDatabase();
  }
}

await main();
