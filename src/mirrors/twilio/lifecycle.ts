/**
 * The outbound message state machine on the session clock:
 * `accepted` (messaging service) / `scheduled` → `queued` → `sending` → `sent` →
 * `delivered` | `undelivered` | `failed`. Each transition is a timer row, updates the
 * message and posts its StatusCallback. A timer carries the status it expects to leave,
 * so a simulate event that moved the message on makes stale timers no-ops.
 */
import type { SessionContext } from '../core/context.js';
import { emitStatusCallback } from './callbacks.js';
import { API_VERSION, newSid, rfc2822 } from './format.js';
import { segmentCount } from './phone.js';
import { settingsOf } from './settings.js';
import type { MessageRow, MessageStatus, PhoneNumberRow } from './types.js';

export const ADVANCE_TIMER = 'twilio.message.advance';

/** Carrier error texts for the 30xxx codes. */
export const DELIVERY_ERRORS: Record<number, string> = {
  30001: 'Queue overflow',
  30002: 'Account suspended',
  30003: 'Unreachable destination handset',
  30004: 'Message blocked',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30007: 'Carrier violation',
  30008: 'Unknown error',
  30010: 'Message price exceeds max price',
};

/** Price per segment, as Twilio reports it (negative, 5 decimals). */
const PRICE_PER_SEGMENT = 0.0079;

export function setMessageStatus(ctx: SessionContext, msg: MessageRow, status: MessageStatus, patch: Partial<MessageRow> = {}): MessageRow {
  const now = rfc2822(ctx.now());
  const updated = ctx.db.update<MessageRow>('messages', msg.sid, { ...patch, status, date_updated: now })!;
  emitStatusCallback(ctx, updated);
  return updated;
}

function schedule(ctx: SessionContext, msg: MessageRow, delaySeconds: number): void {
  ctx.timers.schedule(ADVANCE_TIMER, Math.round(delaySeconds * 1000), { sid: msg.sid, from: msg.status });
}

/** Pick the sender from a messaging service's pool: sticky per recipient, else round-robin by recipients. */
export function pickPoolSender(ctx: SessionContext, serviceSid: string, to: string): string | undefined {
  const pool = ctx.db.list<PhoneNumberRow>('incoming_phone_numbers', { where: { messaging_service_sid: serviceSid } }).filter((n) => n.capabilities.sms);
  if (pool.length === 0) return undefined;
  const previous = ctx.db
    .list<MessageRow>('messages', { where: { messaging_service_sid: serviceSid, to }, order: 'desc' })
    .find((m) => m.from && pool.some((n) => n.phone_number === m.from));
  if (previous?.from) return previous.from;
  const recipients = new Set(ctx.db.list<MessageRow>('messages', { where: { messaging_service_sid: serviceSid } }).filter((m) => m.from).map((m) => m.to));
  return pool[recipients.size % pool.length].phone_number;
}

/** Start the timeline of a freshly created outbound message (its first status is already stored). */
export function startTimeline(ctx: SessionContext, msg: MessageRow): void {
  emitStatusCallback(ctx, msg);
  if (msg.status === 'scheduled') {
    const at = Date.parse(msg.send_at ?? '');
    ctx.timers.schedule(ADVANCE_TIMER, { at: Number.isFinite(at) ? at : ctx.now() }, { sid: msg.sid, from: 'scheduled' });
  } else if (msg.status === 'accepted') schedule(ctx, msg, 0);
  else schedule(ctx, msg, settingsOf(ctx).sendingDelaySeconds);
}

export function onAdvanceTimer(ctx: SessionContext, payload: { sid: string; from: MessageStatus }): void {
  const msg = ctx.db.get<MessageRow>('messages', payload.sid);
  if (!msg || msg.status !== payload.from) return;
  const s = settingsOf(ctx);
  switch (msg.status) {
    case 'accepted':
    case 'scheduled': {
      const from = msg.from ?? (msg.messaging_service_sid ? pickPoolSender(ctx, msg.messaging_service_sid, msg.to) : undefined);
      if (!from) {
        setMessageStatus(ctx, msg, 'failed', { error_code: 21704, error_message: 'The Messaging Service contains no phone numbers' });
        return;
      }
      const next = setMessageStatus(ctx, msg, 'queued', { from });
      schedule(ctx, next, s.sendingDelaySeconds);
      return;
    }
    case 'queued':
      schedule(ctx, setMessageStatus(ctx, msg, 'sending'), s.sentDelaySeconds);
      return;
    case 'sending': {
      const segments = Number(msg.num_segments) || 1;
      const next = setMessageStatus(ctx, msg, 'sent', { date_sent: rfc2822(ctx.now()), price: (-PRICE_PER_SEGMENT * segments).toFixed(5) });
      schedule(ctx, next, s.deliveredDelaySeconds);
      return;
    }
    case 'sent': {
      const outcome = s.deliveryOutcomes[msg.to];
      if (outcome) finishWithError(ctx, msg, outcome.status, outcome.errorCode);
      else setMessageStatus(ctx, msg, 'delivered');
      return;
    }
    default:
      return;
  }
}

/** End a message `failed` or `undelivered` with a 30xxx error (timers left behind become no-ops). */
export function finishWithError(ctx: SessionContext, msg: MessageRow, status: 'failed' | 'undelivered', errorCode: number): MessageRow {
  return setMessageStatus(ctx, msg, status, { error_code: errorCode, error_message: DELIVERY_ERRORS[errorCode] ?? null, price: status === 'failed' ? null : msg.price });
}

export interface OutboundMessage {
  body: string;
  from: string | null;
  to: string;
  media?: string[];
  messagingServiceSid?: string | null;
  statusCallback?: string | null;
  status: MessageRow['status'];
  source: MessageRow['source'];
  sendAt?: string | null;
}

/** Store an outbound message (API send or a Verify code) and start its status timeline. */
export function queueOutboundMessage(ctx: SessionContext, m: OutboundMessage): MessageRow {
  const now = rfc2822(ctx.now());
  const media = m.media ?? [];
  const sid = newSid(ctx, media.length > 0 ? 'MM' : 'SM');
  const row: MessageRow = {
    id: sid,
    sid,
    account_sid: ctx.credentials.apiKey,
    api_version: API_VERSION,
    body: m.body,
    date_created: now,
    date_sent: null,
    date_updated: now,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: m.from,
    to: m.to,
    messaging_service_sid: m.messagingServiceSid ?? null,
    num_media: String(media.length),
    num_segments: String(segmentCount(m.body)),
    price: null,
    price_unit: 'USD',
    status: m.status,
    media_urls: media,
    status_callback: m.statusCallback ?? null,
    source: m.source,
    send_at: m.sendAt ?? null,
  };
  const msg = ctx.db.insert('messages', row);
  startTimeline(ctx, msg);
  return msg;
}
