import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventBus, StoredEvent } from './events.js';

export interface SseOptions {
  heartbeatMs: number;
  /** Reconnect delay suggested to clients (`retry:`). */
  retryMs?: number;
  /** Extra headers (rate limit) for the 200 response. */
  headers?: Record<string, string>;
}

export function formatEvent(e: StoredEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ id: e.id, type: e.type, sessionId: e.sessionId, at: e.at, data: e.data })}\n\n`;
}

/** `Last-Event-ID` header, or `?lastEventId=` for clients that cannot set headers. */
export function lastEventIdOf(req: IncomingMessage, query: URLSearchParams): number | undefined {
  const raw = (req.headers['last-event-id'] as string | undefined) ?? query.get('lastEventId') ?? undefined;
  if (raw === undefined || !/^\d{1,16}$/.test(raw.trim())) return undefined;
  const n = Number(raw.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Stream a session's events. Without `Last-Event-ID` the stream starts with
 * live events only; with it, buffered events after that id are replayed
 * first. Heartbeat comments keep proxies from closing an idle stream; the
 * response ends when the session ends or the server closes.
 */
export function streamEvents(
  req: IncomingMessage,
  res: ServerResponse,
  bus: EventBus,
  sessionId: string,
  lastEventId: number | undefined,
  opts: SseOptions,
  track: (close: () => void) => () => void,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...opts.headers,
  });
  res.write(`retry: ${opts.retryMs ?? 1000}\n: connected to ${sessionId}\n\n`);
  let done = false;
  let detach: (() => void) | undefined;
  let untrack: () => void = () => {};
  const heartbeat = setInterval(() => {
    if (!done) res.write(': heartbeat\n\n');
  }, opts.heartbeatMs);
  heartbeat.unref();
  const finish = () => {
    if (done) return;
    done = true;
    clearInterval(heartbeat);
    detach?.();
    untrack();
    if (!res.writableEnded) res.end();
  };
  untrack = track(finish);
  req.on('close', finish);
  res.on('error', finish);
  detach = bus.attach(
    sessionId,
    {
      onEvent: (e) => {
        if (!done) res.write(formatEvent(e));
      },
      onClose: () => setImmediate(finish),
    },
    lastEventId,
  );
  if (!detach) finish();
}
