/**
 * Messages (`/2010-04-01/Accounts/{AccountSid}/Messages.json`): create (SMS/MMS, From or
 * MessagingServiceSid, scheduling), fetch, list with Twilio paging, update (redact,
 * cancel a scheduled message) and delete.
 */
import type { RouteDefinition } from '../../core/definition.js';
import type { RouteContext } from '../../core/context.js';
import { fail, notFound, tooManyRequests } from '../errors.js';
import { accountPath, parseDate, rfc2822, strs } from '../format.js';
import { FINAL_MESSAGE_STATUSES, type MessageRow, type MessagingServiceRow, type PhoneNumberRow } from '../types.js';
import { MAGIC_FROM, MAGIC_TO, MAGIC_VALID_FROM, normalizePhone } from '../phone.js';
import { renderMessage } from '../render.js';
import { page2010 } from '../paging.js';
import { settingsOf } from '../settings.js';
import { queueOutboundMessage, setMessageStatus } from '../lifecycle.js';
import { field, form, isHttpUrl, requireAccount, sidParam } from './common.js';

const MAX_BODY = 1600;
const MAX_MEDIA = 10;
const MIN_SCHEDULE_MS = 15 * 60 * 1000;
const MAX_SCHEDULE_MS = 35 * 24 * 60 * 60 * 1000;

function loadMessage(ctx: RouteContext): MessageRow {
  const msg = ctx.db.get<MessageRow>('messages', sidParam(ctx));
  if (!msg || msg.source === 'verify') notFound(ctx.req.path);
  return msg!;
}

