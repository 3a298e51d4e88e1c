export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  retries?: number;
  /** First backoff step. Default 200 ms. */
  baseDelayMs?: number;
  /** Cap for one wait (also for `retry-after`). Default 10 s. */
  maxDelayMs?: number;
}

export const RETRYABLE_STATUS = new Set([429, 502, 503]);
export const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** Exponential backoff with full jitter: uniform in [d/2, d] where d = base·2^attempt. */
export function backoff(attempt: number, o: Required<RetryOptions>, random = Math.random): number {
  const d = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** attempt);
  return Math.round(d / 2 + random() * (d / 2));
}

/**
 * The server's own hint: `retry-after` (seconds or HTTP date), else
 * `x-mirra-ratelimit-reset` (epoch seconds) on a 429. Undefined if neither.
 */
export function serverDelay(status: number, headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const ra = one(headers['retry-after']);
  if (ra !== undefined) {
    if (/^\d+(\.\d+)?$/.test(ra.trim())) return Number(ra) * 1000;
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = one(headers['x-mirra-ratelimit-reset']);
  if (status === 429 && reset !== undefined && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return undefined;
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
