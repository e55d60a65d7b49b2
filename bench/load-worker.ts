/**
 * The load generator, run as its own process so that it does not share the
 * server's event loop: `tsx bench/load-worker.ts URL USERS TOTAL SECONDS [COOKIE]`.
 * Prints one JSON line with every latency in milliseconds.
 */
import { load } from './stats';

const [url, users, total, seconds, thinkMs, cookie] = process.argv.slice(2);
const headers: Record<string, string> = cookie ? { cookie } : {};
const result = await load(
  Number(users),
  Number(total),
  Number(seconds),
  async () => {
    const res = await fetch(url!, { headers });
    if (res.status !== 200) throw new Error(String(res.status));
    await res.arrayBuffer();
  },
  Number(thinkMs),
);
process.stdout.write(`${JSON.stringify(result)}\n`);
