/** The events of a Server-Sent Events response body as they arrive (id, event name, raw data line). */
export async function* sseEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<{ id?: string; event?: string; data?: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      yield {
        id: /^id: (\d+)$/m.exec(block)?.[1],
        event: /^event: (.+)$/m.exec(block)?.[1],
        data: /^data: (.+)$/m.exec(block)?.[1],
      };
    }
  }
}

/** Reads Server-Sent Events from a running server until `count` arrive or `ms` pass. */
export async function readEvents(
  url: string,
  opts: { cookie?: string; lastEventId?: string; count: number; ms?: number; onOpen?: () => void },
) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.ms ?? 5000);
  const got: { id: number; event: string; data: unknown }[] = [];
  try {
    const res = await fetch(url, {
      headers: {
        accept: 'text/event-stream',
        ...(opts.cookie ? { cookie: opts.cookie } : {}),
        ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}),
      },
      signal: controller.signal,
    });
    if (res.status !== 200) throw new Error(`stream answered ${res.status}`);
    opts.onOpen?.();
    for await (const { id, event, data } of sseEvents(res.body!)) {
      if (id && event && data) got.push({ id: Number(id), event, data: JSON.parse(data) });
      if (got.length >= opts.count) break;
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return got;
}
