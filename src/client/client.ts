import { request, type Dispatcher } from 'undici';
import { MirraApiError } from './errors.js';
import { HttpCore, type HttpOptions } from './http.js';
import { MirrorAdmin, type MirrorRef } from './mirror-admin.js';
import { backoff, sleep, type RetryOptions } from './retry.js';
import { SseParser } from './sse.js';
import type {
  CreateRunRequest,
  CreateSessionRequest,
  ListSessionsQuery,
  Page,
  ResetRequest,
  ResetResult,
  RestoreResult,
  Run,
  RunResultsRequest,
  Session,
  SessionEvent,
  SessionSnapshot,
  UpdateRunRequest,
} from './types.js';

export interface MirraClientOptions {
  /** Control-plane origin, e.g. `http://127.0.0.1:4100` (MIRRA_API_URL). */
  baseUrl: string;
  /** `mt_pat_…` (MIRRA_TOKEN). */
  token: string;
  /** Custom undici dispatcher; by default the client owns a keep-alive Agent. */
  dispatcher?: Dispatcher;
  retry?: RetryOptions;
  timeoutMs?: number;
}

export interface EventsOptions {
  /** Resume after this event id (sent as `Last-Event-ID`). */
  lastEventId?: string;
  signal?: AbortSignal;
  /** Reconnect when the stream drops (default true); gives up after `maxReconnects` failures in a row. */
  reconnect?: boolean;
  maxReconnects?: number;
}

const enc = encodeURIComponent;

/** Client of the control-plane API (docs/api.md) and of the mirrors' `/_mirra/*` admin endpoints. */
export class MirraClient {
  readonly baseUrl: string;
  private readonly http: HttpCore;
  private readonly token: string;
  private readonly retry: RetryOptions | undefined;

  constructor(options: MirraClientOptions) {
    if (!options?.baseUrl) throw new TypeError('MirraClient needs baseUrl (or use MirraClient.fromEnv()).');
    if (!options.token) throw new TypeError('MirraClient needs a token (mt_pat_…).');
    const http: HttpOptions = { baseUrl: options.baseUrl, token: options.token };
    if (options.dispatcher) http.dispatcher = options.dispatcher;
    if (options.retry) http.retry = options.retry;
    if (options.timeoutMs !== undefined) http.timeoutMs = options.timeoutMs;
    this.http = new HttpCore(http);
    this.baseUrl = this.http.baseUrl;
    this.token = options.token;
    this.retry = options.retry;
  }

  /** From `MIRRA_API_URL` and `MIRRA_TOKEN`; throws when either is missing. */
  static fromEnv(env: Record<string, string | undefined> = process.env, extra: Omit<MirraClientOptions, 'baseUrl' | 'token'> = {}): MirraClient {
    const baseUrl = env.MIRRA_API_URL;
    const token = env.MIRRA_TOKEN;
    if (!baseUrl || !token) throw new TypeError('MIRRA_API_URL and MIRRA_TOKEN must both be set to reach a remote control plane.');
    return new MirraClient({ ...extra, baseUrl, token });
  }

  // ── sessions ──────────────────────────────────────────────────────────
  createSession(body: CreateSessionRequest, opts: { signal?: AbortSignal } = {}): Promise<Session> {
    return this.http.call('POST', '/v1/sessions', { body, ...opts });
  }

  /** By id (`ses_a7k2`) or name (`staging-acme`). */
  getSession(idOrName: string, opts: { signal?: AbortSignal } = {}): Promise<Session> {
    return this.http.call('GET', `/v1/sessions/${enc(idOrName)}`, opts);
  }

  listSessions(query: ListSessionsQuery = {}, opts: { signal?: AbortSignal } = {}): Promise<Page<Session>> {
    return this.http.call('GET', '/v1/sessions', { query: { ...query }, ...opts });
  }

