/**
 * Practitioner pages at the budget's scale on PostgreSQL: 50,000 practitioners
 * and 1,000,000 evidence items (budget: p95 < 100 ms with 50 concurrent users).
 * Measures the practitioner dashboard (GET /pathway and the self-assessment
 * page), the evidence matrix (50 different practitioners each) and a
 * 500-person cohort view (its owner), against a bare Fastify route that runs
 * one indexed query (the practitioner's pathway row) and returns JSON, in the
 * same process as the app. The load generator runs in its own process (this
 * file with --worker); both share the machine's two cores.
 *
 * The data lives in its own database (waymark_bench_pathway on the
 * TEST_DATABASE_URL server), dropped at the end unless BENCH_KEEP=1; with
 * BENCH_KEEP=1 a later run reuses the data instead of generating it again.
 * BENCH_SECONDS sets each measurement's length (default 20);
 * BENCH_PRACTITIONERS shrinks the data for a quick try (default 50,000).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import pg from 'pg';
import { ms, summarise } from './stats';
import type { Shape, StatementPools } from './pathway-data';

const DATABASE = 'waymark_bench_pathway';
const USERS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARM_SECONDS = 5;
const THINK_MS = 1000;
const PASSWORD = 'bench pathway quiet river 2026';
const SHAPE: Shape = {
  practitioners: Number(process.env.BENCH_PRACTITIONERS ?? 50_000),
  evidenceEach: 20,
  cohortSize: 500,
};

/** One virtual user: the pages it asks for in turn, with its session cookie. */
interface VirtualUser {
  urls: string[];
  cookie: string;
}
interface WorkerSpec {
  users: VirtualUser[];
  seconds: number;
  thinkMs: number;
}
interface WorkerResult {
  latencies: number[];
  elapsedMs: number;
  /** Response status → count; 'error' for requests that got no response. */
  statuses: Record<string, number>;
}

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

/** The load generator: every user asks for its pages in turn until the time is up, pausing 0.5–1.5 × thinkMs between them. */
async function worker() {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const spec = JSON.parse(input) as WorkerSpec;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const t0 = performance.now();
  const deadline = t0 + spec.seconds * 1000;
  await Promise.all(
    spec.users.map(async (user, i) => {
      // Readers arrive spread over one think time rather than all at once.
      if (spec.thinkMs > 0) await sleep(Math.random() * spec.thinkMs);
      for (let k = i; performance.now() < deadline; k++) {
        const a = performance.now();
        let status = 'error';
        try {
          const res = await fetch(user.urls[k % user.urls.length]!, {
            headers: user.cookie ? { cookie: user.cookie } : {},
            redirect: 'manual',
          });
          await res.arrayBuffer();
          status = String(res.status);
        } catch {
          // counted as 'error'
        }
        latencies.push(performance.now() - a);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (spec.thinkMs > 0) await sleep(spec.thinkMs * (0.5 + Math.random()));
      }
    }),
  );
  process.stdout.write(
    `${JSON.stringify({ latencies, elapsedMs: performance.now() - t0, statuses } satisfies WorkerResult)}\n`,
  );
}

/** Runs the load generator in its own process and collects what it measured. */
function loadFrom(users: VirtualUser[], seconds: number, thinkMs: number): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/pathway.ts', '--worker'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as WorkerResult) : reject(new Error(`load generator exited ${code}`)),
    );
    child.stdin.end(JSON.stringify({ users, seconds, thinkMs } satisfies WorkerSpec));
  });
}

const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

/** Signs in the way a browser does and returns the session cookie. */
async function signIn(base: string, email: string): Promise<string> {
  const page = await fetch(`${base}/sign-in`);
  const cookie = cookiesOf(page);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: csrf, email, password: PASSWORD }),
  });
  if (res.status !== 302) throw new Error(`signing in as ${email} answered ${res.status}`);
  return cookiesOf(res);
}

function statusText(statuses: Record<string, number>) {
  const entries = Object.entries(statuses).sort(([a], [b]) => a.localeCompare(b));
  const failed = entries.filter(([s]) => s !== '200');
  return `${entries.map(([s, n]) => `${s}×${n}`).join(' ')}${failed.length ? `  FAILURES: ${failed.reduce((t, [, n]) => t + n, 0)}` : ''}`;
}

