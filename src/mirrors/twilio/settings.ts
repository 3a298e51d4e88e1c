/** The seed `settings` knobs this mirror reads (documented in docs/mirrors/twilio.md). */
import type { SessionContext } from '../core/context.js';

export interface DeliveryOutcome {
  status: 'failed' | 'undelivered';
  errorCode: number;
}

export interface TwilioSettings {
  /** Seconds from `queued` to `sending`. Default 0 (immediately after). */
  sendingDelaySeconds: number;
  /** Seconds from `sending` to `sent`. Default 1. */
  sentDelaySeconds: number;
  /** Seconds from `sent` to `delivered` (or to the outcome below). Default 3. */
  deliveredDelaySeconds: number;
  /** Message creates allowed per window; past it 429 / 20429. Unset: unlimited. */
  sendRateLimit: { limit: number; windowSeconds: number } | undefined;
  /** Per-recipient outcomes instead of `delivered` (`{ "+15555550199": { "status": "undelivered", "errorCode": 30003 } }`). */
  deliveryOutcomes: Record<string, DeliveryOutcome>;
  /** Verify: sends per verification (first + resends) before 60203. Default 5. */
  verifyMaxSendAttempts: number;
  /** Verify: wrong codes per verification before 60202. Default 5. */
  verifyMaxCheckAttempts: number;
  /** Verify: seconds a code stays valid. Default 600. */
  verifyCodeTtlSeconds: number;
  /** Verify: the number the SMS code comes from. Default `+15005550006`. */
  verifySender: string;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

function outcomes(v: unknown): Record<string, DeliveryOutcome> {
  const out: Record<string, DeliveryOutcome> = {};
  if (typeof v !== 'object' || v === null) return out;
  for (const [to, o] of Object.entries(v as Record<string, unknown>)) {
    const r = o as { status?: unknown; errorCode?: unknown };
    if (r && (r.status === 'failed' || r.status === 'undelivered')) out[to] = { status: r.status, errorCode: num(r.errorCode) ?? (r.status === 'failed' ? 30008 : 30003) };
  }
  return out;
}

export function settingsOf(ctx: SessionContext): TwilioSettings {
  const s = ctx.settings;
  const rl = s.sendRateLimit as { limit?: unknown; windowSeconds?: unknown } | undefined;
  const limit = num(rl?.limit);
  return {
    sendingDelaySeconds: num(s.sendingDelaySeconds) ?? 0,
    sentDelaySeconds: num(s.sentDelaySeconds) ?? 1,
    deliveredDelaySeconds: num(s.deliveredDelaySeconds) ?? 3,
    sendRateLimit: limit !== undefined ? { limit, windowSeconds: num(rl?.windowSeconds) ?? 60 } : undefined,
    deliveryOutcomes: outcomes(s.deliveryOutcomes),
    verifyMaxSendAttempts: num(s.verifyMaxSendAttempts) ?? 5,
    verifyMaxCheckAttempts: num(s.verifyMaxCheckAttempts) ?? 5,
    verifyCodeTtlSeconds: num(s.verifyCodeTtlSeconds) ?? 600,
    verifySender: typeof s.verifySender === 'string' ? s.verifySender : '+15005550006',
  };
}
