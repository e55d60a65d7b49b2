/**
 * An ordinary signed-in page (a programme home page) under 50 concurrent
 * users on PostgreSQL (budget p95 < 100 ms), against a bare Fastify route
 * that runs the same programme query and returns JSON, in the same process.
 * The load generator shares the machine's two cores with the server.
 */
import Fastify from 'fastify';
import { buildTestApp } from '../test/helpers/app';
import { DEMO_PASSWORD, DEMO_PROGRAMME } from '../src/features/demo/seed';
import { load, ms, summarise } from './stats';

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
const cookie = signInPage.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
const csrf = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())![1]!;
const signedIn = await fetch(`${base}/sign-in`, {
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  body: new URLSearchParams({ _csrf: csrf, email: 'lead@waymark.example', password: DEMO_PASSWORD }),
});
const session = signedIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
const pageUrl = `${base}/programmes/${programme.id}`;
const check = await fetch(pageUrl, { headers: { cookie: session } });
if (check.status !== 200) throw new Error(`signed-in page answered ${check.status}`);

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  if (res.status !== 200) throw new Error(String(res.status));
  await res.arrayBuffer();
}

// Warm up both, then measure.
await load(10, 300, 10, () => get(pageUrl, { cookie: session }));
await load(10, 300, 10, () => get(bareUrl));
const page = await load(USERS, REQUESTS, SECONDS, () => get(pageUrl, { cookie: session }));
const baseline = await load(USERS, REQUESTS, SECONDS, () => get(bareUrl));
const p = summarise(page.latencies);
const b = summarise(baseline.latencies);

console.log(`Signed-in programme page, ${USERS} concurrent users, PostgreSQL, ${p.n} requests (${page.errors} errors)`);
console.log(`  page:     p50 ${ms(p.p50)}  p95 ${ms(p.p95)}  p99 ${ms(p.p99)}  max ${ms(p.max)}  ${(p.n / (page.elapsedMs / 1000)).toFixed(0)} req/s  (budget p95 < 100 ms: ${p.p95 < 100 ? 'within' : 'OVER'})`);
console.log(`  baseline: p50 ${ms(b.p50)}  p95 ${ms(b.p95)}  p99 ${ms(b.p99)}  max ${ms(b.max)}  ${(b.n / (baseline.elapsedMs / 1000)).toFixed(0)} req/s  (bare Fastify route, same query, JSON)`);
console.log(`  ratio page/baseline: p50 ×${(p.p50 / b.p50).toFixed(2)}  p95 ×${(p.p95 / b.p95).toFixed(2)}`);

await bare.close();
await t.close();
