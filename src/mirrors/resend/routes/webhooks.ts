/**
 * `/webhooks`: endpoints registered here are the engine's per-session endpoints, so the
 * dispatcher signs (Svix) and delivers to them on Svix's retry schedule. Each endpoint has
 * its own `signing_secret`, as in Resend.
 */
import type { RouteDefinition, VendorReply } from '../../core/definition.js';
import type { RouteContext, SessionContext, WebhookEndpoint } from '../../core/context.js';
import { invalidField, missingField, notFound } from '../errors.js';
import { objectBody, optString } from '../validation.js';
import { pgTimestamp } from '../timestamps.js';
import { limited } from '../limits.js';
import { newUuid } from '../ids.js';
import { EVENT_TYPES } from '../events.js';
import { page, readPageParams } from '../pagination.js';

function readEndpoint(v: unknown): string {
  if (typeof v !== 'string') invalidField('Invalid `endpoint` field. Expected a URL string.');
  let url: URL;
  try {
    url = new URL(v as string);
  } catch {
    return invalidField('Invalid `endpoint` field. It must be a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') invalidField('Invalid `endpoint` field. It must be an http(s) URL.');
  return v as string;
}

function readEvents(v: unknown): string[] {
  if (!Array.isArray(v) || v.some((e) => typeof e !== 'string')) invalidField('Invalid `events` field. Expected an array of event types.');
  const events = v as string[];
  if (events.length === 0) missingField('events');
  for (const e of events) if (!EVENT_TYPES.includes(e)) invalidField(`Invalid \`events\` field. \`${e}\` is not a valid event type.`);
  return [...new Set(events)];
}

const createdAt = (e: WebhookEndpoint): string => (typeof e.data.created_at === 'string' ? e.data.created_at : pgTimestamp(e.createdAt));
const eventsOf = (e: WebhookEndpoint): string[] | null => (e.events.includes('*') ? null : e.events);

function load(ctx: SessionContext, id: string): WebhookEndpoint {
  const e = ctx.webhooks.get(id);
  if (!e) notFound('Webhook');
  return e!;
}

function create(ctx: RouteContext): VendorReply {
  const body = objectBody(ctx.req.body);
  if (body.endpoint === undefined || body.endpoint === null || body.endpoint === '') missingField('endpoint');
  const url = readEndpoint(body.endpoint);
  if (body.events === undefined || body.events === null) missingField('events');
  const events = readEvents(body.events);
  const secret = `whsec_${ctx.ids.next('', 32)}`;
  const endpoint = ctx.webhooks.register({ id: newUuid(ctx), url, events, secret, data: { created_at: pgTimestamp(ctx.now()) } });
  return ctx.reply(201, { object: 'webhook', id: endpoint.id, signing_secret: endpoint.secret });
}

function get(ctx: RouteContext): VendorReply {
  const e = load(ctx, ctx.req.params.id);
  return ctx.reply(200, {
    object: 'webhook',
    id: e.id,
    created_at: createdAt(e),
    status: e.enabled ? 'enabled' : 'disabled',
    endpoint: e.url,
    events: eventsOf(e),
    signing_secret: e.secret,
  });
}

function list(ctx: RouteContext): VendorReply {
  const params = readPageParams(ctx.req.query);
  const all = ctx.webhooks.list().reverse();
  let start = 0;
  let end = all.length;
  if (params.after !== undefined) start = all.findIndex((e) => e.id === params.after) + 1;
  if (params.before !== undefined) {
    const i = all.findIndex((e) => e.id === params.before);
    end = i === -1 ? all.length : i;
    start = Math.max(0, end - params.limit);
  }
  const slice = all.slice(start, end);
  const rows = slice.slice(0, params.limit);
  const hasMore = params.before !== undefined ? start > 0 : slice.length > params.limit;
  return ctx.reply(200, page(rows.map((e) => ({ id: e.id, endpoint: e.url, created_at: createdAt(e), status: e.enabled ? 'enabled' : 'disabled', events: eventsOf(e) })), hasMore));
}

function update(ctx: RouteContext): VendorReply {
  const body = objectBody(ctx.req.body);
  const e = load(ctx, ctx.req.params.id);
  const patch: { url?: string; events?: string[]; enabled?: boolean } = {};
  if (body.endpoint !== undefined) patch.url = readEndpoint(body.endpoint);
  if (body.events !== undefined) patch.events = readEvents(body.events);
  const status = optString(body, 'status');
  if (status !== undefined && status !== null) {
    if (status !== 'enabled' && status !== 'disabled') invalidField('Invalid `status` field. Expected `enabled` or `disabled`.');
    patch.enabled = status === 'enabled';
  }
  ctx.webhooks.update(e.id, patch);
  return ctx.reply(200, { object: 'webhook', id: e.id });
}

function remove(ctx: RouteContext): VendorReply {
  const e = load(ctx, ctx.req.params.id);
  ctx.webhooks.remove(e.id);
  return ctx.reply(200, { object: 'webhook', id: e.id, deleted: true });
}

export const webhookRoutes: RouteDefinition[] = [
  { method: 'POST', path: '/webhooks', handler: limited(create), description: 'Create a webhook endpoint' },
  { method: 'GET', path: '/webhooks', handler: limited(list), description: 'List webhook endpoints' },
  { method: 'GET', path: '/webhooks/:id', handler: limited(get), description: 'Retrieve a webhook endpoint' },
  { method: 'PATCH', path: '/webhooks/:id', handler: limited(update), description: 'Update a webhook endpoint' },
  { method: 'DELETE', path: '/webhooks/:id', handler: limited(remove), description: 'Delete a webhook endpoint' },
];