function resolveFrom(ctx: RouteContext, rawFrom: string): string {
  const magic = MAGIC_FROM[rawFrom];
  if (magic) fail(400, magic.code, magic.message(rawFrom));
  const from = normalizePhone(rawFrom);
  if (!from) fail(400, 21212, `The 'From' number ${rawFrom} is not a valid phone number, shortcode, or alphanumeric sender ID.`);
  if (from === MAGIC_VALID_FROM) return from!;
  const owned = ctx.db.find<PhoneNumberRow>('incoming_phone_numbers', { phone_number: from! });
  if (!owned || !owned.capabilities.sms) {
    fail(400, 21606, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`);
  }
  return from!;
}

function createMessage(ctx: RouteContext) {
  requireAccount(ctx);
  const f = form(ctx);
  const s = settingsOf(ctx);
  if (s.sendRateLimit) {
    const rl = ctx.rateLimit('messages.create', { limit: s.sendRateLimit.limit, windowMs: s.sendRateLimit.windowSeconds * 1000 });
    if (!rl.allowed) tooManyRequests();
  }
  const rawTo = field(f, 'To');
  if (rawTo === undefined || rawTo.trim() === '') fail(400, 21604, "A 'To' phone number is required.");
  const to = normalizePhone(rawTo!);
  if (!to) fail(400, 21211, `The 'To' number ${rawTo} is not a valid phone number.`);

  const rawFrom = field(f, 'From');
  const serviceSid = field(f, 'MessagingServiceSid');
  let service: MessagingServiceRow | undefined;
  if (serviceSid !== undefined && serviceSid !== '') {
    service = ctx.db.get<MessagingServiceRow>('messaging_services', serviceSid);
    if (!service) fail(400, 21701, `The Messaging Service Sid ${serviceSid} is invalid.`);
  }
  if ((rawFrom === undefined || rawFrom === '') && !service) fail(400, 21603, "A 'From' phone number is required.");
  const from = rawFrom !== undefined && rawFrom !== '' ? resolveFrom(ctx, rawFrom) : null;

  const magicTo = MAGIC_TO[to!];
  if (magicTo) fail(400, magicTo.code, magicTo.message(to!, from ?? ''));

  const body = field(f, 'Body') ?? '';
  const media = strs(f.MediaUrl);
  const contentSid = field(f, 'ContentSid');
  if (body === '' && media.length === 0 && !contentSid) fail(400, 21602, 'Message body is required.');
  if (body.length > MAX_BODY) fail(400, 21617, `The concatenated message body exceeds the ${MAX_BODY} character limit.`);
  if (media.length > MAX_MEDIA) fail(400, 21623, `The number of media files exceeds the ${MAX_MEDIA} allowed per message.`);
  for (const url of media) if (!isHttpUrl(url)) fail(400, 21620, `Invalid media URL(s): ${url}`);

  const statusCallback = field(f, 'StatusCallback');
  if (statusCallback !== undefined && statusCallback !== '' && !isHttpUrl(statusCallback)) {
    fail(400, 21609, `The StatusCallback URL ${statusCallback} is not a valid URL.`);
  }

  let sendAt: string | null = null;
  const scheduleType = field(f, 'ScheduleType');
  if (scheduleType !== undefined) {
    if (scheduleType !== 'fixed') fail(400, 35111, `Invalid ScheduleType: ${scheduleType}. ScheduleType must be 'fixed'.`);
    if (!service) fail(400, 35118, 'MessagingServiceSid is required to schedule a message.');
    const at = Date.parse(field(f, 'SendAt') ?? '');
    if (!Number.isFinite(at)) fail(400, 35114, 'SendAt is required and must be a valid ISO-8601 date-time to schedule a message.');
    const ahead = at - ctx.now();
    if (ahead < MIN_SCHEDULE_MS || ahead > MAX_SCHEDULE_MS) {
      fail(400, 35114, 'Scheduled delivery time must be at least 900 seconds and no more than 3024000 seconds (35 days) in the future.');
    }
    sendAt = new Date(at).toISOString();
  }

  const msg = queueOutboundMessage(ctx, {
    body,
    from,
    to: to!,
    media,
    messagingServiceSid: service?.sid ?? null,
    statusCallback: statusCallback || service?.status_callback || null,
    status: sendAt ? 'scheduled' : from ? 'queued' : 'accepted',
    source: 'api',
    sendAt,
  });
  return ctx.reply(201, renderMessage(msg));
}

function listMessages(ctx: RouteContext) {
  requireAccount(ctx);
  const q = ctx.req.query;
  const filters: Array<[string, string]> = [];
  const to = typeof q.To === 'string' ? q.To : undefined;
  const from = typeof q.From === 'string' ? q.From : undefined;
  const day = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
  const on = day('DateSent');
  const before = day('DateSent<');
  const after = day('DateSent>');
  if (to !== undefined) filters.push(['To', to]);
  if (from !== undefined) filters.push(['From', from]);
  if (on !== undefined) filters.push(['DateSent', on]);
  if (before !== undefined) filters.push(['DateSent<', before]);
  if (after !== undefined) filters.push(['DateSent>', after]);
  const bound = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const t = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
    if (!Number.isFinite(t)) fail(400, 20001, `Invalid ${name}: ${v}`);
    return t;
  };
  const onMs = bound(on, 'DateSent');
  const beforeMs = bound(before, 'DateSent<');
  const afterMs = bound(after, 'DateSent>');
  const toNorm = to !== undefined ? (normalizePhone(to) ?? to) : undefined;
  const fromNorm = from !== undefined ? (normalizePhone(from) ?? from) : undefined;
  const rows = ctx.db.list<MessageRow>('messages', { order: 'desc' }).filter((m) => {
    if (m.source === 'verify') return false;
    if (toNorm !== undefined && m.to !== toNorm) return false;
    if (fromNorm !== undefined && m.from !== fromNorm) return false;
    if (onMs !== undefined || beforeMs !== undefined || afterMs !== undefined) {
      const sent = parseDate(m.date_sent);
      if (!Number.isFinite(sent)) return false;
      if (onMs !== undefined && (sent < onMs || sent >= onMs + 86_400_000)) return false;
      if (beforeMs !== undefined && sent >= beforeMs + (before!.length === 10 ? 86_400_000 : 0)) return false;
      if (afterMs !== undefined && sent < afterMs) return false;
    }
    return true;
  });
  return ctx.reply(200, page2010(ctx, 'messages', `${accountPath(ctx)}/Messages.json`, rows, (m) => m.sid, renderMessage, filters));
}

function updateMessage(ctx: RouteContext) {
  requireAccount(ctx);
  const msg = loadMessage(ctx);
  const f = form(ctx);
  const status = field(f, 'Status');
  const body = field(f, 'Body');
  if (status !== undefined) {
    if (status !== 'canceled') fail(400, 20001, `Invalid Status: ${status}. Status can only be 'canceled'.`);
    if (msg.status !== 'scheduled') fail(400, 30409, `Message ${msg.sid} cannot be canceled: only scheduled messages can be canceled.`);
    return ctx.reply(200, renderMessage(setMessageStatus(ctx, msg, 'canceled')));
  }
  if (body !== undefined) {
    if (body !== '') fail(400, 20001, 'Body can only be updated to an empty string (redaction).');
    if (!FINAL_MESSAGE_STATUSES.includes(msg.status)) fail(400, 20009, `Cannot redact message ${msg.sid} because delivery has not been completed.`);
    const now = rfc2822(ctx.now());
    return ctx.reply(200, renderMessage(ctx.db.update<MessageRow>('messages', msg.sid, { body: '', date_updated: now })!));
  }
  return ctx.reply(200, renderMessage(msg));
}

function deleteMessage(ctx: RouteContext) {
  requireAccount(ctx);
  const msg = loadMessage(ctx);
  if (!FINAL_MESSAGE_STATUSES.includes(msg.status)) fail(409, 20009, `Cannot delete message ${msg.sid} because delivery has not been completed.`);
  ctx.db.remove('messages', msg.sid);
  return ctx.reply(204);
}

const base = '/2010-04-01/Accounts/:account';

export const messageRoutes: RouteDefinition[] = [
  { method: 'POST', path: `${base}/Messages.json`, handler: createMessage, description: 'Send an SMS/MMS' },
  { method: 'GET', path: `${base}/Messages.json`, handler: listMessages, description: 'List messages (newest first)' },
  { method: 'GET', path: `${base}/Messages/:sid`, handler: (ctx) => (requireAccount(ctx), ctx.reply(200, renderMessage(loadMessage(ctx)))), description: 'Fetch a message' },
  { method: 'POST', path: `${base}/Messages/:sid`, handler: updateMessage, description: 'Redact (Body="") or cancel (Status=canceled) a message' },
  { method: 'DELETE', path: `${base}/Messages/:sid`, handler: deleteMessage, description: 'Delete a message' },
];