  /** Every session matching `query`, page after page. */
  async *allSessions(query: Omit<ListSessionsQuery, 'cursor'> = {}): AsyncGenerator<Session> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.listSessions({ ...query, ...(cursor ? { cursor } : {}) });
      yield* page.data;
      if (!page.hasMore || !page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  deleteSession(idOrName: string): Promise<Session> {
    return this.http.call('DELETE', `/v1/sessions/${enc(idOrName)}`);
  }

  resetSession(idOrName: string, body: ResetRequest = {}): Promise<ResetResult> {
    return this.http.call('POST', `/v1/sessions/${enc(idOrName)}/reset`, { body, idempotent: true });
  }

  snapshotSession(idOrName: string, body: { snapshotId?: string; mirrors?: string[] } = {}): Promise<SessionSnapshot> {
    return this.http.call('POST', `/v1/sessions/${enc(idOrName)}/snapshots`, { body });
  }

  listSnapshots(idOrName: string): Promise<{ data: SessionSnapshot[] }> {
    return this.http.call('GET', `/v1/sessions/${enc(idOrName)}/snapshots`);
  }

  restoreSession(idOrName: string, snapshotId: string): Promise<RestoreResult> {
    return this.http.call('POST', `/v1/sessions/${enc(idOrName)}/restore`, { body: { snapshotId }, idempotent: true });
  }

  /** Settle every mirror of the session (fire due timers, drain webhooks). */
  settleSession(idOrName: string, body: { horizonMs?: number; mirrors?: string[] } = {}): Promise<{ sessionId: string; mirrors: Record<string, unknown>[] }> {
    return this.http.call('POST', `/v1/sessions/${enc(idOrName)}/settle`, { body, idempotent: true });
  }

  sessionState(idOrName: string): Promise<{ sessionId: string; mirrors: Record<string, Record<string, unknown[]>> }> {
    return this.http.call('GET', `/v1/sessions/${enc(idOrName)}/state`);
  }

  // ── runs ──────────────────────────────────────────────────────────────
  createRun(body: CreateRunRequest): Promise<Run> {
    return this.http.call('POST', '/v1/runs', { body });
  }

  getRun(runId: string, opts: { expandScenario?: boolean } = {}): Promise<Run> {
    return this.http.call('GET', `/v1/runs/${enc(runId)}`, opts.expandScenario ? { query: { expand: 'scenario' } } : {});
  }

  listRuns(query: { status?: string; sessionId?: string; limit?: number; cursor?: string } = {}): Promise<Page<Run>> {
    return this.http.call('GET', '/v1/runs', { query });
  }

  updateRun(runId: string, body: UpdateRunRequest): Promise<Run> {
    return this.http.call('PATCH', `/v1/runs/${enc(runId)}`, { body });
  }

  recordRunResults(runId: string, body: RunResultsRequest): Promise<Run> {
    return this.http.call('POST', `/v1/runs/${enc(runId)}/results`, { body, idempotent: true });
  }

  // ── mirrors ───────────────────────────────────────────────────────────
  catalog(): Promise<{ data: { name: string; [k: string]: unknown }[] }> {
    return this.http.call('GET', '/v1/mirrors');
  }

  /** Admin calls (`/_mirra/*`) of one session mirror. */
  mirror(m: MirrorRef): MirrorAdmin {
    return new MirrorAdmin(this.http, m);
  }

  // ── events ────────────────────────────────────────────────────────────
  /**
   * A session's live events (SSE). Reconnects with `Last-Event-ID` when the
   * stream drops; ends when the session ends (or `signal` aborts).
   */
  async *events(sessionId: string, opts: EventsOptions = {}): AsyncGenerator<SessionEvent> {
    let lastEventId = opts.lastEventId;
    let failures = 0;
    const maxReconnects = opts.maxReconnects ?? 5;
    const retry = { retries: 0, baseDelayMs: this.retry?.baseDelayMs ?? 200, maxDelayMs: this.retry?.maxDelayMs ?? 10_000 };
    let serverRetryMs: number | undefined;
    while (!opts.signal?.aborted) {
      let ended = false;
      let sawEvent = false;
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${this.token}` };
        if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
        const res = await request(this.http.url(`/v1/sessions/${enc(sessionId)}/events`), {
          method: 'GET',
          headers,
          dispatcher: this.http.dispatcher,
          bodyTimeout: 0,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        if (res.statusCode === 204) {
          await res.body.dump();
          return;
        }
        if (res.statusCode !== 200) {
          const err = MirraApiError.from(res.statusCode, await res.body.text());
          if (err.code === 'mirra.session.ended') return;
          if (![429, 502, 503].includes(res.statusCode)) throw err;
          throw Object.assign(err, { retryable: true });
        }
        const parser = new SseParser();
        res.body.setEncoding('utf8');
        for await (const chunk of res.body as AsyncIterable<string>) {
          for (const msg of parser.push(chunk)) {
            if (msg.id !== undefined) lastEventId = msg.id;
            let parsed: SessionEvent;
            try {
              const payload = JSON.parse(msg.data) as Omit<SessionEvent, 'id'> & { id?: unknown };
              parsed = { ...payload, id: msg.id ?? String(payload.id ?? '') } as SessionEvent;
            } catch {
              continue;
            }
            sawEvent = true;
            failures = 0;
            yield parsed;
            if (parsed.type === 'session.lifecycle' && parsed.data?.event === 'ended') ended = true;
          }
          serverRetryMs = parser.reconnectMs ?? serverRetryMs;
        }
      } catch (err) {
        if (opts.signal?.aborted) return;
        if (err instanceof MirraApiError && !(err as MirraApiError & { retryable?: boolean }).retryable) throw err;
        sawEvent = false;
      }
      if (ended || opts.reconnect === false) return;
      if (!sawEvent) failures++;
      if (failures > maxReconnects) return;
      try {
        await sleep(failures <= 1 ? (serverRetryMs ?? 250) : backoff(failures - 1, retry), opts.signal);
      } catch {
        return;
      }
    }
  }

  /** Close the keep-alive connections (when the client owns its Agent). */
  close(): Promise<void> {
    return this.http.close();
  }
}