async function main() {
  // The app is loaded here, not at the top, so the load generator process stays small.
  const [
    { createApp },
    { testConfig },
    { openDatabase },
    { hashPassword },
    { PATHWAY_STAGES },
    data,
    { default: Fastify },
  ] = await Promise.all([
    import('../src/app'),
    import('../test/helpers/app'),
    import('../src/platform/db/database'),
    import('../src/platform/auth/passwords'),
    import('../src/features/pathway/stage'),
    import('./pathway-data'),
    import('fastify'),
  ]);

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
    reuse = await data.hasData(c, SHAPE).catch(() => false);
    await c.end();
  }
  if (exists && !reuse) await admin.query(`drop database ${DATABASE} with (force)`);
  if (!reuse) await admin.query(`create database ${DATABASE}`);
  await admin.end();

  const database = await openDatabase({ url: url.toString(), poolSize: 10 });
  await database.migrate();
  // Errors (and only errors) go to stderr, the first few of them, so a failing page says why.
  let errorLines = 0;
  const logger = {
    level: 'error',
    stream: {
      write(line: string) {
        if (errorLines++ < 5) process.stderr.write(line);
      },
    },
  };
  const app = await createApp(testConfig({ demo: true, databaseUrl: url.toString(), databasePoolSize: 10 }), {
    database,
    logger,
  });
  await app.ready();
  await app.services.seedDemo();
  const client = await database.pool!.connect();

  const dropDatabase = async () => {
    if (keep) return;
    const a = new pg.Client({ connectionString: adminUrl });
    await a.connect();
    await a.query(`drop database if exists ${DATABASE} with (force)`);
    await a.end();
  };

  try {
    // The published core framework with the most statements at the three pathway stages.
    const { frameworks } = app.services;
    let chosen: { versionId: string; title: string; pools: StatementPools } | undefined;
    for (const r of (await frameworks.list(false)).filter((x) => x.framework.kind === 'core')) {
      const statements = (await frameworks.itemsOf(r.version!.id)).filter((i) => i.type === 'statement');
      const byStage = (stage: string) => statements.filter((s) => s.stage === stage).map((s) => s.identifier);
      const pools: StatementPools = {
        transition: byStage('transition'),
        'years-1-3': byStage('years-1-3'),
        'years-3-5': byStage('years-3-5'),
        all: statements.map((s) => s.identifier),
      };
      const atStages = PATHWAY_STAGES.reduce((n, s) => n + pools[s].length, 0);
      if (
        PATHWAY_STAGES.every((s) => pools[s].length >= 3) &&
        (!chosen || atStages > PATHWAY_STAGES.reduce((n, s) => n + chosen!.pools[s].length, 0))
      ) {
        chosen = { versionId: r.version!.id, title: `${r.framework.title} (version ${r.version!.label})`, pools };
      }
    }
    if (!chosen) throw new Error('no published core framework has statements at every pathway stage');
    const { pools } = chosen;

    const scale = `${SHAPE.practitioners.toLocaleString('en-GB')} practitioners / ${(SHAPE.practitioners * SHAPE.evidenceEach).toLocaleString('en-GB')} evidence items`;
    console.log(
      `Framework: ${chosen.title}: ${pools.all.length} statements (${PATHWAY_STAGES.map((s) => `${s} ${pools[s].length}`).join(', ')})`,
    );
    if (reuse) {
      console.log(`Data: reusing ${scale} in ${DATABASE} (BENCH_KEEP=1)`);
    } else {
      const t = performance.now();
      const steps = await data.generate(client, SHAPE, chosen.versionId, pools, await hashPassword(PASSWORD));
      console.log(
        `Data: generated ${scale} in ${((performance.now() - t) / 1000).toFixed(1)} s (one transaction, then VACUUM ANALYZE)`,
      );
      for (const s of steps)
        console.log(
          `  ${s.name.padEnd(22)} ${s.rows.toLocaleString('en-GB').padStart(10)} rows  ${(s.ms / 1000).toFixed(1).padStart(6)} s`,
        );
    }
    const counts = await data.tableCounts(client);
    console.log(
      `  rows now: ${Object.entries(counts)
        .map(([t, n]) => `${t} ${n.toLocaleString('en-GB')}`)
        .join(', ')}`,
    );

    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const bare = Fastify({ logger: false });
    bare.get<{ Params: { pathwayId: string }; Querystring: { user: string } }>(
      '/bare/:pathwayId',
      async (request, reply) => {
        const p = await app.services.pathway.own(request.params.pathwayId, request.query.user);
        return p ?? reply.code(404).send({ error: 'not found' });
      },
    );
    await bare.listen({ port: 0, host: '127.0.0.1' });
    const bareBase = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

    // 50 practitioners spread over the population (and so over the three stages), each signed in over HTTP.
    const people = await data.practitionersByNumber(
      client,
      Array.from({ length: USERS }, (_, i) => 1 + Math.floor((i * SHAPE.practitioners) / USERS)),
    );
    const cookies: string[] = [];
    for (const p of people) cookies.push(await signIn(base, p.email));
    const ownerCookie = await signIn(base, data.COHORT_OWNER_EMAIL);
    const groupId = await data.cohortId(client);

    const perPerson = (path: (p: (typeof people)[number]) => string) =>
      people.map((p, i) => ({ urls: [`${base}${path(p)}`], cookie: cookies[i]! }));
    const targets: { name: string; users: VirtualUser[] }[] = [
      { name: 'dashboard: GET /pathway', users: perPerson(() => '/pathway') },
      { name: 'dashboard: GET /pathway/:id', users: perPerson((p) => `/pathway/${p.pathway_id}`) },
      { name: 'matrix: GET /pathway/:id/matrix', users: perPerson((p) => `/pathway/${p.pathway_id}/matrix`) },
      {
        name: `cohort: GET /cohorts/:id (${SHAPE.cohortSize})`,
        users: Array.from({ length: USERS }, () => ({ urls: [`${base}/cohorts/${groupId}`], cookie: ownerCookie })),
      },
    ];
    const baseline = {
      name: 'baseline: bare route, 1 query',
      users: people.map((p) => ({ urls: [`${bareBase}/bare/${p.pathway_id}?user=${p.user_id}`], cookie: '' })),
    };

    // Each page once per user first: a page that does not answer 200 is reported and left out.
    const measured: typeof targets = [];
    for (const target of [...targets, baseline]) {
      const answers = await Promise.all(
        target.users.map(
          async (u) =>
            (await fetch(u.urls[0]!, { headers: u.cookie ? { cookie: u.cookie } : {}, redirect: 'manual' })).status,
        ),
      );
      const wrong = answers.filter((s) => s !== 200);
      if (wrong.length) {
        const notBuilt = target === targets[3] && wrong.every((s) => s === 404);
        console.log(
          `  ${target.name}: ${wrong.length} of ${answers.length} users got ${[...new Set(wrong)].join(', ')}${notBuilt ? ' (the cohort page is not built yet): not measured' : ': not measured'}`,
        );
        if (target === baseline) throw new Error('the baseline route does not answer 200');
        continue;
      }
      if (target !== baseline) measured.push(target);
    }

    for (const target of [...measured, baseline]) await loadFrom(target.users, WARM_SECONDS, 0);

    const line = (name: string, r: WorkerResult) => {
      const s = summarise(r.latencies);
      const text = `  ${name.padEnd(36)} p50 ${ms(s.p50).padStart(9)}  p95 ${ms(s.p95).padStart(9)}  p99 ${ms(s.p99).padStart(9)}  max ${ms(s.max).padStart(9)}  ${(s.n / (r.elapsedMs / 1000)).toFixed(0).padStart(4)} req/s  [${statusText(r.statuses)}]`;
      return { s, text };
    };
    // First one user asking back to back (what a page costs on its own), then the budget's 50 users
    // reading each page for about a second, then 50 requests always in flight (saturation).
    const modes = [
      {
        label: 'one user, requests back to back (the cost of each page alone)',
        users: 1,
        think: 0,
        seconds: Math.max(2, Math.round(SECONDS / 4)),
        budget: false,
      },
      {
        label: `${USERS} users, ~1 s think time between pages`,
        users: USERS,
        think: THINK_MS,
        seconds: SECONDS,
        budget: true,
      },
      {
        label: `${USERS} requests always in flight (no think time)`,
        users: USERS,
        think: 0,
        seconds: SECONDS,
        budget: true,
      },
    ];
    for (const mode of modes) {
      // The machine is shared: a load average well above this benchmark's own (about 2-3) means the figures are not clean.
      console.log(
        `\nPractitioner pages on PostgreSQL at ${scale} — ${mode.label}, ${mode.seconds} s each (1-min load average ${os.loadavg()[0]!.toFixed(1)}, this benchmark included)`,
      );
      const b = line(baseline.name, await loadFrom(baseline.users.slice(0, mode.users), mode.seconds, mode.think));
      console.log(`${b.text}  (bare Fastify route: the pathway row by id, JSON)`);
      for (const target of measured) {
        const t = line(target.name, await loadFrom(target.users.slice(0, mode.users), mode.seconds, mode.think));
        const verdict = mode.budget ? `budget p95 < 100 ms: ${t.s.p95 < 100 ? 'within' : 'OVER'}  ` : '';
        console.log(
          `${t.text}  ${verdict}(×${(t.s.p50 / b.s.p50).toFixed(1)} p50, ×${(t.s.p95 / b.s.p95).toFixed(1)} p95 of baseline)`,
        );
      }
    }
    // The cohort figures are cached for a minute per instance, so most views above were cache hits:
    // this is what a miss costs (the five queries over 500 members and the summaries), one at a time.
    const group = (await app.services.groups.get(groupId))!;
    const misses: number[] = [];
    for (let i = 0; i < 30; i++) {
      app.services.groups.forgetCohort(group.id);
      const t0 = performance.now();
      await app.services.groups.cohortView(group);
      misses.push(performance.now() - t0);
    }
    const m = summarise(misses);
    console.log(
      `\nCohort figures computed afresh (cache miss), ${SHAPE.cohortSize} members, 30 times: p50 ${ms(m.p50)}  p95 ${ms(m.p95)}  max ${ms(m.max)}`,
    );
    await bare.close();
  } finally {
    client.release();
    await app.close();
    await database.close();
    await dropDatabase();
  }
}

if (process.argv[2] === '--worker') await worker();
else await main();
