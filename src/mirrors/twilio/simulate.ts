/**
 * `/_mirra/simulate` events. Each runs the state change the real event implies through the
 * same code as the API and timer paths (status, error code, StatusCallback).
 */
import type { SimulateEvent } from '../core/definition.js';
import type { SessionContext } from '../core/context.js';
import { fail } from './errors.js';
import { API_VERSION, accountPath, newSid, rfc2822, str, strs } from './format.js';
import { normalizePhone, segmentCount } from './phone.js';
import { FINAL_MESSAGE_STATUSES, type MessageRow, type MessagingServiceRow, type PhoneNumberRow, type VerificationRow } from './types.js';
import { finishWithError, pickPoolSender, setMessageStatus } from './lifecycle.js';
import { emitIncoming } from './callbacks.js';
import { checkCode } from './routes/verify.js';
import { renderMessage, renderVerificationCheck } from './render.js';

function loadMessage(ctx: SessionContext, fields: Record<string, unknown>): MessageRow {
  const sid = str(fields.messageId ?? fields.messageSid ?? fields.sid);
  if (!sid) fail(400, 20001, 'Missing required field messageId');
  const msg = ctx.db.get<MessageRow>('messages', sid!);
  if (!msg) fail(404, 20404, `The requested resource ${accountPath(ctx)}/Messages/${sid}.json was not found`);
  if (msg!.direction !== 'outbound-api') fail(400, 20001, `Message ${sid} is not an outbound message`);
  if (FINAL_MESSAGE_STATUSES.includes(msg!.status)) fail(400, 20001, `Message ${sid} is already ${msg!.status}`);
  return msg!;
}

function errorCodeOf(fields: Record<string, unknown>, fallback: number): number {
  const raw = fields.errorCode ?? fields.error_code;
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) fail(400, 20001, `Invalid errorCode: ${String(raw)}`);
  return n;
}

function endWith(status: 'failed' | 'undelivered', fallbackCode: number): SimulateEvent {
  return {
    description: `The message ends \`${status}\` with \`errorCode\` (default ${fallbackCode}); its StatusCallback receives MessageStatus=${status} and ErrorCode.`,
    fields: ['messageId', 'errorCode'],
    handler(ctx, fields) {
      const msg = loadMessage(ctx, fields);
      const row = finishWithError(ctx, msg, status, errorCodeOf(fields, fallbackCode));
      return renderMessage(row);
    },
  };
}

function loadVerification(ctx: SessionContext, fields: Record<string, unknown>): VerificationRow {
  const sid = str(fields.sid ?? fields.verificationSid);
  if (!sid) fail(400, 20001, 'Missing required field sid');
  const v = ctx.db.get<VerificationRow>('verifications', sid!);
  if (!v || (v.status !== 'pending' && v.status !== 'max_attempts_reached')) {
    fail(404, 20404, `The requested resource /Services/${v?.service_sid ?? 'VA'}/Verifications/${sid} was not found`);
  }
  return v!;
}

