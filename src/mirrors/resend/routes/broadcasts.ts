/**
 * `/broadcasts`: create (draft, or send/schedule at creation), send/schedule, list, get,
 * update and delete drafts, cancel a scheduled one. Sending moves `draft → queued → sent`
 * on the session clock; per-recipient emails are not materialised (see docs gaps).
 */
import type { RouteDefinition, VendorReply } from '../../core/definition.js';
import type { RouteContext, SessionContext } from '../../core/context.js';
import type { AudienceRow, BroadcastRow } from '../types.js';
import { fail, invalidField, missingField, notFound } from '../errors.js';
import { objectBody, optBool, optString, addressList, type Body } from '../validation.js';
import { parseAddress } from '../addresses.js';
import { parseSchedule, pgTimestamp } from '../timestamps.js';
import { limited } from '../limits.js';
import { newUuid } from '../ids.js';
import { checkSender } from './emails.js';
import { page, paginate, readPageParams } from '../pagination.js';

export const BROADCAST_TIMER = 'broadcast.send';
const SEND_DELAY_MS = 1000;

function load(ctx: SessionContext, id: string): BroadcastRow {
  const b = ctx.db.get<BroadcastRow>('broadcasts', id);
  if (!b) notFound('Broadcast');
  return b!;
}

function readSegment(ctx: SessionContext, body: Body): string | undefined {
  const seg = optString(body, 'segment_id') ?? optString(body, 'audience_id') ?? undefined;
  if (seg === undefined) return undefined;
  if (!ctx.db.get<AudienceRow>('audiences', seg)) notFound('Segment');
  return seg;
}

function readFrom(body: Body): string | undefined {
  const from = optString(body, 'from') ?? undefined;
  if (from !== undefined && !parseAddress(from)) invalidField('Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.');
  return from;
}

function readSchedule(ctx: SessionContext, body: Body): number | null {
  const s = optString(body, 'scheduled_at');
  if (!s) return null;
  const at = parseSchedule(s, ctx.now());
  if (!Number.isFinite(at)) invalidField('Invalid `scheduled_at` field. The date should be in ISO 8601 format (e.g: 2024-08-05T11:52:01.858Z) or in natural language (e.g: in 1 min).');
  return at > ctx.now() ? at : null;
}

/** Queue a broadcast for sending now or at `at`. */
function assertSendable(ctx: SessionContext, b: BroadcastRow): void {
  if (b.status !== 'draft') invalidField(`Broadcast with id \`${b.id}\` has already been ${b.status === 'sent' ? 'sent' : 'queued'}.`);
  if (!b.from) missingField('from');
  if (!b.subject) missingField('subject');
  if (!b.segment_id && !b.audience_id) missingField('segment_id');
  if (!b.html && !b.text) missingField('html` or `text');
  const p = parseAddress(b.from!)!;
  checkSender(ctx, { fromDomain: p.domain, to: [], cc: null, bcc: null });
}

function queue(ctx: SessionContext, b: BroadcastRow, at: number | null): BroadcastRow {
  assertSendable(ctx, b);
  const row = ctx.db.update<BroadcastRow>('broadcasts', b.id, { status: 'queued', scheduled_at: at !== null ? pgTimestamp(at) : null })!;
  ctx.timers.schedule(BROADCAST_TIMER, at !== null ? { at } : SEND_DELAY_MS, { broadcastId: b.id });
  return row;
}

export function onBroadcastTimer(ctx: SessionContext, payload: { broadcastId: string }): void {
  const b = ctx.db.get<BroadcastRow>('broadcasts', payload.broadcastId);
  if (!b || b.status !== 'queued') return;
  ctx.db.update<BroadcastRow>('broadcasts', b.id, { status: 'sent', sent_at: pgTimestamp(ctx.now()) });
}

export function serializeBroadcast(b: BroadcastRow): Record<string, unknown> {
  return {
    object: 'broadcast',
    id: b.id,
    name: b.name,
    audience_id: b.audience_id,
    segment_id: b.segment_id,
    from: b.from,
    subject: b.subject,
    reply_to: b.reply_to,
    preview_text: b.preview_text,
    html: b.html,
    text: b.text,
    status: b.status,
    created_at: b.created_at,
    scheduled_at: b.scheduled_at,
    sent_at: b.sent_at,
    topic_id: b.topic_id,
  };
}

