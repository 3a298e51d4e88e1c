/**
 * Webhook dispatcher: endpoints, deliveries and attempts are rows in the session database.
 * A payload is serialised once when the event is emitted; each attempt signs those exact
 * bytes at send time (session clock) and either POSTs them over HTTP (`deliver`) or stores
 * them (`collect`). Failed attempts are retried on the vendor's schedule by timer rows.
 */
import { request } from 'undici';
import type { SessionDb } from './database.js';
import type { WebhookPolicy, WebhookEvent } from './definition.js';
import type { EmitOptions, RegisterEndpointInput, WebhookEndpoint } from './context.js';
import { svixSecret, randomString } from './ids.js';

export type WebhookMode = 'deliver' | 'collect';
export const ATTEMPT_TIMER = '_mirra.webhook.attempt';
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 15_000;

export type DeliveryStatus = 'pending' | 'in_flight' | 'retrying' | 'succeeded' | 'failed' | 'collected';

export interface WebhookAttempt {
  attempt: number;
  at: string;
  url: string;
  headers: Record<string, string>;
  statusCode: number | null;
  ok: boolean;
  error: string | null;
  durationMs: number;
  mode: WebhookMode;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  contentType: string;
  /** The exact bytes sent (or stored, in collect mode). */
  body: string;
  /** Headers of the latest attempt. */
  headers: Record<string, string> | null;
  attemptLog: WebhookAttempt[];
}

export interface ProbeResult {
  endpointId: string | null;
  url: string;
  eventType: string;
  statusCode: number | null;
  /** True when the receiver refused the wrongly signed request (any non-2xx). */
  verified: boolean;
  error: string | null;
  at: string;
}

export interface DispatcherDeps {
  db(): SessionDb;
  now(): number;
  vendor: string;
  policy: WebhookPolicy | undefined;
  defaultSecret: string;
  mode(): WebhookMode;
  newId(prefix: string): string;
  trace(kind: string, level: 'info' | 'error', data: Record<string, unknown>): void;
  publishDispatched(data: Record<string, unknown>): void;
  op<T>(fn: () => T): T;
  afterCommit(fn: () => void): void;
  scheduleTimer(kind: string, dueAt: number, payload: unknown): number;
  cancelTimer(id: number): void;
  isLive(): boolean;
}

interface EndpointRow {
  id: string;
  url: string;
  events: string;
  secret: string;
  enabled: number;
  source: 'seed' | 'api';
  created_at: number;
  data: string;
}

interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  url: string;
  body: string;
  content_type: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  timer_id: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
}

