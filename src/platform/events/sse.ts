import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventBus, StoredEvent } from './bus';

/**
 * Streams a channel as Server-Sent Events: replays what the client missed
 * since Last-Event-ID (header, or ?lastEventId for a first connection), then
 * every new event; a comment every 15 s keeps proxies from closing the line.
 * `filter` can drop or reshape an event for this viewer (return null to drop).
 */
export async function streamEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  bus: EventBus,
  channel: string,
  filter: (e: StoredEvent) => unknown | null = (e) => e.data,
  onChange?: () => void,
): Promise<void> {
  const header = request.headers['last-event-id'];
  const query = (request.query as { lastEventId?: string }).lastEventId;
  const last = Number(Array.isArray(header) ? header[0] : (header ?? query ?? 0));
  const from = Number.isFinite(last) && last >= 0 ? last : 0;
  // Subscribe before answering, so a failure becomes an ordinary error response the client retries.
  const pending: StoredEvent[] = [];
  // Until the response is open, events wait in `pending`; then `sink.write` sends them.
  const sink: { write?: (e: StoredEvent) => void } = {};
  const unsubscribe = await bus.subscribe(channel, from, (e) => (sink.write ? sink.write(e) : pending.push(e)));
  let closed = false;
  const cleanups: (() => void)[] = [unsubscribe];
  request.raw.on('close', () => {
    closed = true;
    for (const c of cleanups) c();
    onChange?.();
  });
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  const write = (e: StoredEvent) => {
    const data = filter(e);
    if (data === null) {
      // Still move the client's position on, so a reconnect does not replay it.
      res.write(`id: ${e.seq}\n: skipped\n\n`);
      return;
    }
    res.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  for (const e of pending.splice(0)) write(e);
  sink.write = write;
  if (closed) return;
  onChange?.();
  const ping = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  ping.unref();
  const end = () => {
    if (!res.writableEnded) res.end();
  };
  bus.streams.add(end);
  cleanups.push(() => {
    clearInterval(ping);
    bus.streams.delete(end);
  });
}
