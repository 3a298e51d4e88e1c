/** `/emails`: send, batch, get, list, reschedule (PATCH), cancel. */
import type { RouteDefinition, VendorReply } from '../../core/definition.js';
import type { RouteContext, SessionContext } from '../../core/context.js';
import { ReplyError } from '../../core/context.js';
import type { AttachmentMeta, DomainRow, EmailRow, Tag } from '../types.js';
import { fail, invalidField, missingField, notFound } from '../errors.js';
import { parseAddress, testOutcome } from '../addresses.js';
import { addressList, isObject, objectBody, optString, reqString, ADDRESS_FORMAT, type Body } from '../validation.js';
import { parseSchedule, pgTimestamp } from '../timestamps.js';
import { checkQuota, limited } from '../limits.js';
import { settingsOf } from '../settings.js';
import { newUuid } from '../ids.js';
import { emitEmailEvent } from '../events.js';
import { cancelEmailTimers, dispatchEmail, scheduleSend, setLastEvent } from '../delivery.js';
import { page, paginate, readPageParams } from '../pagination.js';

const MAX_ATTACHMENT_BYTES = 40 * 1024 * 1024;
const MAX_SCHEDULE_MS = 30 * 86_400_000;
const TAG = /^[A-Za-z0-9_-]{1,256}$/;
const RESERVED = new Set(['example.com', 'example.org', 'example.net', 'test.com']);

/** A validated send request, ready to store. */
export interface EmailSpec {
  from: string;
  fromDomain: string;
  to: string[];
  cc: string[] | null;
  bcc: string[] | null;
  reply_to: string[] | null;
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string> | null;
  tags: Tag[];
  attachments: AttachmentMeta[];
  scheduledAt: number | null;
  topic_id: string | null;
}

function readTags(body: Body): Tag[] {
  const v = body.tags;
  if (v === undefined || v === null) return [];
  const message = 'Invalid `tags` field. Tag names and values can only contain ASCII letters, numbers, underscores, or dashes, and can be at most 256 characters long.';
  if (!Array.isArray(v)) invalidField(message);
  return (v as unknown[]).map((t) => {
    if (!isObject(t) || typeof t.name !== 'string' || typeof t.value !== 'string' || !TAG.test(t.name) || !TAG.test(t.value)) invalidField(message);
    return { name: (t as Tag).name, value: (t as Tag).value };
  });
}

function readHeaders(body: Body): Record<string, string> | null {
  const v = body.headers;
  if (v === undefined || v === null) return null;
  if (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string')) invalidField('Invalid `headers` field. Expected an object of string values.');
  return v as Record<string, string>;
}

function readAttachments(body: Body): AttachmentMeta[] {
  const v = body.attachments;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) invalidField('Invalid `attachments` field. Expected an array.');
  let total = 0;
  const out = (v as unknown[]).map((a) => {
    if (!isObject(a)) fail(422, 'invalid_attachment', 'Attachment must have either a `content` or `path`.');
    const att = a as Body;
    const hasContent = typeof att.content === 'string' && att.content !== '';
    const hasPath = typeof att.path === 'string' && att.path !== '';
    if (!hasContent && !hasPath) fail(422, 'invalid_attachment', 'Attachment must have either a `content` or `path`.');
    if (att.filename !== undefined && att.filename !== null && typeof att.filename !== 'string') fail(422, 'invalid_attachment', 'Attachment `filename` must be a string.');
    const size = hasContent ? Buffer.byteLength(att.content as string, 'base64') : null;
    total += size ?? 0;
    return {
      filename: (att.filename as string | undefined) ?? null,
      content_type: typeof att.content_type === 'string' ? att.content_type : null,
      content_id: typeof att.content_id === 'string' ? att.content_id : null,
      size,
      path: hasPath ? (att.path as string) : null,
    };
  });
  if (total > MAX_ATTACHMENT_BYTES) invalidField('The attachments exceed the maximum size of 40MB.');
  return out;
}

