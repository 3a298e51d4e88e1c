import { Agent, request, type Dispatcher } from 'undici';
import { MirraApiError, MirraNetworkError } from './errors.js';
import { IDEMPOTENT_METHODS, RETRYABLE_STATUS, backoff, serverDelay, sleep, type RetryOptions } from './retry.js';

export interface HttpOptions {
  baseUrl: string;
  /** Authorization: Bearer <token>. */
  token?: string;
  dispatcher?: Dispatcher;
  retry?: RetryOptions;
  /** Per-request timeout (headers and body). Default 30 s. */
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export interface CallOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** Treat a network error as retryable even for POST (reset, settle, ...). */
  idempotent?: boolean;
  /** Bearer token override (mirror admin calls use the mirror's apiKey). */
  token?: string;
  /** Another origin than baseUrl (a mirror's url). */
  origin?: string;
}

/** JSON over undici with keep-alive, typed errors and bounded, jittered retries. */
export class HttpCore {
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly retry: Required<RetryOptions>;

  constructor(private readonly o: HttpOptions) {
    this.baseUrl = o.baseUrl.replace(/\/+$/, '');
    this.ownsDispatcher = o.dispatcher === undefined;
    this.dispatcher = o.dispatcher ?? new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000, connections: 64, pipelining: 1 });
    this.retry = { retries: o.retry?.retries ?? 3, baseDelayMs: o.retry?.baseDelayMs ?? 200, maxDelayMs: o.retry?.maxDelayMs ?? 10_000 };
  }

  url(path: string, query?: CallOptions['query'], origin = this.baseUrl): string {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const s = qs.toString();
    return `${origin.replace(/\/+$/, '')}${path}${s ? `?${s}` : ''}`;
  }

  async call<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const { status, text } = await this.send(method, path, opts);
    if (status === 204 || text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new MirraApiError(status, 'mirra.client.invalid_response', `Expected JSON from ${method} ${path}, got: ${text.slice(0, 200)}`);
    }
  }

  /** Send with retries; resolves with a 2xx answer or throws MirraApiError / MirraNetworkError. */
  async send(method: string, path: string, opts: CallOptions = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
    const idempotent = opts.idempotent ?? IDEMPOTENT_METHODS.has(method);
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { accept: 'application/json', ...this.o.headers };
    const token = opts.token ?? this.o.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (payload !== undefined) headers['content-type'] = 'application/json';
    for (let attempt = 0; ; attempt++) {
      let res: Dispatcher.ResponseData;
      try {
        res = await request(this.url(path, opts.query, opts.origin), {
          method: method as Dispatcher.HttpMethod,
          headers,
          ...(payload !== undefined ? { body: payload } : {}),
          dispatcher: this.dispatcher,
          headersTimeout: this.o.timeoutMs ?? 30_000,
          bodyTimeout: this.o.timeoutMs ?? 30_000,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        if (idempotent && attempt < this.retry.retries) {
          await sleep(backoff(attempt, this.retry), opts.signal);
          continue;
        }
        throw new MirraNetworkError(`${method} ${this.baseUrl}${path} failed: ${err instanceof Error ? err.message : String(err)}`, err);
      }
      const text = await res.body.text();
      if (res.statusCode < 400) return { status: res.statusCode, headers: res.headers, text };
      if (RETRYABLE_STATUS.has(res.statusCode) && attempt < this.retry.retries) {
        const hinted = serverDelay(res.statusCode, res.headers);
        const wait = Math.min(this.retry.maxDelayMs, hinted !== undefined ? hinted + Math.random() * 100 : backoff(attempt, this.retry));
        await sleep(wait, opts.signal);
        continue;
      }
      throw MirraApiError.from(res.statusCode, text);
    }
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}
