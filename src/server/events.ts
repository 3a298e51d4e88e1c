import type { MirrorEvent } from '../mirrors/core/host-types.js';

export type EventType = MirrorEvent['type'];

export interface StoredEvent {
  /** Per-session monotonic id, sent as the SSE `id:` and accepted back as `Last-Event-ID`. */
  id: number;
  type: EventType;
  sessionId: string;
  data: Record<string, unknown>;
  at: string;
}

export interface EventListener {
  onEvent(event: StoredEvent): void;
  onClose(): void;
}

/** How many events of one session are kept for `Last-Event-ID` replay. */
export const DEFAULT_REPLAY = 1000;
/** Ended sessions whose logs stay around for late reconnects. */
const ENDED_LOGS_KEPT = 200;

/**
 * Ids start at `Date.now() * 1000` when a log opens, so they keep increasing
 * across server restarts: a client resuming with an id from a previous
 * process gets everything buffered since.
 */
class SessionLog {
  nextId = Date.now() * 1000;
  readonly buffer: StoredEvent[] = [];
  readonly listeners = new Set<EventListener>();
  closed = false;
}

/**
 * The per-session event bus behind `GET /v1/sessions/{id}/events`: engine
 * events (forwarded from `host.subscribe`) and the control plane's own
 * lifecycle events get one id sequence per session and a bounded replay
 * buffer, so a client resuming with `Last-Event-ID` receives what it missed.
 */
export class EventBus {
  private readonly logs = new Map<string, SessionLog>();
  private readonly endedOrder: string[] = [];

  constructor(private readonly replay = DEFAULT_REPLAY) {}

  has(sessionId: string): boolean {
    return this.logs.has(sessionId);
  }

  /** The session ended and nothing after `lastEventId` is left to replay (SSE answers 204). */
  exhausted(sessionId: string, lastEventId: number | undefined): boolean {
    const log = this.logs.get(sessionId);
    if (!log || !log.closed) return false;
    return lastEventId === undefined || !log.buffer.some((e) => e.id > lastEventId);
  }

  open(sessionId: string): void {
    if (!this.logs.has(sessionId)) this.logs.set(sessionId, new SessionLog());
  }

  publish(sessionId: string, type: EventType, data: Record<string, unknown>, at = new Date().toISOString()): StoredEvent | undefined {
    const log = this.logs.get(sessionId);
    if (!log || log.closed) return undefined;
    const event: StoredEvent = { id: log.nextId++, type, sessionId, data, at };
    log.buffer.push(event);
    if (log.buffer.length > this.replay) log.buffer.splice(0, log.buffer.length - this.replay);
    for (const l of [...log.listeners]) {
      try {
        l.onEvent(event);
      } catch {
        log.listeners.delete(l);
      }
    }
    return event;
  }

  /**
   * Attach a listener. Events after `lastEventId` still in the buffer are
   * delivered first. Returns undefined when the session has no log here.
   */
  attach(sessionId: string, listener: EventListener, lastEventId?: number): (() => void) | undefined {
    const log = this.logs.get(sessionId);
    if (!log) return undefined;
    if (lastEventId !== undefined) for (const e of log.buffer) if (e.id > lastEventId) listener.onEvent(e);
    if (log.closed) {
      listener.onClose();
      return () => {};
    }
    log.listeners.add(listener);
    return () => log.listeners.delete(listener);
  }

  /** The session ended: close every stream; the log stays briefly for replays. */
  close(sessionId: string): void {
    const log = this.logs.get(sessionId);
    if (!log || log.closed) return;
    log.closed = true;
    for (const l of [...log.listeners]) l.onClose();
    log.listeners.clear();
    this.endedOrder.push(sessionId);
    while (this.endedOrder.length > ENDED_LOGS_KEPT) this.logs.delete(this.endedOrder.shift()!);
  }

  closeAll(): void {
    for (const id of [...this.logs.keys()]) this.close(id);
  }
}
