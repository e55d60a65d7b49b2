import { sseEvents } from '../test/helpers/sse';
/**
 * The workshop load generator, in its own process: opens SSE connections
 * spread over the app instances, then posts notes at a steady rate and
 * measures, for every note and every screen, the time from post to arrival.
 * Input on argv as JSON; prints one JSON line of results.
 */
const cfg = JSON.parse(process.argv[2]!) as {
  streams: string[];
  cookie: string;
  clients: number;
  post: { url: string; cookie: string; csrf: string; activityId: string }[];
  rate: number;
  seconds: number;
};

const sentAt = new Map<string, number>();
const arrivals = new Map<string, number>(); // noteId → deliveries
const latencies: number[] = [];
// Arrivals that beat the POST's answer (so the note id was not known yet), timed once it is.
const early = new Map<string, number[]>();
let duplicates = 0;
let opened = 0;

async function client(url: string) {
  const res = await fetch(url, { headers: { accept: 'text/event-stream', cookie: cfg.cookie } });
  if (res.status !== 200) throw new Error(`stream ${res.status}`);
  opened++;
  const seen = new Set<string>();
  for await (const e of sseEvents(res.body!)) {
    if (e.event !== 'note.added' || !e.data) continue;
    const now = performance.now();
    const data = JSON.parse(e.data) as { noteId: string };
    if (seen.has(data.noteId)) duplicates++;
    seen.add(data.noteId);
    arrivals.set(data.noteId, (arrivals.get(data.noteId) ?? 0) + 1);
    const t = sentAt.get(data.noteId);
    if (t !== undefined) latencies.push(now - t);
    else early.set(data.noteId, [...(early.get(data.noteId) ?? []), now]);
  }
}

for (let i = 0; i < cfg.clients; i++) void client(cfg.streams[i % cfg.streams.length]!).catch(() => undefined);
const deadline = Date.now() + 30_000;
while (opened < cfg.clients && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

let posted = 0;
let failed = 0;
const total = cfg.rate * cfg.seconds;
const start = performance.now();
const posts: Promise<void>[] = [];
for (let n = 0; n < total; n++) {
  const due = start + (n * 1000) / cfg.rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const poster = cfg.post[n % cfg.post.length]!;
  const t0 = performance.now();
  posts.push(
    fetch(poster.url, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        cookie: poster.cookie,
      },
      body: new URLSearchParams({
        _csrf: poster.csrf,
        activityId: poster.activityId,
        text: `Bench note ${n}`,
        clientKey: `bench-${n}-${Math.random().toString(36).slice(2, 10)}`,
      }),
    })
      .then(async (res) => {
        const body = (await res.json()) as { data?: { id: string } };
        if (!res.ok || !body.data) throw new Error(String(res.status));
        // Deliveries can beat the POST's answer; count from when the request left.
        sentAt.set(body.data.id, t0);
        for (const at of early.get(body.data.id) ?? []) latencies.push(at - t0);
        early.delete(body.data.id);
        posted++;
      })
      .catch(() => {
        failed++;
      }),
  );
}
await Promise.all(posts);
await new Promise((r) => setTimeout(r, 3000));
const complete = [...sentAt.keys()].filter((id) => arrivals.get(id) === cfg.clients).length;
const lost = [...sentAt.keys()].reduce((n, id) => n + Math.max(0, cfg.clients - (arrivals.get(id) ?? 0)), 0);
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * (latencies.length - 1)))] ?? NaN;
process.stdout.write(
  `${JSON.stringify({ clients: opened, posted, failed, elapsedMs: performance.now() - start, deliveries: latencies.length, complete, lost, duplicates, p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), max: latencies[latencies.length - 1] })}\n`,
);
process.exit(0);
