/** The seed `settings` knobs this mirror reads (documented in docs/mirrors/resend.md). */
import type { SessionContext } from '../core/context.js';

export interface ResendSettings {
  /** Seconds between `email.sent` and `email.delivered` (or the bounce/complaint). Default 3. */
  deliveryDelaySeconds: number;
  /** Seconds between `POST /domains/:id/verify` and the domain's outcome. Default 5. */
  domainVerificationSeconds: number;
  /** What verification ends in. Default `verified`. */
  domainVerificationOutcome: 'verified' | 'failed';
  /** The account owner's address: the one recipient `onboarding@resend.dev` may send to. */
  accountEmail: string;
  /** Requests per second; enforced (429 rate_limit_exceeded) only when set. Headers always. */
  rateLimitPerSecond: number | undefined;
  dailyQuota: number | undefined;
  dailyQuotaUsed: number;
  monthlyQuota: number | undefined;
  monthlyQuotaUsed: number;
  /** Refuse `@example.com` / `@test.com` recipients with 422, as Resend's docs describe. Default false. */
  rejectReservedRecipients: boolean;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

export function settingsOf(ctx: SessionContext): ResendSettings {
  const s = ctx.settings;
  return {
    deliveryDelaySeconds: num(s.deliveryDelaySeconds) ?? 3,
    domainVerificationSeconds: num(s.domainVerificationSeconds) ?? 5,
    domainVerificationOutcome: s.domainVerificationOutcome === 'failed' ? 'failed' : 'verified',
    accountEmail: typeof s.accountEmail === 'string' ? s.accountEmail : 'owner@example.com',
    rateLimitPerSecond: num(s.rateLimitPerSecond),
    dailyQuota: num(s.dailyQuota),
    dailyQuotaUsed: num(s.dailyQuotaUsed) ?? 0,
    monthlyQuota: num(s.monthlyQuota),
    monthlyQuotaUsed: num(s.monthlyQuotaUsed) ?? 0,
    rejectReservedRecipients: s.rejectReservedRecipients === true,
  };
}

/** The documented default team rate limit (requests per second) shown in headers. */
export const DEFAULT_RATE_LIMIT = 5;
