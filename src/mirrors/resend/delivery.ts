/**
 * The email lifecycle on the session clock:
 *   send → `sent` (email.sent now) → after `deliveryDelaySeconds` → `delivered` / `bounced` /
 *   `complained` / `suppressed` (decided by the test recipients), each with its webhook;
 *   scheduled → `scheduled` (email.scheduled) → at `scheduled_at` → the send above;
 *   scheduled → `canceled`.
 * Simulated events (`/_mirra/simulate`) go through `applyEmailEvent`, the same code path.
 */
import type { SessionContext } from '../core/context.js';
import type { EmailRow, LastEvent } from './types.js';
import { emitEmailEvent } from './events.js';
import { settingsOf } from './settings.js';
import { testOutcome } from './addresses.js';
import { iso } from './timestamps.js';

export const DELIVER_TIMER = 'email.deliver';
export const SEND_TIMER = 'email.send';

export const HARD_BOUNCE = {
  message:
    "The recipient's email provider sent a hard bounce message, but didn't specify the reason for the hard bounce. We recommend removing the recipient's email address from your mailing list. Sending messages to addresses that produce hard bounces can have a negative impact on your reputation as a sender.",
  subType: 'General',
  type: 'Permanent',
};

export function cancelEmailTimers(ctx: SessionContext, emailId: string, kind?: string): void {
  for (const t of ctx.timers.pending(kind)) {
    if ((t.kind === DELIVER_TIMER || t.kind === SEND_TIMER) && (t.payload as { emailId?: string } | null)?.emailId === emailId) ctx.timers.cancel(t.id);
  }
}

export function setLastEvent(ctx: SessionContext, email: EmailRow, event: LastEvent): EmailRow {
  return ctx.db.update<EmailRow>('emails', email.id, { last_event: event }) ?? email;
}

/** Hand an email to "the MTA": `sent` now, the outcome after the delivery delay. */
export function dispatchEmail(ctx: SessionContext, email: EmailRow): EmailRow {
  const sent = setLastEvent(ctx, email, 'sent');
  emitEmailEvent(ctx, 'email.sent', sent);
  ctx.timers.schedule(DELIVER_TIMER, settingsOf(ctx).deliveryDelaySeconds * 1000, { emailId: email.id });
  return sent;
}

/** Schedule a `scheduled_at` send (cancelling an earlier schedule of the same email). */
export function scheduleSend(ctx: SessionContext, email: EmailRow, atMs: number): void {
  cancelEmailTimers(ctx, email.id, SEND_TIMER);
  ctx.timers.schedule(SEND_TIMER, { at: Math.max(atMs, ctx.now()) }, { emailId: email.id });
}

function recipients(email: EmailRow): string[] {
  return [...email.to, ...(email.cc ?? []), ...(email.bcc ?? [])];
}

/** The outcome the test recipients ask for; anyone else is delivered. */
export function outcomeOf(email: EmailRow): 'delivered' | 'bounced' | 'complained' | 'suppressed' {
  const outcomes = recipients(email).map(testOutcome);
  if (outcomes.includes('bounced')) return 'bounced';
  if (outcomes.includes('suppressed')) return 'suppressed';
  if (outcomes.includes('complained')) return 'complained';
  return 'delivered';
}

export interface EmailEventFields {
  bounce?: { type?: string; reason?: string; subType?: string };
  link?: string;
  reason?: string;
  ipAddress?: string;
  userAgent?: string;
  delaySeconds?: number;
}

