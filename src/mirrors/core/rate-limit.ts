/**
 * Fixed-window counters on the session clock, stored in `_mirra_rate_limits` so a reset
 * gives a fresh quota. Mirrors decide buckets, limits and the vendor's 429 shape.
 */
import type { SessionDb } from './database.js';

export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Session-clock ms when the window resets. */
  resetAt: number;
  /** Milliseconds until the window resets. */
  resetInMs: number;
}

export function hitRateLimit(db: SessionDb, bucket: string, rule: RateLimitRule, now: number): RateLimitResult {
  const row = db.get<{ window_start: number; count: number }>('SELECT window_start, count FROM _mirra_rate_limits WHERE bucket = ?', bucket);
  let windowStart = row?.window_start ?? now;
  let count = row?.count ?? 0;
  if (now - windowStart >= rule.windowMs) {
    windowStart = now;
    count = 0;
  }
  const allowed = count < rule.limit;
  if (allowed) count++;
  db.run(
    'INSERT INTO _mirra_rate_limits (bucket, window_start, count) VALUES (?, ?, ?) ON CONFLICT(bucket) DO UPDATE SET window_start = excluded.window_start, count = excluded.count',
    bucket,
    windowStart,
    count,
  );
  const resetAt = windowStart + rule.windowMs;
  return { allowed, limit: rule.limit, remaining: Math.max(0, rule.limit - count), resetAt, resetInMs: Math.max(0, resetAt - now) };
}
