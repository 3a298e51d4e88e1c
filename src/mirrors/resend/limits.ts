/**
 * Rate limits (`ratelimit-*` headers on every response, 429 `rate_limit_exceeded` past
 * `settings.rateLimitPerSecond`) and email quotas (429 `daily_quota_exceeded` /
 * `monthly_quota_exceeded`). Counters live on the session clock, so a reset restores them.
 */
import type { RouteHandler, VendorReply } from '../core/definition.js';
import type { RouteContext, SessionContext } from '../core/context.js';
import { ReplyError } from '../core/context.js';
import { MESSAGES, errorReply, fail } from './errors.js';
import { DEFAULT_RATE_LIMIT, settingsOf } from './settings.js';
import { parseTimestamp } from './timestamps.js';

const DAY = 86_400_000;

function rateHeaders(limit: number, remaining: number, resetInMs: number): Record<string, string> {
  return {
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(remaining),
    'ratelimit-reset': String(Math.max(1, Math.ceil(resetInMs / 1000))),
    'ratelimit-policy': `${limit};w=1`,
  };
}

/** Wrap a handler: count the request, refuse past the limit, add the headers to any reply. */
export function limited(handler: RouteHandler): RouteHandler {
  return (ctx: RouteContext): VendorReply => {
    const configured = settingsOf(ctx).rateLimitPerSecond;
    const limit = configured ?? DEFAULT_RATE_LIMIT;
    const rl = ctx.rateLimit('api', { limit: configured ?? Number.MAX_SAFE_INTEGER, windowMs: 1000 });
    const used = rl.limit - rl.remaining;
    const headers = rateHeaders(limit, Math.max(0, limit - used), rl.resetInMs);
    if (!rl.allowed) {
      const retry = String(Math.max(1, Math.ceil(rl.resetInMs / 1000)));
      return errorReply(429, 'rate_limit_exceeded', MESSAGES.rateLimit(limit), { ...headers, 'ratelimit-remaining': '0', 'retry-after': retry });
    }
    let reply: VendorReply;
    try {
      reply = handler(ctx);
    } catch (err) {
      // Errors roll the handler back; they still carry the rate-limit headers.
      if (err instanceof ReplyError) throw new ReplyError({ ...err.reply, headers: { ...headers, ...(err.reply.headers ?? {}) } });
      throw err;
    }
    return { ...reply, headers: { ...headers, ...(reply.headers ?? {}) } };
  };
}

/** Refuse a send of `count` emails past the daily or monthly quota. */
export function checkQuota(ctx: SessionContext, count: number): void {
  const s = settingsOf(ctx);
  if (s.dailyQuota === undefined && s.monthlyQuota === undefined) return;
  const now = ctx.now();
  let day = 0;
  let month = 0;
  for (const e of ctx.db.list<{ created_at?: string }>('emails')) {
    const t = parseTimestamp(e.created_at);
    if (!Number.isFinite(t)) continue;
    if (now - t < DAY) day++;
    if (now - t < 30 * DAY) month++;
  }
  const retryAfter = (ms: number) => ({ 'retry-after': String(Math.ceil(ms / 1000)) });
  if (s.dailyQuota !== undefined && s.dailyQuotaUsed + day + count > s.dailyQuota) {
    fail(429, 'daily_quota_exceeded', MESSAGES.dailyQuota, retryAfter(DAY - (now % DAY)));
  }
  if (s.monthlyQuota !== undefined && s.monthlyQuotaUsed + month + count > s.monthlyQuota) {
    fail(429, 'monthly_quota_exceeded', MESSAGES.monthlyQuota, retryAfter(DAY - (now % DAY)));
  }
}
