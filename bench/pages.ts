/**
 * An ordinary signed-in page (a programme home page) under 50 concurrent
 * users on PostgreSQL (budget p95 < 100 ms), against a bare Fastify route
 * that runs the same programme query and returns JSON, in the same process.
 * The load generator runs in its own process (bench/load-worker.ts); both share the machine's two cores.
 */
import Fastify from 'fastify';
import { buildTestApp } from '../test/helpers/app';
import { DEMO_PASSWORD, DEMO_PROGRAMME } from '../src/features/demo/seed';
import { spawn } from 'node:child_process';
import { ms, summarise } from './stats';

if (!process.env.TEST_DATABASE_URL) {
  console.error('Set TEST_DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/test');
  process.exit(1);
}

const USERS = 50;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5000);
const SECONDS = 60;

const t = await buildTestApp('postgres', { demo: true, databasePoolSize: 10 });
await t.app.services.seedDemo();
const programme = (await t.app.services.programmes.listFor('', true)).find((p) => p.name === DEMO_PROGRAMME)!;
await t.app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;

const bare = Fastify({ logger: false });
bare.get('/bare', async () => t.app.services.programmes.overview(programme.id));
await bare.listen({ port: 0, host: '127.0.0.1' });
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/bare`;

// Sign in as the demo lead the way a browser does, and keep the cookie.
const signInPage = await fetch(`${base}/sign-in`);
const cookie = signInPage.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');
const csrf = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())![1]!;
const signedIn = await fetch(`${base}/sign-in`, {
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  body: new URLSearchParams({ _csrf: csrf, email: 'lead@waymark.example', password: DEMO_PASSWORD }),
});
const session = signedIn.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');
const pageUrl = `${base}/programmes/${programme.id}`;
const check = await fetch(pageUrl, { headers: { cookie: session } });
if (check.status !== 200) throw new Error(`signed-in page answered ${check.status}`);

/** Runs the load generator in its own process and collects its latencies. */
function loadFrom(
  url: string,
  users: number,
  total: number,
  thinkMs: number,
  cookie = '',
): Promise<{ latencies: number[]; elapsedMs: number; errors: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/load-worker.ts',
        url,
        String(users),
        String(total),
        String(SECONDS),
        String(thinkMs),
        cookie,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited ${code}`)),
    );
  });
}

// Warm up both, then measure two ways: people who read each page for about a second
// (the budget's "50 concurrent users"), and 50 requests always in flight (saturation).
await loadFrom(pageUrl, 10, 300, 0, session);
await loadFrom(bareUrl, 10, 300, 0);

const line = (name: string, r: { latencies: number[]; elapsedMs: number; errors: number }) => {
  const s = summarise(r.latencies);
  return {
    s,
    text: `  ${name} p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)}  max ${ms(s.max)}  ${(s.n / (r.elapsedMs / 1000)).toFixed(0)} req/s  ${s.n} requests, ${r.errors} errors`,
  };
};

for (const [label, think, total] of [
  ['50 users, ~1 s think time between pages', 1000, Math.min(REQUESTS, 1500)],
  ['50 requests always in flight (no think time)', 0, REQUESTS],
] as const) {
  const page = line('page:    ', await loadFrom(pageUrl, USERS, total, think, session));
  const base = line('baseline:', await loadFrom(bareUrl, USERS, total, think));
  console.log(`Signed-in programme page on PostgreSQL — ${label}`);
  console.log(`${page.text}  (budget p95 < 100 ms: ${page.s.p95 < 100 ? 'within' : 'OVER'})`);
  console.log(`${base.text}  (bare Fastify route, same programme query, JSON)`);
  console.log(
    `  ratio page/baseline: p50 ×${(page.s.p50 / base.s.p50).toFixed(2)}  p95 ×${(page.s.p95 / base.s.p95).toFixed(2)}`,
  );
}

await bare.close();
await t.close();
