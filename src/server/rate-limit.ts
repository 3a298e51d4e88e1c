import { ApiError } from './errors.js';

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Epoch seconds when the window resets. */
  reset: number;
}

/**
 * Fixed-window rate limit per workspace (default 6000 requests per 60 s).
 * Every control-plane response carries the `x-mirra-ratelimit-*` headers.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number = 60_000,
  ) {}

  /** Count one request; returns the header state and whether it is over the limit. */
  take(key: string, now = Date.now()): RateLimitState & { exceeded: boolean } {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now - (now % this.windowMs), count: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 10_000) this.prune(now);
    }
    w.count++;
    const exceeded = w.count > this.limit;
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - w.count),
      reset: Math.ceil((w.start + this.windowMs) / 1000),
      exceeded,
    };
  }

  /** Forget a key's counters (fresh quota). */
  clear(key: string): void {
    this.windows.delete(key);
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}

export function rateLimitHeaders(s: RateLimitState): Record<string, string> {
  return {
    'x-mirra-ratelimit-limit': String(s.limit),
    'x-mirra-ratelimit-remaining': String(s.remaining),
    'x-mirra-ratelimit-reset': String(s.reset),
  };
}

export function rateLimited(s: RateLimitState): ApiError {
  const retryAfter = Math.max(1, s.reset - Math.floor(Date.now() / 1000));
  return new ApiError(
    429,
    'mirra.rate_limit.exceeded',
    `Rate limit of ${s.limit} requests per window exceeded.`,
    `Retry after ${retryAfter}s (x-mirra-ratelimit-reset), or spread requests out.`,
    undefined,
    { 'retry-after': String(retryAfter) },
  );
}
