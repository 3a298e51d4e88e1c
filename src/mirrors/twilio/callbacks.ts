/**
 * Status callbacks and incoming-message webhooks. Twilio posts form-encoded parameters to
 * a URL given per request (`StatusCallback`) or per number (`SmsUrl`), signed with
 * `X-Twilio-Signature` over that exact URL plus the sorted parameters, keyed with the
 * account's Auth Token. Each distinct URL becomes an engine webhook endpoint (secret = the
 * Auth Token), and every callback is emitted to that one endpoint, so deliveries, attempts
 * and signatures are recorded like any other webhook.
 */
import type { SessionContext } from '../core/context.js';
import { API_VERSION } from './format.js';
import type { MessageRow } from './types.js';

export const STATUS_CALLBACK_EVENT = 'message.status';
export const INCOMING_MESSAGE_EVENT = 'message.incoming';
export const EVENT_TYPES = [STATUS_CALLBACK_EVENT, INCOMING_MESSAGE_EVENT];

function endpointFor(ctx: SessionContext, url: string, type: string): string {
  const existing = ctx.webhooks.list().find((e) => e.url === url && e.events.includes(type));
  if (existing) return existing.id;
  return ctx.webhooks.register({ url, events: [type], data: { source: type === STATUS_CALLBACK_EVENT ? 'StatusCallback' : 'SmsUrl' } }).id;
}

/** The parameters Twilio sends to a message's StatusCallback. */
export function statusCallbackParams(msg: MessageRow): Record<string, string> {
  const params: Record<string, string> = {
    SmsSid: msg.sid,
    SmsStatus: msg.status,
    MessageStatus: msg.status,
    To: msg.to,
    MessageSid: msg.sid,
    AccountSid: msg.account_sid,
    From: msg.from ?? '',
    ApiVersion: API_VERSION,
  };
  if (msg.messaging_service_sid) params.MessagingServiceSid = msg.messaging_service_sid;
  if (msg.error_code !== null && (msg.status === 'failed' || msg.status === 'undelivered')) params.ErrorCode = String(msg.error_code);
  return params;
}

/** POST the message's current status to its StatusCallback, if it has one. */
export function emitStatusCallback(ctx: SessionContext, msg: MessageRow): void {
  if (!msg.status_callback) return;
  ctx.webhooks.emit(STATUS_CALLBACK_EVENT, statusCallbackParams(msg), { endpointIds: [endpointFor(ctx, msg.status_callback, STATUS_CALLBACK_EVENT)] });
}

/** POST an inbound message to the receiving number's SmsUrl. */
export function emitIncoming(ctx: SessionContext, url: string, params: Record<string, string>): void {
  ctx.webhooks.emit(INCOMING_MESSAGE_EVENT, params, { endpointIds: [endpointFor(ctx, url, INCOMING_MESSAGE_EVENT)] });
}