function create(ctx: RouteContext): VendorReply {
  const body = objectBody(ctx.req.body);
  const from = readFrom(body);
  if (from === undefined) missingField('from');
  const subject = optString(body, 'subject');
  if (!subject) missingField('subject');
  const segment = readSegment(ctx, body);
  if (segment === undefined) missingField('segment_id');
  const html = optString(body, 'html') ?? null;
  const text = optString(body, 'text') ?? null;
  const sendNow = optBool(body, 'send') ?? false;
  const at = readSchedule(ctx, body);
  if (at !== null && !sendNow) invalidField('The `scheduled_at` field can only be used together with `send: true`.');
  const row: BroadcastRow = {
    object: 'broadcast',
    id: newUuid(ctx),
    name: optString(body, 'name') ?? '',
    segment_id: body.segment_id !== undefined ? segment! : null,
    audience_id: body.audience_id !== undefined ? segment! : null,
    from: from!,
    subject: subject!,
    reply_to: addressList(body, 'reply_to'),
    preview_text: optString(body, 'preview_text') ?? null,
    status: 'draft',
    created_at: pgTimestamp(ctx.now()),
    scheduled_at: null,
    sent_at: null,
    topic_id: optString(body, 'topic_id') ?? null,
    html,
    text,
  };
  if (!row.segment_id && !row.audience_id) row.segment_id = segment!;
  if (sendNow) assertSendable(ctx, row);
  const stored = ctx.db.insert('broadcasts', row) as BroadcastRow;
  if (sendNow) queue(ctx, stored, at);
  return ctx.reply(201, { id: stored.id });
}

function send(ctx: RouteContext): VendorReply {
  const body = objectBody(ctx.req.body);
  const b = load(ctx, ctx.req.params.id);
  queue(ctx, b, readSchedule(ctx, body));
  return ctx.reply(200, { id: b.id });
}

function get(ctx: RouteContext): VendorReply {
  return ctx.reply(200, serializeBroadcast(load(ctx, ctx.req.params.id)));
}

function list(ctx: RouteContext): VendorReply {
  const { rows, hasMore } = paginate<BroadcastRow>(ctx.db, 'broadcasts', readPageParams(ctx.req.query));
  return ctx.reply(
    200,
    page(
      rows.map((b) => ({ id: b.id, name: b.name, audience_id: b.audience_id, segment_id: b.segment_id, status: b.status, created_at: b.created_at, scheduled_at: b.scheduled_at, sent_at: b.sent_at })),
      hasMore,
    ),
  );
}

function update(ctx: RouteContext): VendorReply {
  const body = objectBody(ctx.req.body);
  const b = load(ctx, ctx.req.params.id);
  if (b.status !== 'draft') invalidField(`Broadcast with id \`${b.id}\` cannot be updated because it is not a draft.`);
  const patch: Partial<BroadcastRow> = {};
  const from = readFrom(body);
  if (from !== undefined) patch.from = from;
  for (const f of ['name', 'subject', 'html', 'text', 'preview_text', 'topic_id'] as const) {
    const v = optString(body, f);
    if (v !== undefined) (patch as Record<string, unknown>)[f] = v;
  }
  if (body.segment_id !== undefined || body.audience_id !== undefined) {
    const seg = readSegment(ctx, body);
    if (body.segment_id !== undefined) patch.segment_id = seg ?? null;
    if (body.audience_id !== undefined) patch.audience_id = seg ?? null;
  }
  if (body.reply_to !== undefined) patch.reply_to = addressList(body, 'reply_to');
  ctx.db.update('broadcasts', b.id, patch);
  return ctx.reply(200, { id: b.id });
}

function remove(ctx: RouteContext): VendorReply {
  const b = load(ctx, ctx.req.params.id);
  if (b.status === 'sent' || (b.status === 'queued' && !b.scheduled_at)) {
    fail(422, 'validation_error', `Broadcast with id \`${b.id}\` cannot be deleted because it has already been ${b.status}.`);
  }
  for (const t of ctx.timers.pending(BROADCAST_TIMER)) if ((t.payload as { broadcastId?: string })?.broadcastId === b.id) ctx.timers.cancel(t.id);
  ctx.db.remove('broadcasts', b.id);
  return ctx.reply(200, { object: 'broadcast', id: b.id, deleted: true });
}

function cancel(ctx: RouteContext): VendorReply {
  const b = load(ctx, ctx.req.params.id);
  if (b.status !== 'queued' || !b.scheduled_at) invalidField(`Broadcast with id \`${b.id}\` cannot be canceled because it is not scheduled.`);
  for (const t of ctx.timers.pending(BROADCAST_TIMER)) if ((t.payload as { broadcastId?: string })?.broadcastId === b.id) ctx.timers.cancel(t.id);
  ctx.db.update('broadcasts', b.id, { status: 'draft', scheduled_at: null });
  return ctx.reply(200, { object: 'broadcast', id: b.id });
}

export const broadcastRoutes: RouteDefinition[] = [
  { method: 'POST', path: '/broadcasts', handler: limited(create), description: 'Create a broadcast' },
  { method: 'GET', path: '/broadcasts', handler: limited(list), description: 'List broadcasts' },
  { method: 'GET', path: '/broadcasts/:id', handler: limited(get), description: 'Retrieve a broadcast' },
  { method: 'PATCH', path: '/broadcasts/:id', handler: limited(update), description: 'Update a draft broadcast' },
  { method: 'DELETE', path: '/broadcasts/:id', handler: limited(remove), description: 'Delete a draft or scheduled broadcast' },
  { method: 'POST', path: '/broadcasts/:id/send', handler: limited(send), description: 'Send or schedule a broadcast' },
  { method: 'POST', path: '/broadcasts/:id/cancel', handler: limited(cancel), description: 'Cancel a scheduled broadcast' },
];