/** Apply one real-world email event: state change first, then its webhook. */
export function applyEmailEvent(ctx: SessionContext, email: EmailRow, type: string, fields: EmailEventFields = {}): EmailRow {
  switch (type) {
    case 'email.delivered': {
      cancelEmailTimers(ctx, email.id, DELIVER_TIMER);
      const row = setLastEvent(ctx, email, 'delivered');
      emitEmailEvent(ctx, 'email.delivered', row);
      return row;
    }
    case 'email.bounced': {
      cancelEmailTimers(ctx, email.id, DELIVER_TIMER);
      const kind = (fields.bounce?.type ?? 'hard').toLowerCase();
      const permanent = kind === 'hard' || kind === 'permanent';
      const bounce = {
        message: fields.bounce?.reason ?? (permanent ? HARD_BOUNCE.message : 'The recipient\'s mailbox is temporarily unavailable.'),
        subType: fields.bounce?.subType ?? (permanent ? 'General' : 'MailboxFull'),
        type: permanent ? 'Permanent' : kind === 'undetermined' ? 'Undetermined' : 'Transient',
      };
      const row = setLastEvent(ctx, email, 'bounced');
      emitEmailEvent(ctx, 'email.bounced', row, { bounce });
      return row;
    }
    case 'email.complained': {
      cancelEmailTimers(ctx, email.id, DELIVER_TIMER);
      const row = setLastEvent(ctx, email, 'complained');
      emitEmailEvent(ctx, 'email.complained', row);
      return row;
    }
    case 'email.opened': {
      const row = setLastEvent(ctx, email, 'opened');
      emitEmailEvent(ctx, 'email.opened', row);
      return row;
    }
    case 'email.clicked': {
      const row = setLastEvent(ctx, email, 'clicked');
      emitEmailEvent(ctx, 'email.clicked', row, {
        click: {
          ipAddress: fields.ipAddress ?? '203.0.113.7',
          link: fields.link ?? 'https://example.com',
          timestamp: iso(ctx.now()),
          userAgent: fields.userAgent ?? 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
        },
      });
      return row;
    }
    case 'email.delivery_delayed': {
      // A temporary problem downstream: delivery is retried later (`delaySeconds`, default 300).
      cancelEmailTimers(ctx, email.id, DELIVER_TIMER);
      const row = setLastEvent(ctx, email, 'delivery_delayed');
      emitEmailEvent(ctx, 'email.delivery_delayed', row);
      ctx.timers.schedule(DELIVER_TIMER, (fields.delaySeconds ?? 300) * 1000, { emailId: email.id });
      return row;
    }
    case 'email.failed': {
      cancelEmailTimers(ctx, email.id);
      const row = setLastEvent(ctx, email, 'failed');
      emitEmailEvent(ctx, 'email.failed', row, { failed: { reason: fields.reason ?? 'reached_daily_quota' } });
      return row;
    }
    case 'email.suppressed': {
      cancelEmailTimers(ctx, email.id, DELIVER_TIMER);
      const row = setLastEvent(ctx, email, 'suppressed');
      emitEmailEvent(ctx, 'email.suppressed', row, {
        suppressed: { message: 'This email address is on the suppression list because it has a recent history of bounces or complaints.', type: 'OnAccountSuppressionList' },
      });
      return row;
    }
    default:
      throw new Error(`Unknown email event ${type}`);
  }
}

/** Timer: the downstream outcome of a sent email. */
export function onDeliverTimer(ctx: SessionContext, payload: { emailId: string }): void {
  const email = ctx.db.get<EmailRow>('emails', payload.emailId);
  if (!email || (email.last_event !== 'sent' && email.last_event !== 'delivery_delayed')) return;
  switch (outcomeOf(email)) {
    case 'bounced':
      applyEmailEvent(ctx, email, 'email.bounced');
      return;
    case 'suppressed':
      applyEmailEvent(ctx, email, 'email.suppressed');
      return;
    case 'complained': {
      // A complaint comes after the message was delivered.
      const delivered = applyEmailEvent(ctx, email, 'email.delivered');
      applyEmailEvent(ctx, delivered, 'email.complained');
      return;
    }
    default:
      applyEmailEvent(ctx, email, 'email.delivered');
  }
}

/** Timer: a scheduled email's time has come. */
export function onSendTimer(ctx: SessionContext, payload: { emailId: string }): void {
  const email = ctx.db.get<EmailRow>('emails', payload.emailId);
  if (!email || email.last_event !== 'scheduled') return;
  dispatchEmail(ctx, email);
}
