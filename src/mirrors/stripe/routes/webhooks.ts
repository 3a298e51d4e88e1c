/** /v1/webhook_endpoints (each with its own `whsec_…` secret, shown on create only) and /v1/events. */
import type { RouteDefinition } from '../../core/definition.js';
import type { SessionContext, WebhookEndpoint } from '../../core/context.js';
import { invalid, noSuch } from '../errors.js';
import { API_VERSION } from '../events.js';
import { expand, listReply } from '../list.js';
import { KINDS, type Obj } from '../objects.js';
import { LIST_PARAMS, mergeMetadata, params } from '../params.js';
import { load } from '../resources.js';
import { route } from '../request.js';

const EVENT_NAME = /^(\*|[a-z0-9_]+(\.[a-z0-9_]+)+)$/;

export function endpointObject(e: WebhookEndpoint, withSecret = false): Obj {
  const d = e.data ?? {};
  const out: Obj = {
    id: e.id,
    object: 'webhook_endpoint',
    api_version: d.api_version ?? null,
    application: null,
    created: d.created ?? Math.floor(e.createdAt / 1000),
    description: d.description ?? null,
    enabled_events: e.events,
    livemode: false,
    metadata: d.metadata ?? {},
    status: e.enabled ? 'enabled' : 'disabled',
    url: e.url,
  };
  if (withSecret) out.secret = e.secret;
  return out;
}

function checkUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return invalid(`Invalid URL: ${url}. URLs must begin with http:// or https://.`, 'url', 'url_invalid');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') invalid(`Invalid URL: ${url}. URLs must begin with http:// or https://.`, 'url', 'url_invalid');
}

function checkEvents(events: string[]): void {
  if (events.length === 0) invalid('Missing required param: enabled_events.', 'enabled_events', 'parameter_missing');
  events.forEach((e, i) => {
    if (!EVENT_NAME.test(e)) invalid(`Invalid enabled_events[${i}]: must be a Stripe event type such as customer.created, or *`, `enabled_events[${i}]`);
  });
}

function getEndpoint(ctx: SessionContext, id: string): WebhookEndpoint {
  const e = ctx.webhooks.get(id);
  if (!e) noSuch('webhook_endpoint', id, 'webhook_endpoint');
  return e!;
}

export const webhookRoutes: RouteDefinition[] = [
  route('POST', '/v1/webhook_endpoints', (ctx) => {
    const p = params(ctx, { url: 'string', enabled_events: 'strings', description: 'string', metadata: 'metadata', api_version: 'string', connect: 'bool' }, ['url', 'enabled_events']);
    checkUrl(p.url);
    checkEvents(p.enabled_events);
    if (ctx.webhooks.list().length >= 16) invalid('You have reached the maximum of 16 test webhook endpoints.', 'url');
    const endpoint = ctx.webhooks.register({
      id: ctx.ids.next('we_', 24),
      url: p.url,
      events: p.enabled_events,
      secret: ctx.ids.next('whsec_', 32),
      data: { description: p.description ?? null, metadata: mergeMetadata({}, p.metadata), api_version: p.api_version ?? null, created: ctx.nowUnix() },
    });
    return expand(ctx, endpointObject(endpoint, true), p.expand);
  }),
  route('GET', '/v1/webhook_endpoints', (ctx) => {
    const p = params(ctx, LIST_PARAMS);
    const limit = p.limit ?? 10;
    if (limit < 1 || limit > 100) invalid(limit < 1 ? 'This value must be greater than or equal to 1.' : 'This value must be less than or equal to 100.', 'limit', 'parameter_invalid_integer');
    let rows = ctx.webhooks.list().map((e) => endpointObject(e)).reverse();
    if (p.starting_after) {
      const i = rows.findIndex((r) => r.id === p.starting_after);
      if (i === -1) noSuch('webhook_endpoint', p.starting_after, 'starting_after');
      rows = rows.slice(i + 1);
    } else if (p.ending_before) {
      const i = rows.findIndex((r) => r.id === p.ending_before);
      if (i === -1) noSuch('webhook_endpoint', p.ending_before, 'ending_before');
      rows = rows.slice(Math.max(0, i - limit), i);
      return { object: 'list', data: rows, has_more: i - limit > 0, url: '/v1/webhook_endpoints' };
    }
    return { object: 'list', data: rows.slice(0, limit), has_more: rows.length > limit, url: '/v1/webhook_endpoints' };
  }),
  route('GET', '/v1/webhook_endpoints/:id', (ctx) => {
    const p = params(ctx, {});
    return expand(ctx, endpointObject(getEndpoint(ctx, ctx.req.params.id)), p.expand);
  }),
  route('POST', '/v1/webhook_endpoints/:id', (ctx) => {
    const p = params(ctx, { url: 'string', enabled_events: 'strings', description: 'string', metadata: 'metadata', disabled: 'bool' });
    const e = getEndpoint(ctx, ctx.req.params.id);
    if (p.url) checkUrl(p.url);
    if (p.enabled_events) checkEvents(p.enabled_events);
    const updated = ctx.webhooks.update(e.id, {
      ...(p.url ? { url: p.url } : {}),
      ...(p.enabled_events ? { events: p.enabled_events } : {}),
      ...(p.disabled !== undefined && p.disabled !== null ? { enabled: !p.disabled } : {}),
      data: { ...e.data, ...('description' in p ? { description: p.description } : {}), metadata: mergeMetadata(e.data?.metadata as Obj, p.metadata) },
    })!;
    return expand(ctx, endpointObject(updated), p.expand);
  }),
  route('DELETE', '/v1/webhook_endpoints/:id', (ctx) => {
    params(ctx, {});
    const e = getEndpoint(ctx, ctx.req.params.id);
    ctx.webhooks.remove(e.id);
    return { id: e.id, object: 'webhook_endpoint', deleted: true };
  }),
  route('GET', '/v1/events', (ctx) => {
    const p = params(ctx, { ...LIST_PARAMS, type: 'string', types: 'strings', delivery_success: 'bool' });
    const matchType = (t: string): boolean => {
      if (p.type) {
        const re = new RegExp('^' + String(p.type).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$');
        if (!re.test(t)) return false;
      }
      return !p.types || p.types.includes(t);
    };
    return listReply(ctx, KINDS.event, p, '/v1/events', { filter: (r) => matchType(r.type) });
  }),
  route('GET', '/v1/events/:id', (ctx) => {
    const p = params(ctx, {});
    return expand(ctx, load(ctx, KINDS.event, ctx.req.params.id), p.expand);
  }),
];

export { API_VERSION };