/** Validate one send request (fields only; the sender check comes after). */
export function validateEmail(ctx: SessionContext, raw: unknown, { batch = false } = {}): EmailSpec {
  const body = objectBody(raw);
  const from = reqString(body, 'from');
  const parsedFrom = parseAddress(from);
  if (!parsedFrom) invalidField(`Invalid \`from\` field. ${ADDRESS_FORMAT}`);
  const to = addressList(body, 'to', { required: true })!;
  const subject = reqString(body, 'subject');
  const cc = addressList(body, 'cc');
  const bcc = addressList(body, 'bcc');
  const reply_to = addressList(body, 'reply_to');
  const html = optString(body, 'html') ?? null;
  const text = optString(body, 'text') ?? null;
  const template = body.template;
  if (template !== undefined && template !== null && (!isObject(template) || typeof template.id !== 'string')) invalidField('Invalid `template` field. Expected `{ id, variables? }`.');
  if (html === null && text === null && (template === undefined || template === null)) missingField('html` or `text');
  const headers = readHeaders(body);
  const tags = readTags(body);
  if (batch && body.attachments !== undefined && body.attachments !== null) invalidField('Attachments are not supported in batch emails.');
  const attachments = readAttachments(body);
  let scheduledAt: number | null = null;
  const sched = optString(body, 'scheduled_at');
  if (sched) {
    if (batch) invalidField('The `scheduled_at` field is not supported in batch emails.');
    const at = parseSchedule(sched, ctx.now());
    if (!Number.isFinite(at)) {
      invalidField('Invalid `scheduled_at` field. The date should be in ISO 8601 format (e.g: 2024-08-05T11:52:01.858Z) or in natural language (e.g: in 1 min).');
    }
    if (at - ctx.now() > MAX_SCHEDULE_MS) invalidField('Invalid `scheduled_at` field. Emails can be scheduled up to 30 days in advance.');
    scheduledAt = at > ctx.now() ? at : null;
  }
  const topic = optString(body, 'topic_id') ?? null;
  return { from, fromDomain: parsedFrom!.domain, to, cc, bcc, reply_to, subject, html, text, headers, tags, attachments, scheduledAt, topic_id: topic };
}

/** Resend refuses senders from domains that are not verified, and limits the test domain. */
export function checkSender(ctx: SessionContext, spec: Pick<EmailSpec, 'fromDomain' | 'to' | 'cc' | 'bcc'>): void {
  const settings = settingsOf(ctx);
  const recipients = [...spec.to, ...(spec.cc ?? []), ...(spec.bcc ?? [])];
  if (settings.rejectReservedRecipients) {
    for (const r of recipients) {
      const p = parseAddress(r);
      if (p && RESERVED.has(p.domain)) invalidField(`Invalid \`to\` field. The domain \`${p.domain}\` is reserved and cannot receive emails; use the test addresses at resend.dev instead.`);
    }
  }
  if (spec.fromDomain === 'resend.dev') {
    const owner = settings.accountEmail.toLowerCase();
    const ok = recipients.every((r) => {
      const p = parseAddress(r);
      return p !== undefined && (testOutcome(r) !== undefined || p.email.toLowerCase() === owner);
    });
    if (!ok) {
      fail(
        403,
        'validation_error',
        `You can only send testing emails to your own email address (${settings.accountEmail}). To send emails to other recipients, please verify a domain at resend.com/domains, and change the \`from\` address to an email using this domain.`,
      );
    }
    return;
  }
  const domain = ctx.db.find<DomainRow>('domains', { name: spec.fromDomain });
  if (!domain || domain.status !== 'verified' || domain.capabilities?.sending === 'disabled') {
    fail(403, 'validation_error', `The ${spec.fromDomain} domain is not verified. Please, add and verify your domain on https://resend.com/domains`);
  }
}

/** Store a validated email and start its lifecycle. */
export function createEmail(ctx: SessionContext, spec: EmailSpec, extra: Partial<EmailRow> = {}): EmailRow {
  const id = newUuid(ctx);
  const row: EmailRow = {
    object: 'email',
    id,
    from: spec.from,
    to: spec.to,
    cc: spec.cc,
    bcc: spec.bcc,
    reply_to: spec.reply_to,
    subject: spec.subject,
    html: spec.html,
    text: spec.text,
    created_at: pgTimestamp(ctx.now()),
    scheduled_at: spec.scheduledAt !== null ? pgTimestamp(spec.scheduledAt) : null,
    last_event: spec.scheduledAt !== null ? 'scheduled' : 'queued',
    message_id: `<${id}@${spec.fromDomain}>`,
    tags: spec.tags,
    headers: spec.headers,
    attachments: spec.attachments,
    topic_id: spec.topic_id,
    broadcast_id: null,
    ...extra,
  };
  const stored = ctx.db.insert('emails', row) as EmailRow;
  if (spec.scheduledAt !== null) {
    emitEmailEvent(ctx, 'email.scheduled', stored);
    scheduleSend(ctx, stored, spec.scheduledAt);
    return stored;
  }
  return dispatchEmail(ctx, stored);
}

export function serializeEmail(e: EmailRow): Record<string, unknown> {
  return {
    object: 'email',
    id: e.id,
    to: e.to,
    from: e.from,
    created_at: e.created_at,
    subject: e.subject,
    html: e.html,
    text: e.text,
    bcc: e.bcc,
    cc: e.cc,
    reply_to: e.reply_to,
    last_event: e.last_event,
    scheduled_at: e.scheduled_at,
    message_id: e.message_id,
    tags: e.tags,
    topic_id: e.topic_id ?? null,
  };
}