export const simulateEvents: Record<string, SimulateEvent> = {
  'message.failed': endWith('failed', 30008),
  'message.undelivered': endWith('undelivered', 30003),
  'message.delivered': {
    description: 'The carrier confirms delivery now: status `delivered` (date_sent and price filled if it had not been sent); StatusCallback MessageStatus=delivered.',
    fields: ['messageId'],
    handler(ctx, fields) {
      const msg = loadMessage(ctx, fields);
      const segments = Number(msg.num_segments) || 1;
      const row = setMessageStatus(ctx, msg, 'delivered', {
        from: msg.from ?? (msg.messaging_service_sid ? (pickPoolSender(ctx, msg.messaging_service_sid, msg.to) ?? null) : null),
        date_sent: msg.date_sent ?? rfc2822(ctx.now()),
        price: msg.price ?? (-0.0079 * segments).toFixed(5),
      });
      return renderMessage(row);
    },
  },
  'verify.check_failed': {
    description: 'A wrong code is checked against the verification (as `VerificationCheck` with a wrong `Code`); the 5th makes it `max_attempts_reached`.',
    fields: ['sid'],
    handler(ctx, fields) {
      return renderVerificationCheck(checkCode(ctx, loadVerification(ctx, fields), undefined));
    },
  },
  'verify.approved': {
    description: 'The right code is checked: status `approved`, valid true.',
    fields: ['sid'],
    handler(ctx, fields) {
      const v = loadVerification(ctx, fields);
      return renderVerificationCheck(checkCode(ctx, v, v.code));
    },
  },
  'verify.expired': {
    description: 'The code expires now (as after 10 minutes): status `expired`; checks answer 404 / 20404.',
    fields: ['sid'],
    handler(ctx, fields) {
      const v = loadVerification(ctx, fields);
      return ctx.db.update<VerificationRow>('verifications', v.sid, { status: 'expired' });
    },
  },
  'incoming.message': {
    description:
      "An SMS arrives at one of the account's numbers (`to`) from `from` with `body` (and `mediaUrls`): an inbound message (status `received`) is stored and POSTed, signed, to the number's SmsUrl (or its messaging service's InboundRequestUrl).",
    fields: ['to', 'from', 'body', 'mediaUrls'],
    handler(ctx, fields) {
      const to = normalizePhone(str(fields.to) ?? '');
      const from = normalizePhone(str(fields.from) ?? '');
      if (!to) fail(400, 21211, `The 'To' number ${String(fields.to)} is not a valid phone number.`);
      if (!from) fail(400, 21212, `The 'From' number ${String(fields.from)} is not a valid phone number, shortcode, or alphanumeric sender ID.`);
      const number = ctx.db.find<PhoneNumberRow>('incoming_phone_numbers', { phone_number: to! });
      if (!number) fail(404, 20404, `The requested resource ${accountPath(ctx)}/IncomingPhoneNumbers.json?PhoneNumber=${to} was not found`);
      const body = str(fields.body) ?? '';
      const media = strs(fields.mediaUrls);
      const service = number!.messaging_service_sid ? ctx.db.get<MessagingServiceRow>('messaging_services', number!.messaging_service_sid) : undefined;
      const now = rfc2822(ctx.now());
      const sid = newSid(ctx, media.length > 0 ? 'MM' : 'SM');
      const row: MessageRow = {
        id: sid,
        sid,
        account_sid: ctx.credentials.apiKey,
        api_version: API_VERSION,
        body,
        date_created: now,
        date_sent: now,
        date_updated: now,
        direction: 'inbound',
        error_code: null,
        error_message: null,
        from: from!,
        to: to!,
        messaging_service_sid: service?.sid ?? null,
        num_media: String(media.length),
        num_segments: String(segmentCount(body)),
        price: null,
        price_unit: 'USD',
        status: 'received',
        media_urls: media,
        status_callback: null,
        source: 'inbound',
        send_at: null,
      };
      ctx.db.insert('messages', row);
      const url = service && !service.use_inbound_webhook_on_number && service.inbound_request_url ? service.inbound_request_url : number!.sms_url || null;
      if (url) {
        const params: Record<string, string> = {
          ToCountry: to!.startsWith('+1') ? 'US' : '',
          ToState: '',
          SmsMessageSid: sid,
          NumMedia: String(media.length),
          ToCity: '',
          FromZip: '',
          SmsSid: sid,
          FromState: '',
          SmsStatus: 'received',
          FromCity: '',
          Body: body,
          FromCountry: from!.startsWith('+1') ? 'US' : '',
          To: to!,
          ToZip: '',
          NumSegments: row.num_segments,
          MessageSid: sid,
          AccountSid: ctx.credentials.apiKey,
          From: from!,
          ApiVersion: API_VERSION,
        };
        if (service) params.MessagingServiceSid = service.sid;
        media.forEach((m, i) => {
          params[`MediaUrl${i}`] = m;
          params[`MediaContentType${i}`] = 'image/jpeg';
        });
        emitIncoming(ctx, url, params);
      }
      return { message: renderMessage(row), webhookUrl: url };
    },
  },
};
