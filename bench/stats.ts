/** Percentile by linear interpolation between closest ranks (R type 7), on sorted input. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function summarise(latencies: number[]) {
  const s = [...latencies].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 0.5),
    p95: percentile(s, 0.95),
    p99: percentile(s, 0.99),
    max: s[s.length - 1] ?? Number.NaN,
  };
}

export const ms = (v: number) => `${v.toFixed(1)} ms`;

/**
 * Runs `users` concurrent loops of `request` until `total` requests are done
 * or `seconds` pass; returns each request's latency in milliseconds. With
 * `thinkMs`, each user pauses for a random 0.5–1.5 × thinkMs between requests,
 * as a person reading a page does; without, every user is always waiting on a request.
 */
export async function load(
  users: number,
  total: number,
  seconds: number,
  request: () => Promise<void>,
  thinkMs = 0,
): Promise<{ latencies: number[]; elapsedMs: number; errors: number }> {
  const latencies: number[] = [];
  let started = 0;
  let errors = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: users }, async () => {
      while (started < total && performance.now() < deadline) {
        started++;
        const a = performance.now();
        try {
          await request();
        } catch {
          errors++;
        }
        latencies.push(performance.now() - a);
        if (thinkMs > 0) await new Promise((r) => setTimeout(r, thinkMs * (0.5 + Math.random())));
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - t0, errors };
}