function listItem(e: EmailRow): Record<string, unknown> {
  const { object: _o, html: _h, text: _t, tags: _g, ...rest } = serializeEmail(e);
  return rest;
}

function loadEmail(ctx: SessionContext, id: string): EmailRow {
  const e = ctx.db.get<EmailRow>('emails', id);
  if (!e) notFound('Email');
  return e!;
}

function send(ctx: RouteContext): VendorReply {
  const spec = validateEmail(ctx, ctx.req.body);
  checkSender(ctx, spec);
  checkQuota(ctx, 1);
  const email = createEmail(ctx, spec);
  return ctx.reply(200, { id: email.id });
}

function batch(ctx: RouteContext): VendorReply {
  const mode = (ctx.req.header('x-batch-validation') ?? 'strict').toLowerCase();
  if (mode !== 'strict' && mode !== 'permissive') invalidField('Invalid `x-batch-validation` header. Expected `strict` or `permissive`.');
  const body = ctx.req.body;
  if (!Array.isArray(body)) invalidField('The request body must be an array of emails.');
  const items = body as unknown[];
  if (items.length === 0) invalidField('The request body must contain at least one email.');
  if (items.length > 100) invalidField('Too many emails in the batch. The maximum is 100.');
  const specs: Array<EmailSpec | undefined> = [];
  const errors: Array<{ index: number; message: string }> = [];
  items.forEach((item, index) => {
    try {
      const spec = validateEmail(ctx, item, { batch: true });
      checkSender(ctx, spec);
      specs.push(spec);
    } catch (err) {
      if (!(err instanceof ReplyError)) throw err;
      if (mode === 'strict') throw err;
      errors.push({ index, message: String((err.reply.body as { message?: string }).message ?? 'Invalid email') });
      specs.push(undefined);
    }
  });
  const valid = specs.filter((s): s is EmailSpec => s !== undefined);
  if (valid.length > 0) checkQuota(ctx, valid.length);
  const data = valid.map((spec) => ({ id: createEmail(ctx, spec).id }));
  return ctx.reply(200, mode === 'permissive' ? { data, errors } : { data });
}

function get(ctx: RouteContext): VendorReply {
  return ctx.reply(200, serializeEmail(loadEmail(ctx, ctx.req.params.id)));
}

function list(ctx: RouteContext): VendorReply {
  const params = readPageParams(ctx.req.query);
  const { rows, hasMore } = paginate<EmailRow>(ctx.db, 'emails', params);
  return ctx.reply(200, page(rows.map(listItem), hasMore));
}

function update(ctx: RouteContext): VendorReply {
  const body = objectBody(ctx.req.body);
  const email = loadEmail(ctx, ctx.req.params.id);
  const sched = reqString(body, 'scheduled_at');
  const at = parseSchedule(sched, ctx.now());
  if (!Number.isFinite(at)) {
    invalidField('Invalid `scheduled_at` field. The date should be in ISO 8601 format (e.g: 2024-08-05T11:52:01.858Z) or in natural language (e.g: in 1 min).');
  }
  if (at - ctx.now() > MAX_SCHEDULE_MS) invalidField('Invalid `scheduled_at` field. Emails can be scheduled up to 30 days in advance.');
  if (email.last_event !== 'scheduled') invalidField(`Email with id \`${email.id}\` cannot be updated because it is not scheduled.`);
  const row = ctx.db.update<EmailRow>('emails', email.id, { scheduled_at: pgTimestamp(Math.max(at, ctx.now())) })!;
  scheduleSend(ctx, row, at);
  return ctx.reply(200, { object: 'email', id: email.id });
}

function cancel(ctx: RouteContext): VendorReply {
  const email = loadEmail(ctx, ctx.req.params.id);
  if (email.last_event !== 'scheduled') invalidField(`Email with id \`${email.id}\` cannot be canceled because it is not scheduled.`);
  cancelEmailTimers(ctx, email.id);
  setLastEvent(ctx, email, 'canceled');
  return ctx.reply(200, { object: 'email', id: email.id });
}

export const emailRoutes: RouteDefinition[] = [
  { method: 'POST', path: '/emails', handler: limited(send), idempotent: true, description: 'Send an email' },
  { method: 'POST', path: '/emails/batch', handler: limited(batch), idempotent: true, description: 'Send up to 100 emails' },
  { method: 'GET', path: '/emails', handler: limited(list), description: 'List emails' },
  { method: 'GET', path: '/emails/:id', handler: limited(get), description: 'Retrieve an email' },
  { method: 'PATCH', path: '/emails/:id', handler: limited(update), description: 'Reschedule an email' },
  { method: 'POST', path: '/emails/:id/cancel', handler: limited(cancel), description: 'Cancel a scheduled email' },
];