const toEndpoint = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  url: r.url,
  events: JSON.parse(r.events) as string[],
  secret: r.secret,
  enabled: r.enabled === 1,
  source: r.source,
  createdAt: r.created_at,
  data: JSON.parse(r.data) as Record<string, unknown>,
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class WebhookDispatcher {
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly deps: DispatcherDeps) {}

  // ── endpoints ────────────────────────────────────────────────────────────────
  register(input: RegisterEndpointInput, source: 'seed' | 'api'): WebhookEndpoint {
    const db = this.deps.db();
    const id = input.id ?? this.deps.newId('we_');
    const seq = db.get<{ s: number }>('SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM _mirra_webhook_endpoints')!.s;
    db.run(
      'INSERT INTO _mirra_webhook_endpoints (id, seq, url, events, secret, enabled, source, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      id,
      seq,
      input.url,
      JSON.stringify(input.events && input.events.length > 0 ? input.events : ['*']),
      input.secret ?? this.deps.defaultSecret,
      input.enabled === false ? 0 : 1,
      source,
      this.deps.now(),
      JSON.stringify(input.data ?? {}),
    );
    return this.get(id)!;
  }

  list(): WebhookEndpoint[] {
    return this.deps.db().all<EndpointRow>('SELECT * FROM _mirra_webhook_endpoints ORDER BY seq').map(toEndpoint);
  }

  get(id: string): WebhookEndpoint | undefined {
    const r = this.deps.db().get<EndpointRow>('SELECT * FROM _mirra_webhook_endpoints WHERE id = ?', id);
    return r ? toEndpoint(r) : undefined;
  }

  update(id: string, patch: Partial<Omit<RegisterEndpointInput, 'id'>>): WebhookEndpoint | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    this.deps
      .db()
      .run(
        'UPDATE _mirra_webhook_endpoints SET url = ?, events = ?, secret = ?, enabled = ?, data = ? WHERE id = ?',
        patch.url ?? current.url,
        JSON.stringify(patch.events ?? current.events),
        patch.secret ?? current.secret,
        (patch.enabled ?? current.enabled) ? 1 : 0,
        JSON.stringify(patch.data ? { ...current.data, ...patch.data } : current.data),
        id,
      );
    return this.get(id);
  }

  remove(id: string): boolean {
    return this.deps.db().run('DELETE FROM _mirra_webhook_endpoints WHERE id = ?', id).changes > 0;
  }

  // ── emitting ─────────────────────────────────────────────────────────────────
  /** Must run inside an operation (transaction): rows roll back with the handler. */
  emit(type: string, payload: unknown, options: EmitOptions = {}): { eventId: string; deliveryIds: string[] } {
    const policy = this.deps.policy;
    const now = this.deps.now();
    const event: WebhookEvent = { id: options.id ?? this.deps.newId(policy?.eventIdPrefix ?? 'evt_'), type, payload, createdAt: now };
    const body = policy?.serialize ? policy.serialize(event) : JSON.stringify(payload);
    const contentType = policy?.contentType ?? 'application/json';
    const endpoints = this.list().filter(
      (e) => e.enabled && (e.events.includes('*') || e.events.includes(type)) && (!options.endpointIds || options.endpointIds.includes(e.id)),
    );
    const db = this.deps.db();
    const deliveryIds: string[] = [];
    for (const endpoint of endpoints) {
      const id = this.deps.newId('whd_');
      const seq = db.get<{ s: number }>('SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM _mirra_webhook_deliveries')!.s;
      const dueAt = now + (options.delayMs ?? 0);
      db.run(
        `INSERT INTO _mirra_webhook_deliveries (id, seq, event_id, event_type, endpoint_id, url, body, content_type, status, attempts, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
        id,
        seq,
        event.id,
        type,
        endpoint.id,
        endpoint.url,
        body,
        contentType,
        dueAt,
        now,
        now,
      );
      const timerId = this.deps.scheduleTimer(ATTEMPT_TIMER, dueAt, { deliveryId: id });
      db.run('UPDATE _mirra_webhook_deliveries SET timer_id = ? WHERE id = ?', timerId, id);
      deliveryIds.push(id);
    }
    this.deps.trace('webhook', 'info', { action: 'emitted', eventId: event.id, type, deliveries: deliveryIds.length, endpointIds: endpoints.map((e) => e.id) });
    return { eventId: event.id, deliveryIds };
  }

  private sign(endpointSecret: string, eventId: string, body: string, url: string): { headers: Record<string, string>; signature: Record<string, string> } {
    const policy = this.deps.policy;
    const signature = policy ? policy.signer.sign({ secret: endpointSecret, id: eventId, timestamp: wallClockSeconds(), body, url }) : {};
    return { headers: { ...(policy?.headers ?? {}), ...signature }, signature };
  }

  /** Timer handler for one attempt; runs inside an operation. */
  attempt(deliveryId: string): void {
    const db = this.deps.db();
    const d = db.get<DeliveryRow>('SELECT * FROM _mirra_webhook_deliveries WHERE id = ?', deliveryId);
    if (!d || (d.status !== 'pending' && d.status !== 'retrying')) return;
    const endpoint = this.get(d.endpoint_id);
    const now = this.deps.now();
    const attemptNo = d.attempts + 1;
    if (!endpoint || !endpoint.enabled) {
      db.run(
        "UPDATE _mirra_webhook_deliveries SET status = 'failed', last_error = ?, next_attempt_at = NULL, timer_id = NULL, updated_at = ? WHERE id = ?",
        'endpoint removed or disabled',
        now,
        d.id,
      );
      return;
    }
    const { headers, signature } = this.sign(endpoint.secret, d.event_id, d.body, d.url);
    const allHeaders = { 'content-type': d.content_type, ...headers };
    if (this.deps.mode() === 'collect') {
      db.run(
        "INSERT INTO _mirra_webhook_attempts (delivery_id, attempt, at, url, headers, status_code, ok, error, duration_ms, mode) VALUES (?, ?, ?, ?, ?, NULL, 1, NULL, 0, 'collect')",
        d.id,
        attemptNo,
        now,
        d.url,
        JSON.stringify(allHeaders),
      );
      db.run(
        "UPDATE _mirra_webhook_deliveries SET status = 'collected', attempts = ?, next_attempt_at = NULL, timer_id = NULL, updated_at = ? WHERE id = ?",
        attemptNo,
        now,
        d.id,
      );
      const data = { mirror: this.deps.vendor, action: 'collected', deliveryId: d.id, eventId: d.event_id, type: d.event_type, endpointId: d.endpoint_id, url: d.url, attempt: attemptNo, status: null, ok: true, signature };
      this.deps.trace('webhook', 'info', data);
      this.deps.publishDispatched(data);
      return;
    }
    db.run("UPDATE _mirra_webhook_deliveries SET status = 'in_flight', attempts = ?, timer_id = NULL, updated_at = ? WHERE id = ?", attemptNo, now, d.id);
    this.deps.afterCommit(() => this.track(this.send(d, attemptNo, allHeaders, signature)));
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  inFlight(): number {
    return this.inflight.size;
  }

  /** Resolves when no attempt is in flight, or after `capMs` of wall time. */
  async drain(capMs: number): Promise<void> {
    const deadline = Date.now() + capMs;
    while (this.inflight.size > 0 && Date.now() < deadline) {
      const remaining = deadline - Date.now();
      await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => setTimeout(r, remaining).unref())]);
    }
  }

  private async post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number | null; error: string | null; durationMs: number; abort: boolean }> {
    const started = performance.now();
    const timeout = this.deps.policy?.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    try {
      const res = await request(url, { method: 'POST', headers, body, headersTimeout: timeout, bodyTimeout: timeout, signal: AbortSignal.timeout(timeout) });
      await res.body.dump();
      const abort = String(res.headers['webhook-delivery'] ?? '') === 'abort-message';
      return { status: res.statusCode, error: null, durationMs: Math.round(performance.now() - started), abort };
    } catch (err) {
      const e = err as Error & { code?: string; cause?: { code?: string } };
      return { status: null, error: e.cause?.code ?? e.code ?? e.message, durationMs: Math.round(performance.now() - started), abort: false };
    }
  }

  private isSuccess(status: number | null): boolean {
    if (status === null) return false;
    return this.deps.policy?.isSuccess ? this.deps.policy.isSuccess(status) : status >= 200 && status < 300;
  }

  private async send(d: DeliveryRow, attemptNo: number, headers: Record<string, string>, signature: Record<string, string>): Promise<void> {
    const result = await this.post(d.url, headers, d.body);
    if (!this.deps.isLive()) return;
    this.deps.op(() => {
      const db = this.deps.db();
      const current = db.get<DeliveryRow>('SELECT * FROM _mirra_webhook_deliveries WHERE id = ?', d.id);
      // Reset/restore swapped the database while the request was in flight: forget it.
      if (!current || current.status !== 'in_flight' || current.attempts !== attemptNo) return;
      const now = this.deps.now();
      const ok = this.isSuccess(result.status);
      db.run(
        "INSERT INTO _mirra_webhook_attempts (delivery_id, attempt, at, url, headers, status_code, ok, error, duration_ms, mode) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'deliver')",
        d.id,
        attemptNo,
        now,
        d.url,
        JSON.stringify(headers),
        result.status,
        ok ? 1 : 0,
        result.error,
        result.durationMs,
      );
      const schedule = this.deps.policy?.retryScheduleMs ?? [];
      let status: DeliveryStatus;
      let nextAt: number | null = null;
      let timerId: number | null = null;
      if (ok) status = 'succeeded';
      else if (!result.abort && attemptNo <= schedule.length) {
        status = 'retrying';
        nextAt = now + schedule[attemptNo - 1];
        timerId = this.deps.scheduleTimer(ATTEMPT_TIMER, nextAt, { deliveryId: d.id });
      } else status = 'failed';
      db.run(
        'UPDATE _mirra_webhook_deliveries SET status = ?, next_attempt_at = ?, timer_id = ?, last_status = ?, last_error = ?, updated_at = ? WHERE id = ?',
        status,
        nextAt,
        timerId,
        result.status,
        result.error,
        now,
        d.id,
      );
      const data = {
        mirror: this.deps.vendor,
        action: 'attempted',
        deliveryId: d.id,
        eventId: d.event_id,
        type: d.event_type,
        endpointId: d.endpoint_id,
        url: d.url,
        attempt: attemptNo,
        status: result.status,
        ok,
        error: result.error,
        durationMs: result.durationMs,
        deliveryStatus: status,
        nextAttemptAt: iso(nextAt),
        signature,
      };
      this.deps.trace('webhook', ok ? 'info' : 'error', data);
      this.deps.publishDispatched(data);
    });
  }

  /** Queue every failed or waiting-to-retry delivery for an attempt now. Inside an operation. */
  requeueFailed(): string[] {
    const db = this.deps.db();
    const now = this.deps.now();
    const rows = db.all<DeliveryRow>("SELECT * FROM _mirra_webhook_deliveries WHERE status IN ('failed', 'retrying') ORDER BY seq");
    for (const d of rows) {
      if (d.timer_id !== null) this.deps.cancelTimer(d.timer_id);
      const timerId = this.deps.scheduleTimer(ATTEMPT_TIMER, now, { deliveryId: d.id });
      db.run("UPDATE _mirra_webhook_deliveries SET status = 'retrying', next_attempt_at = ?, timer_id = ?, updated_at = ? WHERE id = ?", now, timerId, now, d.id);
    }
    return rows.map((r) => r.id);
  }

  deliveries(filter: { status?: string; since?: number } = {}): WebhookDelivery[] {
    const db = this.deps.db();
    const rows = filter.status
      ? db.all<DeliveryRow>('SELECT * FROM _mirra_webhook_deliveries WHERE status = ? ORDER BY seq', filter.status)
      : db.all<DeliveryRow>('SELECT * FROM _mirra_webhook_deliveries ORDER BY seq');
    return rows.map((d) => {
      const attempts = db
        .all<{ attempt: number; at: number; url: string; headers: string; status_code: number | null; ok: number; error: string | null; duration_ms: number; mode: WebhookMode }>(
          'SELECT * FROM _mirra_webhook_attempts WHERE delivery_id = ? ORDER BY id',
          d.id,
        )
        .map((a) => ({
          attempt: a.attempt,
          at: new Date(a.at).toISOString(),
          url: a.url,
          headers: JSON.parse(a.headers) as Record<string, string>,
          statusCode: a.status_code,
          ok: a.ok === 1,
          error: a.error,
          durationMs: a.duration_ms,
          mode: a.mode,
        }));
      return {
        id: d.id,
        eventId: d.event_id,
        eventType: d.event_type,
        endpointId: d.endpoint_id,
        url: d.url,
        status: d.status,
        attempts: d.attempts,
        nextAttemptAt: iso(d.next_attempt_at),
        lastStatus: d.last_status,
        lastError: d.last_error,
        createdAt: new Date(d.created_at).toISOString(),
        contentType: d.content_type,
        body: d.body,
        headers: attempts.length ? attempts[attempts.length - 1].headers : null,
        attemptLog: attempts,
      };
    });
  }

  /**
   * Send one event with a deliberately wrong signature to each endpoint and record whether
   * it was refused. Always real HTTP, whatever the mode.
   */
  async probe(options: { endpointId?: string; url?: string; eventType?: string; payload?: unknown } = {}): Promise<ProbeResult[]> {
    const policy = this.deps.policy;
    const targets: Array<{ id: string | null; url: string; events: string[]; secret: string }> = options.url
      ? [{ id: null, url: options.url, events: ['*'], secret: this.deps.defaultSecret }]
      : this.list().filter((e) => e.enabled && (!options.endpointId || e.id === options.endpointId));
    const results: ProbeResult[] = [];
    for (const target of targets) {
      const now = this.deps.now();
      const eventId = this.deps.newId(policy?.eventIdPrefix ?? 'evt_');
      // Replay the body of a real event this endpoint already received, so a handler that
      // does not verify but reads the payload's fields does not crash into a refusal and
      // pass for one that verifies. Without one, a minimal event of a subscribed type.
      const replay = options.payload === undefined && target.id !== null ? this.lastDelivered(target.id) : undefined;
      const type = replay?.type ?? options.eventType ?? target.events.find((e) => e !== '*') ?? policy?.eventTypes[0] ?? 'mirra.probe';
      const payload = options.payload ?? { type, created_at: new Date(now).toISOString(), data: { mirra_probe: true } };
      const body = replay?.body ?? (policy?.serialize ? policy.serialize({ id: eventId, type, payload, createdAt: now }) : JSON.stringify(payload));
      const wrongSecret = target.secret.startsWith('whsec_') ? svixSecret() : randomString(Math.max(16, target.secret.length));
      const { headers, signature } = this.sign(wrongSecret, eventId, body, target.url);
      const sent = await this.post(target.url, { 'content-type': policy?.contentType ?? 'application/json', ...headers }, body);
      const verified = sent.status !== null && !this.isSuccess(sent.status);
      const result: ProbeResult = { endpointId: target.id, url: target.url, eventType: type, statusCode: sent.status, verified, error: sent.error, at: new Date(this.deps.now()).toISOString() };
      if (this.deps.isLive()) {
        this.deps.op(() => {
          this.deps
            .db()
            .run(
              'INSERT INTO _mirra_signature_verifications (at, endpoint_id, url, event_type, status_code, verified, error) VALUES (?, ?, ?, ?, ?, ?, ?)',
              this.deps.now(),
              target.id,
              target.url,
              type,
              sent.status,
              verified ? 1 : 0,
              sent.error,
            );
          this.deps.trace('probe', 'info', { mirror: this.deps.vendor, ...result, signature });
        });
      }
      results.push(result);
    }
    return results;
  }

  /** The newest delivery body sent to an endpoint (its exact bytes), if any. */
  private lastDelivered(endpointId: string): { type: string; body: string } | undefined {
    const row = this.deps
      .db()
      .get<{ event_type: string; body: string }>('SELECT event_type, body FROM _mirra_webhook_deliveries WHERE endpoint_id = ? AND attempts > 0 ORDER BY seq DESC LIMIT 1', endpointId);
    return row ? { type: row.event_type, body: row.body } : undefined;
  }

  verifications(): ProbeResult[] {
    return this.deps
      .db()
      .all<{ at: number; endpoint_id: string | null; url: string; event_type: string; status_code: number | null; verified: number; error: string | null }>(
        'SELECT * FROM _mirra_signature_verifications ORDER BY id',
      )
      .map((r) => ({ endpointId: r.endpoint_id, url: r.url, eventType: r.event_type, statusCode: r.status_code, verified: r.verified === 1, error: r.error, at: new Date(r.at).toISOString() }));
  }
}

/**
 * Signature timestamps are the wall-clock second the bytes are sent, as with the real
 * vendors: a receiver checks them against its own clock (Svix ±5 min, Stripe 300 s), and a
 * session clock advanced by days (a renewal, a retry schedule) must not make every
 * delivery fail verification. Payload timestamps stay on the session clock.
 */
function wallClockSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
